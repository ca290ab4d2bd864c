"""A training run of the dense playground: data, network, optimizer and history for one session.

The trainer reads its settings when it needs them, so a change of learning rate
applies from the next batch, while `apply` follows the original's reset rules for
everything else. It never raises on a diverging run: it sets `diverged` and stops.
"""
from __future__ import annotations

import time

import numpy as np

from playground.datasets.features import GRID_SIZE, feature_matrix, grid_points
from playground.datasets.playground_data import Dataset
from playground.dense.data_source import DataSource
from playground.dense.engine import Network, Optimizer, build_network, is_finite, loss_per_point, train_epoch
from playground.dense.settings import NEW_DATA, RESETS_NETWORK, DenseSettings

HISTORY_KEYS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
# A served page keeps at most about this many history points: a session that plays
# for an hour would otherwise grow its history without bound.
HISTORY_CAP = 4000


def thin_history(history: dict[str, list], cap: int) -> None:
    """Past `cap` points, keep every `stride`-th epoch (in place), as a chart would.

    The stride is the smallest power of two that halves the history, so the kept
    points are evenly spread (no gaps in the chart) and the length stays between
    about cap/2 and cap. Every list thins alike, "epoch" included, so each kept point
    keeps its epoch number; the first and the newest points always stay.
    """
    epochs = history["epoch"]
    n = len(epochs)
    if n <= cap:
        return
    stride = 2
    while sum(1 for e in epochs if e % stride == 0) > cap // 2:
        stride *= 2
    keep = [i for i, e in enumerate(epochs) if e % stride == 0 or i == n - 1]
    for key, values in history.items():
        if len(values) == n:
            history[key] = [values[i] for i in keep]


def targets(data: Dataset, settings: DenseSettings) -> np.ndarray:
    """What the output is trained towards: ±1, 0/1, one-hot or the value, as (N, outputs)."""
    if data.kind == "multiclass":
        return np.eye(data.n_classes)[data.labels.astype(int)]
    y = data.labels[:, None]
    return (y + 1) / 2 if settings.output_activation == "sigmoid" else y


def output_size(settings: DenseSettings) -> int:
    return settings.n_classes if settings.kind == "multiclass" else 1


class EarlyStopping:
    """Keras's `EarlyStopping(monitor="val_loss", patience=…, restore_best_weights=True)`, epoch by epoch.

    The same rules as Keras 3's callback: the first epoch is the first best; each later
    epoch counts one more wait unless its test loss is strictly lower than the best so
    far; training stops once the wait reaches `patience`. Keras numbers epochs from 0,
    the playground from 1 (epoch 0 is the untrained network, which Keras never sees).
    """

    def __init__(self, patience: int):
        self.patience = patience
        self.best = None              # the lowest test loss so far
        self.best_epoch = None        # the playground epoch it came from
        self.best_state = None        # (weights, biases, the history values) at that epoch
        self.wait = 0
        self.stopped_epoch = None     # where training stopped, once it has

    def should_stop(self, epoch: int, test_loss: float, snapshot) -> bool:
        """Note the end of `epoch`; True when training must stop now. `snapshot()` copies the state."""
        self.wait += 1
        if self.best is None or test_loss < self.best:
            self.best, self.best_epoch, self.best_state = test_loss, epoch, snapshot()
            self.wait = 0
            return False
        if self.wait >= self.patience and epoch > 1:   # Keras: `epoch > 0`, counted from 0
            self.stopped_epoch = epoch
            return True
        return False


# `train_for` looks at the clock after this many mini-batches: 2–4 ms of the largest network at batch 1.
PART_BATCHES = 8


class Trainer:
    """Everything one session trains: rebuilt by `reset`, advanced by `step`."""

    def __init__(self, settings: DenseSettings | None = None, history_cap: int | None = None,
                 source: DataSource | None = None):
        self.settings = settings or DenseSettings()
        self.source = source or DataSource()   # generated data, or the learner's own points
        # None keeps one point per epoch (headless runs index the history by epoch).
        self.history_cap = history_cap
        self._grid = grid_points()
        self.reset(new_data=True)

    # ---- building ------------------------------------------------------------------------

    def _make_data(self) -> None:
        s = self.settings
        self.train, self.test = self.source.make(s)
        self._featurize()

    def _featurize(self) -> None:
        """The inputs and targets of the current data, for the current features and output.

        The targets are made here, not with the data: a new loss (squared error ↔
        cross-entropy) changes the output (tanh ↔ sigmoid) and so the targets (±1 ↔ 0/1)."""
        s = self.settings
        self._y_train, self._y_test = targets(self.train, s), targets(self.test, s)
        # What every epoch's record compares the output with, joined once (not per epoch).
        self._y_eval = np.vstack([self._y_train, self._y_test])
        self._labels_eval = np.concatenate([self.train.labels, self.test.labels])
        f = s.features
        self._x_train = feature_matrix(self.train.points, f)
        self._x_test = feature_matrix(self.test.points, f)
        # The grid's points as columns (`Network.node_values`); read-only, as `node_grids` hands out a view.
        self._x_grid_t = np.ascontiguousarray(feature_matrix(self._grid, f).T, np.float32)
        self._x_grid_t.flags.writeable = False
        # Train and test in one forward pass per epoch: half the numpy calls.
        self._x_eval = np.vstack([self._x_train, self._x_test])

    def reset(self, new_data: bool = False) -> None:
        """A new network (and optionally new data); epoch 0 with its losses recorded."""
        s = self.settings
        if new_data:
            self._make_data()
        else:
            self._featurize()
        self.network = build_network(len(s.features), s.hidden, output_size(s), activation=s.activation,
                                     output=s.output_activation, loss=s.effective_loss,
                                     rng=np.random.default_rng(s.seed), init_zero=s.init_zero)
        self.optimizer = Optimizer(s.optimizer)
        self._shuffle_rng = np.random.default_rng([s.seed, 1])
        self._dropout_rng = np.random.default_rng([s.seed, 2])
        # Points left over from the last epoch's batches: they start the next epoch's first batch (train_epoch).
        self.carry = None
        self._part = None       # an epoch trained in parts (`train_for`): its points in order, and how many trained
        self.epoch = 0
        self.diverged = False
        self._clear_history()

    def apply(self, changed: set[str] | frozenset[str]) -> None:
        """Bring the run up to date after the settings named in `changed` changed."""
        if changed & RESETS_NETWORK:
            self.reset(new_data=bool(changed & NEW_DATA))
        elif changed & NEW_DATA:   # "regenerate": new data, the same network keeps training
            self._make_data()
            self.carry = self._part = None
            self.resume()          # a best loss on other data says nothing about this data

    # ---- training ------------------------------------------------------------------------

    @property
    def stopped(self) -> bool:
        """Early stopping has stopped the run (and restored the best weights)."""
        return self.early_stopping is not None and self.early_stopping.stopped_epoch is not None

    @property
    def batch_size(self) -> int:
        """The batch actually used: a batch larger than the training set is the whole set."""
        return max(1, min(self.settings.batch_size, len(self._x_train)))

    def step(self, epochs: int = 1) -> int:
        """Train up to `epochs` epochs; returns how many ran (fewer once the run diverges or stops early)."""
        done = 0
        s = self.settings
        with np.errstate(all="ignore"):   # overflow is expected in a diverging run; we detect it
            while done < epochs and self.trainable:
                if self._part is not None:      # an epoch begun in parts ends first
                    done += self._train_part(float("inf"))
                    continue
                x, y = self.epoch_data()
                self.carry = train_epoch(self.network, self.optimizer, x, y, self.batch_size, s.learning_rate,
                                          s.regularization, s.reg_rate, self.carry, s.dropout, self._dropout_rng)
                self.end_epoch()
                done += 1
        return done

    @property
    def trainable(self) -> bool:
        """Whether another epoch may be trained (not diverged, not stopped early)."""
        return not self.diverged and not self.stopped

    def epoch_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The training points (features, targets) in the order of the next epoch (an epoch begun in parts is
        given up: whoever asks trains the next one whole, as a cohort's stack does)."""
        self._part = None
        return self._epoch_order()

    def _epoch_order(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._x_train, self._y_train
        if self.settings.shuffle:
            order = self._shuffle_rng.permutation(len(x))
            x, y = x[order], y[order]
        return x, y

    def end_epoch(self, out: np.ndarray | None = None) -> None:
        """An epoch has been trained: count it, record its losses and apply early stopping.

        `out`: the network's output on the train and test points (`eval_points`), if the
        caller has it already (a cohort computes it for all its networks at once).
        """
        self.epoch += 1
        self._record(out)
        if self.early_stopping is not None and not self.diverged and self.early_stopping.should_stop(
                self.epoch, self.history["test_loss"][-1], self._snapshot):
            self.restore_best()

    @property
    def eval_points(self) -> np.ndarray:
        """The train points then the test points: what the losses are measured on."""
        return self._x_eval

    def _snapshot(self):
        h = self.history
        return ([w.copy() for w in self.network.weights], [b.copy() for b in self.network.biases],
                [a.copy() for a in self.network.alive], {k: h[k][-1] for k in HISTORY_KEYS if h[k]})

    def restore_best(self) -> None:
        """Go back to the weights of the best epoch so far (Keras's restore_best_weights at the end of
        training); the losses reported from then on are that epoch's. The history stays as trained."""
        stopper = self.early_stopping
        if stopper is None or stopper.best_state is None:
            return
        weights, biases, alive, self._best_values = stopper.best_state
        net = self.network
        net.weights, net.biases = [w.copy() for w in weights], [b.copy() for b in biases]
        net.alive = [a.copy() for a in alive]
        net.dead_links = not all(a.all() for a in net.alive)

    def resume(self) -> None:
        """Train on after an early stop, from the restored weights, with a fresh patience
        (like calling Keras's `fit` again with the same callback)."""
        if self.settings.early_stopping:
            self.early_stopping = EarlyStopping(self.settings.early_stopping)

    def train_for(self, seconds: float, max_epochs: int) -> int:
        """Train until `seconds` have passed or `max_epochs` epochs ended; returns how many ended.

        The time is checked every `PART_BATCHES` mini-batches, not only between epochs: an
        epoch that costs more than `seconds` (6×16 neurons, batch 1, 1,080 points: 0.4 s)
        trains in parts over several calls, so one learner's slice never holds the server's
        workers much past its budget. It trains at least one part, and the numbers are
        those of whole epochs (the parts are whole mini-batches, in the epoch's order).
        """
        deadline = time.perf_counter() + seconds
        done = 0
        with np.errstate(all="ignore"):   # as in `step`
            while done < max_epochs and self.trainable:
                done += self._train_part(deadline)
                if time.perf_counter() >= deadline:
                    break
        return done

    @property
    def progress(self) -> tuple[int, int]:
        """(epochs ended, points of the current epoch trained so far): it moves with every part trained."""
        return self.epoch, 0 if self._part is None else self._part[2]

    def _train_part(self, deadline: float) -> int:
        """Mini-batches of the current epoch (a new one if none is begun) until it ends (1) or `deadline` passes (0)."""
        if self._part is None:
            self._part = (*self._epoch_order(), 0)
        x, y, start = self._part
        s, n, batch = self.settings, len(x), self.batch_size
        # Parts of whole batches from the epoch's start: each `train_epoch` call then does what one
        # call over the whole epoch does (a carry joins the first batch, a remainder is carried).
        step = batch * PART_BATCHES if n >= batch else n
        while start < n:
            stop = n if n - start < batch + step else start + step
            carry = train_epoch(self.network, self.optimizer, x[start:stop], y[start:stop], batch, s.learning_rate,
                                s.regularization, s.reg_rate, self.carry, s.dropout, self._dropout_rng)
            self.carry, start = carry, stop
            if start < n and time.perf_counter() >= deadline:
                self._part = (x, y, start)
                return 0
        self._part = None
        self.end_epoch()
        return 1

    def _record(self, out: np.ndarray | None = None) -> None:
        self._best_values = None   # the network now is the one trained last
        with np.errstate(all="ignore"):
            if out is None:
                out = self.network.predict(self._x_eval)
            n = len(self._x_train)
            losses = loss_per_point(out, self._y_eval, self.network.loss)
        train_loss = float(losses[:n].mean()) if n else float("nan")
        test_loss = float(losses[n:].mean()) if len(losses) > n else float("nan")
        self.history["epoch"].append(self.epoch)
        self.history["train_loss"].append(train_loss)
        self.history["test_loss"].append(test_loss)
        if self.settings.kind != "regression":
            correct = self._correct(out)
            self.history["train_accuracy"].append(float(correct[:n].mean()) if n else float("nan"))
            self.history["test_accuracy"].append(float(correct[n:].mean()) if len(correct) > n else float("nan"))
        if not (np.isfinite(train_loss) and is_finite(self.network)):
            self.diverged = True
        if self.history_cap is not None:
            thin_history(self.history, self.history_cap)

    def _correct(self, out: np.ndarray) -> np.ndarray:
        labels = self._labels_eval
        if self.settings.kind == "multiclass":
            return out.argmax(axis=1) == labels
        threshold = 0.5 if self.network.output == "sigmoid" else 0.0
        return np.where(out[:, 0] >= threshold, 1.0, -1.0) == labels

    # ---- what the views draw ---------------------------------------------------------------

    @property
    def train_loss(self) -> float:
        """The current network's training loss (after restoring the best weights: that epoch's)."""
        return self.current("train_loss")

    @property
    def test_loss(self) -> float:
        return self.current("test_loss")

    def current(self, key: str) -> float:
        """The newest value of history `key`, or the restored best epoch's."""
        if self._best_values is not None and key in self._best_values:
            return self._best_values[key]
        return self.history[key][-1]

    def node_grids(self) -> list[np.ndarray]:
        """Every node on the 100×100 grid, in one pass: per layer (width, GRID_SIZE, GRID_SIZE) float32.

        [0] holds the input features; the last layer holds the output (for several
        classes: one softmax probability per class).
        """
        # float32 is plenty for a picture and more than halves the cost of the pass.
        net = self.network
        with np.errstate(all="ignore"):   # a diverged network's huge weights overflow float32: drawn as such
            grid_net = Network([w.astype(np.float32) for w in net.weights],
                               [b.astype(np.float32) for b in net.biases], net.alive, net.activation, net.output,
                               net.loss)
            outs = grid_net.node_values(self._x_grid_t)
        return [np.ascontiguousarray(o).reshape(-1, GRID_SIZE, GRID_SIZE) for o in outs]

    def display_output(self, output_grid: np.ndarray) -> np.ndarray:
        """The output layer's grid on the −1…+1 scale the heatmap uses (a sigmoid's p → 2p − 1)."""
        return 2 * output_grid - 1 if self.network.output == "sigmoid" else output_grid

    def load_weights(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Start from these weights (e.g. an imported Keras model): fresh optimizer, epoch 0."""
        net = self.network
        if [np.shape(w) for w in weights] != [w.shape for w in net.weights] or \
                [np.shape(b) for b in biases] != [b.shape for b in net.biases]:
            raise ValueError(f"weights of shape {[np.shape(w) for w in weights]} do not fit the network "
                             f"{net.widths}")
        net.weights = [np.array(w, dtype=np.float64) for w in weights]
        net.biases = [np.array(b, dtype=np.float64) for b in biases]
        net.alive = [np.ones(w.shape, bool) for w in net.weights]
        net.dead_links = False
        self.optimizer = Optimizer(self.settings.optimizer)
        self.carry = self._part = None
        self.epoch = 0
        self.diverged = False
        self._clear_history()

    def _clear_history(self) -> None:
        # A fresh start: early stopping watches from here.
        patience = self.settings.early_stopping
        self.early_stopping = EarlyStopping(patience) if patience else None
        self._best_values = None
        self.history = {k: [] for k in HISTORY_KEYS}
        self.history["epoch"] = []     # the epoch of each point (thinning drops points)
        self._record()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set the weight from node i of layer `layer` to node j of the next layer (revives a dead link)."""
        if not np.isfinite(value):
            raise ValueError("a weight must be a finite number")
        self.network.weights[layer][i, j] = value
        self.network.alive[layer][i, j] = True
        self.network.dead_links = not all(a.all() for a in self.network.alive)
