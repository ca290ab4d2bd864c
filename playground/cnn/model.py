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


def build_cifar_like(input_shape=(32, 32, 3), n_classes: int = 10, l2: float = 1e-4, name: str = "cifar_like"):
    """A CNN shaped like the course's CIFAR-10 models, with every layer kind the explainer shows.

    Conv blocks with a built-in ReLU, 'same' padding and a stride, BatchNormalization
    with L2 regularisers, max- and average-pooling, Dropout (on maps, spatial, and on the
    hidden vector), a hidden Dense layer, a softmax output. Used by the tests and the
    benchmark of the layer kinds; untrained.
    """
    import keras
    from keras import layers

    def reg():
        return keras.regularizers.L2(l2)

    return keras.Sequential([
        keras.Input(shape=tuple(input_shape)),
        layers.Conv2D(8, 3, padding="same", activation="relu", kernel_regularizer=reg(), name="conv1"),
        layers.BatchNormalization(gamma_regularizer=reg(), beta_regularizer=reg(), name="bn1"),
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", kernel_regularizer=reg(), name="conv2"),
        layers.BatchNormalization(name="bn2"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Dropout(0.25, name="drop1"),
        layers.Conv2D(12, 3, padding="same", kernel_regularizer=reg(), name="conv3"),
        layers.ReLU(name="relu3"),
        layers.AveragePooling2D(3, strides=2, padding="same", name="avg3"),   # border windows are part padding
        layers.BatchNormalization(scale=False, name="bn3"),
        layers.SpatialDropout2D(0.2, name="sdrop3"),
        layers.Flatten(name="flatten"),
        layers.Dense(24, activation="relu", kernel_regularizer=reg(), name="hidden"),
        layers.BatchNormalization(name="bn4"),
        layers.Dropout(0.5, name="drop4"),
        layers.Dense(n_classes, activation="softmax", name="out"),
    ], name=name)
