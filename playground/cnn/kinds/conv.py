"""Conv2D: every input channel correlated with its kernel slice, summed, plus the bias.

Any kernel size, stride and filter count; 'valid' or 'same' padding; a built-in
'relu' activation gives a second trace (the conv's output before it, then the ReLU).
"""
from __future__ import annotations

import numpy as np

from playground.cnn.explain import LayerTrace, _pair, conv_forward, conv_intermediate, conv_window
from playground.cnn.geometry import padding_mask, window_of
from playground.cnn.kinds.base import Kind, config_activation, weights
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import conv_formula_html
from playground.i18n import N_, _

ACTIVATIONS = ("linear", "relu")   # relu becomes a trace of the relu kind



class ConvKind(Kind):
    name = "conv"
    tutorial = "conv"
    keras_classes = ("Conv2D",)
    overview_role = "conv"
    view = "conv"
    on_maps = True
    hint = N_("**Convolution.** Every input channel is slid over by its own kernel; the intermediate maps "
              "are added up with the bias. Hover or click any cell to move the window; ▶ animates it.")

    def settings_problem(self, config, on_vector):
        if tuple(_pair(config.get("dilation_rate", 1))) != (1, 1) or config.get("groups", 1) != 1:
            return _("dilated or grouped convolution")
        if config.get("padding", "valid") not in ("valid", "same"):
            return _("padding '{padding}'").format(padding=config.get("padding"))
        activation = config_activation(config)
        return None if activation in ACTIVATIONS else _("activation '{name}'").format(name=activation)

    def traces(self, layer, output, previous):
        kernel = weights(layer.kernel)
        bias = weights(layer.bias) if layer.use_bias else np.zeros(kernel.shape[3], np.float32)
        geometry = dict(strides=_pair(layer.strides), padding=layer.padding)
        if config_activation(layer.get_config()) == "relu":
            pre = conv_forward(previous, kernel, bias, **geometry)
            return [LayerTrace(layer.name, self.name, pre, previous, kernel, bias, **geometry),
                    LayerTrace(f"{layer.name}_relu", "relu", output, pre)]
        return [LayerTrace(layer.name, self.name, output, previous, kernel, bias, **geometry)]

    def forward(self, trace):
        return conv_forward(trace.input, trace.kernel, trace.bias, trace.strides, trace.padding)

    def window(self, trace):
        return tuple(trace.kernel.shape[:2]), tuple(trace.strides), trace.padding

    def step_numbers(self, trace):
        """Every output channel's intermediate maps (one per input channel) and its first window."""
        t, made = trace, 0
        for out_ch in range(t.kernel.shape[3]):
            for in_ch in range(t.kernel.shape[2]):
                conv_intermediate(t.input, t.kernel, in_ch, out_ch, t.strides, t.padding)
                made += 1
            conv_window(t.input, t.kernel, t.bias, out_ch, 0, 0, t.strides, t.padding)
            made += 1
        return made

    def show_detail(self, views, sel):
        t, k = sel.trace, sel.neuron
        mids = np.stack([conv_intermediate(t.input, t.kernel, i, k, t.strides, t.padding)
                         for i in range(t.input.shape[2])])
        views.conv.show(t.input, t.kernel[:, :, :, k], mids, float(t.bias[k]), t.output[:, :, k],
                        sel.previous.name, _("{layer} · neuron {k}").format(layer=t.name, k=k),
                        input_is_image=sel.reads_image, input_range=sel.input_range)
        return "conv"

    def show_cell(self, views, sel):
        t, k, row, col, in_ch = sel.trace, sel.neuron, sel.row, sel.col, sel.in_channel
        cw = conv_window(t.input, t.kernel, t.bias, k, row, col, t.strides, t.padding)
        geometry, in_hw = self.window(t), t.input.shape[:2]
        views.conv.move(window_of(geometry, in_hw, row, col), row, col, in_ch)
        return conv_formula_html(t.name, k, row, col, in_ch, cw.window[:, :, in_ch], cw.kernel[:, :, in_ch],
                                 cw.products[:, :, in_ch], cw.products.sum(axis=(0, 1)), cw.bias,
                                 float(t.output[row, col, k]), padding_mask(geometry, in_hw, row, col),
                                 input_is_image=sel.reads_image, input_range=sel.input_range,
                                 limits=(symmetric_limit(t.input), symmetric_limit(cw.kernel),
                                         symmetric_limit(t.output[:, :, k])))


KIND = ConvKind()
