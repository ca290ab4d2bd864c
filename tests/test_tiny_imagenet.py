"""The built-in `tiny-imagenet` model: CNN Explainer's TinyVGG converted from its TensorFlow.js export.

References independent of the converter and of Keras: the export's bytes read
here with numpy alone, and a plain numpy TinyVGG (loops over the kernel
offsets) run on those raw weights.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.catalogue import BUILT_IN, built_in_samples, load_built_in, read_class_names  # noqa: E402
from playground.cnn.explain import explain  # noqa: E402
from playground.cnn.kinds import kind_of  # noqa: E402
from playground.datasets.tiny_imagenet_samples import CLASS_NAMES, load_tiny_imagenet_samples  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "scripts" / "cnn_explainer_tfjs"
LAYERS_WITH_WEIGHTS = ("conv_1_1", "conv_1_2", "conv_2_1", "conv_2_2", "output")


def raw_weights() -> dict[str, np.ndarray]:
    """The export's weights straight from its bytes: float32 little-endian, manifest order."""
    manifest = json.loads((EXPORT / "model.json").read_text())["weightsManifest"][0]
    flat = np.fromfile(EXPORT / manifest["paths"][0], dtype="<f4")
    out, at = {}, 0
    for spec in manifest["weights"]:
        n = int(np.prod(spec["shape"]))
        out[spec["name"]] = flat[at:at + n].reshape(spec["shape"])
        at += n
    assert at == flat.size == 19_920
    return out


def numpy_tiny_vgg(image: np.ndarray, w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """TinyVGG in plain numpy: 'valid' 3×3 convs, ReLU, 2×2 max-pool, flatten, dense, softmax."""
    def conv(x, name):
        k, b = w[f"{name}/kernel"].astype(np.float64), w[f"{name}/bias"].astype(np.float64)
        kh, kw = k.shape[:2]
        oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
        out = np.zeros((oh, ow, k.shape[3])) + b
        for i in range(kh):
            for j in range(kw):
                out += x[i:i + oh, j:j + ow, :] @ k[i, j]
        return out

    def pool(x):
        h, wd, c = x.shape
        return x[:h // 2 * 2, :wd // 2 * 2].reshape(h // 2, 2, wd // 2, 2, c).max(axis=(1, 3))

    relu = lambda x: np.maximum(x, 0)  # noqa: E731
    outs = {"conv_1_1": conv(image.astype(np.float64), "conv_1_1")}
    outs["relu_1_1"] = relu(outs["conv_1_1"])
    outs["relu_1_2"] = relu(conv(outs["relu_1_1"], "conv_1_2"))
    outs["max_pool_1"] = pool(outs["relu_1_2"])
    outs["relu_2_1"] = relu(conv(outs["max_pool_1"], "conv_2_1"))
    outs["conv_2_2"] = conv(outs["relu_2_1"], "conv_2_2")
    outs["max_pool_2"] = pool(relu(outs["conv_2_2"]))
    logits = outs["max_pool_2"].reshape(-1) @ w["output/kernel"] + w["output/bias"]
    e = np.exp(logits - logits.max())
    outs["output"] = e / e.sum()
    return outs


def test_the_converted_weights_are_the_exports_bytes():
    model, raw = load_built_in("tiny-imagenet"), raw_weights()
    assert model.count_params() == 19_920
    assert tuple(model.inputs[0].shape[1:]) == (64, 64, 3) and model.outputs[0].shape[-1] == 10
    for name in LAYERS_WITH_WEIGHTS:
        kernel, bias = model.get_layer(name).get_weights()
        np.testing.assert_array_equal(kernel, raw[f"{name}/kernel"])
        np.testing.assert_array_equal(bias, raw[f"{name}/bias"])


def test_layer_outputs_equal_a_numpy_tiny_vgg_on_the_raw_weights():
    model, raw = load_built_in("tiny-imagenet"), raw_weights()
    samples = load_tiny_imagenet_samples()
    names = ("conv_1_1", "relu_1_1", "max_pool_1", "conv_2_2", "max_pool_2", "output")
    probe = keras.Model(model.inputs[0], [model.get_layer(n).output for n in names])
    for index in (0, 7, 15):
        image = np.asarray(samples.images[index])
        reference = numpy_tiny_vgg(image, raw)
        for name, got in zip(names, probe(image[None])):
            np.testing.assert_allclose(np.asarray(got)[0], reference[name], atol=1e-4, rtol=1e-4,
                                       err_msg=f"{samples.files[index]}: {name}")


def test_most_samples_are_classified_as_their_file_name_says():
    samples = load_tiny_imagenet_samples()
    assert len(samples.files) == 20 and samples.images.shape == (20, 64, 64, 3)
    assert samples.class_names == CLASS_NAMES and set(samples.labels) == set(range(10))
    probabilities = load_built_in("tiny-imagenet").predict(np.asarray(samples.images), verbose=0)
    right = probabilities.argmax(axis=1) == samples.labels
    # 14 of the 20 at conversion time (CNN Explainer's TinyVGG is a small model, about 70 % on these).
    assert right.sum() >= 14, [f for f, ok in zip(samples.files, right) if not ok]


def test_the_file_carries_its_class_names_and_the_page_samples_fit_it():
    path = BUILT_IN["tiny-imagenet"].path
    assert read_class_names(path) == list(CLASS_NAMES)
    images, names = built_in_samples("tiny-imagenet")
    assert names == list(CLASS_NAMES)       # one sample per class, in class order
    assert all(img.shape == (64, 64, 3) for img in images)
    result = explain(load_built_in("tiny-imagenet"), images[7], names)
    assert result.predicted_name == "red panda"
    assert [t.name for t in result.traces][:2] == ["input", "conv_1_1"]


def test_the_default_model_is_unchanged():
    model = load_built_in("mnist")
    assert model is load_built_in(BUILT_IN["mnist"].key)
    assert tuple(model.inputs[0].shape[1:]) == (28, 28, 1) and model.count_params() == 4440
    images, names = built_in_samples("mnist")
    assert names == [str(d) for d in range(10)] and images[0].shape == (28, 28, 1)


def test_cli_explains_a_photo_with_the_tiny_imagenet_model():
    photo = ROOT / "datasets" / "tiny_imagenet" / "panda_1.jpeg"
    proc = subprocess.run([sys.executable, "-m", "playground.cli", "cnn", "explain", str(photo),
                           "--model", "tiny-imagenet", "--json"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    image = np.asarray(load_tiny_imagenet_samples().images[list(load_tiny_imagenet_samples().files).index("panda_1.jpeg")])
    expected = numpy_tiny_vgg(image, raw_weights())["output"]
    assert summary["predicted"] == 7 and summary["predicted_name"] == "red panda"
    assert summary["class_names"] == list(CLASS_NAMES)
    np.testing.assert_allclose(summary["probabilities"], expected, atol=2e-6)


def test_the_converter_reproduces_the_shipped_file(tmp_path):
    out = tmp_path / "again.keras"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "convert_tinyvgg.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    again = keras.saving.load_model(out, safe_mode=True)
    for a, b in zip(again.get_weights(), load_built_in("tiny-imagenet").get_weights()):
        np.testing.assert_array_equal(a, b)
    assert read_class_names(out) == list(CLASS_NAMES)


def test_the_overview_draws_an_rgb_input_as_three_coloured_maps():
    from playground.components.cnn.colors import CHANNEL_PALETTES, INPUT_PALETTE, unit_limits
    from playground.components.cnn.overview import Overview
    from playground.theme import CHANNEL_COLOURS

    overview = Overview(lambda *args: None)
    for key, grey in (("tiny-imagenet", 0), ("mnist", 1)):
        images, names = built_in_samples(key)
        e = explain(load_built_in(key), images[0], names)
        outputs, facts = [t.output for t in e.traces], [kind_of(t).facts for t in e.traces]
        overview.show([t.name for t in e.traces], facts, outputs, unit_limits(outputs, facts, "module"),
                      e.probabilities, e.class_names)
        drawn = [len(s.data["image"]) for s in overview.channel_images]
        assert drawn == ([0, 0, 0] if grey else [1, 1, 1])
        assert len(overview.input_images.data["image"]) == grey
        if not grey:   # channel c's map is the image's channel c, each with its own colour scale
            for c, source in enumerate(overview.channel_images):
                np.testing.assert_allclose(source.data["image"][0][::-1], images[0][:, :, c], atol=1e-6)
            labels = [u for u in overview.units.data["label"] if u.startswith("<b>input</b>")]
            assert [label.split(" · ")[1].split("<")[0] for label in labels] == ["R", "G", "B"]
    mappers = [r.glyph.color_mapper for r in overview.figure.renderers
               if getattr(r.glyph, "color_mapper", None) is not None]
    palettes = [list(m.palette) for m in mappers]
    for colour, palette in zip(CHANNEL_COLOURS, CHANNEL_PALETTES):
        assert palette[-1] == colour.lower() and list(palette) in palettes
    assert list(INPUT_PALETTE) in palettes


@pytest.mark.browser
def test_the_page_switches_to_the_tiny_imagenet_model_and_explains_its_photos(page, app_url):
    from playground.components.cnn.input import sample_pitch, sample_position

    model, (images, names) = load_built_in("tiny-imagenet"), built_in_samples("tiny-imagenet")
    page.goto(app_url + "?page=cnn")
    page.locator(".cnn-overview").first.wait_for(timeout=90_000)
    page.locator(".cnn-model-choice select").select_option(label="TinyVGG · Tiny ImageNet photos (64×64, RGB)")
    first = np.asarray(model(images[0][None]))[0]
    page.locator(".cnn-prediction", has_text=f"Prediction: {names[int(first.argmax())]} "
                 f"({100 * first.max():.1f} %)").wait_for(timeout=30_000)
    assert page.locator(".cnn-model-info", has_text="Input 64×64×3, 10 classes").count() == 1

    # A click on the red panda's thumbnail: Keras's own prediction for it appears.
    page.wait_for_timeout(600)
    box = page.locator(".cnn-samples").first.bounding_box()
    x, y = sample_position(7, pitch=sample_pitch(names))
    page.mouse.click(box["x"] + x, box["y"] + y)
    panda = np.asarray(model(images[7][None]))[0]
    page.locator(".cnn-prediction", has_text=f"Prediction: {names[int(panda.argmax())]} "
                 f"({100 * panda.max():.1f} %)").wait_for(timeout=15_000)
    assert names[int(panda.argmax())] == "red panda"
    assert page.errors == []
