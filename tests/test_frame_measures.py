"""A frame at a stop: the metrics and the diagnosis from one forward pass equal the ones computed apart,
the gradient chart's axis stays put while gradients shrink, and an unchanged table is not rebuilt."""
from __future__ import annotations

import numpy as np
import pytest

from playground.components.dense.gradient_chart import GradientChart
from playground.components.dense.metrics_panel import MetricsPanel
from playground.dense.diagnosis import MAX_SLOPE, trainer_measures
from playground.dense.engine import ACTIVATIONS, gradients
from playground.dense.metrics import trainer_metrics
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer


@pytest.mark.parametrize("query", [
    {}, {"activation": "sigmoid", "hidden": "8,8,8,8,8,8"}, {"activation": "relu", "learning_rate": "3", "hidden": "8,8"},
    {"dataset": "reg-plane"}, {"n_classes": "3", "dataset": "blobs"},
])
def test_the_measures_of_a_stop_equal_each_one_computed_apart(query):
    for seed in (0, 1):
        settings, notices = DenseSettings.from_query({**query, "seed": str(seed)})
        assert notices == []
        trainer = Trainer(settings)
        trainer.step(30)
        net, x, y = trainer.network, trainer._x_train, trainer._y_train
        metrics, found = trainer_measures(trainer)
        assert metrics == trainer_metrics(trainer)
        # Plain definitions, each on its own forward pass over the training points.
        outs = net.forward(x)[1:-1]
        dead = [np.all(o <= 0, axis=0) & (net.activation == "relu") for o in outs]
        peak = MAX_SLOPE.get(net.activation)
        saturated = [np.mean(ACTIVATIONS[net.activation].der(None, o) < 0.02 * peak, axis=0) >= 0.95 if peak
                     else np.zeros(o.shape[1], bool) for o in outs]
        assert all(map(np.array_equal, found.dead, dead)) and all(map(np.array_equal, found.saturated, saturated))
        assert found.gradient_size == [float(np.mean(np.abs(g))) for g in gradients(net, x, y)[0]]


def test_a_diverged_run_has_metrics_and_no_diagnosis():
    trainer = Trainer(DenseSettings.from_query({"dataset": "reg-plane", "learning_rate": "10"})[0])
    trainer.step(300)
    assert trainer.diverged
    metrics, found = trainer_measures(trainer)
    assert found is None and set(metrics) == {"train_rmse", "test_rmse", "train_r2", "test_r2"}


def test_shrinking_gradients_move_the_charts_axis_once_a_decade():
    chart = GradientChart()
    moves = []
    chart.figure.y_range.on_change("start", lambda attr, old, new: moves.append(new))
    sizes = [0.1, 0.05]
    for step in range(200):          # shrinking by 2 % a step: 1.8 decades over the run
        sizes = [s * 0.98 for s in sizes]
        chart.show(sizes)
        start = chart.figure.y_range.start
        assert start <= min(sizes) / 10 and chart.source.data["bottom"] == [start] * 2   # bars stand on the axis
        assert chart.source.data["size"] == sizes
    assert 1 <= len(moves) <= 3


def test_the_metrics_table_is_rebuilt_only_when_its_numbers_change():
    panel = MetricsPanel()
    metrics = {"classes": [-1, 1], "train_confusion": [[5, 1], [0, 4]], "test_confusion": [[3, 1], [1, 5]],
               "test_precision": [0.75, 5 / 6], "test_recall": [0.75, 5 / 6], "test_f1": [0.75, 5 / 6],
               "train_precision": [1.0, 0.8], "train_recall": [5 / 6, 1.0], "train_f1": [10 / 11, 8 / 9]}
    panel.show(metrics)
    assert ">5</td>" in panel.div.text
    panel.div.text = "stale"                        # would show if the same numbers were drawn again
    panel.show(dict(metrics))
    assert panel.div.text == "stale" and panel.shown == metrics
    changed = {**metrics, "test_confusion": [[4, 0], [1, 5]], "test_precision": [0.8, 1.0],
               "test_recall": [1.0, 5 / 6], "test_f1": [8 / 9, 10 / 11]}
    panel.show(changed)
    assert ">4</td>" in panel.div.text and "100.0%" in panel.div.text
