"""GlobalAveragePooling2D: each channel's whole map averaged into one number, (H, W, C) → (C,)."""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.base import Kind
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import average_formula_html
from playground.i18n import N_, _


class GlobalAverageKind(Kind):
    name = "global_average"
    tutorial = "pool"
    keras_classes = ("GlobalAveragePooling2D",)
    in_head = True   # like Flatten, it ends the maps and starts the vector head
    view = "pair"
    on_maps = True
    makes_vector = True
    hint = N_("**Global average pooling** turns each channel's whole map into one number, its mean: "
              "one value per channel.")

    def settings_problem(self, config, on_vector):
        return _("keepdims=True") if config.get("keepdims") else None

    def forward(self, trace):
        return np.asarray(trace.input, np.float32).mean(axis=(0, 1), dtype=np.float64).astype(np.float32)

    def window(self, trace):
        return None   # one window, the whole map: nothing to move

    def clamp(self, sel):
        return 0, 0, 0

    def show_detail(self, views, sel):
        t, k = sel.trace, self._channel(sel)
        views.pair.show(t.input[:, :, k], t.output[k:k + 1, None], sel.previous.name, t.name, k)
        return "pair"

    def show_cell(self, views, sel):
        t, k = sel.trace, self._channel(sel)
        h, w = t.input.shape[:2]
        views.pair.move((0, 0, h, w), 0, 0)
        return average_formula_html(t.name, k, 0, 0, t.input[:, :, k], float(t.output[k]),
                                    symmetric_limit(t.input[:, :, k]), whole_map=True)

    def pick(self, sel, role, channel, row, col):
        return {}

    @staticmethod
    def _channel(sel) -> int:
        return min(sel.neuron, sel.trace.output.shape[0] - 1)


KIND = GlobalAverageKind()
