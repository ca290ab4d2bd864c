"""Conv2D: every input channel correlated with its kernel slice, summed, plus the bias.

Any kernel size, stride and filter count; 'valid' or 'same' padding; a built-in
'relu' activation gives a second trace (the conv's output before it, then the ReLU).
"""
from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from playground.cnn.kinds.base import Kind, config_activation, weights
from playground.cnn.trace import LayerTrace
from playground.cnn.windows import Pair, all_windows, as_pair, padded_window, padding_mask, window_of
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import conv_formula_html
from playground.i18n import N_, _

ACTIVATIONS = ("linear", "relu")   # relu becomes a trace of the relu kind


def conv_forward(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None,
                 strides: Pair = (1, 1), padding: str = "valid") -> np.ndarray:
    """A whole Conv2D (before its activation): (H, W, c_in) → (oh, ow, c_out), float32."""
    kh, kw, c_in, c_out = kernel.shape
    x = np.asarray(x, np.float32)
    if x.shape[2] != c_in:
        raise ValueError(f"input has {x.shape[2]} channels, the kernel expects {c_in}")
    windows = all_windows(x, (kh, kw), as_pair(strides), padding, 0.0)  # (oh, ow, c_in, kh, kw)
    out = np.einsum("yxcij,ijco->yxo", windows, kernel, optimize=True)
    if bias is not None:
        out = out + bias
    return out.astype(np.float32)


def conv_intermediate(x: np.ndarray, kernel: np.ndarray, in_ch: int, out_ch: int,
                      strides: Pair = (1, 1), padding: str = "valid") -> np.ndarray:
    """One input channel correlated with its kernel slice: an (oh, ow) map.

    This is CNN Explainer's "intermediate" map: summing it over every input
    channel and adding the bias gives output channel `out_ch` of the conv.
    """
    kh, kw = kernel.shape[:2]
    channel = np.asarray(x, np.float32)[:, :, in_ch:in_ch + 1]
    windows = all_windows(channel, (kh, kw), as_pair(strides), padding, 0.0)[:, :, 0]  # (oh, ow, kh, kw)
    return np.einsum("yxij,ij->yx", windows, kernel[:, :, in_ch, out_ch]).astype(np.float32)


@dataclass
class ConvWindow:
    """The numbers behind one output cell of a conv, before its activation."""

    window: np.ndarray    # (kh, kw, c_in) input values under the kernel (0 where padding)
    kernel: np.ndarray    # (kh, kw, c_in) the output channel's kernel
    products: np.ndarray  # (kh, kw, c_in) window * kernel, element by element
    total: float          # sum of the products
    bias: float           # the output channel's bias
    output: float         # total + bias: the conv's (pre-activation) output at the cell


def conv_window(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, out_ch: int,
                row: int, col: int, strides: Pair = (1, 1), padding: str = "valid") -> ConvWindow:
    """The window of `x` whose products with the kernel land at output cell (row, col)."""
    kh, kw = kernel.shape[:2]
    window = padded_window(np.asarray(x, np.float32), row, col, (kh, kw), as_pair(strides), padding, 0.0)
    k = kernel[:, :, :, out_ch]
    products = window * k
    total = float(products.sum(dtype=np.float64))
    b = 0.0 if bias is None else float(bias[out_ch])
    return ConvWindow(window, k, products, total, b, total + b)


class ConvKind(Kind):
    name = "conv"
    tutorial = "conv"
    keras_classes = ("Conv2D",)
    view = "conv"
    on_maps = True
    hint = N_("**Convolution.** Every input channel is slid over by its own kernel; the intermediate maps "
              "are added up with the bias. Hover or click any cell to move the window; ▶ animates it.")

    def settings_problem(self, config, on_vector):
        if tuple(as_pair(config.get("dilation_rate", 1))) != (1, 1) or config.get("groups", 1) != 1:
            return _("dilated or grouped convolution")
        if config.get("padding", "valid") not in ("valid", "same"):
            return _("padding '{padding}'").format(padding=config.get("padding"))
        activation = config_activation(config)
        return None if activation in ACTIVATIONS else _("activation '{name}'").format(name=activation)

    def traces(self, layer, output, previous):
        kernel = weights(layer.kernel)
        bias = weights(layer.bias) if layer.use_bias else np.zeros(kernel.shape[3], np.float32)
        geometry = dict(strides=as_pair(layer.strides), padding=layer.padding)
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
