"""Every CNN layer kind against Keras, on models shaped like the course's CIFAR-10 CNNs.

The models (32×32×3 input, several conv blocks, BatchNormalization with L2
regularisers, Dropout, a hidden Dense layer) get random weights and non-trivial
BatchNormalization moving statistics, are saved as real .keras and .h5 files and
loaded through the app's loader. For each kind, three things are checked for every
trace of it: the trace's output is Keras's own layer output (run layer by layer,
eagerly, independently of the explainer's one-call function); the kind's numpy
`forward` recomputes that output from the trace's input; and the numbers its
formula prints are those outputs.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.explain import explain  # noqa: E402
from playground.cnn.kinds import KINDS, OUTPUT, Selection, kind_of  # noqa: E402
from playground.cnn.loading import load_model  # noqa: E402
from playground.cnn.model import build_cifar_like  # noqa: E402
from playground.components.cnn.formula import fmt  # noqa: E402

L = keras.layers
TOL = 1e-4


def cifar_blocks():
    """Conv blocks with BatchNormalization, 'same' padding, strides, Dropout; a hidden Dense; softmax."""
    return build_cifar_like(name="cifar_blocks")


def cifar_global():
    """'valid' strided convs, Activation layers, AveragePooling2D 'valid', global average pooling, linear head."""
    return keras.Sequential([
        keras.Input((32, 32, 3)),
        L.Conv2D(6, 5, strides=2, activation="relu", name="conv_a"),
        L.Activation("linear", name="lin_a"),
        L.Conv2D(10, 3, use_bias=False, name="conv_b"),
        L.Activation("relu", name="act_b"),
        L.AveragePooling2D(2, name="avg_b"),
        L.BatchNormalization(center=False, name="bn_b"),
        L.GlobalAveragePooling2D(name="gap"),
        L.Dense(16, name="hidden_linear"),
        L.Dropout(0.3, name="drop"),
        L.Dense(10, name="logits"),
    ], name="cifar_global")


def _randomise(model, seed):
    """Random weights, and BatchNormalization statistics far from their 0/1 defaults."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            c = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.normal(0.3, 0.5, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.2, 3.0, c).astype("float32"))
            if layer.scale:
                layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            if layer.center:
                layer.beta.assign(rng.normal(0, 0.3, c).astype("float32"))
        elif layer.weights:
            layer.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in layer.get_weights()])
    return model


@pytest.fixture(scope="module", params=["keras", "h5"])
def loaded(request, tmp_path_factory):
    """The two CIFAR-like models, saved in one format and loaded back through the app's loader."""
    folder = tmp_path_factory.mktemp(f"kinds-{request.param}")
    models = []
    for seed, build in enumerate((cifar_blocks, cifar_global)):
        path = folder / f"{build.__name__}.{request.param}"
        _randomise(build(), seed).save(path)
        models.append(load_model(path))
    return models


@pytest.fixture(scope="module")
def cases(loaded):
    """(model, explanation, Keras's own layer outputs) for three random images per model."""
    rng = np.random.default_rng(7)
    out = []
    for model in loaded:
        for _ in range(3):
            image = rng.uniform(0, 1, (32, 32, 3)).astype("float32")
            x, reference = image[None], {}
            for layer in model.layers:
                x = layer(x, training=False)
                reference[layer.name] = np.asarray(x)[0]
            out.append((model, explain(model, image), reference))
    return out


def _traces(cases, name):
    found = [(model, e, ref, t) for model, e, ref in cases for t in e.traces if t.kind == name]
    assert found, f"the test models have no {name} trace"
    return found


def _pre_activation_reference(model, layer_name, trace):
    """Keras's output of a layer with a fused activation, the activation switched off."""
    layer = model.get_layer(layer_name)
    twin = type(layer).from_config({**layer.get_config(), "activation": "linear"})
    twin.build((None,) + trace.input.shape)
    twin.set_weights(layer.get_weights())
    return np.asarray(twin(trace.input[None]))[0]


def _keras_output(model, reference, trace):
    """Keras's own value of the trace: the layer's output, or its pre-activation for a fused one."""
    if trace.name in reference:
        layer = model.get_layer(trace.name)
        if "activation" in layer.get_config() and layer.get_config()["activation"] not in ("linear", None) \
                and not isinstance(layer, L.Activation):
            return _pre_activation_reference(model, trace.name, trace)
        return reference[trace.name]
    base = trace.name.rsplit("_", 1)[0]      # "<layer>_relu", "<layer>_softmax": the layer's own output
    return reference[base]


def _check_kind(cases, name):
    """The three checks of the module docstring, for every trace of kind `name`; returns the traces."""
    found = _traces(cases, name)
    kind = KINDS[name]
    for model, e, ref, t in found:
        expected = _keras_output(model, ref, t)
        np.testing.assert_allclose(t.output, expected, atol=TOL, rtol=TOL, err_msg=t.name)
        np.testing.assert_allclose(kind.forward(t), expected, atol=TOL, rtol=TOL, err_msg=t.name)
    return found


def _formula(e, trace, neuron=0, row=0, col=0, in_channel=0):
    index = e.traces.index(trace)
    sel = Selection(trace, index, e, neuron, row, col, in_channel)
    kind = kind_of(trace)
    return kind.show_cell(_NullViews(), sel), sel


class _NullView:
    def move(self, *args, **kwargs):
        self.moved = args

    def show(self, *args, **kwargs):
        self.shown = args


class _NullViews:
    """Stand-ins for the detail views: the formulas are what these tests read (the page test draws them)."""

    def __init__(self):
        self.conv, self.pair, self.flatten = _NullView(), _NullView(), _NullView()


def _output_number(html: str) -> str:
    return re.search(r'cnn-formula-output[^>]*>([^<]+)<', html).group(1)


def test_every_kind_has_a_test_here():
    tested = {name[len("test_"):].split("_matches")[0] for name in globals() if name.endswith("_matches_keras")}
    assert set(KINDS) == tested


def test_input_matches_keras(cases):
    for _model, e, _ref in cases:
        assert e.traces[0].kind == "input"
        np.testing.assert_array_equal(KINDS["input"].forward(e.traces[0]), e.image)


def test_conv_matches_keras(cases):
    found = _check_kind(cases, "conv")
    assert {t.padding for *_, t in found} == {"same", "valid"} and {t.strides for *_, t in found} >= {(1, 1), (2, 2)}
    for _m, e, _r, t in found:
        oh, ow, c_out = t.output.shape
        for row, col in ((0, 0), (oh - 1, ow - 1), (oh // 2, 1)):
            html, _ = _formula(e, t, neuron=c_out - 1, row=row, col=col)
            assert _output_number(html) == fmt(t.output[row, col, c_out - 1])


def test_relu_matches_keras(cases):
    found = _check_kind(cases, "relu")
    assert any(t.name.endswith("_relu") for *_, t in found)   # a Conv2D's and a Dense's built-in activation
    for _m, e, _r, t in found:
        html, _ = _formula(e, t, neuron=1, row=1, col=1)
        value = t.output[1, 1, 1] if t.output.ndim == 3 else t.output[1]
        assert _output_number(html) == fmt(value)


def test_linear_matches_keras(cases):
    for _m, e, _r, t in _check_kind(cases, "linear"):
        html, _ = _formula(e, t, neuron=2, row=3, col=4)
        assert _output_number(html) == fmt(t.output[3, 4, 2])


def test_dropout_matches_keras(cases):
    found = _check_kind(cases, "dropout")
    assert {t.output.ndim for *_, t in found} == {1, 3}   # on maps and after the hidden Dense layer
    for _m, e, _r, t in found:
        np.testing.assert_array_equal(t.output, t.input)     # identity at inference
        html, _ = _formula(e, t, neuron=1, row=0, col=0)
        assert "Dropout passes every value unchanged" in html and f"{100 * t.extra['rate']:.0f}%" in html   # the language's own percent (25% in English)


def test_batchnorm_matches_keras(cases):
    found = _check_kind(cases, "batchnorm")
    for model, e, _r, t in found:
        layer = model.get_layer(t.name)
        # The formula's μ, σ², γ, β, ε are the layer's own moving statistics and weights.
        np.testing.assert_array_equal(t.extra["mean"], layer.moving_mean.numpy())
        np.testing.assert_array_equal(t.extra["variance"], layer.moving_variance.numpy())
        assert t.extra["epsilon"] == layer.epsilon
        assert not np.allclose(t.extra["mean"], 0) and not np.allclose(t.extra["variance"], 1)
        k = t.output.shape[-1] - 1
        html, _ = _formula(e, t, neuron=k, row=1, col=2)
        value = t.output[1, 2, k] if t.output.ndim == 3 else t.output[k]
        assert _output_number(html) == fmt(value)
        mean = re.search(r'cnn-formula-mean">([^<]+)<', html).group(1)
        assert mean == fmt(t.extra["mean"][k])


def test_pool_matches_keras(cases):
    for _m, e, _r, t in _check_kind(cases, "pool"):
        html, _ = _formula(e, t, neuron=3, row=2, col=2)
        assert _output_number(html) == fmt(t.output[2, 2, 3])


def test_avgpool_matches_keras(cases):
    found = _check_kind(cases, "avgpool")
    assert {t.padding for *_, t in found} == {"same", "valid"}
    for _m, e, _r, t in found:
        oh, ow, c = t.output.shape
        for row, col in ((0, 0), (oh - 1, ow - 1)):
            html, _ = _formula(e, t, neuron=c - 1, row=row, col=col)
            total = float(re.search(r'cnn-formula-sum">([^<]+)<', html).group(1).replace("\u2212", "-"))
            count = int(re.search(r'cnn-formula-count">(\d+)<', html).group(1))
            assert abs(total / count - t.output[row, col, c - 1]) < 2e-3   # printed to 3 decimals
            assert _output_number(html) == fmt(t.output[row, col, c - 1])


def test_global_average_matches_keras(cases):
    for _m, e, _r, t in _check_kind(cases, "global_average"):
        html, sel = _formula(e, t, neuron=5)
        assert _output_number(html) == fmt(t.output[5])
        assert int(re.search(r'cnn-formula-count">(\d+)<', html).group(1)) == t.input.shape[0] * t.input.shape[1]


def test_flatten_matches_keras(cases):
    for _m, e, _r, t in _check_kind(cases, "flatten"):
        h, w, c = t.input.shape
        html, _ = _formula(e, t, row=h - 1, col=1, in_channel=c - 1)
        index = int(re.search(r'cnn-formula-index">(\d+)<', html).group(1))
        assert t.output[index] == t.input[h - 1, 1, c - 1]


def test_dense_matches_keras(cases):
    found = _check_kind(cases, "dense")
    assert any(t.output.shape[0] != 10 for *_, t in found)   # hidden layers too, not only the output
    for _m, e, _r, t in found:
        html, _ = _formula(e, t, neuron=3)
        assert _output_number(html) == fmt(t.output[3])


def test_softmax_matches_keras(cases):
    for _m, e, ref, t in _check_kind(cases, "softmax"):
        np.testing.assert_allclose(e.probabilities, t.output, atol=TOL)
    for model, e, ref in cases:   # the output column: the model's logits, softmaxed for a linear head too
        np.testing.assert_allclose(e.logits, _keras_output(model, ref, next(
            t for t in reversed(e.traces) if t.kind == "dense")), atol=TOL, rtol=TOL)
        html = OUTPUT.show_cell(_NullViews(), Selection(e.traces[-1], len(e.traces) - 1, e, 0))
        probabilities = [float(p) for p in re.findall(r'cnn-softmax-prob">([0-9.]+)<', html)]
        np.testing.assert_allclose(probabilities, e.probabilities, atol=1e-4)


def test_keras_and_h5_files_give_the_same_numbers(tmp_path):
    model = _randomise(cifar_blocks(), 3)
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.h5")
    image = np.random.default_rng(1).uniform(0, 1, (32, 32, 3)).astype("float32")
    a, b = (explain(load_model(tmp_path / name), image) for name in ("m.keras", "m.h5"))
    for ta, tb in zip(a.traces, b.traces, strict=True):
        assert (ta.name, ta.kind) == (tb.name, tb.kind)
        np.testing.assert_array_equal(ta.output, tb.output)
