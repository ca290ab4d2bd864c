"""`playground cnn explain | train` as a user runs them (real subprocesses, real files)."""
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.explain import explain  # noqa: E402
from playground.cnn.loading import load_default_model, load_model  # noqa: E402
from playground.datasets.images import load_mnist_5k  # noqa: E402


def _playground(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "playground.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def _one_error_line(proc):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("playground: error: ")
    return lines[0]


def test_explain_json_on_a_held_out_digit(tmp_path):
    data, model = load_mnist_5k(), load_default_model()
    # A held-out digit the model gets right (found with the in-process explainer).
    index = next(i for i in range(len(data.y_test))
                 if explain(model, data.x_test[i]).predicted == data.y_test[i] and data.y_test[i] == 7)
    png = tmp_path / "seven.png"
    Image.fromarray(np.round(data.x_test[index, :, :, 0] * 255).astype(np.uint8), "L").save(png)

    proc = _playground("cnn", "explain", png, "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["predicted"] == 7 and summary["predicted_name"] == "7"
    assert summary["class_names"] == [str(d) for d in range(10)]
    assert sum(summary["probabilities"]) == pytest.approx(1.0, abs=1e-4)
    assert max(summary["probabilities"]) == summary["probabilities"][7]
    shapes = {layer["name"]: tuple(layer["shape"]) for layer in summary["layers"]}
    assert shapes["input"] == (28, 28, 1)
    for layer in model.layers:  # every Keras layer, with Keras's shape
        assert shapes[layer.name] == tuple(layer.output.shape[1:])
    assert summary["layers"][-1] == {"name": "output_softmax", "kind": "softmax", "shape": [10]}


def test_explain_bad_inputs_exit_2_with_one_line(tmp_path):
    line = _one_error_line(_playground("cnn", "explain", tmp_path / "nope.png"))
    assert "no image file" in line
    text = tmp_path / "notes.png"
    text.write_text("these are my notes, not a picture")
    assert "not an image" in _one_error_line(_playground("cnn", "explain", text))


def test_explain_with_an_unsupported_model_exits_2_with_one_line(tmp_path):
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3),
                              keras.layers.LayerNormalization(), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.save(tmp_path / "layernorm.keras")
    png = tmp_path / "digit.png"
    Image.fromarray(np.round(load_mnist_5k().x_test[0, :, :, 0] * 255).astype(np.uint8), "L").save(png)
    line = _one_error_line(_playground("cnn", "explain", png, "--model", tmp_path / "layernorm.keras"))
    assert "LayerNormalization" in line and "cannot show" in line


def test_train_writes_a_model_that_loads(tmp_path):
    out = tmp_path / "quick.keras"
    proc = _playground("cnn", "train", "--epochs", 1, "--limit", 300, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "device: CPU" in proc.stdout or "device: GPU: " in proc.stdout
    assert "epoch   1  loss" in proc.stdout and "held-out accuracy: " in proc.stdout
    assert "300 training, 1000 held-out" in proc.stdout
    model = load_model(out)
    assert model.count_params() == 4440 and model.get_layer("output").output.shape[-1] == 10


def test_train_bad_options_exit_2_with_one_line():
    assert "choose one of" in _one_error_line(_playground("cnn", "train", "--dataset", "imagenet"))
    assert "--epochs 0" in _one_error_line(_playground("cnn", "train", "--epochs", 0))
    _one_error_line(_playground("cnn", "train", "--epochs", "many"))  # argparse's own check


def test_importing_the_cnn_modules_does_not_import_tensorflow():
    code = ("import sys, playground.cli, playground.cnn.cli, playground.cnn.explain, playground.cnn.loading, "
            "playground.cnn.train, playground.cnn.model, playground.datasets.images, "
            "playground.datasets.image_input; playground.cli.build_parser(); "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
