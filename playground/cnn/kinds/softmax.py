"""Softmax: the output layer's logits turned into probabilities that add up to 1.

It is a trace of a Dense layer with activation='softmax', and the view of the
output column (whose logits are softmaxed even when the model ends linear).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.cnn.kinds.base import Kind
from playground.components.cnn.formula import softmax_html
from playground.i18n import N_


@dataclass
class SoftmaxTerms:
    """Softmax written out: exp(logit - max) / Σ exp(logit - max)."""

    logits: np.ndarray         # (N,) the dense layer's outputs
    shifted: np.ndarray        # logits - max(logits): keeps exp from overflowing
    exps: np.ndarray           # exp(shifted)
    total: float               # Σ exps
    probabilities: np.ndarray  # exps / total


def softmax_terms(logits: np.ndarray) -> SoftmaxTerms:
    """Every intermediate term of the softmax of `logits` (computed in float64)."""
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max()
    exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxTerms(logits, shifted, exps, total, exps / total)


def output_layer(traces, index: int):
    """(position, trace) of the layer with weights that makes the logits: the output trace or the one
    before it (a Dense with a fused softmax gives two traces); None when neither has a kernel."""
    for d in (index, index - 1):
        if 0 < d < len(traces) and traces[d].kernel is not None and traces[d].output.ndim == 1:
            return d, traces[d]
    return None


class SoftmaxKind(Kind):
    name = "softmax"
    tutorial = "softmax"
    in_head = True
    gives_probabilities = True
    hint = N_("**Softmax** turns the output layer's logits into probabilities that add up to 1.")

    def forward(self, trace):
        return softmax_terms(trace.input).probabilities.astype("float32")

    view = "logits"

    def show_detail(self, views, sel):
        """The output layer's weights to the selected class (CNN Explainer's softmax view draws them)."""
        found = output_layer(sel.explanation.traces, sel.index)
        if found is None:
            return None
        d, dense = found
        k = min(sel.neuron, dense.kernel.shape[1] - 1)
        feeder = sel.explanation.traces[d - 1]
        flattened = (feeder.input is not None and feeder.input.ndim == 3 and feeder.output.ndim == 1
                     and feeder.input.size == feeder.output.size)
        views.logits.show(dense.input, dense.kernel[:, k], float(dense.bias[k]), float(dense.output[k]),
                          feeder.input.shape if flattened else None, feeder.name, sel.explanation.class_names[k])
        return "logits"

    def show_cell(self, views, sel):
        e = sel.explanation
        terms = softmax_terms(e.logits)
        return softmax_html(sel.trace.name, e.class_names, terms.logits, terms.shifted, terms.exps, terms.total,
                            e.probabilities, min(sel.neuron, len(e.class_names) - 1))


KIND = SoftmaxKind()
