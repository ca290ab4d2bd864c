"""MaxPooling2D: the largest value of each window, channel by channel (padding is never picked)."""
from __future__ import annotations

from playground.cnn.explain import LayerTrace, _pair, max_pool_forward, pool_window
from playground.cnn.geometry import window_of
from playground.cnn.kinds.base import Kind
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import pool_formula_html
from playground.i18n import N_, _


class PoolingKind(Kind):
    """What max- and average-pooling share: a window per output cell, one channel at a time."""

    overview_role = "pool"
    view = "pair"
    on_maps = True

    def settings_problem(self, config, on_vector):
        padding = config.get("padding", "valid")
        return None if padding in ("valid", "same") else _("padding '{padding}'").format(padding=padding)

    def traces(self, layer, output, previous):
        return [LayerTrace(layer.name, self.name, output, previous, strides=_pair(layer.strides),
                           padding=layer.padding, pool_size=_pair(layer.pool_size))]

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
