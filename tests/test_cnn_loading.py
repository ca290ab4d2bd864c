"""Loading uploaded .keras files: safe mode, clear messages, and what the views cannot show."""
import io
import zipfile

import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.loading import (  # noqa: E402
    ModelLoadError, UnsupportedModelError, check_supported, default_model_path,
    load_default_model, load_model)

layers = keras.layers


def _saved(model, tmp_path, name="m.keras") -> bytes:
    path = tmp_path / name
    model.save(path)
    return path.read_bytes()


def _cnn(*middle, input_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input(input_shape), layers.Conv2D(4, 3, name="conv"), *middle,
                             layers.Flatten(name="flatten"), layers.Dense(10, activation="softmax", name="out")])


def test_the_shipped_model_loads_and_is_supported():
    assert default_model_path().is_file()
    assert default_model_path().stat().st_size < 100_000  # tens of kilobytes
    model = load_default_model()
    assert load_default_model() is model  # loaded once, shared read-only
    assert tuple(model.inputs[0].shape[1:]) == (28, 28, 1)


@pytest.mark.parametrize("extra, named", [
    (lambda: layers.LayerNormalization(name="ln"), "ln (LayerNormalization"),
    (lambda: layers.BatchNormalization(axis=1, name="bn"), "bn (BatchNormalization: normalisation over an axis"),
    (lambda: layers.Conv2D(4, 3, dilation_rate=2, name="dilated"), "dilated (Conv2D: dilated"),
    (lambda: layers.Conv2D(4, 3, activation="tanh", name="tanh_conv"), "tanh_conv (Conv2D: activation 'tanh'"),
    (lambda: layers.GlobalMaxPooling2D(name="gmax"), "gmax (GlobalMaxPooling2D"),
    (lambda: layers.LeakyReLU(name="leaky"), "leaky (LeakyReLU"),
])
def test_unsupported_layers_are_named_in_the_message(extra, named, tmp_path):
    data = _saved(_cnn(extra()), tmp_path)
    with pytest.raises(UnsupportedModelError, match="cannot show") as info:
        load_model(data)
    assert named in str(info.value)
    assert "Supported layers" in str(info.value)


def test_every_unsupported_layer_is_named_at_once(tmp_path):
    model = _cnn(layers.GaussianNoise(0.1, name="d1"), layers.LayerNormalization(name="bn1"))
    with pytest.raises(UnsupportedModelError) as info:
        load_model(_saved(model, tmp_path))
    assert "d1 (GaussianNoise" in str(info.value) and "bn1 (LayerNormalization" in str(info.value)


def test_a_conv1d_model_is_named_too(tmp_path):
    model = keras.Sequential([keras.Input((50, 2)), layers.Conv1D(4, 3, name="c1d"), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    with pytest.raises(UnsupportedModelError) as info:
        load_model(_saved(model, tmp_path))
    assert "c1d (Conv1D" in str(info.value) and "image" in str(info.value)


def test_structure_problems_are_explained(tmp_path):
    no_output_dense = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3), layers.Flatten()])
    with pytest.raises(UnsupportedModelError, match="last layer must be the Dense output"):
        check_supported(no_output_dense)
    dense_on_maps = keras.Sequential([keras.Input((8, 8, 1)), layers.Dense(3, name="pixelwise"),
                                      layers.Flatten(), layers.Dense(2, activation="softmax")])
    with pytest.raises(UnsupportedModelError, match="pixelwise .*put a Flatten before it"):
        check_supported(dense_on_maps)
    inp = keras.Input((8, 8, 1))
    a = layers.Conv2D(2, 3, name="left")(inp)
    b = layers.Conv2D(2, 3, name="right")(inp)
    out = layers.Dense(2, activation="softmax")(layers.Flatten()(layers.Add()([a, b])))
    with pytest.raises(UnsupportedModelError, match="single chain"):
        check_supported(keras.Model(inp, out))


def test_a_functional_chain_and_the_supported_variety_pass():
    inp = keras.Input((30, 30, 3))
    x = layers.Conv2D(8, 5, strides=2, padding="same", activation="relu")(inp)
    x = layers.Activation("relu")(layers.Conv2D(8, 3)(x))
    x = layers.Activation("linear")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same")(layers.ReLU()(x))
    x = layers.Dense(6, activation="relu")(layers.Flatten()(x))
    check_supported(keras.Model(inp, layers.Dense(4)(x)))


def test_garbage_and_broken_files_get_a_clear_message(tmp_path):
    with pytest.raises(ModelLoadError, match="not a Keras model"):
        load_model(b"this is not a model, just some bytes" * 100)
    with pytest.raises(ModelLoadError, match="empty"):
        load_model(b"")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "a zip, but not a Keras archive")
    with pytest.raises(ModelLoadError, match="could not be loaded as a Keras model"):
        load_model(buf.getvalue())
    with pytest.raises(ModelLoadError, match="no model file"):
        load_model(tmp_path / "missing.keras")
    # Nothing global was disturbed: the default model still explains.
    assert load_default_model().count_params() > 0


def test_safe_mode_refuses_a_lambda_layer(tmp_path):
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Lambda(lambda t: t * 2.0, name="code"),
                              layers.Flatten(), layers.Dense(2, activation="softmax")])
    with pytest.raises(ModelLoadError, match="could not be loaded"):
        load_model(_saved(model, tmp_path))
