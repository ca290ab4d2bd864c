"""What a lesson's rule can ask of a run beyond its test loss (`lesson_rules.Has`), taken from a trainer.

Each measure is the number the page shows for it: the dead ReLU neurons the diagram marks
(`diagnosis.dead_neurons`), the test recall of the class that `class_keep` thins (the metrics
panel's row for it), the test accuracy of the loss chart, and how far the training loss lies
above the test loss (both curves of the chart). Only the measures a rule names are taken.
"""
from __future__ import annotations

import math

import numpy as np

from playground.dense.data_source import imbalanced_class
from playground.dense.diagnosis import dead_neurons
from playground.dense.metrics import trainer_metrics


def _dead_neurons(trainer) -> float:
    return float(sum(int(d.sum()) for d in dead_neurons(trainer.network, trainer._x_train)))


def _minority_recall(trainer) -> float:
    t = trainer
    if t.train.kind == "regression":
        return math.nan
    metrics = trainer_metrics(t)
    index = metrics["classes"].index(int(imbalanced_class(t.train.kind, t.train.n_classes)))
    recall = metrics["test_recall"][index]
    return math.nan if recall is None else recall


def _last(trainer, key: str) -> float:
    values = trainer.history.get(key) or [math.nan]
    return float(values[-1])


def _loss_gap(trainer) -> float:
    return _last(trainer, "train_loss") - _last(trainer, "test_loss")


MEASURES = {
    "dead_neurons": _dead_neurons,
    "minority_recall": _minority_recall,
    "test_accuracy": lambda trainer: _last(trainer, "test_accuracy"),
    "loss_gap": _loss_gap,
}


def lesson_measures(trainer, names) -> dict[str, float]:
    """The measures `names` of `trainer`'s current network (NaN where one cannot be taken, as when diverged)."""
    if trainer.diverged:
        return {name: math.nan for name in names}
    with np.errstate(all="ignore"):
        return {name: MEASURES[name](trainer) for name in sorted(names)}
