"""MaxPooling2D: the largest value of each window, channel by channel (padding is never picked)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.cnn.kinds.base import Kind
from playground.cnn.trace import LayerTrace
from playground.cnn.windows import Pair, all_windows, as_pair, padded_window, window_of
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import pool_formula_html
from playground.i18n import N_, _


@dataclass
class PoolWindow:
    """The numbers behind one output cell of a max-pool."""

    window: np.ndarray  # (ph, pw) input values of one channel (NaN where padding)
    argmax: Pair        # (r, c) of the max inside the window
    value: float        # the max: the pool's output at the cell


def pool_window(x: np.ndarray, channel: int, row: int, col: int, pool_size: Pair = (2, 2),
                strides: Pair | None = None, padding: str = "valid") -> PoolWindow:
    """The pool window of one channel whose max lands at output cell (row, col)."""
    pool_size = as_pair(pool_size)
    strides = pool_size if strides is None else as_pair(strides)
    x = np.asarray(x, np.float32)[:, :, channel:channel + 1]
    window = padded_window(x, row, col, pool_size, strides, padding, np.nan)[:, :, 0]
    r, c = np.unravel_index(np.nanargmax(window), window.shape)
    return PoolWindow(window, (int(r), int(c)), float(window[r, c]))


def max_pool_forward(x: np.ndarray, pool_size: Pair = (2, 2), strides: Pair | None = None,
                     padding: str = "valid") -> np.ndarray:
    """A whole MaxPooling2D: (H, W, C) → (oh, ow, C)."""
    pool_size = as_pair(pool_size)
    strides = pool_size if strides is None else as_pair(strides)
    windows = all_windows(np.asarray(x, np.float32), pool_size, strides, padding, -np.inf)
    return windows.max(axis=(3, 4)).astype(np.float32)


class PoolingKind(Kind):
    """What max- and average-pooling share: a window per output cell, one channel at a time."""

    one_to_one = True
    ends_block = True
    view = "pair"
    on_maps = True

    def settings_problem(self, config, on_vector):
        padding = config.get("padding", "valid")
        return None if padding in ("valid", "same") else _("padding '{padding}'").format(padding=padding)

    def traces(self, layer, output, previous):
        return [LayerTrace(layer.name, self.name, output, previous, strides=as_pair(layer.strides),
                           padding=layer.padding, pool_size=as_pair(layer.pool_size))]

    def window(self, trace):
        return tuple(trace.pool_size), tuple(trace.strides), trace.padding

    def show_cell(self, views, sel):
        t = sel.trace
        views.pair.move(window_of(self.window(t), t.input.shape[:2], sel.row, sel.col), sel.row, sel.col)
        return self.formula(sel)


class MaxPoolKind(PoolingKind):
    name = "pool"
    tutorial = "pool"
    keras_classes = ("MaxPooling2D",)
    hint = N_("**Max-pooling** keeps the largest value of each window, so the map shrinks. Hover or click "
              "a cell to move the window.")

    def step_numbers(self, trace):
        """The first window of every channel."""
        for ch in range(trace.output.shape[2]):
            pool_window(trace.input, ch, 0, 0, trace.pool_size, trace.strides, trace.padding)
        return trace.output.shape[2]

    def forward(self, trace):
        return max_pool_forward(trace.input, trace.pool_size, trace.strides, trace.padding)

    def formula(self, sel):
        t, k = sel.trace, sel.neuron
        pw = pool_window(t.input, k, sel.row, sel.col, t.pool_size, t.strides, t.padding)
        return pool_formula_html(t.name, k, sel.row, sel.col, pw.window, pw.argmax,
                                 float(t.output[sel.row, sel.col, k]), symmetric_limit(t.input[:, :, k]))


KIND = MaxPoolKind()
