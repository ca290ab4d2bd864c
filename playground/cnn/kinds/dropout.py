"""Dropout: while training it zeroes a random share of the values; at inference it passes them all."""
from __future__ import annotations

from playground.cnn.kinds.base import ElementwiseKind
from playground.cnn.trace import LayerTrace
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import dropout_formula_html
from playground.i18n import N_


class DropoutKind(ElementwiseKind):
    name = "dropout"
    keras_classes = ("Dropout", "SpatialDropout2D")
    hint = N_("**Dropout** does nothing here: the explainer shows the model at inference, where every "
              "value passes unchanged. Only while training does it set a random share of the values to 0.")

    def traces(self, layer, output, previous):
        return [LayerTrace(layer.name, self.name, output, previous, extra={"rate": float(layer.rate)})]

    def forward(self, trace):
        return trace.input   # identity at inference

    def formula(self, sel):
        x, y, k = self.cell(sel)
        limit = symmetric_limit(sel.trace.input[:, :, sel.neuron]) if k < 0 else None
        return dropout_formula_html(sel.trace.name, max(k, sel.neuron), sel.row, sel.col, x, y,
                                    sel.trace.extra["rate"], limit=limit)


KIND = DropoutKind()
