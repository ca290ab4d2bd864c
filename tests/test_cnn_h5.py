"""Legacy HDF5 models (the course saves `model.h5`): loaded without running any code from the file.

Real .h5 files written by Keras's `model.save("x.h5")`; the config is read with h5py and
checked before Keras deserialises anything.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
h5py = pytest.importorskip("h5py")

from playground.cnn.explain import explain  # noqa: E402
from playground.cnn.loading import ModelLoadError, UnsupportedModelError, load_model  # noqa: E402
from playground.cnn.preflight import read_h5_config  # noqa: E402

L = keras.layers


def _small(*middle):
    return keras.Sequential([keras.Input((12, 12, 3)), L.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
                             *middle, L.Flatten(name="flatten"), L.Dense(5, activation="softmax", name="out")])


def _code_that_leaves(marker):
    """A Lambda body that writes `marker` whenever it runs (it runs when a model is built from it)."""
    return eval(f"lambda x: x + 0.0 * len(__import__('pathlib').Path({str(marker)!r}).write_text('ran') * '')")


def test_a_real_h5_file_loads_from_a_path_and_from_bytes_and_explains_like_keras(tmp_path):
    model = _small(L.BatchNormalization(name="bn"), L.Dropout(0.3, name="drop"), L.MaxPooling2D(name="pool"))
    model.save(tmp_path / "model.h5")
    image = np.random.default_rng(0).uniform(0, 1, (12, 12, 3)).astype("float32")
    expected = np.asarray(model(image[None], training=False))[0]
    for source in (tmp_path / "model.h5", (tmp_path / "model.h5").read_bytes()):
        loaded = load_model(source)
        assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
        np.testing.assert_allclose(explain(loaded, image).probabilities, expected, atol=1e-5)


def test_an_h5_file_under_another_suffix_is_still_read_as_hdf5(tmp_path):
    _small().save(tmp_path / "model.h5")
    (tmp_path / "model.bin").write_bytes((tmp_path / "model.h5").read_bytes())
    assert load_model(tmp_path / "model.bin").count_params() == _small().count_params()


def test_the_config_is_read_with_h5py_alone(tmp_path):
    _small().save(tmp_path / "model.h5")
    config = read_h5_config(tmp_path / "model.h5")
    assert config["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in config["config"]["layers"]][1:] == ["Conv2D", "Flatten", "Dense"]


@pytest.mark.parametrize("source", ["path", "bytes"])
def test_a_lambda_h5_is_refused_and_its_code_never_runs(tmp_path, source):
    marker = tmp_path / "marker"
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Lambda(_code_that_leaves(marker), name="code"),
                              L.Flatten(), L.Dense(2, activation="softmax")])
    model.save(tmp_path / "lambda.h5")
    assert marker.exists()      # building the model ran the code…
    marker.unlink()
    # …and so would Keras loading the file without safe mode: the file really carries it.
    keras.saving.load_model(tmp_path / "lambda.h5", safe_mode=False, compile=False)
    assert marker.exists()
    marker.unlink()

    data = tmp_path / "lambda.h5" if source == "path" else (tmp_path / "lambda.h5").read_bytes()
    with pytest.raises(ModelLoadError) as info:
        load_model(data)
    message = str(info.value)
    assert "Lambda" in message and "code" in message and "\n" not in message
    assert not marker.exists()


def test_a_custom_object_in_an_h5_config_is_refused_before_deserialising(tmp_path):
    _small().save(tmp_path / "model.h5")
    with h5py.File(tmp_path / "model.h5", "r+") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"][1]["module"] = "evil_package.layers"
        config["config"]["layers"][1]["registered_name"] = "evil_package>Sneaky"
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ModelLoadError, match=r"custom object \(evil_package>Sneaky\)"):
        load_model(tmp_path / "model.h5")


def test_an_unsupported_h5_model_names_its_layers(tmp_path):
    _small(L.LayerNormalization(name="norm")).save(tmp_path / "model.h5")
    with pytest.raises(UnsupportedModelError, match=r"norm \(LayerNormalization"):
        load_model(tmp_path / "model.h5")


def test_truncated_and_non_model_h5_files_get_one_clear_line(tmp_path):
    _small().save(tmp_path / "model.h5")
    data = (tmp_path / "model.h5").read_bytes()
    for cut in (16, len(data) // 3, len(data) - 100):
        with pytest.raises(ModelLoadError) as info:
            load_model(data[:cut])
        assert "\n" not in str(info.value) and "Traceback" not in str(info.value)
    with h5py.File(tmp_path / "data.h5", "w") as f:
        f.create_dataset("x", data=np.arange(10))
    with pytest.raises(ModelLoadError, match="no model description"):
        load_model(tmp_path / "data.h5")
    _small().save_weights(tmp_path / "only.weights.h5")
    with pytest.raises(ModelLoadError, match="no model description"):
        load_model((tmp_path / "only.weights.h5").read_bytes())
    with h5py.File(tmp_path / "junk.h5", "w") as f:
        f.attrs["model_config"] = "{not json"
    with pytest.raises(ModelLoadError, match="damaged"):
        load_model(tmp_path / "junk.h5")


def _as_keras2(node):
    """A Keras 3 config rewritten as TF 2.x's Keras 2 wrote it: no module keys, plain dtypes,
    batch_input_shape, BatchNormalization axes as lists."""
    if isinstance(node, list):
        return [_as_keras2(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("module", "registered_name", "build_config", "optional"):
            continue
        if key == "dtype" and isinstance(value, dict):
            value = value["config"]["name"]
        out["batch_input_shape" if key == "batch_shape" else key] = _as_keras2(value)
    if out.get("class_name") == "BatchNormalization":
        out["config"]["axis"] = [1] if out["config"]["name"] == "bn4" else [3]
    return out


def test_an_h5_written_by_keras_2_loads_and_explains_like_keras(tmp_path):
    from playground.cnn.model import build_cifar_like

    model = build_cifar_like()
    model.save(tmp_path / "model.h5")
    with h5py.File(tmp_path / "model.h5", "r+") as f:
        f.attrs["model_config"] = json.dumps(_as_keras2(json.loads(f.attrs["model_config"])))
        f.attrs["keras_version"] = "2.15.0"
    assert "module" not in json.dumps(read_h5_config(tmp_path / "model.h5"))
    image = np.random.default_rng(2).uniform(0, 1, (32, 32, 3)).astype("float32")
    expected = np.asarray(model(image[None], training=False))[0]
    np.testing.assert_allclose(explain(load_model(tmp_path / "model.h5"), image).probabilities, expected, atol=1e-5)
