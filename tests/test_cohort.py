"""Networks of one shape trained as one stack (playground/dense/cohort.py) against each trained alone.

The reference is the ordinary path: a twin of each trainer, built from the same
settings, trained with `Trainer.train_for` on its own. A stack must give every
member exactly the same numbers, bit for bit: weights, biases, dead links, the
carried points, every recorded loss and accuracy, early stopping and divergence.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground.dense.cohort import cohort_key, stack, train_together
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

LONG = 60.0     # seconds: never the limit here, the epoch counts are


def twins(variants: list[dict], **shared) -> tuple[list[Trainer], list[Trainer]]:
    make = lambda: [Trainer(DenseSettings(**shared, **v), history_cap=None) for v in variants]  # noqa: E731
    return make(), make()


def assert_same(together: Trainer, alone: Trainer) -> None:
    a, b = together.network, alone.network
    for name in ("weights", "biases", "alive"):
        for x, y in zip(getattr(a, name), getattr(b, name)):
            assert x.shape == y.shape and np.array_equal(x, y, equal_nan=True), name
    assert a.dead_links == b.dead_links
    assert together.epoch == alone.epoch and together.diverged == alone.diverged
    assert together.stopped == alone.stopped
    assert (together.carry is None) == (alone.carry is None)
    if together.carry is not None:
        assert all(np.array_equal(x, y) for x, y in zip(together.carry, alone.carry))
    assert together.history.keys() == alone.history.keys()
    for key in together.history:
        np.testing.assert_array_equal(together.history[key], alone.history[key], err_msg=key)


def run_both(variants, epochs, **shared):
    together, alone = twins(variants, **shared)
    keys = {cohort_key(t) for t in together}
    done = train_together(together, LONG, [epochs] * len(together))
    for t in alone:
        t.train_for(LONG, epochs)
    return together, alone, done, keys


@pytest.mark.parametrize("shared, variants", [
    # the default network on different data, seeds and learning rates, some shuffled
    ({}, [dict(seed=0), dict(seed=1, learning_rate=0.1), dict(dataset="xor", data_seed=3, noise=20),
          dict(dataset="spiral", seed=5, shuffle=True), dict(dataset="gauss", learning_rate=0.01, shuffle=True)]),
    # ReLU 6×8 with L1 strong enough to kill links, at different rates
    (dict(hidden=[8] * 6, activation="relu", regularization="l1", dataset="spiral"),
     [dict(reg_rate=0.01), dict(reg_rate=0.03, seed=2), dict(reg_rate=0.003, learning_rate=0.1)]),
    # L2, and a regularization set with a rate of 0 (no regularization at all) beside "none"
    (dict(hidden=[3]), [dict(regularization="l2", reg_rate=0.01), dict(regularization="l2", reg_rate=0.3, seed=4)]),
    ({}, [dict(regularization="l1", reg_rate=0.0), dict(seed=7)]),
    # four classes: softmax and cross-entropy
    (dict(dataset="blobs", n_classes=4, loss="cross_entropy", hidden=[5, 5]),
     [dict(seed=0), dict(seed=3, learning_rate=0.1, noise=30)]),
    # regression, and a batch that does not divide the training set (points carried over)
    (dict(problem="regression", dataset="reg-plane", batch_size=7, train_ratio=30),
     [dict(seed=0), dict(seed=1, shuffle=True), dict(seed=2, learning_rate=0.003)]),
    # sigmoid and swish networks with the sigmoid output
    (dict(activation="swish", hidden=[4, 4], loss="cross_entropy"), [dict(seed=0), dict(seed=9, features=["x1", "x2"])]),
])
def test_a_stack_gives_each_network_exactly_what_it_gets_alone(shared, variants):
    together, alone, done, keys = run_both(variants, 40, **shared)
    assert len(keys) == 1 and None not in keys, "these must train as one stack"
    assert done == [40] * len(variants)
    for t, a in zip(together, alone):
        assert_same(t, a)
        assert t.epoch == 40


def test_links_that_l1_kills_in_a_stack_are_the_ones_it_kills_alone():
    together, alone, _, _ = run_both([dict(reg_rate=0.1), dict(reg_rate=0.3, seed=3)], 60,
                                     hidden=[8, 8], activation="relu", regularization="l1", learning_rate=0.1)
    assert any(t.network.dead_links for t in together), "the case must kill links to test anything"
    for t, a in zip(together, alone):
        assert_same(t, a)


def test_a_diverging_member_stops_alone_and_the_rest_train_on():
    variants = [dict(seed=0), dict(learning_rate=10.0, seed=1), dict(seed=2)]
    together, alone, done, _ = run_both(variants, 50, hidden=[4, 2], activation="relu", problem="regression",
                                        dataset="reg-plane")
    assert together[1].diverged and done[1] < 50, "the case must diverge to test anything"
    assert done[0] == done[2] == 50
    for t, a in zip(together, alone):
        assert_same(t, a)


def test_early_stopping_restores_its_member_and_the_stack_goes_on_without_it():
    variants = [dict(early_stopping=3, learning_rate=3.0, seed=1), dict(seed=0), dict(seed=5)]
    together, alone, done, _ = run_both(variants, 80, dataset="xor", noise=50)
    assert together[0].stopped and done[0] < 80, "the case must stop early to test anything"
    for t, a in zip(together, alone):
        assert_same(t, a)
    # the restored member no longer shares its arrays with the stack's others
    assert not np.shares_memory(together[0].network.weights[0], together[1].network.weights[0])


def test_each_member_trains_its_own_number_of_epochs():
    together, alone = twins([dict(seed=0), dict(seed=1), dict(seed=2)])
    done = train_together(together, LONG, [3, 12, 7])
    assert done == [3, 12, 7] and [t.epoch for t in together] == [3, 12, 7]
    for t, a, n in zip(together, alone, [3, 12, 7]):
        a.train_for(LONG, n)
        assert_same(t, a)


def test_what_cannot_stack_trains_alone_beside_a_stack():
    variants = [dict(seed=0), dict(seed=1), dict(optimizer="adam"), dict(dropout=0.2), dict(hidden=[3])]
    together, alone, done, keys = run_both(variants, 15)
    assert cohort_key(together[2]) is None and cohort_key(together[3]) is None
    assert cohort_key(together[0]) == cohort_key(together[1]) != cohort_key(together[4])
    assert done == [15] * 5
    for t, a in zip(together, alone):
        assert_same(t, a)


def test_a_stack_keeps_to_its_time_but_trains_one_epoch_at_least():
    together, _ = twins([dict(seed=0), dict(seed=1)], hidden=[8] * 6, activation="relu")
    assert train_together(together, 0.0, [100, 100]) == [1, 1]


def test_a_later_solo_step_and_a_click_reach_only_its_own_network():
    """After a stacked slice each network is a view into the stack: what one learner then
    does alone (a solo epoch, a typed weight) must change no other learner's network."""
    together, _ = twins([dict(seed=0), dict(seed=1)])
    train_together(together, LONG, [5, 5])
    before = [w.copy() for w in together[1].network.weights]
    together[0].set_weight(0, 0, 0, 9.0)
    together[0].step(3)
    assert all(np.array_equal(w, b) for w, b in zip(together[1].network.weights, before))
    assert together[0].network.weights[0][0, 0] != 9.0 or together[0].epoch == 8


def test_stack_shapes():
    a, b = Trainer(DenseSettings(seed=0)), Trainer(DenseSettings(seed=1))
    net = stack([a.network, b.network])
    assert [w.shape for w in net.weights] == [(2, 2, 4), (2, 4, 2), (2, 2, 1)]
    assert [bb.shape for bb in net.biases] == [(2, 1, 4), (2, 1, 2), (2, 1, 1)]
    assert net.widths == a.network.widths
    assert np.shares_memory(net.weights[1], a.network.weights[1])
