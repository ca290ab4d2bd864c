"""Why a network fails: dead ReLUs, saturated tanh/sigmoid neurons, gradient sizes per layer, divergence.

Pure numpy on a `Network` and its training inputs; the page marks what these find and the
tests build networks that have each fault on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.dense.engine import ACTIVATIONS, Network, gradients
from playground.dense.metrics import output_metrics
from playground.i18n import N_

# A tanh or sigmoid neuron is saturated when, on nearly every training point, its slope is below
# this share of its largest slope (tanh: 1 at 0, so |a| > 0.99; sigmoid: 0.25, so a < 0.005 or > 0.995):
# the gradient through it is then 2 % or less of what it could be, and it learns very slowly.
SATURATED_SLOPE = 0.02
SATURATED_SHARE = 0.95
MAX_SLOPE = {"tanh": 1.0, "sigmoid": 0.25}


@dataclass
class Diagnosis:
    """Per hidden layer, which neurons are dead or saturated; per layer of weights, the gradient size."""

    dead: list[np.ndarray]        # bool (width,) per hidden layer: ReLU output 0 on every training point
    saturated: list[np.ndarray]   # bool (width,) per hidden layer: tanh/sigmoid slope ~0 on nearly every point
    gradient_size: list[float]    # per weight layer: mean |∂L/∂w| over the training set

    @property
    def dead_count(self) -> int:
        return int(sum(d.sum() for d in self.dead))

    @property
    def saturated_count(self) -> int:
        return int(sum(s.sum() for s in self.saturated))


def hidden_outputs(net: Network, x: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's outputs on the points, (N, width)."""
    with np.errstate(all="ignore"):
        return net.forward(x)[1:-1]


def dead_neurons(net: Network, x: np.ndarray, outs: list[np.ndarray] | None = None) -> list[np.ndarray]:
    """ReLU neurons whose output is 0 on every point of `x`: no gradient reaches them, so they never recover.

    `outs`: `hidden_outputs(net, x)`, if the caller has them."""
    outs = hidden_outputs(net, x) if outs is None else outs
    if net.activation != "relu":
        return [np.zeros(o.shape[1], bool) for o in outs]
    if not len(x):
        return [np.ones(o.shape[1], bool) for o in outs]     # (as np.all over no points says)
    # A ReLU's output is never below 0, so "0 on every point" is "its largest output is 0": one reduction
    # per layer instead of a comparison array and a reduction (a NaN output is not dead either way).
    return [o.max(axis=0) <= 0 for o in outs]


def saturated_neurons(net: Network, x: np.ndarray, outs: list[np.ndarray] | None = None) -> list[np.ndarray]:
    """tanh or sigmoid neurons whose slope is under SATURATED_SLOPE of its peak on ≥ SATURATED_SHARE of `x`."""
    outs = hidden_outputs(net, x) if outs is None else outs
    peak = MAX_SLOPE.get(net.activation)
    if peak is None:
        return [np.zeros(o.shape[1], bool) for o in outs]
    der, n = ACTIVATIONS[net.activation].der, len(x)
    # np.mean's own sum and division, without its Python wrapper (a frame at a stop counts tenths of a ms)
    return [np.add.reduce(der(None, o) < SATURATED_SLOPE * peak, axis=0, dtype=float) / n >= SATURATED_SHARE
            for o in outs]


def gradient_sizes(net: Network, x: np.ndarray, y: np.ndarray) -> list[float]:
    """Mean |∂L/∂w| of each layer of weights over all of (x, y): shrinking towards the input is a vanishing
    gradient, growing an exploding one."""
    with np.errstate(all="ignore"):
        grad_w, _ = gradients(net, x, y)
    return [float(np.add.reduce(np.abs(g), axis=None) / g.size) for g in grad_w]     # np.mean's arithmetic


def diagnose(net: Network, x: np.ndarray, y: np.ndarray) -> Diagnosis:
    outs = hidden_outputs(net, x)
    return Diagnosis(dead_neurons(net, x, outs), saturated_neurons(net, x, outs), gradient_sizes(net, x, y))


def trainer_diagnosis(trainer) -> Diagnosis:
    """`diagnose` on a trainer's network and training set."""
    return diagnose(trainer.network, trainer._x_train, trainer._y_train)


def trainer_measures(trainer) -> tuple[dict, Diagnosis | None]:
    """What a frame at a stop shows beyond the map: `trainer_metrics` and `trainer_diagnosis` (None once the
    run diverged), with the same numbers, from one forward pass over the training and test points together
    (the metrics need the output on both, the diagnosis the hidden layers on the training points)."""
    t, net = trainer, trainer.network
    with np.errstate(all="ignore"):
        outs = net.forward(t._x_eval)
    metrics = output_metrics(outs[-1], t.train.kind, t.train.n_classes, t.train, t.test, net.output)
    if t.diverged:
        return metrics, None
    x, n = t._x_train, len(t._x_train)
    hidden = [o[:n] for o in outs[1:-1]]
    found = Diagnosis(dead_neurons(net, x, hidden), saturated_neurons(net, x, hidden),
                      gradient_sizes(net, x, t._y_train))
    return metrics, found


# ---- divergence --------------------------------------------------------------------------------

DIVERGED_NOTICE = N_("Training diverged at epoch {epoch}: the loss became ∞ or NaN. With a learning rate of "
                     "{rate}, each step overshoots the minimum by more than the last, until the weights "
                     "overflow. Fix: learning rate {fixed}, from the same start.")
PROBE_EPOCHS = 60     # epochs a candidate rate must survive (and lower the loss in) to be offered


def lower_rates(rate: float, rates: list[float]) -> list[float]:
    """The rates of the list at most half of `rate`, largest first (halving, then onwards)."""
    return sorted((r for r in rates if r <= rate / 2), reverse=True)


def safe_learning_rate(trainer, probe_epochs: int = PROBE_EPOCHS) -> float | None:
    """The largest rate at most half the current one with which the same start trains `probe_epochs`
    epochs without diverging and lowers the training loss; None if none does.

    Each candidate is a throw-away trainer on the same settings and the same data source.
    """
    from playground.dense.settings import LEARNING_RATES
    from playground.dense.trainer import Trainer

    s = trainer.settings
    for rate in lower_rates(s.learning_rate, LEARNING_RATES):
        probe_settings = s.__class__(**{**s.param.values(), "learning_rate": rate, "name": None})
        probe = Trainer(probe_settings, source=trainer.source)
        start = probe.history["train_loss"][0]
        probe.step(probe_epochs)
        if not probe.diverged and probe.history["train_loss"][-1] < start:
            return rate
    return None


def fix_divergence(trainer, rate: float | None = None) -> float | None:
    """Lower the learning rate to `rate` (default: `safe_learning_rate`) and start again from the same
    start (same seed, same data); returns the new rate, or None (nothing changed) if no lower rate helps."""
    rate = rate if rate is not None else safe_learning_rate(trainer)
    if rate is None:
        return None
    trainer.settings.learning_rate = rate
    trainer.reset()
    return rate
