"""The dense page's new views without a browser: step one batch, measures, diagnosis, divergence, Import CSV."""
from __future__ import annotations

import numpy as np
import pytest

from playground.components.dense.metrics_panel import metrics_html
from playground.dense.metrics import trainer_metrics
from playground.dense.page import DensePage


@pytest.fixture
def page():
    return DensePage()


def test_step_one_batch_rings_its_points_colours_links_and_shows_the_real_numbers(page):
    before = [w.copy() for w in page.trainer.network.weights]
    page.step_batch()
    numbers = page._step
    batch_xy = page.trainer.train.points[numbers.batch]
    np.testing.assert_allclose(page.decision_map.batch_source.data["x"], batch_xy[:, 0], rtol=1e-6)
    assert len(numbers.batch) == page.settings.batch_size and page.trainer.epoch == 0
    # Links now show −∂L/∂w scaled to the largest: the biggest mover is at ±1.
    g = np.asarray(page.diagram.link_source.data["g"])
    assert page.diagram.gradient_mode and np.abs(g).max() == pytest.approx(1.0)
    link = page.diagram.links[int(np.argmax(np.abs(g)))]
    assert np.sign(g.flat[np.argmax(np.abs(g))]) == -np.sign(numbers.grad_w[link[0]][link[1:]])
    page._pick_link(link)
    card = page.controls.weight_label.object
    layer, i, j = link
    assert f"{before[layer][i, j]:.6f}"[:7] in card and f"{page.trainer.network.weights[layer][i, j]:.6f}"[:7] in card
    page._pick_bias((1, 0))
    assert "δ" in page.controls.weight_label.object
    # Anything else (here a whole epoch) clears the step's rings and gradient colours.
    page.step()
    assert not page.diagram.gradient_mode and len(page.decision_map.batch_source.data["x"]) == 0


def test_consecutive_batches_walk_the_training_set(page):
    page.step_batch()
    page.step_batch()
    assert page._step.batch[0] == page.settings.batch_size


def test_the_metrics_panel_shows_the_runs_confusion_matrix(page):
    page.trainer.step(20)
    page._redraw()
    shown = page.metrics_panel.shown
    assert shown == trainer_metrics(page.trainer)
    html = page.metrics_panel.div.text
    for count in np.ravel(shown["test_confusion"]):
        assert f">{count}</td>" in html


def test_regression_measures_are_rmse_and_r2():
    html = metrics_html({"train_rmse": 0.1, "test_rmse": 0.2, "train_r2": 0.9, "test_r2": float("nan")})
    assert "RMSE" in html and "R²" in html and "0.200" in html and "–" in html


def test_dead_relus_are_marked_in_the_diagram_with_a_count(page):
    page.settings.param.update(activation="relu", learning_rate=3.0)
    page.trainer.step(30)
    page._redraw()
    from playground.dense.diagnosis import dead_neurons
    dead = dead_neurons(page.trainer.network, page.trainer._x_train)
    n = int(sum(d.sum() for d in dead))
    assert n > 0 and page.diagram.mark_source.data["mark"].count("✕") == n
    assert f"{n} dead ReLU" in page.diagram.marks_label.object and page.diagram.marks_label.visible
    assert len(page.gradient_chart.sizes) == len(page.trainer.network.weights)


def test_divergence_says_why_and_its_fix_converges(page):
    page.settings.param.update(dataset="reg-plane", learning_rate=3.0)
    page.trainer.step(300)
    page._redraw()
    assert page.trainer.diverged and page.fix_button.visible
    assert "diverged at epoch" in page.notices[-1]
    page.fix_divergence()
    assert not page.trainer.diverged and page.trainer.epoch == 0 and not page.fix_button.visible
    page.trainer.step(300)
    assert not page.trainer.diverged and page.trainer.test_loss < 0.01


def test_import_csv_trains_on_the_file_and_a_bad_file_changes_nothing(page):
    points = page.trainer.train.points.copy()
    assert not page.csv_import.load("mine.csv", b"x1,x2,label\n1,2,1\n3,4\n")
    assert page.notices[-1] == "mine.csv: line 3: 2 value(s), expected x1,x2,label[,split]"
    assert page.settings.dataset == "circle"
    np.testing.assert_array_equal(page.trainer.train.points, points)
    rows = "\n".join(f"{x},{y},{int(x > 0)}" for x, y in np.random.default_rng(0).uniform(-50, 50, (40, 2)))
    assert page.csv_import.load("mine.csv", rows.encode())
    assert page.settings.dataset == "own" and len(page.trainer.train) + len(page.trainer.test) == 40
    assert "scaled by ×0." in page.notices[-1]
    assert page.controls.dataset_label.object == "Your data"


def test_with_no_test_points_the_panel_shows_the_training_split():
    metrics = {"classes": [-1, 1], "train_confusion": [[3, 1], [0, 4]], "test_confusion": [[0, 0], [0, 0]],
               "train_precision": [1.0, 0.8], "train_recall": [0.75, 1.0], "train_f1": [0.857, 0.889],
               "test_precision": [None, None], "test_recall": [None, None], "test_f1": [None, None]}
    html = metrics_html(metrics)
    assert html.startswith("<div class='nn-metrics-title'>Training") and ">3</td>" in html and "75.0%" in html
