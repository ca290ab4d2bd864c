"""One learner's CNN training, live: Keras `model.fit` on a background thread, watched from a page.

The thread trains on the shipped MNIST digits (the first `train_size` of the
training split) and reports through a Keras callback: after every batch the
loss and accuracy (bounded, thinned as they grow) and, at most twice a second,
a copy of the weights; after every epoch the held-out loss and accuracy, the
confusion matrix and the misclassified digits, and a snapshot of the weights
(bounded in number: when full, one in the middle is dropped where the kept ones
lie closest, so they stay evenly spread; the first and the last always stay).

Every public attribute is safe to read from the Panel event loop at any moment:
the thread builds new values and swaps them in under a lock; it never mutates a
list or array a reader may hold (weight arrays are read-only). A page polls
`version` and redraws when it moved.

The server's queue (`playground.cnn.training_queue`) decides when a training
may run. Importing this module does not import TensorFlow.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.cnn.train import OPTIMIZERS
from playground.cnn.training_queue import TrainingQueue, server_queue
from playground.datasets.images import load_image_set
from playground.i18n import _, current_language, reset_language, use_language

__all__ = ["OPTIMIZERS", "TrainChoices", "LiveTraining", "STATES"]

log = logging.getLogger(__name__)

STATES = ("idle", "queued", "training", "paused", "stopped", "done", "failed")
ENDED = ("stopped", "done", "failed")
WEIGHTS_EVERY_S = 0.5        # the thread copies the weights for the live views at most this often
MAX_BATCH_POINTS = 1000      # batch points kept for the curves; past it every other one is dropped
VAL_SIZE = 1000              # held-out digits evaluated after each epoch (mnist-5k holds out 1,000)

# Keras's global seed is one for the process: two trainings must not seed and build at the same time.
_build_lock = threading.Lock()


@dataclass(frozen=True)
class TrainChoices:
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    batch_size: int = 32
    epochs: int = 5
    train_size: int = 1000       # the first N of the shipped MNIST digits' training split
    seed: int = 0

    def problem(self) -> str | None:
        """Why these choices cannot train (one translated line), or None."""
        if self.optimizer not in OPTIMIZERS:
            return _("unknown optimizer {name}: choose one of {names}").format(
                name=self.optimizer, names=", ".join(OPTIMIZERS))
        if not self.learning_rate > 0:
            return _("the learning rate must be positive")
        if self.batch_size < 1 or self.epochs < 1 or self.train_size < 1:
            return _("the batch size, the epochs and the training set size must be at least 1")
        return None


class LiveTraining:
    """One learner's training on a background thread (Keras model.fit). See the module's docstring."""

    def __init__(self, choices: TrainChoices, *, dataset: str = "mnist-5k", architecture=None,
                 queue: TrainingQueue | None = None, max_snapshots: int = 60, val_size: int = VAL_SIZE,
                 callbacks: tuple = ()):
        """`val_size`: held-out digits evaluated after each epoch; `callbacks`: more Keras callbacks
        for `fit`, called after the live one (tests and benchmarks watch the model with them)."""
        self.choices = choices
        self._callbacks = list(callbacks)
        self.max_snapshots = max(2, int(max_snapshots))
        self._queue = queue if queue is not None else server_queue()
        self._architecture = architecture
        self._language = current_language()      # the thread's messages speak the session's language
        self._lock = threading.Lock()
        self._stop_asked = threading.Event()
        self._go = threading.Event()             # cleared while paused
        self._go.set()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._viewer = None

        # What a page reads (replaced under the lock, never mutated).
        self.state = "idle"
        self.place: int | None = None
        self.message = ""
        self.device = ""
        self.version = 0
        self.weights_version = 0                 # grows when latest_weights() changed
        self.progress = 0.0
        self.batches: dict[str, list[float]] = {"progress": [], "loss": [], "accuracy": []}
        self.epochs: list[dict] = []
        self.confusion: np.ndarray | None = None
        self.misclassified: list[int] = []
        self.predicted: np.ndarray | None = None      # (len(x_val),) each held-out digit's predicted class

        data = load_image_set(dataset)
        self.class_names = list(data.class_names)
        self.input_shape = tuple(int(d) for d in data.input_shape)
        self.x_train, self.y_train = data.x_train[:choices.train_size], data.y_train[:choices.train_size]
        self.x_val, self.y_val = data.x_test[:val_size], data.y_test[:val_size]
        self._snapshots: dict[int, list[np.ndarray]] = {}
        self._latest: list[np.ndarray] = []

        # The thread's own bookkeeping (only the thread touches these).
        self._epoch = 0
        self._batches_in_epoch = 0
        self._steps = max(1, -(-len(self.x_train) // max(1, choices.batch_size)))
        self._points = {"progress": [], "loss": [], "accuracy": []}
        self._stride = 1
        self._last_copy = 0.0

        problem = choices.problem() or self._architecture_problem()
        if problem:
            self._set(state="failed", message=problem)

    # ------------------------------------------------------------ controls (the page's thread)

    def start(self) -> None:
        """Join the queue; the training runs when it is given a slot."""
        with self._lock:
            if self.state != "idle":
                return
            self.state = "queued"
            self.version += 1
        self._queue.join(self)

    def pause(self) -> None:
        """Hold the training between batches (it keeps its slot)."""
        if self.state in ("queued", "training"):
            self._go.clear()

    def resume(self) -> None:
        self._go.set()

    def stop(self) -> None:
        """End the training after the current batch (`model.stop_training`); a waiting one leaves the queue."""
        self._stop_asked.set()
        self._go.set()
        if self.state in ("idle", "queued"):
            self._queue.leave(self)
            with self._lock:
                if self.state in ("idle", "queued"):
                    self.state, self.place = "stopped", None
                    self.version += 1

    def close(self) -> None:
        """Stop, then free the weights kept (the session ended, or the tab closed)."""
        self._closed = True
        self.stop()
        with self._lock:
            self._snapshots = {}
            self._latest = []
            self._viewer = None
            self.version += 1

    # ------------------------------------------------------------ reading the weights

    def snapshot_epochs(self) -> list[int]:
        """Epochs whose weights are kept (0 = before training)."""
        return sorted(self._snapshots)

    def weights_at(self, epoch: int) -> list[np.ndarray]:
        """The weights the model had at the end of `epoch` (0: before training). KeyError if not kept."""
        try:
            return self._snapshots[epoch]
        except KeyError:
            raise KeyError(f"no weights kept for epoch {epoch}; kept: {self.snapshot_epochs()}") from None

    def latest_weights(self) -> list[np.ndarray]:
        """The newest weights copied by the thread (at most ~2×/s); [] until the model is built."""
        return self._latest

    def model_at(self, epoch: int | None = None):
        """A new uncompiled Keras model with the weights of `epoch` (None: the latest)."""
        model = self._fresh_model()
        model.set_weights(self._weights(epoch))
        return model

    def viewer_model(self, epoch: int | None = None):
        """One uncompiled model per training, given the weights of `epoch` (None: the latest) at each call.

        The same object every time, so that the explainer traces its function once
        (`playground.cnn.explain`); for the page's thread only. A reader who must keep
        the weights of one moment takes `model_at` instead.
        """
        weights = self._weights(epoch)
        if self._viewer is None:
            self._viewer = self._fresh_model()
        self._viewer.set_weights(weights)
        return self._viewer

    def save(self, path) -> Path:
        """Save the latest weights as a .keras file with the class names."""
        from playground.cnn.train import save_for_explainer

        return save_for_explainer(self.model_at(), path, self.class_names)

    @property
    def n_train(self) -> int:
        return len(self.x_train)

    def _weights(self, epoch: int | None) -> list[np.ndarray]:
        weights = self.latest_weights() if epoch is None else self.weights_at(epoch)
        if not weights:
            raise ValueError(_("there are no trained weights yet"))
        return weights

    def _fresh_model(self):
        import keras

        from playground.cnn.model import build_tiny_vgg

        if self._architecture is not None:
            return keras.models.clone_model(self._architecture)
        return build_tiny_vgg(input_shape=self.input_shape, n_classes=len(self.class_names), name="tiny_vgg_live")

    def _architecture_problem(self) -> str | None:
        if self._architecture is None:
            return None
        try:
            takes = tuple(int(d) for d in self._architecture.inputs[0].shape[1:])
            gives = int(self._architecture.outputs[0].shape[-1])
        except (AttributeError, IndexError, TypeError, ValueError):
            return _("this model cannot be trained here: it has no single image input")
        if takes != self.input_shape:
            return _("this model takes images of shape {model}, and the digits are {data}: "
                     "it cannot train on them").format(model="×".join(map(str, takes)),
                                                        data="×".join(map(str, self.input_shape)))
        if gives != len(self.class_names):
            return _("this model has {model} outputs, and the digits have {data} classes: "
                     "it cannot train on them").format(model=gives, data=len(self.class_names))
        return None

    # ------------------------------------------------------------ the queue's calls (its lock held)

    def admitted(self) -> None:
        with self._lock:
            if self.state != "queued":
                return
            self.state, self.place = "training", None
            self.version += 1
        self._thread = threading.Thread(target=self._run, name="cnn-live-training", daemon=True)
        self._thread.start()

    def moved(self, place: int) -> None:
        self._set(place=place)

    # ------------------------------------------------------------ the training thread

    def _set(self, **values) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)
            self.version += 1

    def _run(self) -> None:
        token = use_language(self._language)
        final, message = "done", ""
        try:
            from playground.cnn.training_queue import limit_tensorflow_threads

            limit_tensorflow_threads()
            import keras

            from playground.cnn.train import compile_for_training, training_device

            self._set(device=training_device())
            if not self._stop_asked.is_set():
                with _build_lock:
                    keras.utils.set_random_seed(self.choices.seed)
                    model = self._fresh_model()
                compile_for_training(model, self.choices.optimizer, self.choices.learning_rate)
                self._keep(0, model.get_weights())
                model.fit(self.x_train, self.y_train, batch_size=self.choices.batch_size,
                          epochs=self.choices.epochs, shuffle=True, verbose=0,
                          callbacks=[_callback_class()(self), *self._callbacks])
            if self._stop_asked.is_set():
                final = "stopped"
        except Exception as exc:  # noqa: BLE001 - the page shows one line; the log keeps the traceback
            log.exception("a live CNN training failed")
            final, message = "failed", _failure_message(exc)
        finally:
            self._set(state=final, message=message, place=None,
                      batches={k: list(v) for k, v in self._points.items()})
            self._queue.leave(self)
            reset_language(token)

    def _hold_if_paused(self) -> None:
        if self._go.is_set():
            return
        self._set(state="paused")
        self._go.wait()
        if not self._stop_asked.is_set():
            self._set(state="training")

    def _keep(self, epoch: int, weights: list[np.ndarray]) -> None:
        """Keep `weights` as epoch `epoch`'s snapshot and as the latest (thinning the snapshots when full)."""
        for w in weights:
            w.setflags(write=False)
        kept = dict(self._snapshots)
        kept[epoch] = weights
        while len(kept) > self.max_snapshots:
            epochs = sorted(kept)
            # Drop the inner snapshot whose neighbours are closest: the rest stay evenly spread.
            gaps = [epochs[i + 1] - epochs[i - 1] for i in range(1, len(epochs) - 1)]
            del kept[epochs[1 + int(np.argmin(gaps))]]
        with self._lock:
            if self._closed:       # checked under the lock: close() may have just freed them
                return
            self._snapshots = kept
            self._latest = weights
            self.weights_version += 1
            self.version += 1

    def _log_batch(self, model, batch: int, logs: dict) -> None:
        self._batches_in_epoch = batch + 1
        progress = self._epoch + (batch + 1) / self._steps
        if batch % self._stride == 0:
            self._points["progress"].append(progress)
            self._points["loss"].append(float(logs.get("loss", np.nan)))
            self._points["accuracy"].append(float(logs.get("accuracy", np.nan)))
            if len(self._points["progress"]) > MAX_BATCH_POINTS:
                self._points = {k: v[::2] for k, v in self._points.items()}
                self._stride *= 2
        self.progress = progress
        now = time.monotonic()
        if now - self._last_copy >= WEIGHTS_EVERY_S:
            self._last_copy = now
            latest = model.get_weights()
            for w in latest:
                w.setflags(write=False)
            with self._lock:
                self.batches = {k: list(v) for k, v in self._points.items()}
                if not self._closed:
                    self._latest = latest
                    self.weights_version += 1
                self.version += 1

    def _end_epoch(self, model, epoch: int, logs: dict) -> None:
        if self._batches_in_epoch < self._steps:
            return          # stopped part-way: the epoch did not end, nothing to report for it
        from playground.cnn.train import held_out_results

        held_out = held_out_results(model, self.x_val, self.y_val, len(self.class_names))
        row = {"epoch": epoch + 1, "loss": float(logs.get("loss", np.nan)),
               "accuracy": float(logs.get("accuracy", np.nan)),
               "val_loss": held_out.loss, "val_accuracy": held_out.accuracy}
        confusion, predicted = held_out.confusion, held_out.predicted
        confusion.setflags(write=False)
        predicted.setflags(write=False)
        with self._lock:
            self.epochs = [*self.epochs, row]
            self.confusion = confusion
            self.misclassified = np.flatnonzero(predicted != self.y_val).tolist()
            self.predicted = predicted
            self.batches = {k: list(v) for k, v in self._points.items()}
            self.progress = float(epoch + 1)
        self._last_copy = time.monotonic()
        self._keep(epoch + 1, model.get_weights())


def _failure_message(exc: BaseException) -> str:
    """One translated line saying why a training failed (the details go to the log)."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "ResourceExhaustedError":
        return _("The training ran out of memory: try a smaller batch size or a smaller model.")
    from playground.cnn.loading import one_line_error

    return _("The training failed: {reason}").format(reason=one_line_error(exc))


@functools.cache
def _callback_class():
    """The Keras callback that reports to a `LiveTraining` (defined once Keras is imported)."""
    import keras

    class LiveCallback(keras.callbacks.Callback):
        def __init__(self, training: LiveTraining):
            super().__init__()
            self.training = training

        def _check_stop(self):
            self.training._hold_if_paused()
            if self.training._stop_asked.is_set():
                self.model.stop_training = True

        def on_train_begin(self, logs=None):
            self._check_stop()

        def on_epoch_begin(self, epoch, logs=None):
            self.training._epoch = epoch
            self.training._batches_in_epoch = 0

        def on_train_batch_end(self, batch, logs=None):
            self.training._log_batch(self.model, batch, logs or {})
            self._check_stop()

        def on_epoch_end(self, epoch, logs=None):
            self.training._end_epoch(self.model, epoch, logs or {})

    return LiveCallback
