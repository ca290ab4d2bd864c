"""ReLU: max(0, x), cell by cell (a ReLU layer, Activation('relu'), or a layer's activation='relu')."""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.base import ElementwiseKind, config_activation
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import relu_formula_html
from playground.i18n import N_, _


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), element by element."""
    return np.maximum(x, 0).astype(np.float32)


class ReluKind(ElementwiseKind):
    name = "relu"
    tutorial = "relu"
    keras_classes = ("ReLU", "Activation")
    hint = N_("**ReLU** keeps positive values and turns negative ones into 0, cell by cell. Hover or click "
              "a cell to see its numbers.")

    def problem(self, class_name, config, on_vector):
        problem = super().problem(class_name, config, on_vector)
        if problem is not None or class_name == "Activation":
            return problem
        if config.get("max_value") is not None or config.get("negative_slope") or config.get("threshold"):
            return _("a ReLU with max_value, negative_slope or threshold")
        return None

    def settings_problem(self, config, on_vector):
        # Reached for both classes; only Activation has an "activation" to check.
        if "activation" not in config:
            return None
        activation = config_activation(config)
        return None if activation == "relu" else _("activation '{name}'").format(name=activation)

    def forward(self, trace):
        return relu(trace.input)

    def formula(self, sel):
        x, y, k = self.cell(sel)
        limit = symmetric_limit(sel.trace.input[:, :, sel.neuron]) if k < 0 else None
        return relu_formula_html(sel.trace.name, max(k, sel.neuron), sel.row, sel.col, x, y, limit=limit)


KIND = ReluKind()
