"""The step-through maths equals Keras's own layer outputs (max abs difference ≤ 1e-4).

Two models: the shipped default (TinyVGG on MNIST) and a differently shaped one
uploaded as .keras bytes (5×5 'same' kernels with a fused ReLU, 16 filters, 3
channels, a 3×3 pool, a strided 'same' conv, a 'same' pool, a hidden Dense).
The Keras reference runs each layer eagerly on the previous Keras output, so it
does not share the explainer's code path; pre-activation outputs of fused layers
come from Keras's own conv / matmul ops.
"""
import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.explain import explain  # noqa: E402
from playground.cnn.kinds.conv import conv_forward, conv_intermediate, conv_window  # noqa: E402
from playground.cnn.kinds.dense import dense_forward  # noqa: E402
from playground.cnn.kinds.flatten import flatten_index, unflatten_index  # noqa: E402
from playground.cnn.kinds.pool import max_pool_forward, pool_window  # noqa: E402
from playground.cnn.kinds.relu import relu  # noqa: E402
from playground.cnn.kinds.softmax import softmax_terms  # noqa: E402
from playground.cnn.windows import input_window, output_size, padding_before  # noqa: E402
from playground.cnn.loading import load_default_model, load_model  # noqa: E402
from playground.datasets.images import load_mnist_5k  # noqa: E402

TOL = 1e-4


def _odd_model(path):
    """A model unlike TinyVGG, saved to `path`: what a user might upload."""
    keras.utils.set_random_seed(7)
    layers = keras.layers
    bias = keras.initializers.RandomNormal(stddev=0.3)  # non-zero biases, so they are tested
    model = keras.Sequential([
        keras.Input((23, 20, 3)),
        layers.Conv2D(16, 5, padding="same", activation="relu", bias_initializer=bias, name="big_conv"),
        layers.MaxPooling2D(3, name="pool3"),
        layers.Conv2D(6, 3, strides=2, padding="same", bias_initializer=bias, name="strided"),
        layers.ReLU(name="strided_relu_layer"),
        layers.Activation("linear", name="identity"),
        layers.MaxPooling2D(2, strides=1, padding="same", name="same_pool"),
        layers.Flatten(name="flat"),
        layers.Dense(12, activation="relu", bias_initializer=bias, name="hidden"),
        layers.Dense(5, activation="softmax", bias_initializer=bias, name="probs"),
    ])
    model.save(path)
    return model


def _keras_reference(model, image):
    """{layer name: Keras output} and {fused layer name: Keras pre-activation}, layer by layer."""
    outputs, pre_activation = {}, {}
    x = keras.ops.convert_to_tensor(image[None])
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            z = keras.ops.conv(x, layer.kernel, strides=layer.strides, padding=layer.padding) + layer.bias
            pre_activation[layer.name] = z.numpy()[0]
        if isinstance(layer, keras.layers.Dense):
            pre_activation[layer.name] = (keras.ops.matmul(x, layer.kernel) + layer.bias).numpy()[0]
        x = layer(x, training=False)
        outputs[layer.name] = x.numpy()[0]
    return outputs, pre_activation


@pytest.fixture(scope="module", params=["default", "uploaded"])
def case(request, tmp_path_factory):
    if request.param == "default":
        model = load_default_model()
        image = load_mnist_5k().x_test[3]
    else:
        path = tmp_path_factory.mktemp("upload") / "odd.keras"
        _odd_model(path)
        model = load_model(path.read_bytes())  # the upload path: bytes, safe mode, checked
        image = np.random.default_rng(3).random((23, 20, 3), dtype=np.float32)
    outputs, pre = _keras_reference(model, image)
    return model, explain(model, image), outputs, pre


def _max_diff(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert a.shape == b.shape
    return float(np.abs(a - b).max())


def test_every_trace_is_the_keras_layer_output(case):
    model, result, outputs, pre = case
    names = [t.name for t in result.traces]
    assert names[0] == "input" and result.traces[0].kind == "input"
    for layer in model.layers:
        fused = getattr(layer, "activation", None) is not None and layer.activation.__name__ in ("relu", "softmax")
        if fused:
            # The layer's own trace is its pre-activation; "<name>_<activation>" is Keras's output.
            assert _max_diff(result.trace(layer.name).output, pre[layer.name]) <= TOL
            after = result.trace(f"{layer.name}_{layer.activation.__name__}")
            assert _max_diff(after.output, outputs[layer.name]) <= TOL
            assert names.index(after.name) == names.index(layer.name) + 1
        else:
            assert _max_diff(result.trace(layer.name).output, outputs[layer.name]) <= TOL
    for previous, trace in zip(result.traces, result.traces[1:]):
        assert trace.input is previous.output


def test_numpy_layers_equal_keras(case):
    model, result, outputs, pre = case
    checked = set()
    for t in result.traces:
        if t.kind == "conv":
            ours = conv_forward(t.input, t.kernel, t.bias, t.strides, t.padding)
            assert _max_diff(ours, pre[t.name]) <= TOL, t.name
        elif t.kind == "relu":
            assert _max_diff(relu(t.input), t.output) <= TOL, t.name
        elif t.kind == "pool":
            assert _max_diff(max_pool_forward(t.input, t.pool_size, t.strides, t.padding), t.output) <= TOL
        elif t.kind == "dense":
            assert _max_diff(dense_forward(t.input, t.kernel, t.bias), pre[t.name]) <= TOL, t.name
        elif t.kind == "linear":
            assert _max_diff(t.input, t.output) == 0.0
        checked.add(t.kind)
    assert {"conv", "relu", "pool", "dense", "flatten", "softmax"} <= checked


def test_intermediate_maps_summed_plus_bias_are_the_conv_output(case):
    _, result, _, pre = case
    for t in (t for t in result.traces if t.kind == "conv"):
        c_in, c_out = t.kernel.shape[2:]
        for out_ch in range(c_out):
            maps = [conv_intermediate(t.input, t.kernel, i, out_ch, t.strides, t.padding) for i in range(c_in)]
            assert _max_diff(np.sum(maps, axis=0) + t.bias[out_ch], pre[t.name][:, :, out_ch]) <= TOL


def test_conv_windows_give_the_keras_output_cell(case):
    _, result, _, pre = case
    rng = np.random.default_rng(0)
    for t in (t for t in result.traces if t.kind == "conv"):
        oh, ow, c_out = pre[t.name].shape
        corners = [(0, 0), (0, ow - 1), (oh - 1, 0), (oh - 1, ow - 1)]  # padded windows with 'same'
        cells = corners + [tuple(rng.integers(0, [oh, ow])) for _ in range(6)]
        for row, col in cells:
            out_ch = int(rng.integers(c_out))
            w = conv_window(t.input, t.kernel, t.bias, out_ch, row, col, t.strides, t.padding)
            kh, kw, c_in = t.kernel.shape[:3]
            assert w.window.shape == w.kernel.shape == w.products.shape == (kh, kw, c_in)
            assert np.array_equal(w.products, w.window * w.kernel)
            assert w.total == pytest.approx(float(w.products.sum()), abs=1e-5)
            assert abs(w.output - pre[t.name][row, col, out_ch]) <= TOL
            assert w.output == w.total + w.bias
            # The in-bounds part of the window is the input rectangle input_window reports.
            r0, c0, h, wd = input_window(t.input.shape[:2], row, col, (kh, kw), t.strides, t.padding)
            inside = t.input[r0:r0 + h, c0:c0 + wd]
            assert np.isclose(np.abs(w.window).sum(), np.abs(inside).sum(), atol=1e-4)


def test_pool_windows_give_the_keras_output_cell(case):
    _, result, _, _ = case
    for t in (t for t in result.traces if t.kind == "pool"):
        oh, ow, channels = t.output.shape
        for row, col, ch in [(0, 0, 0), (oh - 1, ow - 1, channels - 1), (oh // 2, ow // 3, channels // 2)]:
            p = pool_window(t.input, ch, row, col, t.pool_size, t.strides, t.padding)
            assert p.value == pytest.approx(float(t.output[row, col, ch]), abs=TOL)
            assert p.window[p.argmax] == p.value
            r0, c0, h, w = input_window(t.input.shape[:2], row, col, t.pool_size, t.strides, t.padding)
            assert p.value == pytest.approx(float(t.input[r0:r0 + h, c0:c0 + w, ch].max()), abs=TOL)


def test_flatten_index_matches_keras_flatten_and_round_trips(case):
    _, result, _, _ = case
    flat = next(t for t in result.traces if t.kind == "flatten")
    shape = flat.input.shape
    for i in range(flat.output.size):
        row, col, ch = unflatten_index(shape, i)
        assert flatten_index(shape, row, col, ch) == i
        assert flat.output[i] == flat.input[row, col, ch]


def test_softmax_terms_equal_keras_probabilities(case):
    model, result, outputs, pre = case
    out_layer = model.layers[-1].name
    assert _max_diff(result.logits, pre[out_layer]) <= TOL
    terms = softmax_terms(result.logits)
    assert _max_diff(terms.shifted, result.logits - result.logits.max()) <= 1e-6
    assert terms.total == pytest.approx(float(np.exp(terms.shifted).sum()))
    assert _max_diff(terms.probabilities, outputs[out_layer]) <= TOL
    assert _max_diff(result.probabilities, outputs[out_layer]) <= TOL
    assert result.predicted == int(np.argmax(outputs[out_layer]))


def test_stepping_through_computes_every_conv_channel_pair_and_every_pool_channel(case):
    """`playground cnn bench`'s step-through asks each layer's kind for its numbers: a convolution
    one intermediate map per (input, output) channel pair and one window per output channel, a
    max-pooling one window per channel, then the softmax terms."""
    from playground.cnn.cli import step_through

    _model, result, _outputs, _pre = case
    conv = [t for t in result.traces if t.kind == "conv"]
    pools = [t for t in result.traces if t.kind == "pool"]
    assert conv and pools
    expected = sum(t.kernel.shape[3] * (t.kernel.shape[2] + 1) for t in conv)
    expected += sum(t.output.shape[2] for t in pools) + 1
    assert step_through(result) == expected


def test_the_default_model_gets_most_held_out_digits_right():
    model = load_default_model()
    data = load_mnist_5k()
    right = sum(explain(model, data.x_test[i]).predicted == data.y_test[i] for i in range(0, 1000, 25))
    assert right >= 36  # of 40; the model scores ~97 % on the whole held-out split


def test_each_model_keeps_its_own_cached_keras_function(tmp_path):
    _odd_model(tmp_path / "a.keras")
    a = load_model(tmp_path / "a.keras")
    b = load_model(tmp_path / "a.keras")
    image = np.random.default_rng(1).random((23, 20, 3), dtype=np.float32)
    before = explain(a, image).probabilities
    # Change b's weights: a's explanation must not change, b's must.
    b.get_layer("probs").bias.assign(np.arange(5, dtype=np.float32) * 3)
    assert np.array_equal(explain(a, image).probabilities, before)
    assert not np.allclose(explain(b, image).probabilities, before)


def test_explain_rejects_an_image_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"expects an image of shape \(28, 28, 1\)"):
        explain(load_default_model(), np.zeros((32, 32, 3), np.float32))


def test_geometry_helpers():
    assert output_size(28, 3, 1, "valid") == 26 and output_size(5, 7, 1, "valid") == 0
    assert output_size(23, 3, 2, "same") == 12
    # 'same' with an even total padding splits it; TensorFlow puts the odd one after.
    assert padding_before(8, 4, 2, "same") == 1 and padding_before(7, 5, 1, "same") == 2
    assert input_window((10, 10), 0, 0, (5, 5), (1, 1), "same") == (0, 0, 3, 3)
    assert input_window((10, 10), 3, 1, (3, 3), (2, 2), "valid") == (6, 2, 3, 3)
    with pytest.raises(IndexError):
        input_window((10, 10), 8, 0, (3, 3), (1, 1), "valid")
    with pytest.raises(IndexError):
        flatten_index((2, 2, 3), 2, 0, 0)
