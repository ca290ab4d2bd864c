"""One training step with its numbers: what the learner sees after *Step one batch*.

`take_step` performs one real update of the network on one mini-batch, with the engine's own
`gradients` and `update`, and keeps every number of it: per link the weight before, ∂L/∂w (the
mean over the batch of δ·a), the regularization term, the update and the weight after; per
neuron its δ. Pure numpy, no Panel.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.dense.engine import REGULARIZERS, Network, Optimizer, gradients, update


@dataclass
class StepNumbers:
    """Every number of one update; lists run over the layers (weights[l]: fan_in × fan_out)."""

    batch: np.ndarray              # indices of the batch's points in the training set
    learning_rate: float
    regularization: str            # "none" | "l1" | "l2"
    reg_rate: float
    weights_before: list[np.ndarray]
    grad_w: list[np.ndarray]       # ∂L/∂w: the mean over the batch of δ (of the link's target) · a (of its source)
    reg_term: list[np.ndarray]     # learning rate · regularization rate · R′(w before); 0 without one
    weights_after: list[np.ndarray]
    biases_before: list[np.ndarray]
    biases_after: list[np.ndarray]
    delta: list[np.ndarray]        # per layer 1…L: each point's δ = ∂L/∂z, (batch, width)
    activations: list[np.ndarray]  # per layer 0…L−1: each point's output a feeding the next layer
    optimizer: str = "sgd"         # with another, the update is not −η·∂L/∂w (it has a memory)

    @property
    def update(self) -> list[np.ndarray]:
        """What the step added to each weight (after − before)."""
        return [a - b for a, b in zip(self.weights_after, self.weights_before)]

    @property
    def mean_delta(self) -> list[np.ndarray]:
        """Each neuron's δ averaged over the batch (= ∂L/∂b)."""
        return [d.mean(axis=0) for d in self.delta]

    def link(self, layer: int, i: int, j: int) -> dict[str, float]:
        """The numbers of the link from node i of layer `layer` to node j of the next layer."""
        return {"before": float(self.weights_before[layer][i, j]), "grad": float(self.grad_w[layer][i, j]),
                "learning_rate": self.learning_rate, "reg_term": float(self.reg_term[layer][i, j]),
                "update": float(self.update[layer][i, j]), "after": float(self.weights_after[layer][i, j]),
                "mean_delta": float(self.mean_delta[layer][j]),
                "mean_activation": float(self.activations[layer][:, i].mean())}


def take_step(net: Network, opt: Optimizer, x: np.ndarray, y: np.ndarray, learning_rate: float,
              regularization: str = "none", reg_rate: float = 0.0,
              batch: np.ndarray | None = None) -> StepNumbers:
    """Update `net` (and `opt`) on the batch (x, y) as training does, and return the step's numbers.

    The gradients are the engine's; the update is the engine's `update` on them, so the weights
    after are exactly what this step left in the network (not a re-derivation of it).
    """
    n = len(x)
    deltas: list = []
    with np.errstate(all="ignore"):
        grad_w, grad_b = gradients(net, x, y, deltas=deltas)
        activations = net.forward(x)[:-1]
    w_before = [w.copy() for w in net.weights]
    b_before = [b.copy() for b in net.biases]
    reg = REGULARIZERS.get(regularization) if regularization != "none" and reg_rate else None
    reg_term = [learning_rate * reg_rate * reg[1](w) if reg else np.zeros_like(w) for w in w_before]
    shown = [g.copy() for g in grad_w]
    with np.errstate(all="ignore"):
        update(net, grad_w, grad_b, opt, learning_rate, regularization, reg_rate)   # (it scales its arguments)
    return StepNumbers(batch=np.arange(n) if batch is None else batch, learning_rate=learning_rate,
                       regularization=regularization, reg_rate=reg_rate, weights_before=w_before, grad_w=shown,
                       reg_term=reg_term, weights_after=[w.copy() for w in net.weights], biases_before=b_before,
                       biases_after=[b.copy() for b in net.biases], delta=[d * n for d in deltas],
                       activations=activations, optimizer=opt.kind)


def step_trainer(trainer, cursor: int) -> tuple[StepNumbers, int]:
    """One batch of `trainer`'s next epoch order, from point `cursor` on (wrapping round): (numbers, next cursor).

    The epoch counter does not move: a batch is a part of an epoch. Dropout is left out of this step
    (every unit is shown).
    """
    s = trainer.settings
    x, y = trainer._x_train, trainer._y_train
    size = trainer.batch_size
    start = cursor % len(x) if len(x) else 0
    batch = (start + np.arange(size)) % len(x)
    numbers = take_step(trainer.network, trainer.optimizer, x[batch], y[batch], s.learning_rate,
                        s.regularization, s.reg_rate, batch)
    return numbers, (start + size) % len(x)
