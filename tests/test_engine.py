"""The numpy engine against finite differences and against a plain per-sample reference.

The reference below is written the way nn.ts is: one point at a time, one node and
one link at a time, accumulating derivatives and applying them every `batch_size`
points. It shares no code with the engine.
"""
import math
import random

import numpy as np
import pytest

from playground.dense.engine import (ACTIVATIONS, LOSS_OUTPUTS, Optimizer, REGULARIZERS, build_network,
                               dropout_masks, gradients, is_finite, loss_per_point, train_epoch)

# ---- finite differences ------------------------------------------------------------------


def mean_loss(net, x, y):
    return loss_per_point(net.predict(x), y, net.loss).mean()


def numeric_gradients(net, x, y, h=1e-6, loss=mean_loss):
    grads = []
    for params in (net.weights, net.biases):
        layer_grads = []
        for p in params:
            g = np.zeros_like(p)
            for idx in np.ndindex(p.shape):
                old = p[idx]
                p[idx] = old + h
                up = loss(net, x, y)
                p[idx] = old - h
                down = loss(net, x, y)
                p[idx] = old
                g[idx] = (up - down) / (2 * h)
            layer_grads.append(g)
        grads.append(layer_grads)
    return grads


def make_targets(output, n, k, rng):
    if output == "softmax":
        return np.eye(k)[rng.integers(0, k, n)]
    if output == "sigmoid":
        return rng.integers(0, 2, (n, 1)).astype(float)
    if output == "tanh":
        return rng.choice([-1.0, 1.0], (n, 1))
    return rng.normal(0, 1, (n, 1))


HEADS = [(loss, out) for loss, outs in LOSS_OUTPUTS.items() for out in sorted(outs)]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss,output", HEADS)
@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_gradients_match_central_differences(activation, loss, output, dropout):
    rng = np.random.default_rng(3)
    k = 3 if output == "softmax" else 1
    net = build_network(3, [4, 3], k, activation=activation, output=output, loss=loss, rng=rng)
    # Biases away from 0 and inputs spread out keep ReLU's kink away from the test points.
    for b in net.biases:
        b += rng.normal(0, 0.3, b.shape)
    x = rng.normal(0, 1.5, (7, 3))
    y = make_targets(output, 7, k, rng)
    masks, loss_fn = None, mean_loss
    if dropout:   # under one fixed dropout mask, which the numeric loss uses too
        masks = dropout_masks(rng, 7, [4, 3], dropout)
        assert all((m == 0).any() and m.any() for m in masks)

        def loss_fn(net, x, y):
            return loss_per_point(net.forward_dropout(x, masks)[2][-1], y, net.loss).mean()

    grad_w, grad_b = gradients(net, x, y, masks=masks)
    num_w, num_b = numeric_gradients(net, x, y, loss=loss_fn)
    for analytic, numeric in zip(grad_w + grad_b, num_w + num_b):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(REGULARIZERS))
def test_regularizer_derivatives_match_central_differences(name):
    penalty, der = REGULARIZERS[name]
    w = np.array([-1.3, -0.2, 0.05, 0.7, 2.0])
    h = 1e-6
    numeric = (penalty(w + h) - penalty(w - h)) / (2 * h)
    np.testing.assert_allclose(der(w), numeric, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivatives_match_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.array([-3.0, -1.1, -0.3, 0.2, 0.9, 2.5])   # no point at ReLU's kink
    h = 1e-6
    numeric = (act.output(z + h) - act.output(z - h)) / (2 * h)
    np.testing.assert_allclose(act.der(z, act.output(z)), numeric, rtol=1e-6, atol=1e-9)


# ---- the per-sample reference, written like nn.ts -----------------------------------------

REF_ACT = {
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 0.0 if x <= 0 else 1.0),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: (1 / (1 + math.exp(-x))) * (1 - 1 / (1 + math.exp(-x)))),
    "linear": (lambda x: x, lambda x: 1.0),
}


class RefNode:
    def __init__(self, bias):
        self.bias = bias
        self.inputs = []        # RefLinks
        self.outputs = []
        self.total_input = 0.0
        self.output = 0.0
        self.output_der = 0.0
        self.input_der = 0.0
        self.acc_input_der = 0.0
        self.num_acc = 0


class RefLink:
    def __init__(self, source, dest, weight):
        self.source, self.dest, self.weight = source, dest, weight
        self.is_dead = False
        self.acc_error_der = 0.0
        self.num_acc = 0


def ref_from(net):
    """Copy an engine network into node/link objects."""
    layers = [[RefNode(0.0) for _ in range(net.weights[0].shape[0])]]
    for w, b in zip(net.weights, net.biases):
        layer = [RefNode(float(bj)) for bj in b]
        for j, node in enumerate(layer):
            for i, src in enumerate(layers[-1]):
                link = RefLink(src, node, float(w[i, j]))
                node.inputs.append(link)
                src.outputs.append(link)
        layers.append(layer)
    return layers


def ref_forward(layers, x, hidden, output):
    for node, v in zip(layers[0], x):
        node.output = v
    for l, layer in enumerate(layers[1:], start=1):
        act = REF_ACT[output if l == len(layers) - 1 else hidden][0]
        for node in layer:
            node.total_input = node.bias + sum(link.weight * link.source.output for link in node.inputs)
            node.output = act(node.total_input)


def ref_backward(layers, target, hidden, output):
    out = layers[-1][0]
    out.output_der = out.output - target          # d/dout of ½(out − y)²
    for l in range(len(layers) - 1, 0, -1):
        der = REF_ACT[output if l == len(layers) - 1 else hidden][1]
        for node in layers[l]:
            node.input_der = node.output_der * der(node.total_input)
            node.acc_input_der += node.input_der
            node.num_acc += 1
            for link in node.inputs:
                if link.is_dead:
                    continue
                link.acc_error_der += node.input_der * link.source.output
                link.num_acc += 1
        if l > 1:
            for node in layers[l - 1]:
                node.output_der = sum(link.weight * link.dest.input_der for link in node.outputs)


def ref_update(layers, lr, reg, rate):
    reg_der = {"l1": lambda w: -1.0 if w < 0 else (1.0 if w > 0 else 0.0), "l2": lambda w: w}.get(reg)
    for layer in layers[1:]:
        for node in layer:
            if node.num_acc > 0:
                node.bias -= lr * node.acc_input_der / node.num_acc
                node.acc_input_der, node.num_acc = 0.0, 0
            for link in node.inputs:
                if link.is_dead:
                    continue
                r = reg_der(link.weight) if reg_der else 0.0
                if link.num_acc > 0:
                    link.weight -= (lr / link.num_acc) * link.acc_error_der
                    new = link.weight - lr * rate * r
                    if reg == "l1" and link.weight * new < 0:
                        link.weight, link.is_dead = 0.0, True
                    else:
                        link.weight = new
                    link.acc_error_der, link.num_acc = 0.0, 0


def ref_train(layers, xs, ys, epochs, batch, lr, hidden, output, reg="none", rate=0.0):
    for _ in range(epochs):
        for i, (x, y) in enumerate(zip(xs, ys)):
            ref_forward(layers, x, hidden, output)
            ref_backward(layers, y, hidden, output)
            if (i + 1) % batch == 0:
                ref_update(layers, lr, reg, rate)


CASES = [
    # hidden act, output, hidden sizes, batch (37 % batch ≠ 0 exercises the carried-over batch), reg, rate, lr
    ("tanh", "tanh", [4, 2], 10, "none", 0.0, 0.03),
    ("relu", "tanh", [5, 3, 3], 7, "l2", 0.01, 0.1),
    ("tanh", "linear", [3], 4, "l1", 0.03, 0.03),
    ("sigmoid", "tanh", [], 1, "l1", 0.3, 0.3),
    ("linear", "linear", [2, 2], 30, "none", 0.0, 0.01),
]


@pytest.mark.parametrize("hidden,output,sizes,batch,reg,rate,lr", CASES)
def test_vectorised_engine_equals_per_sample_reference(hidden, output, sizes, batch, reg, rate, lr):
    rng = np.random.default_rng(11)
    n_in = 3
    xs = rng.uniform(-5, 5, (37, n_in))
    ys = (np.sign(xs[:, 0] * xs[:, 1]) if output == "tanh" else xs.sum(axis=1) / 10)[:, None]
    net = build_network(n_in, sizes, 1, activation=hidden, output=output, loss="squared", rng=rng)
    layers = ref_from(net)

    carry = None
    opt = Optimizer("sgd")
    for _ in range(3):
        carry = train_epoch(net, opt, xs, ys, batch, lr, reg, rate, carry)
    ref_train(layers, xs.tolist(), ys[:, 0].tolist(), 3, batch, lr, hidden, output, reg, rate)

    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        ref_w = np.array([[link.weight for link in node.inputs] for node in layers[l + 1]]).T.reshape(w.shape)
        ref_b = np.array([node.bias for node in layers[l + 1]])
        ref_dead = np.array([[link.is_dead for link in node.inputs] for node in layers[l + 1]]).T.reshape(w.shape)
        np.testing.assert_allclose(w, ref_w, rtol=0, atol=1e-10)
        np.testing.assert_allclose(b, ref_b, rtol=0, atol=1e-10)
        np.testing.assert_array_equal(~net.alive[l], ref_dead)
    if reg == "l1":
        assert any((~a).any() for a in net.alive), "the L1 case should kill some links"


@pytest.mark.parametrize("hidden", sorted(REF_ACT))
@pytest.mark.parametrize("output", ["tanh", "linear", "sigmoid", "softmax"])
def test_node_values_hold_each_nodes_output_point_by_point(hidden, output):
    """The pictures' layout (one row per node) holds the per-sample reference's outputs;
    a softmax output still normalises over the classes, not over the points."""
    rng = np.random.default_rng(5)
    k = 3 if output == "softmax" else 1
    net = build_network(2, [4, 3], k, activation=hidden, output=output,
                        loss="cross_entropy" if output == "softmax" else "squared", rng=rng)
    xs = rng.uniform(-3, 3, (23, 2))
    values = net.node_values(np.ascontiguousarray(xs.T))
    assert [v.shape for v in values] == [(2, 23), (4, 23), (3, 23), (k, 23)]
    layers = ref_from(net)
    for p, x in enumerate(xs):
        ref_forward(layers, x, hidden, "linear" if output == "softmax" else output)
        for l, layer in enumerate(layers):
            expected = [node.output for node in layer]
            if output == "softmax" and l == len(layers) - 1:
                e = [math.exp(v - max(expected)) for v in expected]
                expected = [v / sum(e) for v in e]
            np.testing.assert_allclose(values[l][:, p], expected, rtol=1e-9, atol=1e-12)


def test_l1_dead_link_stays_zero_and_sgd_ignores_it():
    rng = np.random.default_rng(0)
    net = build_network(2, [3], 1, rng=rng)
    net.weights[0][0, 0] = 1e-4
    x = rng.uniform(-5, 5, (20, 2))
    y = np.sign(x[:, :1])
    train_epoch(net, Optimizer("sgd"), x, y, 5, 0.03, "l1", 1.0)
    assert not net.alive[0][0, 0] and net.weights[0][0, 0] == 0.0
    train_epoch(net, Optimizer("sgd"), x, y, 5, 0.03, "l1", 0.0)
    assert net.weights[0][0, 0] == 0.0


@pytest.mark.parametrize("kind", Optimizer.KINDS)
def test_every_optimizer_lowers_the_loss(kind):
    rng = np.random.default_rng(5)
    net = build_network(2, [6], 1, activation="tanh", output="sigmoid", loss="cross_entropy", rng=rng)
    x = rng.uniform(-5, 5, (200, 2))
    y = (x[:, :1] + x[:, 1:] > 0).astype(float)
    before = mean_loss(net, x, y)
    opt = Optimizer(kind)
    for _ in range(30):
        train_epoch(net, opt, x, y, 10, 0.01 if kind in ("adam", "rmsprop") else 0.1)
    assert mean_loss(net, x, y) < 0.5 * before


def test_adam_first_step_is_lr_times_sign():
    # With bias correction Adam's first step is lr·g/(|g| + eps) ≈ lr·sign(g): a check
    # that the moment estimates and the step count are wired right.
    p = np.array([1.0, -2.0, 3.0])
    g = np.array([0.5, -0.001, 4.0])
    opt = Optimizer("adam")
    opt.t = 1
    opt.step(p, g.copy(), 0.1)
    np.testing.assert_allclose(p, [0.9, -1.9, 2.9], atol=1e-5)


def test_divergence_is_detected_not_raised():
    rng = np.random.default_rng(1)
    net = build_network(2, [8, 8], 1, activation="relu", output="linear", rng=rng)
    x = rng.uniform(-6, 6, (100, 2))
    y = x.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        for _ in range(200):
            train_epoch(net, Optimizer("sgd"), x, y, 10, 10.0)
    assert not is_finite(net)


def test_build_rejects_a_loss_that_does_not_fit_the_output():
    with pytest.raises(ValueError, match="cannot be used"):
        build_network(2, [2], 1, output="linear", loss="cross_entropy")


def test_initialisation_is_the_originals():
    net = build_network(7, [8, 8], 1, rng=np.random.default_rng(random.randrange(1000)))
    all_w = np.concatenate([w.ravel() for w in net.weights])
    assert all_w.min() >= -0.5 and all_w.max() < 0.5 and all_w.std() > 0.2
    assert all((b == 0.1).all() for b in net.biases)
