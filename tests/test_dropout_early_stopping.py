"""Dropout, early stopping, full-batch descent and wide layers in the dense playground.

Dropout's gradients are checked against TensorFlow's autodiff through Keras's own
Dropout layer here, and against central differences under a fixed mask in test_engine.py; early stopping
against Keras's own EarlyStopping callback fed the same losses.
"""
import json
import subprocess
import sys

import numpy as np
import pytest

from playground.dense.engine import dropout_masks, gradients, loss_per_point
from playground.dense.settings import MAX_NEURONS, WIDE_NEURONS, DenseSettings
from playground.dense.trainer import EarlyStopping, Trainer

# ---- dropout in the engine --------------------------------------------------------------


def test_masks_drop_at_the_rate_and_scale_the_kept_units():
    masks = dropout_masks(np.random.default_rng(0), 20_000, [3, 5], 0.3)
    assert [m.shape for m in masks] == [(20_000, 3), (20_000, 5)]
    for m in masks:
        np.testing.assert_allclose(np.unique(m), [0.0, 1 / 0.7], rtol=1e-15)
        assert (m == 0).mean() == pytest.approx(0.3, abs=0.01)
        assert m.mean() == pytest.approx(1.0, abs=0.02)   # inverted dropout keeps the expected output


def test_dropout_changes_training_but_never_the_reported_losses():
    plain = Trainer(DenseSettings(dataset="xor", hidden=[6, 4]))
    dropped = Trainer(DenseSettings(dataset="xor", hidden=[6, 4], dropout=0.5))
    # The same start, then different training.
    assert dropped.test_loss == plain.test_loss
    plain.step(5)
    dropped.step(5)
    assert not np.allclose(plain.network.weights[0], dropped.network.weights[0])
    # The recorded losses are the network's at inference: no dropout, no scaling.
    out = dropped.network.predict(dropped._x_test)
    assert dropped.test_loss == pytest.approx(loss_per_point(out, dropped._y_test, "squared").mean(), rel=1e-12)


def test_dropout_runs_are_reproducible_from_their_settings():
    runs = []
    for _run in range(2):
        t = Trainer(DenseSettings(dataset="spiral", hidden=[8], dropout=0.25, seed=3))
        t.step(20)
        runs.append(t.network.weights[0])
    np.testing.assert_array_equal(*runs)


# ---- dropout against Keras ---------------------------------------------------------------


def test_keras_dropout_is_inverted_dropout_in_training_only():
    keras = pytest.importorskip("keras")
    h = np.random.default_rng(1).uniform(0.1, 1.0, (400, 6)).astype(np.float32)
    layer = keras.layers.Dropout(0.3, seed=4)
    trained = np.asarray(layer(h, training=True))
    kept = trained != 0
    assert 0.25 < 1 - kept.mean() < 0.35
    # A kept unit is scaled by 1/(1 − rate), exactly what `dropout_masks` multiplies by.
    np.testing.assert_allclose(trained[kept], (h / 0.7)[kept], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(h, training=False)), h)


@pytest.fixture
def keras_float64():
    """Keras computing in float64, as the engine does, so the two can agree to 1e-10."""
    keras = pytest.importorskip("keras")
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float64")
    yield keras
    keras.config.set_dtype_policy(before)


def test_forward_and_gradients_equal_keras_with_keras_drawn_masks(keras_float64):
    import tensorflow as tf

    from playground.dense import keras_io

    t = Trainer(DenseSettings(dataset="xor", hidden=[6, 5], dropout=0.4, features=["x1", "x2", "x1x2"]))
    t.step(3)
    net = t.network
    model = keras_io.build_keras(t.settings.features, net.widths[1:], net.activation, net.output, 0.4)
    dense = [l for l in model.layers if type(l).__name__ == "Dense"]
    for layer, w, b in zip(dense, net.weights, net.biases):
        layer.set_weights([w, b])
    x, y = t._x_train[:40], t._y_train[:40]
    # Keras's own pass in training mode, its Dropout layers drawing the masks.
    with tf.GradientTape() as tape:
        h, pre = tf.constant(x), []
        for layer in model.layers:
            if type(layer).__name__ == "Dropout":
                pre.append(h)
            h = layer(h, training=True)
            if type(layer).__name__ == "Dropout":
                pre.append(h)
        loss = tf.reduce_mean(0.5 * tf.reduce_sum((h - y) ** 2, axis=1))
    keras_grads = tape.gradient(loss, [v for layer in dense for v in (layer.kernel, layer.bias)])
    # Keras dropped some units and scaled the rest by 1/(1 − rate): the same mask as `dropout_masks` makes.
    masks = [(after.numpy() != 0) / 0.6 for after in pre[1::2]]
    for before, after, m in zip(pre[::2], pre[1::2], masks):
        assert 0 < (m == 0).mean() < 1
        np.testing.assert_allclose(after.numpy(), before.numpy() * m, rtol=1e-12)
    ours = net.forward_dropout(x, masks)[2][-1]
    np.testing.assert_allclose(ours, h.numpy(), rtol=1e-10, atol=1e-12)
    grad_w, grad_b = gradients(net, x, y, masks=masks)
    for ours_g, theirs in zip([g for pair in zip(grad_w, grad_b) for g in pair], keras_grads):
        np.testing.assert_allclose(ours_g, theirs.numpy(), rtol=1e-8, atol=1e-12)


# ---- early stopping against Keras's callback -----------------------------------------------


LOSS_SEQUENCES = {
    "falls then rises": [0.9, 0.7, 0.5, 0.45, 0.46, 0.47, 0.44, 0.48, 0.49, 0.5, 0.51, 0.52],
    "plateau counts as no improvement": [0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4],
    "never improves": [0.3, 0.4, 0.5, 0.6, 0.7],
    "noisy": list(np.random.default_rng(7).normal(0, 0.05, 60) + np.linspace(1, 0.5, 60)),
}


def keras_early_stopping(losses, patience):
    """(stopped epoch or None, restored epoch) from Keras's EarlyStopping, both counted from 1."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    model.stop_training = False    # what `fit` sets before the first epoch
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate(losses):
        model.set_weights([np.full((1, 1), epoch + 1.0), np.zeros(1)])   # the weights say their epoch
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if model.stop_training:
            break
    callback.on_train_end()
    stopped = callback.stopped_epoch + 1 if model.stop_training else None
    return stopped, int(model.get_weights()[0][0, 0])


@pytest.mark.parametrize("patience", [0, 1, 2, 3, 10])
@pytest.mark.parametrize("name", LOSS_SEQUENCES)
def test_early_stopping_stops_and_restores_where_keras_does(name, patience):
    losses = LOSS_SEQUENCES[name]
    ours, stopped = EarlyStopping(patience), None
    for epoch, loss in enumerate(losses, 1):
        if ours.should_stop(epoch, float(loss), lambda e=epoch: e):
            stopped = epoch
            break
    assert (stopped, ours.best_state) == keras_early_stopping(losses, patience)
    assert ours.best_epoch == ours.best_state


def test_trainer_stops_restores_the_best_weights_and_can_go_on():
    t = Trainer(DenseSettings(dataset="spiral", noise=40, hidden=[8, 8], learning_rate=0.3, early_stopping=5))
    ran = t.step(3000)
    stopper = t.early_stopping
    assert t.stopped and ran == t.epoch == stopper.stopped_epoch < 3000
    losses = t.history["test_loss"]
    assert stopper.best_epoch == 1 + int(np.argmin(losses[1:]))     # epoch 0 is never a candidate
    assert stopper.stopped_epoch - stopper.best_epoch == 5
    # The network is the best epoch's again, and the reported losses are its own.
    out = t.network.predict(t._x_test)
    assert loss_per_point(out, t._y_test, "squared").mean() == pytest.approx(losses[stopper.best_epoch], rel=1e-12)
    assert t.test_loss == pytest.approx(losses[stopper.best_epoch], rel=1e-12)
    assert t.step(10) == 0          # stopped stays stopped…
    t.resume()
    assert t.step(2) == 2 and not t.stopped   # …until told to go on


def test_headless_run_reports_where_it_stopped():
    from playground.dense.headless import run_training

    s = DenseSettings(dataset="spiral", noise=40, hidden=[8, 8], learning_rate=0.3, early_stopping=5)
    summary = run_training(s, 3000, 0.05)
    assert summary["stopped_at"] == summary["epochs"] < 3000
    assert summary["best_epoch"] == summary["stopped_at"] - 5
    assert summary["test_loss"] == pytest.approx(min(summary["history"]["test_loss"][1:]), rel=1e-12)
    plain = run_training(DenseSettings(), 5, 0.05)
    assert plain["stopped_at"] is None and plain["best_epoch"] is None


# ---- full batch, wide layers, the URL and the CLI ----------------------------------------


def test_a_batch_larger_than_the_training_set_is_full_batch_descent():
    t = Trainer(DenseSettings(dataset="circle", batch_size=1000, learning_rate=0.1))
    assert t.batch_size == len(t.train) < 1000
    for _epoch in range(2):   # every epoch is one step on the mean gradient of all training points
        before = [w.copy() for w in t.network.weights]
        grad_w, _grad_b = gradients(t.network, t._x_train, t._y_train)
        t.step(1)
        for w0, g, w1 in zip(before, grad_w, t.network.weights):
            np.testing.assert_allclose(w1, w0 - 0.1 * g, rtol=1e-12, atol=1e-15)
    assert t.carry is None


def test_sixteen_neurons_only_with_wide_layers():
    s, notices = DenseSettings.from_query({"hidden": "12,3"})
    assert s.hidden == [4, 2] and "wide_layers=1" in notices[0]
    s, notices = DenseSettings.from_query({"hidden": "16,3", "wide_layers": "1"})
    assert s.hidden == [16, 3] and not notices and s.max_neurons == WIDE_NEURONS
    s, notices = DenseSettings.from_query({"hidden": "17"})
    assert s.hidden == [4, 2] and notices
    s = DenseSettings(wide_layers=True, hidden=[16, 9, 3])
    s.wide_layers = False            # narrowing the limit narrows the layers
    assert s.hidden == [MAX_NEURONS, MAX_NEURONS, 3]
    t = Trainer(DenseSettings(wide_layers=True, hidden=[16, 16]))
    assert t.network.widths == [2, 16, 16, 1] and t.step(3) == 3


def test_the_new_settings_travel_in_the_url():
    s = DenseSettings(dropout=0.35, early_stopping=25, batch_size=600, wide_layers=True, hidden=[12])
    back, notices = DenseSettings.from_query(s.to_query())
    assert not notices
    assert (back.dropout, back.early_stopping, back.batch_size, back.wide_layers, back.hidden) == (
        0.35, 25, 600, True, [12])
    for bad in ({"dropout": "0.95"}, {"dropout": "nan"}, {"dropout": "x"}, {"early_stopping": "-1"},
                {"batch_size": "0"}):
        settings, notices = DenseSettings.from_query(bad)
        assert len(notices) == 1 and (settings.dropout, settings.early_stopping, settings.batch_size) == (0, 0, 10)


def _train(*args):
    return subprocess.run([sys.executable, "-m", "playground.cli", "train", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_trains_with_dropout_early_stopping_and_full_batch():
    run = _train("--dataset", "spiral", "--noise", "40", "--layers", "16,8", "--wide-layers", "1", "--lr", "0.3",
                 "--dropout", "0.2", "--early-stopping", "5", "--batch-size", "1200", "--epochs", "3000", "--json")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.splitlines()[-1])
    assert summary["settings"]["dropout"] == "0.2" and summary["settings"]["hidden"] == "16,8"
    assert summary["settings"]["batch_size"] == "1200" and summary["settings"]["early_stopping"] == "5"
    assert summary["stopped_at"] == summary["epochs"] < 3000 and summary["best_epoch"] == summary["stopped_at"] - 5
    text = _train("--early-stopping", "3", "--noise", "50", "--dataset", "xor", "--lr", "1", "--epochs", "2000")
    assert text.returncode == 0 and "early stopping" in text.stdout


@pytest.mark.parametrize("args", [("--dropout", "1"), ("--early-stopping", "x"), ("--layers", "12")])
def test_cli_refuses_bad_values_with_one_line(args):
    run = _train(*args, "--epochs", "1")
    assert run.returncode == 2
    assert [line for line in run.stderr.splitlines() if line.startswith("playground: error")] == \
        [run.stderr.strip()], run.stderr


def test_the_apps_own_links_carry_the_new_settings():
    from playground.dense.tf_links import settings_from_url

    query, notices = settings_from_url("http://localhost:5006/app?hidden=12,4&dropout=0.3&wide_layers=1"
                                       "&early_stopping=9&batch_size=800")
    settings, more = DenseSettings.from_query(query)
    assert not notices and not more
    assert (settings.hidden, settings.dropout, settings.early_stopping, settings.batch_size) == ([12, 4], 0.3, 9, 800)
    # A TF Playground link stays within its own limit of 8 neurons.
    query, notices = settings_from_url("https://playground.tensorflow.org/#networkShape=12,4&batchSize=800")
    assert "hidden" not in query and any("hidden" in n for n in notices)
    assert query["batch_size"] == "800"
