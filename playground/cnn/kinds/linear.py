"""Activation('linear'): the output equals the input."""
from __future__ import annotations

from playground.cnn.kinds.base import ElementwiseKind, config_activation
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import relu_formula_html
from playground.i18n import N_, _


class LinearKind(ElementwiseKind):
    name = "linear"
    tutorial = "relu"
    keras_classes = ("Activation",)
    hint = N_("**Linear activation**: the output equals the input, cell by cell.")

    def settings_problem(self, config, on_vector):
        activation = config_activation(config)
        return None if activation == "linear" else _("activation '{name}'").format(name=activation)

    def forward(self, trace):
        return trace.input

    def formula(self, sel):
        x, y, k = self.cell(sel)
        limit = symmetric_limit(sel.trace.input[:, :, sel.neuron]) if k < 0 else None
        return relu_formula_html(sel.trace.name, max(k, sel.neuron), sel.row, sel.col, x, y, linear=True,
                                 limit=limit)


KIND = LinearKind()
