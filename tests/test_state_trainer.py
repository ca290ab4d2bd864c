"""Settings, the URL round trip, the reset rules and the trainer's bookkeeping."""
import numpy as np
import pytest

from playground.datasets.features import GRID_SIZE, feature_matrix, grid_points
from playground.dense.settings import LEARNING_RATES, DenseSettings, datasets_for
from playground.dense.trainer import Trainer


def test_defaults_are_the_originals():
    s = DenseSettings()
    assert (s.dataset, s.noise, s.train_ratio, s.batch_size, s.features, s.hidden, s.activation,
            s.learning_rate, s.regularization, s.reg_rate) == \
        ("circle", 0, 50, 10, ["x1", "x2"], [4, 2], "tanh", 0.03, "none", 0.0)
    assert len(LEARNING_RATES) == 11 and s.classic


def test_query_round_trip():
    s = DenseSettings(dataset="spiral", hidden=[8, 8, 3], features=["x1", "sinx2"], learning_rate=0.003,
                      regularization="l1", reg_rate=0.01, batch_size=17, noise=35, show_test_data=True,
                      optimizer="adam", seed=9, data_seed=4)
    restored, notices = DenseSettings.from_query(s.to_query())
    assert notices == []
    assert restored.to_query() == s.to_query()


def test_empty_hidden_round_trips():
    restored, notices = DenseSettings.from_query(DenseSettings(hidden=[]).to_query())
    assert restored.hidden == [] and notices == []


@pytest.mark.parametrize("query,bad", [
    ({"learning_rate": "banana"}, "learning_rate"),
    ({"noise": "99"}, "noise"),
    ({"hidden": "4,99"}, "hidden"),
    ({"hidden": "1,1,1,1,1,1,1"}, "hidden"),
    ({"features": "x1,x9"}, "features"),
    ({"dataset": "<script>"}, "dataset"),
    ({"bogus": "1"}, "bogus"),
    ({"show_test_data": "maybe"}, "show_test_data"),
])
def test_bad_query_values_are_ignored_with_a_notice(query, bad):
    s, notices = DenseSettings.from_query({**query, "activation": "relu"})
    assert len(notices) == 1 and bad in notices[0]
    assert s.activation == "relu"   # the good parts still apply
    fresh = DenseSettings()
    key = next(iter(query))
    if key in fresh.param:
        assert getattr(s, key) == getattr(fresh, key)


def test_problem_and_dataset_stay_consistent():
    s = DenseSettings()
    s.problem = "regression"
    assert s.dataset in datasets_for("regression")
    s.dataset = "xor"
    assert s.problem == "classification"
    q, notices = DenseSettings.from_query({"problem": "regression", "dataset": "circle"})
    assert q.problem == "classification" and len(notices) == 1


def run(settings, epochs):
    t = Trainer(settings)
    t.step(epochs)
    return t


def test_same_seed_same_run_and_different_seed_differs():
    a = run(DenseSettings(seed=3, data_seed=2, dataset="xor"), 20)
    b = run(DenseSettings(seed=3, data_seed=2, dataset="xor"), 20)
    c = run(DenseSettings(seed=4, data_seed=2, dataset="xor"), 20)
    assert a.history == b.history
    for wa, wb in zip(a.network.weights, b.network.weights):
        np.testing.assert_array_equal(wa, wb)
    assert a.history["test_loss"] != c.history["test_loss"]


def test_shuffled_run_is_reproducible_and_differs_from_fixed_order():
    a = run(DenseSettings(shuffle=True), 10)
    b = run(DenseSettings(shuffle=True), 10)
    c = run(DenseSettings(shuffle=False), 10)
    assert a.history == b.history and a.history != c.history


def test_reset_rules():
    t = Trainer(DenseSettings())
    t.step(5)
    weights = [w.copy() for w in t.network.weights]
    points = t.train.points.copy()

    t.settings.learning_rate = 0.1             # not a reset
    t.apply({"learning_rate"})
    assert t.epoch == 5 and all(np.array_equal(a, b) for a, b in zip(weights, t.network.weights))

    t.settings.data_seed += 1                  # "regenerate": new data, same network
    t.apply({"data_seed"})
    assert t.epoch == 5 and not np.array_equal(points, t.train.points)
    assert all(np.array_equal(a, b) for a, b in zip(weights, t.network.weights))

    t.settings.activation = "relu"             # a reset
    t.apply({"activation"})
    assert t.epoch == 0 and len(t.history["test_loss"]) == 1

    t.settings.features = ["x1", "x2", "x1x2"]
    t.apply({"features"})
    assert t.network.weights[0].shape == (3, 4)


def test_node_grids_match_a_direct_forward_pass():
    t = run(DenseSettings(features=["x1", "x2", "x1sq"], hidden=[3, 2]), 5)
    grids = t.node_grids()
    assert [g.shape for g in grids] == [(3, GRID_SIZE, GRID_SIZE), (3, GRID_SIZE, GRID_SIZE),
                                        (2, GRID_SIZE, GRID_SIZE), (1, GRID_SIZE, GRID_SIZE)]
    assert all(g.dtype == np.float32 and g.flags.c_contiguous for g in grids)
    i, j = 17, 83                                   # row i is y, column j is x
    point = grid_points()[i * GRID_SIZE + j][None]
    outs = t.network.forward(feature_matrix(point, t.settings.features))
    for grid, out in zip(grids, outs):
        np.testing.assert_allclose(grid[:, i, j], out[0], rtol=1e-4, atol=1e-5)   # drawn in float32


def test_divergence_sets_a_flag_and_stops():
    t = Trainer(DenseSettings(dataset="reg-plane", learning_rate=10.0))
    done = t.step(100)
    assert t.diverged and done < 100 and not np.isfinite(t.train_loss)
    assert t.step(5) == 0                      # stays stopped until reset
    t.settings.learning_rate = 0.03
    t.reset()
    assert not t.diverged and t.step(3) == 3


def test_multiclass_softmax_learns_blobs():
    t = run(DenseSettings(dataset="blobs", n_classes=4, hidden=[6], optimizer="adam", learning_rate=0.01), 40)
    assert t.network.output == "softmax" and t.network.weights[-1].shape == (6, 4)
    assert t.history["test_accuracy"][-1] > 0.9
    probs = t.node_grids()[-1]
    np.testing.assert_allclose(probs.sum(axis=0), 1, rtol=1e-5)


def test_cross_entropy_binary_uses_a_sigmoid_and_learns():
    t = run(DenseSettings(dataset="xor", loss="cross_entropy", learning_rate=0.1), 150)
    assert t.network.output == "sigmoid" and not t.settings.classic
    assert t.history["test_accuracy"][-1] > 0.9
    shown = t.display_output(t.node_grids()[-1])
    assert shown.min() >= -1 and shown.max() <= 1 and shown.min() < -0.5


def test_set_weight_changes_the_output_and_rejects_nan():
    t = Trainer(DenseSettings())
    before = t.node_grids()[-1].copy()
    t.set_weight(0, 1, 2, 3.5)
    assert t.network.weights[0][1, 2] == 3.5
    assert not np.allclose(before, t.node_grids()[-1])
    with pytest.raises(ValueError):
        t.set_weight(0, 0, 0, float("nan"))


def test_switching_the_loss_remakes_the_targets_for_the_new_output():
    """Cross-entropy puts a sigmoid on the output, whose targets are 0/1, not ±1: the recorded
    loss after the switch is binary cross-entropy against 0/1 (computed here directly)."""
    t = Trainer(DenseSettings())
    t.settings.loss = "cross_entropy"
    t.apply({"loss"})
    p = np.clip(t.network.predict(t.eval_points)[:, 0], 1e-12, 1 - 1e-12)
    y01 = (np.concatenate([t.train.labels, t.test.labels]) + 1) / 2
    bce = -(y01 * np.log(p) + (1 - y01) * np.log(1 - p))
    n = len(t.train.labels)
    assert t.history["train_loss"][-1] == pytest.approx(bce[:n].mean(), rel=1e-12)
    t.settings.loss = "squared"
    t.apply({"loss"})
    out = t.network.predict(t.eval_points)[:, 0]
    labels = np.concatenate([t.train.labels, t.test.labels])
    assert t.history["test_loss"][-1] == pytest.approx((0.5 * (out - labels) ** 2)[n:].mean(), rel=1e-12)
