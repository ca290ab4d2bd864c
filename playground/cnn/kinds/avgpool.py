"""AveragePooling2D: the mean of each window, channel by channel.

With 'same' padding a border window is partly padding; TensorFlow (and so
Keras) averages only the input cells inside it, not the padding.
"""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.pool import PoolingKind
from playground.cnn.windows import all_windows, as_pair, padded_window
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import average_formula_html
from playground.i18n import N_


def average_pool_forward(x: np.ndarray, pool_size, strides, padding: str) -> np.ndarray:
    """A whole AveragePooling2D: (H, W, C) → (oh, ow, C), padding left out of each mean."""
    windows = all_windows(np.asarray(x, np.float32), as_pair(pool_size), as_pair(strides), padding, np.nan)
    return np.nanmean(windows, axis=(3, 4)).astype(np.float32)


def average_window(x: np.ndarray, channel: int, row: int, col: int, pool_size, strides,
                   padding: str) -> np.ndarray:
    """The (ph, pw) window of one channel behind output cell (row, col); NaN where padding."""
    x = np.asarray(x, np.float32)[:, :, channel:channel + 1]
    return padded_window(x, row, col, as_pair(pool_size), as_pair(strides), padding, np.nan)[:, :, 0]


class AveragePoolKind(PoolingKind):
    name = "avgpool"
    tutorial = "pool"
    keras_classes = ("AveragePooling2D",)
    hint = N_("**Average pooling** replaces each window by the mean of its values, so the map shrinks. "
              "Hover or click a cell to move the window.")

    def forward(self, trace):
        return average_pool_forward(trace.input, trace.pool_size, trace.strides, trace.padding)

    def formula(self, sel):
        t, k = sel.trace, sel.neuron
        window = average_window(t.input, k, sel.row, sel.col, t.pool_size, t.strides, t.padding)
        return average_formula_html(t.name, k, sel.row, sel.col, window, float(t.output[sel.row, sel.col, k]),
                                    symmetric_limit(t.input[:, :, k]))


KIND = AveragePoolKind()
