"""A dense network in numpy: build, forward, gradients, update, one epoch.

The same idea as the TF Playground's nn.ts, vectorised over the batch. In "classic"
use (tanh output, squared error, SGD) it reproduces the original's arithmetic:
mean gradient per batch, then the regularizer's step evaluated at the weight from
before the gradient step, L1 killing a link whose sign it flips. Nothing here
knows about Panel, TensorFlow or the data sets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    output: Callable[[Array], Array]          # a = f(z)
    der: Callable[[Array, Array], Array]      # da/dz, given z and a (whichever is cheaper)


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))    # overflow-free logistic


def _swish_der(z: Array, a: Array) -> Array:
    s = _sigmoid(z)
    return s + z * s * (1.0 - s)


LEAKY_SLOPE = 0.01
ACTIVATIONS: dict[str, Activation] = {
    # ReLU's der is 0 at z ≤ 0, as in nn.ts; a bool array multiplies like 0/1 and saves a cast.
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z, a: z > 0),
    "tanh": Activation(np.tanh, lambda z, a: 1.0 - a * a),
    "sigmoid": Activation(_sigmoid, lambda z, a: a * (1.0 - a)),
    "linear": Activation(lambda z: z, lambda z, a: np.ones_like(z)),
    "leaky_relu": Activation(lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                             lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "elu": Activation(lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
                      lambda z, a: np.where(z > 0, 1.0, a + 1.0)),
    "swish": Activation(lambda z: z * _sigmoid(z), _swish_der),
}


def _softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


OUTPUT_ACTIVATIONS = {"tanh": ACTIVATIONS["tanh"], "linear": ACTIVATIONS["linear"],
                      "sigmoid": ACTIVATIONS["sigmoid"], "softmax": Activation(_softmax, None)}

# Which output each loss pairs with. Cross-entropy with sigmoid/softmax has the
# simple output delta (out − y); squared error goes through the activation's der.
LOSS_OUTPUTS = {"squared": {"tanh", "linear", "sigmoid"}, "cross_entropy": {"sigmoid", "softmax"}}

_EPS = 1e-12


def loss_per_point(out: Array, y: Array, loss: str) -> Array:
    """Loss of each row: ½Σ(out − y)² or cross-entropy (y one-hot, or 0/1 with a sigmoid)."""
    if loss == "squared":
        return 0.5 * np.sum((out - y) ** 2, axis=1)
    if out.shape[1] == 1:   # sigmoid: binary cross-entropy
        p = np.clip(out[:, 0], _EPS, 1 - _EPS)
        return -(y[:, 0] * np.log(p) + (1 - y[:, 0]) * np.log(1 - p))
    return -np.sum(y * np.log(np.clip(out, _EPS, None)), axis=1)


REGULARIZERS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    # name -> (penalty R(w), its derivative R′(w)); nn.ts's L1.der is sign(w), 0 at 0
    "l1": (np.abs, np.sign),
    "l2": (lambda w: 0.5 * w * w, lambda w: w),
}


@dataclass
class Network:
    """Weights and biases of a dense net; layer l maps width[l] → width[l+1].

    A *stack* of K networks of one shape (see cohort.py) is a Network too: every array
    gets a leading axis, weights (K, fan_in, fan_out) and biases (K, 1, fan_out), and
    the forward pass, `gradients`, `update` and `train_epoch` below train all K at once
    on data (K, N, inputs), with per-network learning rates (K, 1, 1). matmul and the
    ufuncs work matrix by matrix and element by element, so each network of a stack
    gets exactly the numbers it would get alone.
    """

    weights: list[Array]          # weights[l]: (fan_in, fan_out)
    biases: list[Array]           # biases[l]: (fan_out,)
    alive: list[Array]            # alive[l]: bool like weights[l]; False once L1 zeroed the link
    activation: str               # hidden activation, a key of ACTIVATIONS
    output: str                   # output activation, a key of OUTPUT_ACTIVATIONS
    loss: str                     # "squared" | "cross_entropy"
    dead_links: bool = False      # whether any alive[l] is False (skips masking in the hot loop)

    @property
    def widths(self) -> list[int]:
        return [self.weights[0].shape[-2]] + [w.shape[-1] for w in self.weights]

    def layer_activation(self, l: int) -> Activation:
        """The activation applied after weights[l]."""
        return OUTPUT_ACTIVATIONS[self.output] if l == len(self.weights) - 1 else ACTIVATIONS[self.activation]

    def forward_z(self, x: Array) -> tuple[list[Array], list[Array]]:
        """Pre-activations z[l] (for layers 1…L) and outputs a[l] (layers 0…L, a[0] = x)."""
        zs, outs = [], [x]
        hidden, last = ACTIVATIONS[self.activation].output, len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = outs[-1] @ w
            z += b
            zs.append(z)
            outs.append(hidden(z) if l < last else OUTPUT_ACTIVATIONS[self.output].output(z))
        return zs, outs

    def forward(self, x: Array) -> list[Array]:
        """Every node's output: [x, hidden_1, …, output], each (N, width)."""
        return self.forward_z(x)[1]

    def predict(self, x: Array) -> Array:
        return self.forward(x)[-1]

    def node_values(self, x_t: Array) -> list[Array]:
        """`forward` laid out for pictures: each layer (width, N), one node's values per row.

        `x_t` is the inputs transposed, (features, N). Computing in this layout
        (wᵀ @ a) costs less than transposing `forward`'s result: for the 6×8 network on
        the 100×100 grid, 1.2 ms against 3 ms, at every frame.
        """
        outs = [x_t]
        hidden, last = ACTIVATIONS[self.activation].output, len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = w.T @ outs[-1]
            z += b[:, None]
            # The output's activation may work across a row (softmax, over the classes): it gets rows.
            outs.append(hidden(z) if l < last else OUTPUT_ACTIVATIONS[self.output].output(z.T).T)
        return outs

    def forward_dropout(self, x: Array, masks: list[Array]) -> tuple[list[Array], list[Array], list[Array]]:
        """A training pass with dropout: (z[l], a[l] before dropout, a[l] after it).

        `masks[l]` multiplies hidden layer l+1's output (see `dropout_masks`); the output
        layer is never dropped. The derivative needs the activation before dropout.
        """
        zs, acts, outs = [], [x], [x]
        hidden, last = ACTIVATIONS[self.activation].output, len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = outs[-1] @ w
            z += b
            zs.append(z)
            if l < last:
                a = hidden(z)
                acts.append(a)
                outs.append(a * masks[l])
            else:
                a = OUTPUT_ACTIVATIONS[self.output].output(z)
                acts.append(a)
                outs.append(a)
        return zs, acts, outs


def dropout_masks(rng: np.random.Generator, n: int, widths: list[int], rate: float) -> list[Array]:
    """One mask per hidden layer, (n, width): 0 where a unit is dropped, 1/(1 − rate) where it is kept.

    Inverted dropout, as Keras's Dropout layer does it in training: each unit is dropped with
    probability `rate`, and the kept ones are scaled up so that a unit's expected output is
    unchanged; at inference nothing is dropped or scaled.
    """
    keep = 1.0 / (1.0 - rate)
    return [(rng.random((n, w)) >= rate) * keep for w in widths]


def build_network(n_inputs: int, hidden: list[int] | tuple[int, ...], n_outputs: int = 1, *,
                  activation: str = "tanh", output: str = "tanh", loss: str = "squared",
                  rng: np.random.Generator | None = None, init_zero: bool = False) -> Network:
    """A new network initialised like the original: weights U(−0.5, 0.5), biases 0.1.

    `init_zero` starts every weight at 0 as the original's initZero does (biases stay 0.1):
    the neurons of a layer then stay identical, which is the lesson it teaches.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    if output not in LOSS_OUTPUTS.get(loss, ()):
        raise ValueError(f"loss {loss!r} cannot be used with a {output!r} output")
    rng = rng or np.random.default_rng()
    widths = [n_inputs, *hidden, n_outputs]
    weights = [np.zeros((a, b)) if init_zero else rng.uniform(-0.5, 0.5, (a, b))
               for a, b in zip(widths[:-1], widths[1:])]
    return Network(weights, [np.full(b, 0.1) for b in widths[1:]],
                   [np.ones(w.shape, bool) for w in weights], activation, output, loss)


def gradients(net: Network, x: Array, y: Array, scale: float = 1.0,
              masks: list[Array] | None = None, deltas: list | None = None) -> tuple[list[Array], list[Array]]:
    """Mean over the batch of dE/dw and dE/db for every layer (dead links get 0), times `scale`.

    `masks`: dropout masks of the hidden layers (`dropout_masks`), fixed for this batch.
    `deltas`: a list to receive each layer's δ = dE/dz, (N, width) per layer, times scale/N
    (step_numbers.py shows them; training passes None).
    """
    if masks is None:
        zs, outs = net.forward_z(x)
        acts = outs
    else:
        zs, acts, outs = net.forward_dropout(x, masks)
    out = outs[-1]
    stacked = out.ndim == 3
    # Scaling the output delta by scale/n makes every product below a (scaled) batch mean.
    delta = (out - y) * (scale / x.shape[-2])
    if net.loss == "squared":
        delta *= net.layer_activation(len(zs) - 1).der(zs[-1], out)
    hidden_der = ACTIVATIONS[net.activation].der
    grad_w, grad_b = [None] * len(zs), [None] * len(zs)
    for l in range(len(zs) - 1, -1, -1):
        if deltas is not None:
            deltas.insert(0, delta)
        grad_w[l] = outs[l].mT @ delta
        grad_b[l] = np.add.reduce(delta, axis=-2, keepdims=stacked)
        if l:
            delta = (delta @ net.weights[l].mT) * hidden_der(zs[l - 1], acts[l])
            if masks is not None:   # a dropped unit passed nothing forward, so it gets no gradient
                delta *= masks[l - 1]
    if net.dead_links:
        for g, alive in zip(grad_w, net.alive):
            g *= alive
    return grad_w, grad_b


@dataclass
class Optimizer:
    """Turns a mean gradient into a step. "sgd" is the original's plain w −= lr·g."""

    kind: str = "sgd"             # "sgd" | "momentum" | "adam" | "rmsprop"
    momentum: float = 0.9         # momentum / Adam β1
    beta2: float = 0.999          # Adam β2
    rho: float = 0.9              # RMSprop decay
    eps: float = 1e-8
    t: int = 0                    # Adam's step count
    slots: dict = field(default_factory=dict)   # id(param) -> running averages

    KINDS = ("sgd", "momentum", "adam", "rmsprop")

    def step(self, param: Array, grad: Array, lr: float) -> None:
        """Update `param` in place."""
        if self.kind == "sgd":
            grad *= lr
            param -= grad
            return
        m, v = self.slots.setdefault(id(param), (np.zeros_like(param), np.zeros_like(param)))
        if self.kind == "momentum":
            m *= self.momentum
            m -= lr * grad
            param += m
        elif self.kind == "rmsprop":
            v *= self.rho
            v += (1 - self.rho) * grad * grad
            param -= lr * grad / (np.sqrt(v) + self.eps)
        elif self.kind == "adam":
            m *= self.momentum
            m += (1 - self.momentum) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            m_hat = m / (1 - self.momentum ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            param -= lr * m_hat / (np.sqrt(v_hat) + self.eps)
        else:
            raise ValueError(f"unknown optimizer {self.kind!r}")


def update(net: Network, grad_w: list[Array], grad_b: list[Array], opt: Optimizer, lr: float,
           regularization: str = "none", reg_rate: float = 0.0, prescaled: bool = False) -> None:
    """One step: the optimizer on the mean gradient, then the regularizer (not on biases).

    `prescaled` says the gradients were already multiplied by lr (plain SGD's whole
    step, folded into the backward pass because this is the hot loop).

    As in nn.ts the regularizer's derivative is taken at the weight from before the
    gradient step, and an L1 step that flips a weight's sign sets it to 0 and kills
    the link until the network is rebuilt.
    """
    opt.t += 1
    # (a stack of networks brings one rate per network; "none" short-circuits the test in the hot loop)
    reg = REGULARIZERS.get(regularization) if regularization != "none" and np.any(reg_rate) else None
    for w, b, alive, gw, gb in zip(net.weights, net.biases, net.alive, grad_w, grad_b):
        reg_step = lr * reg_rate * reg[1](w) if reg else None
        if opt.kind == "sgd" and prescaled:
            b -= gb
            w -= gw
        else:
            opt.step(b, gb, lr)
            opt.step(w, gw, lr)
        if reg is not None:
            new = w - reg_step
            if regularization == "l1":
                flipped = (w * new < 0) & alive
                if flipped.any():
                    alive &= ~flipped
                    net.dead_links = True
                new[~alive] = 0.0
            w[...] = new


def train_epoch(net: Network, opt: Optimizer, x: Array, y: Array, batch_size: int, lr: float,
                regularization: str = "none", reg_rate: float = 0.0,
                carry: tuple[Array, Array] | None = None, dropout: float = 0.0,
                rng: np.random.Generator | None = None) -> tuple[Array, Array] | None:
    """One pass over (x, y) in the given order, one update per `batch_size` points.

    Like the original's loop (update when (i + 1) % batchSize == 0), points left over
    at the end of a pass are not dropped: they are returned, and the caller passes
    them back as `carry` so they join the first batch of the next pass.

    `dropout` > 0 drops hidden units with that rate, a new mask for every batch drawn from `rng`.
    """
    n = x.shape[-2]      # the points are the second-last axis, for a stack of networks too
    start = 0
    sgd = opt.kind == "sgd"
    scale = lr if sgd else 1.0
    hidden_widths = net.widths[1:-1]
    if dropout and rng is None:
        raise ValueError("dropout needs a random generator")

    def batch_step(xb, yb):
        masks = dropout_masks(rng, len(xb), hidden_widths, dropout) if dropout else None
        update(net, *gradients(net, xb, yb, scale, masks), opt, lr, regularization, reg_rate, prescaled=sgd)

    if carry is not None and carry[0].shape[-2]:
        first = min(batch_size, n)
        xb = np.concatenate([carry[0], x[..., :first, :]], axis=-2)
        yb = np.concatenate([carry[1], y[..., :first, :]], axis=-2)
        if first == batch_size:
            batch_step(xb, yb)
            start = first
        else:   # a whole pass shorter than a batch: keep accumulating
            return xb, yb
    while start + batch_size <= n:
        stop = start + batch_size
        batch_step(x[..., start:stop, :], y[..., start:stop, :])
        start = stop
    return (x[..., start:, :], y[..., start:, :]) if start < n else None


def is_finite(net: Network) -> bool:
    """False once any weight or bias is NaN or infinite (the run diverged)."""
    return all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in zip(net.weights, net.biases))
