"""One image through the whole model: every layer's output from one Keras call, as traces.

Keras gives every layer's output for an image at once; each layer's kind
(`playground.cnn.kinds`) turns its output into traces (`playground.cnn.trace`)
and computes everything the step-through shows on top of them from the model's
own weights. The tests check each piece against Keras's own layer outputs.

Importing this module does not import TensorFlow; only `explain` needs Keras.
"""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds import INPUT, kind_of, layer_kind
from playground.cnn.kinds.softmax import softmax_terms
from playground.cnn.trace import Explanation, LayerTrace


def _all_outputs_fn(model):
    """(layers, fn): fn(batch of one image) returns every layer's output; built once per model.

    A multi-output Keras model wrapped in one `tf.function` with a fixed input
    signature: traced once (~0.3 s), then a few milliseconds per image (calling
    the multi-output model eagerly costs ~90 ms, as Keras evaluates each output's
    whole prefix of layers again). It is kept on the model object itself, inside
    a plain holder so that Keras does not track it as a sub-layer: it lives and
    dies with the model, and two models never share one.
    """
    holder = model.__dict__.get("_playground_all_outputs")
    if holder is None:
        import keras
        import tensorflow as tf

        layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        all_outputs = keras.Model(model.inputs[0], [layer.output for layer in layers])
        signature = tf.TensorSpec((1, *model.inputs[0].shape[1:]), tf.float32)
        fn = tf.function(lambda x: all_outputs(x, training=False), input_signature=[signature])
        holder = _Holder((layers, fn))
        object.__setattr__(model, "_playground_all_outputs", holder)
    return holder.value


class _Holder:
    # A plain object: Keras's attribute tracking ignores it.
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _check_image(model, image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if image.ndim == 2 and len(expected) == 3 and expected[2] == 1:
        image = image[:, :, None]
    if image.shape != expected:
        raise ValueError(f"the model expects an image of shape {expected}, got {image.shape}")
    return image


def explain(model, image: np.ndarray, class_names: list[str] | None = None) -> Explanation:
    """Run `image` (H, W, C) through `model` once and build every layer's trace.

    `model` must pass `playground.cnn.loading.check_supported`. Keras gives
    every layer's output in one call; each layer's kind (`playground.cnn.kinds`)
    turns it into traces, fused activations getting their pre-activation
    output from their own numpy maths.
    """
    image = _check_image(model, image)
    layers, all_outputs = _all_outputs_fn(model)
    outputs = all_outputs(image[None])
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    traces = [LayerTrace("input", INPUT.name, image)]
    for layer, out in zip(layers, outputs):
        previous = traces[-1].output
        kind, problem = layer_kind(type(layer).__name__, layer.get_config(), previous.ndim == 1)
        if kind is None:
            raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) cannot be explained: {problem}")
        traces.extend(kind.traces(layer, out.numpy()[0].astype(np.float32), previous))

    final = traces[-1]
    if kind_of(final).gives_probabilities:
        logits, probabilities = final.input, final.output
    else:
        logits = final.output
        probabilities = softmax_terms(logits).probabilities.astype(np.float32)
    if class_names is None:
        class_names = [str(i) for i in range(len(logits))]
    if len(class_names) != len(logits):
        raise ValueError(f"the model has {len(logits)} classes but {len(class_names)} class names were given")
    return Explanation(image, traces, list(class_names), logits, probabilities,
                       int(np.argmax(probabilities)))
