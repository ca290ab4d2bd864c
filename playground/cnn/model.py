"""TinyVGG, the network CNN Explainer explains, as a Keras model."""
from __future__ import annotations

# Layer names as CNN Explainer uses them; the views show them.
TINY_VGG_LAYERS = ("conv_1_1", "relu_1_1", "conv_1_2", "relu_1_2", "max_pool_1",
                   "conv_2_1", "relu_2_1", "conv_2_2", "relu_2_2", "max_pool_2",
                   "flatten", "output")


def build_tiny_vgg(input_shape=(64, 64, 3), n_classes: int = 10, filters: int = 10,
                   kernel_size: int = 3, name: str = "tiny_vgg"):
    """TinyVGG: two blocks of (conv, relu, conv, relu, 2×2 max-pool), flatten, dense softmax.

    Convolutions have stride 1, 'valid' padding and a bias; ReLUs are separate
    layers so each is a step of its own. On a 64×64×3 input the maps are 62, 60,
    30, 28, 26 and 13 pixels wide, flatten gives 1690 values and the model has
    19,920 parameters, as in CNN Explainer.
    """
    import keras
    from keras import layers

    def conv(name):
        return layers.Conv2D(filters, kernel_size, strides=1, padding="valid", use_bias=True, name=name)

    return keras.Sequential([
        keras.Input(shape=tuple(input_shape)),
        conv("conv_1_1"), layers.ReLU(name="relu_1_1"),
        conv("conv_1_2"), layers.ReLU(name="relu_1_2"),
        layers.MaxPooling2D(pool_size=2, strides=2, name="max_pool_1"),
        conv("conv_2_1"), layers.ReLU(name="relu_2_1"),
        conv("conv_2_2"), layers.ReLU(name="relu_2_2"),
        layers.MaxPooling2D(pool_size=2, strides=2, name="max_pool_2"),
        layers.Flatten(name="flatten"),
        layers.Dense(n_classes, activation="softmax", name="output"),
    ], name=name)
