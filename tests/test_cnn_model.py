"""TinyVGG as CNN Explainer defines it."""
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.loading import check_supported  # noqa: E402
from playground.cnn.model import TINY_VGG_LAYERS, build_tiny_vgg  # noqa: E402


def test_tiny_vgg_on_64x64x3_has_the_originals_shapes_and_parameters():
    model = build_tiny_vgg((64, 64, 3))
    assert tuple(layer.name for layer in model.layers) == TINY_VGG_LAYERS
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    assert shapes == {
        "conv_1_1": (62, 62, 10), "relu_1_1": (62, 62, 10),
        "conv_1_2": (60, 60, 10), "relu_1_2": (60, 60, 10), "max_pool_1": (30, 30, 10),
        "conv_2_1": (28, 28, 10), "relu_2_1": (28, 28, 10),
        "conv_2_2": (26, 26, 10), "relu_2_2": (26, 26, 10), "max_pool_2": (13, 13, 10),
        "flatten": (1690,), "output": (10,),
    }
    params = {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
    assert params == {"conv_1_1": 280, "conv_1_2": 910, "conv_2_1": 910, "conv_2_2": 910, "output": 16_910}
    assert model.count_params() == 19_920


def test_tiny_vgg_layers_are_what_cnn_explainer_uses():
    model = build_tiny_vgg((64, 64, 3))
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            assert layer.kernel_size == (3, 3) and layer.strides == (1, 1)
            assert layer.padding == "valid" and layer.use_bias and layer.activation.__name__ == "linear"
        if isinstance(layer, keras.layers.MaxPooling2D):
            assert layer.pool_size == (2, 2) and layer.strides == (2, 2)
    assert isinstance(model.get_layer("relu_1_1"), keras.layers.ReLU)
    assert model.get_layer("output").activation.__name__ == "softmax"


def test_tiny_vgg_builds_for_mnist_and_the_views_can_show_it():
    model = build_tiny_vgg((28, 28, 1))
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes == [(26, 26, 10)] * 2 + [(24, 24, 10)] * 2 + [(12, 12, 10), (10, 10, 10), (10, 10, 10),
                                                                (8, 8, 10), (8, 8, 10), (4, 4, 10), (160,), (10,)]
    assert model.count_params() == 100 + 3 * 910 + 1610
    check_supported(model)  # raises if not
