"""Dense: each output is the sum of all inputs times their weights, plus a bias.

Hidden layers (linear or relu) and the output layer (softmax or linear). A
built-in relu or softmax gives a second trace: the layer's output before it,
then the activation.
"""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.base import Kind, config_activation, weights
from playground.cnn.trace import LayerTrace
from playground.components.cnn.formula import dense_formula_html
from playground.i18n import N_, _

ACTIVATIONS = ("linear", "relu", "softmax")
OUTPUT_ACTIVATIONS = ("linear", "softmax")


def dense_forward(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """A Dense layer before its activation: x @ kernel + bias, float32."""
    out = np.asarray(x, np.float32) @ kernel
    if bias is not None:
        out = out + bias
    return out.astype(np.float32)


class DenseKind(Kind):
    name = "dense"
    tutorial = "softmax"
    keras_classes = ("Dense",)
    in_head = True
    on_maps = False
    hint = N_("**Dense layer**: each output is the sum of all inputs times their weights, plus a bias.")

    def settings_problem(self, config, on_vector):
        activation = config_activation(config)
        return None if activation in ACTIVATIONS else _("activation '{name}'").format(name=activation)

    def output_problem(self, name, config):
        activation = config_activation(config)
        if activation in OUTPUT_ACTIVATIONS:
            return None
        return _("{layer} (the output Dense layer must use softmax or linear, not '{name}')").format(
            layer=name, name=activation)

    def traces(self, layer, output, previous):
        kernel = weights(layer.kernel)
        bias = weights(layer.bias) if layer.use_bias else np.zeros(kernel.shape[1], np.float32)
        activation = config_activation(layer.get_config())
        if activation == "linear":
            return [LayerTrace(layer.name, self.name, output, previous, kernel, bias)]
        pre = dense_forward(previous, kernel, bias)
        return [LayerTrace(layer.name, self.name, pre, previous, kernel, bias),
                LayerTrace(f"{layer.name}_{activation}", activation, output, pre)]

    def forward(self, trace):
        return dense_forward(trace.input, trace.kernel, trace.bias)

    def show_cell(self, views, sel):
        t = sel.trace
        k = min(sel.neuron, t.output.shape[0] - 1)
        return dense_formula_html(t.name, k, t.input, t.kernel[:, k], float(t.bias[k]), float(t.output[k]))


KIND = DenseKind()
