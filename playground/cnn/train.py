"""Training TinyVGG with Keras on an image set, for the explainer's default model.

The recipe (defaults of `train_tiny_vgg`): Adam with a short linear warm-up and
a cosine decay of the learning rate to zero, and light augmentation (each
training image shifted by up to 2 pixels, a new shift every epoch). The
held-out split is only evaluated once, at the end, for the report: it plays no
part in training or in choosing anything.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from playground.datasets.images import ImageSet, load_image_set


@dataclass
class EpochResult:
    epoch: int       # 1-based
    loss: float      # mean training loss over the epoch
    accuracy: float  # training accuracy over the epoch
    seconds: float   # wall time of the epoch


@dataclass
class TrainReport:
    dataset: str
    device: str                   # "GPU: <name>" or "CPU"
    n_train: int
    n_test: int
    parameters: int
    epochs: list[EpochResult] = field(default_factory=list)
    held_out_accuracy: float = float("nan")
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
                   on_epoch: Callable[[EpochResult], None] | None = None) -> TrainReport:
    """Train TinyVGG (10 filters of 3×3) on `dataset` and, if `out` is given, save it as .keras.

    `limit` keeps only the first `limit` training images (for quick checks).
    `on_epoch` is called after every epoch with its `EpochResult`.
    """
    import keras

    start = time.perf_counter()
    from playground.cnn.catalogue import write_class_names
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
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=jit_compile)

    report = TrainReport(data.name, training_device(), len(x_train), len(data.x_test),
                         model.count_params())
    for epoch in range(epochs):
        t0 = time.perf_counter()
        history = model.fit(shift_images(x_train, max_shift, rng), y_train, batch_size=batch_size,
                            epochs=epoch + 1, initial_epoch=epoch, shuffle=True, verbose=0)
        result = EpochResult(epoch + 1, float(history.history["loss"][-1]),
                             float(history.history["accuracy"][-1]), time.perf_counter() - t0)
        report.epochs.append(result)
        if on_epoch is not None:
            on_epoch(result)

    _, report.held_out_accuracy = (float(v) for v in
                                   model.evaluate(data.x_test, data.y_test, batch_size=256, verbose=0))
    if out is not None:
        report.out = Path(out)
        report.out.parent.mkdir(parents=True, exist_ok=True)
        # Save an uncompiled copy: no optimizer state, so the file stays small (the explainer
        # only runs the model) and loads without compile warnings.
        inference = build_tiny_vgg(**architecture)
        inference.set_weights(model.get_weights())
        inference.save(report.out)
        # The class names travel with the model (read back without running anything from the file).
        write_class_names(report.out, list(data.class_names))
    report.seconds = time.perf_counter() - start
    return report
