"""`playground cnn train --json` as a user runs it: the device, the per-epoch history, the confusion matrix."""
import json

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from test_cnn_cli import _playground  # noqa: E402  (the CLI as a user runs it: a real subprocess)

from playground.cnn.loading import load_model  # noqa: E402
from playground.datasets.images import load_mnist_5k  # noqa: E402


def test_train_json_reports_history_and_a_confusion_matrix_keras_agrees_with(tmp_path):
    out = tmp_path / "small.keras"
    proc = _playground("cnn", "train", "--epochs", 2, "--limit", 200, "--optimizer", "momentum",
                       "--json", "--out", out)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert "200 training, 1000 held-out" in proc.stdout and lines[0].startswith("device: ")   # today's text too
    summary = json.loads(lines[-1])
    assert summary["device"] == "CPU" or summary["device"].startswith("GPU: ")
    assert lines[0] == f"device: {summary['device']}"
    assert summary["n_train"] == 200 and summary["optimizer"] == "momentum"
    history = summary["history"]
    assert [e["epoch"] for e in history] == [1, 2]
    for epoch in history:
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert isinstance(epoch[key], float) and np.isfinite(epoch[key])
        assert 0 <= epoch["accuracy"] <= 1 and 0 <= epoch["val_accuracy"] <= 1

    # The saved model is the model after the last epoch: Keras's own predictions give the same matrix.
    data = load_mnist_5k()
    confusion = np.array(summary["val_confusion"])
    assert confusion.shape == (10, 10) and confusion.sum() == len(data.y_test)
    np.testing.assert_array_equal(confusion.sum(axis=1), np.bincount(data.y_test, minlength=10))  # rows: true
    model = load_model(out)
    predicted = model.predict(data.x_test, verbose=0).argmax(axis=1)
    expected = np.zeros((10, 10), np.int64)
    np.add.at(expected, (data.y_test, predicted), 1)
    np.testing.assert_array_equal(confusion, expected)
    assert history[-1]["val_accuracy"] == pytest.approx(np.mean(predicted == data.y_test))
    assert summary["held_out_accuracy"] == history[-1]["val_accuracy"]
    model.compile(loss="sparse_categorical_crossentropy")
    assert history[-1]["val_loss"] == pytest.approx(model.evaluate(data.x_test, data.y_test, verbose=0), rel=1e-4)


def test_train_rejects_an_unknown_optimizer_with_one_line():
    proc = _playground("cnn", "train", "--optimizer", "lbfgs")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr and "lbfgs" in proc.stderr
