"""Learners whose networks have one shape, trained as one stack: the classroom's common case.

In a class most learners follow the same lesson: the same features, layers,
activation and batch size, each with their own data, seed and learning rate. A
small network's epoch is almost all Python: some 40 numpy calls per batch, on
arrays of a few dozen numbers. Trained one after another, 30 such networks cost 30
times those calls; stacked along a leading axis (see `engine.Network`), the same
calls train all 30. On the 2-core machine, 30 default networks take about 2.4 ms an
epoch together against 26 ms one by one (benchmarks/cohort_speed.py).

Each network of a stack gets exactly the numbers it would get alone: matmul and the
ufuncs work matrix by matrix and element by element, and each trainer draws its
own shuffles and records its own losses, early stopping and divergence
(tests/test_cohort.py compares them bit for bit). Plain SGD without dropout stacks;
other optimizers keep per-weight state and dropout draws per batch, so those train
alone, as does any network no other learner shares.
"""
from __future__ import annotations

import time
from typing import Hashable, Sequence

import numpy as np

from playground.dense.engine import Network, Optimizer, train_epoch
from playground.dense.trainer import Trainer


def cohort_key(trainer: Trainer) -> Hashable | None:
    """What a trainer must share with others to train in one stack with them; None: it trains alone."""
    s = trainer.settings
    if s.optimizer != "sgd" or s.dropout or not trainer.trainable:
        return None
    net = trainer.network
    carried = 0 if trainer.carry is None else len(trainer.carry[0])
    return (tuple(net.widths), net.activation, net.output, net.loss, trainer.batch_size,
            len(trainer.train.labels), len(trainer.test.labels), carried,
            # a rate of 0 is no regularization at all (`update` skips it): those stack with "none"
            s.regularization if s.reg_rate else "none")


def train_together(trainers: Sequence[Trainer], seconds: float, max_epochs: Sequence[int]) -> list[int]:
    """Train each trainer up to its `max_epochs` epochs, until `seconds` have passed; return how many each ran.

    Like `Trainer.train_for` for each of them (at least one epoch each), but those
    with one `cohort_key` train as one stack.
    """
    deadline = time.perf_counter() + seconds
    groups: dict[Hashable, list[int]] = {}
    for i, trainer in enumerate(trainers):
        key = cohort_key(trainer)
        groups.setdefault(("alone", i) if key is None else key, []).append(i)
    done = [0] * len(trainers)
    for members in groups.values():
        if len(members) == 1:
            i = members[0]
            done[i] = trainers[i].train_for(deadline - time.perf_counter(), max_epochs[i])
        else:
            counts = _train_stacked([trainers[i] for i in members], deadline, [max_epochs[i] for i in members])
            for i, count in zip(members, counts):
                done[i] = count
    return done


def _train_stacked(trainers: list[Trainer], deadline: float, max_epochs: list[int]) -> list[int]:
    """Epochs for trainers of one cohort key, in lock step; a trainer leaves once it is done
    (its epochs, diverged, stopped early) and the rest go on as a new stack."""
    done = [0] * len(trainers)
    members = list(range(len(trainers)))
    with np.errstate(all="ignore"):   # as in Trainer.step: a diverging run is detected, not raised
        while members:
            group = [trainers[i] for i in members]
            net = stack([t.network for t in group])
            settings = [t.settings for t in group]
            lr = np.array([s.learning_rate for s in settings])[:, None, None]
            reg_rate = np.array([s.reg_rate for s in settings])[:, None, None]
            regularization = settings[0].regularization if reg_rate.any() else "none"
            eval_points = np.stack([t.eval_points for t in group])
            carry = None if group[0].carry is None else tuple(np.stack(part) for part in zip(*(t.carry for t in group)))
            while True:
                x, y = (np.stack(part) for part in zip(*(t.epoch_data() for t in group)))
                carry = train_epoch(net, Optimizer("sgd"), x, y, group[0].batch_size, lr, regularization, reg_rate,
                                    carry)
                out = net.predict(eval_points)
                for k, (i, trainer) in enumerate(zip(members, group)):
                    trainer.carry = None if carry is None else (carry[0][k], carry[1][k])
                    if net.dead_links:      # L1 killed a link somewhere in the stack
                        trainer.network.dead_links = not all(a.all() for a in trainer.network.alive)
                    trainer.end_epoch(out[k])
                    done[i] += 1
                if time.perf_counter() >= deadline:
                    return done
                going_on = [i for i in members if done[i] < max_epochs[i] and trainers[i].trainable]
                if going_on != members:
                    members = going_on
                    break
    return done


def stack(networks: list[Network]) -> Network:
    """One stacked Network of `networks` (all of one shape), and each of them made a view into it.

    Being views, the networks follow every step the stack takes, so each trainer
    records, snapshots (early stopping) and draws its own network as if it had
    trained alone. A network that later gets new arrays (restored best weights, a
    reset) simply stops being part of the stack.
    """
    first = networks[0]
    layers = range(len(first.weights))
    weights = [np.stack([n.weights[l] for n in networks]) for l in layers]
    biases = [np.stack([n.biases[l] for n in networks])[:, None, :] for l in layers]
    alive = [np.stack([n.alive[l] for n in networks]) for l in layers]
    for k, n in enumerate(networks):
        n.weights = [w[k] for w in weights]
        n.biases = [b[k, 0] for b in biases]
        n.alive = [a[k] for a in alive]
    return Network(weights, biases, alive, first.activation, first.output, first.loss,
                   dead_links=any(n.dead_links for n in networks))
