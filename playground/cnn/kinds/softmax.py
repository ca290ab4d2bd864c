"""Softmax: the output layer's logits turned into probabilities that add up to 1.

It is a trace of a Dense layer with activation='softmax', and the view of the
output column (whose logits are softmaxed even when the model ends linear).
"""
from __future__ import annotations

from playground.cnn.explain import softmax_terms
from playground.cnn.kinds.base import Kind
from playground.components.cnn.formula import softmax_html
from playground.i18n import N_


class SoftmaxKind(Kind):
    name = "softmax"
    tutorial = "softmax"
    overview_role = "softmax"
    gives_probabilities = True
    hint = N_("**Softmax** turns the output layer's logits into probabilities that add up to 1.")

    def forward(self, trace):
        return softmax_terms(trace.input).probabilities.astype("float32")

    def show_cell(self, views, sel):
        e = sel.explanation
        terms = softmax_terms(e.logits)
        return softmax_html(sel.trace.name, e.class_names, terms.logits, terms.shifted, terms.exps, terms.total,
                            e.probabilities, min(sel.neuron, len(e.class_names) - 1))


KIND = SoftmaxKind()
