"""Class names travel inside the .keras file; a model without them is never given MNIST's digits."""
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image

from playground.cnn.catalogue import (CLASS_NAMES_ENTRY, fallback_class_names, parse_class_names,
                                      read_class_names, write_class_names)

keras = pytest.importorskip("keras")


def _tiny_model(path, n_classes=3):
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                              keras.layers.Dense(n_classes, activation="softmax")], name="tiny_vgg_mnist")
    model.save(path)
    return path


@pytest.mark.keras
def test_names_written_into_the_archive_read_back_and_keras_still_loads_it(tmp_path):
    path = _tiny_model(tmp_path / "m.keras")
    assert read_class_names(path) is None
    write_class_names(path, ["cat", "dog", "хвіст"])
    assert read_class_names(path) == ["cat", "dog", "хвіст"]
    assert read_class_names(path.read_bytes()) == ["cat", "dog", "хвіст"]     # an upload's bytes
    write_class_names(path, ["a", "b", "c"])                                   # replaced, not doubled
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist().count(CLASS_NAMES_ENTRY) == 1
    assert read_class_names(path) == ["a", "b", "c"]
    model = keras.saving.load_model(path, safe_mode=True)
    assert model.outputs[0].shape[-1] == 3


@pytest.mark.parametrize("payload", [b"not json", b'{"class_names": "cat"}', b'{"class_names": []}',
                                     b'{"class_names": [1, 2]}', b"[1]", b"\xff\xfe",
                                     json.dumps({"class_names": ["x" * 70_000]}).encode()])
def test_a_damaged_or_odd_entry_counts_as_no_names(tmp_path, payload):
    path = tmp_path / "odd.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr(CLASS_NAMES_ENTRY, payload)
    assert read_class_names(path) is None


def test_non_archives_have_no_names(tmp_path):
    assert read_class_names(b"") is None
    assert read_class_names(b"PK\x03\x04 truncated") is None
    assert read_class_names(tmp_path / "missing.keras") is None


def test_long_or_multi_line_names_are_shortened_to_one_line(tmp_path):
    path = tmp_path / "n.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(CLASS_NAMES_ENTRY, json.dumps({"class_names": ["a\nb", "y" * 100]}))
    short, long = read_class_names(path)
    assert short == "a b" and len(long) == 40 and long.endswith("…")


def test_typed_names_and_the_fallback():
    assert parse_class_names(" cat, dog ,bird", 3) == ["cat", "dog", "bird"]
    with pytest.raises(ValueError, match="3 classes, and 2 names"):
        parse_class_names("cat, dog", 3)
    with pytest.raises(ValueError, match="empty"):
        parse_class_names("cat,,bird", 3)
    assert fallback_class_names(3) == ["class 0", "class 1", "class 2"]


@pytest.mark.keras
def test_a_trained_model_carries_its_data_sets_names(tmp_path):
    from playground.cnn.train import train_tiny_vgg

    out = tmp_path / "digits.keras"
    train_tiny_vgg("mnist-5k", epochs=1, limit=64, out=out)
    assert read_class_names(out) == [str(d) for d in range(10)]


@pytest.mark.keras
def test_cli_labels_a_model_without_names_class_0_and_never_with_digits(tmp_path):
    # Ten outputs and named like a model trained on MNIST: the old guess would have said "0"…"9".
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")], name="tiny_vgg_mnist")
    model.save(tmp_path / "foreign.keras")
    png = tmp_path / "x.png"
    Image.fromarray(np.zeros((28, 28), np.uint8), "L").save(png)

    def names(path):
        proc = subprocess.run([sys.executable, "-m", "playground.cli", "cnn", "explain", str(png), "--model",
                               str(path), "--json"], capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout.strip().splitlines()[-1])

    summary = names(tmp_path / "foreign.keras")
    assert summary["class_names"] == [f"class {i}" for i in range(10)]
    assert summary["predicted_name"] == f"class {summary['predicted']}"
    write_class_names(tmp_path / "foreign.keras", list("ABCDEFGHIJ"))
    assert names(tmp_path / "foreign.keras")["class_names"] == list("ABCDEFGHIJ")


@pytest.mark.browser
@pytest.mark.keras
def test_an_upload_without_names_says_class_0_and_takes_typed_names(page, app_url, tmp_path):
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "three.keras")
    page.goto(app_url + "?page=cnn")
    page.locator(".cnn-overview").first.wait_for(timeout=90_000)
    page.get_by_text("Your image & model", exact=True).click()
    page.locator(".cnn-model-upload-input input[type=file]").set_input_files(
        files=[{"name": "three.keras", "mimeType": "application/octet-stream",
                "buffer": (tmp_path / "three.keras").read_bytes()}])
    page.locator(".cnn-model-upload-message", has_text="stores no class names").wait_for(timeout=30_000)
    assert page.locator(".cnn-prediction", has_text="Prediction: class ").count() == 1

    names = page.locator(".cnn-class-names input")
    names.fill("cat, dog")                      # one name short: refused, nothing changes
    page.locator(".cnn-class-names-apply button").click()
    page.locator(".cnn-model-upload-message", has_text="3 classes, and 2 names").wait_for(timeout=10_000)
    names.fill("cat, dog, <i>owl</i>")
    page.locator(".cnn-class-names-apply button").click()
    page.locator(".cnn-model-upload-message", has_text="now named: cat, dog, <i>owl</i>").wait_for(timeout=10_000)
    image = np.asarray(load_mnist_first_zero())
    expected = ["cat", "dog", "<i>owl</i>"][int(np.argmax(model(image[None])))]
    page.locator(".cnn-prediction", has_text=f"Prediction: {expected} (").wait_for(state="attached", timeout=10_000)
    assert page.errors == []


def load_mnist_first_zero():
    """The sample the page shows first for a 28×28×1 model: the first held-out 0."""
    from playground.datasets.images import load_mnist_5k

    data = load_mnist_5k()
    return data.x_test[np.flatnonzero(data.y_test == 0)[0]]


@pytest.mark.keras
def test_the_page_uses_an_uploads_stored_names_and_can_go_back_to_the_built_in_models(tmp_path):
    from playground.cnn.page import CnnPage

    page = CnnPage()
    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "rgb.keras")
    write_class_names(tmp_path / "rgb.keras", ["plane", "ship", "frog"])
    page.uploads.model_upload.input.filename = "rgb.keras"
    page.uploads.model_upload.input.value = (tmp_path / "rgb.keras").read_bytes()
    assert "with its class names" in page.uploads.model_upload.message.object
    assert page._explanation.class_names == ["plane", "ship", "frog"]
    # Its samples are the shipped photos resized to 32×32×3, and the description says so.
    assert page._explanation.image.shape == (32, 32, 3)
    assert "Tiny ImageNet photos, resized to 32×32×3" in page.uploads.model_info.object
    expected = np.asarray(model(page._explanation.image[None]))[0]
    np.testing.assert_allclose(page._explanation.probabilities, expected, atol=1e-6)

    page._model_choice.value = "tiny-imagenet"
    assert page._explanation.class_names[0] == "lifeboat" and not page.uploads.names_input.visible
    page._model_choice.value = "mnist"
    assert page._explanation.class_names == [str(d) for d in range(10)]
    page._model_choice.value = "upload"
    assert page._explanation.class_names == ["plane", "ship", "frog"] and page.uploads.names_input.visible
