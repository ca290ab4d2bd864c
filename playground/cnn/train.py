"""Training TinyVGG with Keras on an image set, for the explainer's default model.

The recipe (defaults of `train_tiny_vgg`): Adam with a short linear warm-up and
a cosine decay of the learning rate to zero, and light augmentation (each
training image shifted by up to 2 pixels, a new shift every epoch). The
held-out split is evaluated after every epoch, for the report only (the loss
and accuracy curves, the confusion matrix): it plays no part in training or in
choosing anything.

The optimizers, the compile step and the held-out evaluation here are the
ones the page's live training (`playground.cnn.live_training`) uses too.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from playground.datasets.images import ImageSet, load_image_set


# The optimizers the course's Keras notes compare; "momentum" is SGD with momentum 0.9.
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")


@dataclass
class EpochResult:
    epoch: int       # 1-based
    loss: float      # mean training loss over the epoch
    accuracy: float  # training accuracy over the epoch
    seconds: float   # wall time of the epoch (training only)
    val_loss: float = float("nan")       # on the held-out split, after the epoch
    val_accuracy: float = float("nan")


@dataclass(frozen=True)
class HeldOut:
    """A model's results on held-out images, from one `model.predict` pass."""
    loss: float                  # mean sparse categorical cross-entropy, as Keras computes it
    accuracy: float
    confusion: np.ndarray        # (classes, classes) int64: rows true classes, columns predicted
    predicted: np.ndarray        # (N,) the predicted class of each image


@dataclass
class TrainReport:
    dataset: str
    device: str                   # "GPU: <name>" or "CPU"
    n_train: int
    n_test: int
    parameters: int
    epochs: list[EpochResult] = field(default_factory=list)
    held_out_accuracy: float = float("nan")
    held_out_confusion: np.ndarray | None = None   # after the last epoch: rows true, columns predicted
    seconds: float = 0.0          # whole run: data, build, training and evaluation
    out: Path | None = None


def training_device() -> str:
    """"GPU: <name>" when TensorFlow sees a GPU, else "CPU"."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    try:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
    except (ValueError, RuntimeError):
        name = gpus[0].name
    return f"GPU: {name}"


def make_optimizer(name: str, learning_rate):
    """The Keras optimizer `name` (one of `OPTIMIZERS`) at `learning_rate` (a number or a schedule)."""
    import keras

    makers = {"sgd": lambda: keras.optimizers.SGD(learning_rate),
              "momentum": lambda: keras.optimizers.SGD(learning_rate, momentum=0.9),
              "adam": lambda: keras.optimizers.Adam(learning_rate),
              "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate)}
    if name not in makers:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return makers[name]()


def ends_in_probabilities(model) -> bool:
    """Whether the model's last layer gives probabilities (a softmax) rather than logits."""
    last = model.layers[-1]
    return type(last).__name__ == "Softmax" or last.get_config().get("activation") == "softmax"


def compile_for_training(model, optimizer: str, learning_rate, jit_compile: bool | str = "auto") -> None:
    """Compile `model` for classification with integer labels: the loss and metric every run reports."""
    import keras

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=not ends_in_probabilities(model))
    model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=["accuracy"],
                  jit_compile=jit_compile)


def held_out_results(model, x: np.ndarray, y: np.ndarray, n_classes: int, batch_size: int = 256) -> HeldOut:
    """Loss, accuracy and confusion matrix of `model` on (x, y) from one prediction pass.

    One pass gives all three (Keras's `evaluate` and then `predict` would run the
    images twice). The loss is the log of the softmax's own float32 probabilities,
    which keep their relative precision down to about 1e-38: Keras's TensorFlow
    backend takes the log-softmax of the logits and clips nothing, so no clipping
    to 1e-7 here either (only a probability that underflowed to 0 is floored).
    """
    outputs = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), np.float64)
    if not ends_in_probabilities(model):
        outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        outputs /= outputs.sum(axis=1, keepdims=True)
    y = np.asarray(y, np.int64)
    p_true = np.maximum(outputs[np.arange(len(y)), y], np.finfo(np.float32).tiny)
    predicted = outputs.argmax(axis=1)
    confusion = np.bincount(y * n_classes + predicted, minlength=n_classes * n_classes)
    return HeldOut(float(-np.log(p_true).mean()), float((predicted == y).mean()),
                   confusion.reshape(n_classes, n_classes), predicted)


def save_for_explainer(model, path: Path | str, class_names) -> Path:
    """Save `model` as .keras with its class names; `model` should be an uncompiled copy.

    Uncompiled: no optimizer state, so the file stays small (the explainer only runs
    the model) and loads without compile warnings. The class names travel with the
    model (read back without running anything from the file).
    """
    from playground.cnn.catalogue import write_class_names

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    write_class_names(path, list(class_names))
    return path


def shift_images(x: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by its own random (dy, dx) in [-max_shift, max_shift], zeros filling in."""
    if max_shift <= 0:
        return x
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0)))
    dy, dx = rng.integers(0, 2 * max_shift + 1, size=(2, n))
    rows = dy[:, None] + np.arange(h)[None, :]          # (n, h)
    cols = dx[:, None] + np.arange(w)[None, :]          # (n, w)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def train_tiny_vgg(dataset: str | ImageSet = "mnist-5k", epochs: int = 25, batch_size: int = 32,
                   learning_rate: float = 3e-3, seed: int = 0, out: Path | str | None = None,
                   limit: int | None = None, max_shift: int = 2, jit_compile: bool | str = "auto",
                   on_epoch: Callable[[EpochResult], None] | None = None,
                   optimizer: str = "adam") -> TrainReport:
    """Train TinyVGG (10 filters of 3×3) on `dataset` and, if `out` is given, save it as .keras.

    `limit` keeps only the first `limit` training images (for quick checks).
    `on_epoch` is called after every epoch with its `EpochResult`.
    `optimizer` is one of `OPTIMIZERS`, following the same learning-rate schedule.
    """
    import keras

    start = time.perf_counter()
    from playground.cnn.model import build_tiny_vgg

    data = load_image_set(dataset) if isinstance(dataset, str) else dataset
    if epochs < 1 or batch_size < 1 or learning_rate <= 0:
        raise ValueError("epochs and batch size must be at least 1 and the learning rate positive")
    x_train, y_train = data.x_train, data.y_train
    if limit is not None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        x_train, y_train = x_train[:limit], y_train[:limit]

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    architecture = dict(input_shape=data.input_shape, n_classes=len(data.class_names),
                        name=f"tiny_vgg_{data.name.replace('-', '_')}")
    model = build_tiny_vgg(**architecture)
    steps_per_epoch = -(-len(x_train) // batch_size)
    total_steps = epochs * steps_per_epoch
    warmup = min(steps_per_epoch, total_steps // 10)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=learning_rate / 10, decay_steps=total_steps - warmup, alpha=0.0,
        warmup_target=learning_rate, warmup_steps=warmup)
    compile_for_training(model, optimizer, schedule, jit_compile=jit_compile)
    n_classes = len(data.class_names)

    report = TrainReport(data.name, training_device(), len(x_train), len(data.x_test),
                         model.count_params())
    for epoch in range(epochs):
        t0 = time.perf_counter()
        history = model.fit(shift_images(x_train, max_shift, rng), y_train, batch_size=batch_size,
                            epochs=epoch + 1, initial_epoch=epoch, shuffle=True, verbose=0)
        seconds = time.perf_counter() - t0
        held_out = held_out_results(model, data.x_test, data.y_test, n_classes)
        result = EpochResult(epoch + 1, float(history.history["loss"][-1]),
                             float(history.history["accuracy"][-1]), seconds,
                             held_out.loss, held_out.accuracy)
        report.epochs.append(result)
        if on_epoch is not None:
            on_epoch(result)

    report.held_out_accuracy, report.held_out_confusion = held_out.accuracy, held_out.confusion
    if out is not None:
        inference = build_tiny_vgg(**architecture)
        inference.set_weights(model.get_weights())
        report.out = save_for_explainer(inference, out, data.class_names)
    report.seconds = time.perf_counter() - start
    return report
