"""Measures beyond the loss: confusion matrix, precision/recall/F1 per class, RMSE and R².

Pure numpy, no Panel: the CLI's JSON, the page's metrics panel and the tests all read
these. Classes are always in ascending label order: −1 then +1 for two classes, 0…K−1
for several. A confusion matrix's rows are the true classes, its columns the predicted ones.
"""
from __future__ import annotations

import numpy as np


def class_labels(kind: str, n_classes: int) -> np.ndarray:
    """The labels of the classes, ascending: [−1, +1] for two classes, 0…K−1 for several."""
    return np.array([-1.0, 1.0]) if kind == "binary" else np.arange(n_classes, dtype=float)


def predicted_labels(out: np.ndarray, output: str) -> np.ndarray:
    """The class each output row says, as a label: argmax for softmax, else the sign (±1).

    The threshold is the one the accuracy uses (trainer): 0 for tanh, 0.5 for a sigmoid's p.
    """
    if output == "softmax":
        return out.argmax(axis=1).astype(float)
    threshold = 0.5 if output == "sigmoid" else 0.0
    return np.where(out[:, 0] >= threshold, 1.0, -1.0)


def confusion_cells(true: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Each point's cell of the confusion matrix, row-major: K·(its class's index) + (its prediction's index)."""
    return np.searchsorted(classes, true) * len(classes) + np.searchsorted(classes, predicted)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """(K, K) int counts: [i, j] = points of class classes[i] predicted as classes[j]."""
    k = len(classes)
    return np.bincount(confusion_cells(true, predicted, classes), minlength=k * k).reshape(k, k)


def class_scores(confusion: np.ndarray) -> dict[str, list[float | None]]:
    """Precision, recall and F1 of each class; None where a class was never predicted / never present."""
    # Plain Python numbers: the same divisions as numpy's, without a numpy scalar per cell.
    hits = np.diag(confusion).tolist()
    predicted, present = confusion.sum(axis=0).tolist(), confusion.sum(axis=1).tolist()

    def ratio(num, den):
        return [n / d if d else None for n, d in zip(num, den)]

    precision, recall = ratio(hits, predicted), ratio(hits, present)
    f1 = [None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
          for p, r in zip(precision, recall)]
    return {"precision": precision, "recall": recall, "f1": f1}


def rmse(out: np.ndarray, y: np.ndarray) -> float:
    """Root of the mean squared error (not the playground's ½ factor); NaN for no points."""
    if not np.size(y):
        return float("nan")
    return float(np.sqrt(np.mean((np.ravel(out) - np.ravel(y)) ** 2)))


def r_squared(out: np.ndarray, y: np.ndarray) -> float:
    """1 − SS_res / SS_tot; NaN when the values do not vary."""
    y = np.ravel(y)
    if not len(y):
        return float("nan")
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((np.ravel(out) - y) ** 2)) / total if total else float("nan")


def run_metrics(network, kind: str, n_classes: int, train, test, x_train: np.ndarray,
                x_test: np.ndarray) -> dict:
    """The measures of `network` on a run's train and test split (`Dataset`s and their feature matrices).

    Classification: train_confusion, test_confusion (nested lists), {train,test}_{precision,recall,f1}
    and "classes"; regression: test_rmse and test_r2 (and the train ones).
    """
    with np.errstate(all="ignore"):
        out = network.predict(np.vstack([x_train, x_test]))
    return output_metrics(out, kind, n_classes, train, test, network.output)


def output_metrics(out: np.ndarray, kind: str, n_classes: int, train, test, output: str) -> dict:
    """`run_metrics` from the network's outputs on the training points followed by the test points.

    Train and test go through the network in one pass (as the trainer's loss does): a frame at a stop
    that needs the hidden layers as well (diagnosis) makes that pass once for both.
    """
    n = len(train)
    out_train, out_test = out[:n], out[n:]
    if kind == "regression":
        return {"train_rmse": rmse(out_train, train.labels), "test_rmse": rmse(out_test, test.labels),
                "train_r2": r_squared(out_train, train.labels), "test_r2": r_squared(out_test, test.labels)}
    classes = class_labels(kind, n_classes)
    # Both splits' matrices from one count: the test points' cells come after the training points'.
    k = len(classes)
    cells = confusion_cells(np.concatenate([train.labels, test.labels]), predicted_labels(out, output), classes)
    cells[n:] += k * k
    train_cm, test_cm = np.bincount(cells, minlength=2 * k * k).reshape(2, k, k)
    result = {"classes": [int(c) for c in classes], "train_confusion": train_cm.tolist(),
              "test_confusion": test_cm.tolist()}
    for split, cm in (("train", train_cm), ("test", test_cm)):
        result.update({f"{split}_{name}": values for name, values in class_scores(cm).items()})
    return result


def trainer_metrics(trainer) -> dict:
    """`run_metrics` for a trainer's current network and data."""
    t = trainer
    with np.errstate(all="ignore"):
        out = t.network.predict(t._x_eval)
    return output_metrics(out, t.train.kind, t.train.n_classes, t.train, t.test, t.network.output)
