"""One step's numbers against finite differences, and against the engine's own training."""
import copy

import numpy as np
import pytest

from playground.dense.engine import Optimizer, build_network, train_epoch
from playground.dense.settings import DenseSettings
from playground.dense.step_numbers import step_trainer, take_step
from playground.dense.trainer import Trainer
from test_engine import numeric_gradients   # central differences of the batch's mean loss


CASES = [("tanh", "tanh", "squared", "none", 0.0), ("relu", "sigmoid", "cross_entropy", "l2", 0.03),
         ("sigmoid", "linear", "squared", "l1", 0.01), ("elu", "softmax", "cross_entropy", "none", 0.0)]


@pytest.mark.parametrize("activation,output,loss,reg,rate", CASES)
def test_every_number_of_a_step_equals_finite_differences(activation, output, loss, reg, rate):
    rng = np.random.default_rng(5)
    k = 3 if output == "softmax" else 1
    net = build_network(3, [4, 3], k, activation=activation, output=output, loss=loss, rng=rng)
    x = rng.normal(0, 1.5, (7, 3))
    y = {"softmax": np.eye(3)[rng.integers(0, 3, 7)], "sigmoid": rng.integers(0, 2, (7, 1)).astype(float),
         "tanh": rng.choice([-1.0, 1.0], (7, 1)), "linear": rng.normal(size=(7, 1))}[output]
    probe = copy.deepcopy(net)
    lr = 0.3
    numbers = take_step(net, Optimizer("sgd"), x, y, lr, reg, rate)
    fd_w, fd_b = numeric_gradients(probe, x, y)
    for l, w in enumerate(probe.weights):
        for idx in np.ndindex(w.shape):
            i, j = idx
            fd = fd_w[l][idx]
            card = numbers.link(l, i, j)
            assert card["before"] == w[idx]
            assert card["grad"] == pytest.approx(fd, abs=1e-7, rel=1e-5)
            # ∂L/∂w is the batch mean of δ·a: the link's target's δ times its source's output, point by point.
            assert np.mean(numbers.delta[l][:, j] * numbers.activations[l][:, i]) == pytest.approx(fd, abs=1e-7, rel=1e-5)
            r = {"none": 0.0, "l2": rate * w[idx], "l1": rate * np.sign(w[idx])}[reg]
            assert card["reg_term"] == pytest.approx(lr * r, abs=1e-15)
            expected = w[idx] - lr * fd - lr * r
            if reg == "l1" and expected * w[idx] < 0:
                expected = 0.0      # L1 cuts a link whose sign it flips
            assert card["after"] == pytest.approx(expected, abs=1e-7)
            assert card["update"] == pytest.approx(card["after"] - card["before"], abs=1e-15)
    # Each neuron's δ: point by point, the derivative of that point's loss by the neuron's bias.
    for p in range(len(x)):
        point_b = numeric_gradients(probe, x[p:p + 1], y[p:p + 1])[1]
        for l, g in enumerate(point_b):
            np.testing.assert_allclose(numbers.delta[l][p], g, rtol=1e-5, atol=1e-7)
    for l, g in enumerate(fd_b):
        np.testing.assert_allclose(numbers.mean_delta[l], g, rtol=1e-5, atol=1e-7)


def test_the_step_is_the_update_training_makes():
    rng = np.random.default_rng(1)
    net = build_network(2, [5, 3], rng=rng)
    twin = copy.deepcopy(net)
    x, y = rng.normal(0, 2, (10, 2)), rng.choice([-1.0, 1.0], (10, 1))
    take_step(net, Optimizer("adam"), x, y, 0.03, "l2", 0.01)
    train_epoch(twin, Optimizer("adam"), x, y, 10, 0.03, "l2", 0.01)
    for a, b in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_step_trainer_walks_the_training_set_one_batch_at_a_time():
    t = Trainer(DenseSettings(batch_size=30))
    epoch = t.epoch
    first, cursor = step_trainer(t, 0)
    assert first.batch.tolist() == list(range(30)) and cursor == 30
    second, cursor = step_trainer(t, cursor)
    assert second.batch[0] == 30 and t.epoch == epoch
    # The network now holds the second step's weights after.
    for w, after in zip(t.network.weights, second.weights_after):
        np.testing.assert_array_equal(w, after)
    last, cursor = step_trainer(t, 240)   # 250 training points: the batch wraps round
    assert last.batch.tolist() == list(range(240, 250)) + list(range(20)) and cursor == 20
