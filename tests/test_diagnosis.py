"""Dead and saturated neurons on networks built to have them; gradient sizes; the divergence fix."""
import numpy as np
import pytest

from playground.dense import diagnosis
from playground.dense.engine import build_network, gradients
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

X = np.random.default_rng(0).uniform(-6, 6, (300, 2))


def test_a_relu_neuron_pushed_below_zero_everywhere_is_dead_and_only_it():
    net = build_network(2, [4, 3], activation="relu", rng=np.random.default_rng(1))
    net.weights[0][:, 2] = [0.01, -0.01]
    net.biases[0][2] = -1.0          # z ≤ 0.12 − 1 < 0 on all of [−6, 6]²
    net.weights[1][:, 0] = -np.abs(net.weights[1][:, 0])
    net.biases[1][0] = -5.0          # every input to it is ≥ 0 and its weights ≤ 0: dead too
    dead = diagnosis.dead_neurons(net, X)
    assert [d.tolist() for d in dead] == [[False, False, True, False], [True, False, False]]
    # Dead means no gradient: nothing reaches its incoming weights.
    y = np.sign(X[:, :1])
    grad_w, _ = gradients(net, X, y)
    assert np.all(grad_w[0][:, 2] == 0) and np.all(grad_w[1][:, 0] == 0)
    assert diagnosis.diagnose(net, X, y).dead_count == 2


def test_a_neuron_zero_on_some_points_is_not_dead():
    net = build_network(2, [2], activation="relu", rng=np.random.default_rng(1))
    net.weights[0][:, 0], net.biases[0][0] = [1.0, 0.0], 0.0     # 0 for x1 ≤ 0, alive elsewhere
    assert not diagnosis.dead_neurons(net, X)[0][0]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_neuron_with_huge_weights_is_saturated_and_a_gentle_one_is_not(activation):
    net = build_network(2, [3], activation=activation, rng=np.random.default_rng(2))
    net.weights[0][:, 1] = [40.0, 40.0]     # |z| ≥ 40·|x1 + x2|: flat except on a thin band
    net.weights[0][:, 0] = [0.05, 0.05]     # |z| ≤ 0.7: in the steep middle
    saturated = diagnosis.saturated_neurons(net, X)[0]
    assert saturated[1] and not saturated[0]
    # Its slope on the points really is ~0 where it is flagged.
    out = net.forward(X)[1][:, 1]
    slope = 1 - out ** 2 if activation == "tanh" else out * (1 - out) / 0.25
    assert np.mean(slope < 0.02) >= 0.95


def test_relu_nets_have_no_saturated_neurons_and_tanh_nets_no_dead_ones():
    relu = build_network(2, [4], activation="relu", rng=np.random.default_rng(3))
    tanh = build_network(2, [4], activation="tanh", rng=np.random.default_rng(3))
    assert not diagnosis.saturated_neurons(relu, X)[0].any() and not diagnosis.dead_neurons(tanh, X)[0].any()


def test_gradient_sizes_shrink_towards_the_input_in_a_deep_sigmoid_net():
    net = build_network(2, [8] * 6, activation="sigmoid", rng=np.random.default_rng(4))
    y = np.where(X[:, :1] * X[:, 1:] > 0, 1.0, -1.0)
    sizes = diagnosis.gradient_sizes(net, X, y)
    grad_w, _ = gradients(net, X, y)
    assert sizes == pytest.approx([np.abs(g).mean() for g in grad_w])
    assert sizes[0] < sizes[-1] / 100          # the vanishing gradient: a hundredth or less at the first layer


def test_the_divergence_fix_leads_to_a_run_that_converges():
    t = Trainer(DenseSettings(dataset="reg-plane", learning_rate=3.0))
    start_weights = [w.copy() for w in t.network.weights]
    t.step(200)
    assert t.diverged
    rate = diagnosis.fix_divergence(t)
    assert rate is not None and rate <= 1.5 and t.settings.learning_rate == rate
    assert t.epoch == 0 and not t.diverged
    for w, w0 in zip(t.network.weights, start_weights):   # the same start
        np.testing.assert_array_equal(w, w0)
    t.step(300)
    assert not t.diverged and t.test_loss < 0.01 < t.history["test_loss"][0]


def test_the_notice_names_the_epoch_and_both_rates():
    text = diagnosis.DIVERGED_NOTICE.format(epoch=7, rate=3, fixed=0.3)
    assert "epoch 7" in text and "3" in text and "0.3" in text
