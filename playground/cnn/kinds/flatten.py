"""Flatten: the maps unrolled into one vector, row by row, every channel of a pixel in turn."""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.base import Kind
from playground.components.cnn.formula import flatten_formula_html
from playground.i18n import N_


def flatten_index(shape_hwc: tuple[int, int, int], row: int, col: int, ch: int) -> int:
    """Position of map cell (row, col, ch) in Keras's Flatten output (row-major, channels last)."""
    h, w, c = shape_hwc
    if not (0 <= row < h and 0 <= col < w and 0 <= ch < c):
        raise IndexError(f"cell ({row}, {col}, {ch}) is outside a {h}×{w}×{c} map")
    return (row * w + col) * c + ch


def unflatten_index(shape_hwc: tuple[int, int, int], i: int) -> tuple[int, int, int]:
    """The map cell (row, col, ch) that lands at position `i` of the flattened vector."""
    h, w, c = shape_hwc
    if not 0 <= i < h * w * c:
        raise IndexError(f"index {i} is outside a flattened {h}×{w}×{c} map")
    pixel, ch = divmod(i, c)
    row, col = divmod(pixel, w)
    return row, col, ch


class FlattenKind(Kind):
    name = "flatten"
    tutorial = "flatten"
    keras_classes = ("Flatten",)
    in_head = True
    view = "flatten"
    on_maps = True
    makes_vector = True
    hint = N_("**Flatten** unrolls the maps into one vector: row by row, and inside each pixel every "
              "channel in turn. Hover or click a cell on either side.")

    def forward(self, trace):
        return np.asarray(trace.input, np.float32).reshape(-1)

    def clamp(self, sel):
        h, w, c = sel.trace.input.shape
        return min(sel.row, h - 1), min(sel.col, w - 1), min(sel.in_channel, c - 1)

    def first_cell(self, sel):
        """The map cell that lands at the selected position of the vector (the clicked neuron)."""
        shape = sel.trace.input.shape
        row, col, ch = unflatten_index(shape, min(sel.neuron, int(np.prod(shape)) - 1))
        return dict(row=row, col=col, in_channel=ch)

    def show_detail(self, views, sel):
        views.flatten.show(sel.trace.input, sel.trace.output, sel.previous.name, sel.trace.name)
        return "flatten"

    def show_cell(self, views, sel):
        t, shape = sel.trace, sel.trace.input.shape
        i = flatten_index(shape, sel.row, sel.col, sel.in_channel)
        views.flatten.move(sel.row, sel.col, sel.in_channel, i)
        return flatten_formula_html(t.name, sel.previous.name, shape, sel.row, sel.col, sel.in_channel, i,
                                    float(t.output[i]))

    def pick(self, sel, role, channel, row, col):
        if role == "vector":
            h, w, c = sel.trace.input.shape
            row, col, channel = unflatten_index((h, w, c), min(row * w * c + col, h * w * c - 1))
        # The neuron is the vector's position: the title names the cell shown.
        return dict(row=row, col=col, in_channel=channel, neuron=flatten_index(sel.trace.input.shape, row, col, channel))


KIND = FlattenKind()
