"""Measures beyond the loss, checked against plain loops and against Keras's own predictions."""
import json

import numpy as np
import pytest

from playground.cli import main
from playground.dense import metrics
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer


def plain_confusion(true, predicted, classes):
    """Counted one point at a time: rows true, columns predicted."""
    k = len(classes)
    cm = [[0] * k for _ in range(k)]
    for t, p in zip(true, predicted):
        cm[list(classes).index(t)][list(classes).index(p)] += 1
    return cm


def test_confusion_matrix_counts_each_pair_with_classes_ascending():
    true = np.array([1, -1, -1, 1, 1, -1, 1.0])
    pred = np.array([1, 1, -1, -1, 1, -1, 1.0])
    cm = metrics.confusion_matrix(true, pred, np.array([-1.0, 1.0]))
    assert cm.tolist() == [[2, 1], [1, 3]]   # row −1: 2 right, 1 called +1; row +1: 1 called −1, 3 right


def test_precision_recall_f1_from_their_definitions():
    cm = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 0]])
    scores = metrics.class_scores(cm)
    assert scores["precision"][:2] == pytest.approx([5 / 7, 3 / 4])
    assert scores["recall"][:2] == pytest.approx([5 / 6, 3 / 6])
    assert scores["f1"][0] == pytest.approx(2 * (5 / 7) * (5 / 6) / (5 / 7 + 5 / 6))
    # Class 2 is never present: its recall (and F1) is undefined, not 0; it was predicted once, wrongly.
    assert scores["recall"][2] is None and scores["f1"][2] is None and scores["precision"][2] == 0.0


def test_rmse_and_r2_against_their_formulas():
    rng = np.random.default_rng(1)
    y = rng.normal(size=50)
    out = y + rng.normal(0, 0.3, 50)
    assert metrics.rmse(out[:, None], y) == pytest.approx(np.sqrt(np.mean((out - y) ** 2)))
    assert metrics.r_squared(out, y) == pytest.approx(1 - np.sum((out - y) ** 2) / np.sum((y - y.mean()) ** 2))
    assert metrics.r_squared(y, y) == 1.0


KERAS_CASES = {
    "tanh": dict(dataset="xor", hidden=[3]),
    "sigmoid": dict(dataset="spiral", loss="cross_entropy", activation="relu", hidden=[6, 4]),
    "softmax": dict(dataset="blobs", n_classes=4, hidden=[5], noise=30),
}


@pytest.mark.parametrize("case", KERAS_CASES)
def test_confusion_equals_one_from_keras_predictions_of_the_exported_model(case, tmp_path):
    keras = pytest.importorskip("keras")
    from playground.dense import keras_io

    t = Trainer(DenseSettings(**KERAS_CASES[case]))
    t.step(15)
    ours = metrics.trainer_metrics(t)
    keras_io.export_keras(t, tmp_path / "net.keras")
    model = keras.saving.load_model(tmp_path / "net.keras", safe_mode=True)
    for part, data, x in (("train", t.train, t._x_train), ("test", t.test, t._x_test)):
        out = np.asarray(model.predict(x.astype(np.float32), verbose=0))
        if out.shape[1] > 1:
            pred, classes = out.argmax(axis=1), list(range(out.shape[1]))
        else:   # Keras's own thresholds: a sigmoid's p at 0.5, a tanh at 0
            pred = np.where(out[:, 0] >= (0.5 if case == "sigmoid" else 0.0), 1, -1)
            classes = [-1, 1]
        expected = plain_confusion(data.labels.astype(int).tolist(), pred.tolist(), classes)
        assert ours[f"{part}_confusion"] == expected
        assert sum(map(sum, expected)) == len(data)
    assert 0 < sum(np.diag(ours["test_confusion"])) < len(t.test)   # neither all right nor all wrong: a real check


def test_cli_json_has_the_classification_keys(capsys):
    assert main(["train", "--dataset", "blobs", "--n-classes", "3", "--epochs", "20", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    cm = np.array(summary["test_confusion"])
    assert cm.shape == (3, 3) and np.array(summary["train_confusion"]).shape == (3, 3)
    # The accuracy the run reports is the confusion matrix's diagonal share.
    assert np.trace(cm) / cm.sum() == pytest.approx(summary["test_accuracy"])
    assert len(summary["test_precision"]) == len(summary["test_recall"]) == len(summary["test_f1"]) == 3
    assert "test_rmse" not in summary


def test_cli_json_has_rmse_and_r2_for_regression(capsys):
    assert main(["train", "--dataset", "reg-plane", "--epochs", "20", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # ½·RMSE² is the playground's test loss (its loss is ½(out − y)²).
    assert 0.5 * summary["test_rmse"] ** 2 == pytest.approx(summary["test_loss"], rel=1e-9)
    assert 0.9 < summary["test_r2"] <= 1.0 and "test_confusion" not in summary
