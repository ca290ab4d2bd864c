"""BatchNormalization at inference: y = γ · (x − μ) / √(σ² + ε) + β, per channel.

μ and σ² are the layer's moving mean and variance (learned during training),
γ and β its scale and shift; a layer saved with ``scale=False`` or
``center=False`` has γ = 1 or β = 0.
"""
from __future__ import annotations

import numpy as np

from playground.cnn.kinds.base import ElementwiseKind, weights
from playground.cnn.trace import LayerTrace
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.formula import batchnorm_formula_html
from playground.i18n import N_, _


def batchnorm_forward(x: np.ndarray, gamma, beta, mean, variance, epsilon: float) -> np.ndarray:
    """Keras's BatchNormalization at inference, on the last axis, in float32."""
    x = np.asarray(x, np.float32)
    return ((x - mean) / np.sqrt(variance + np.float32(epsilon)) * gamma + beta).astype(np.float32)


class BatchNormKind(ElementwiseKind):
    name = "batchnorm"
    keras_classes = ("BatchNormalization",)
    hint = N_("**Batch normalisation** (at inference): each channel is shifted by the mean and divided by "
              "the standard deviation learned in training, then scaled by γ and shifted by β.")

    def settings_problem(self, config, on_vector):
        axis = config.get("axis", -1)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        last = 1 if on_vector else 3
        if len(axes) != 1 or axes[0] not in (-1, last):
            return _("normalisation over an axis other than the channels")
        return None

    def traces(self, layer, output, previous):
        channels = previous.shape[-1]
        extra = {
            "gamma": weights(layer.gamma) if layer.scale else np.ones(channels, np.float32),
            "beta": weights(layer.beta) if layer.center else np.zeros(channels, np.float32),
            "mean": weights(layer.moving_mean),
            "variance": weights(layer.moving_variance),
            "epsilon": float(layer.epsilon),
        }
        return [LayerTrace(layer.name, self.name, output, previous, extra=extra)]

    def forward(self, trace):
        e = trace.extra
        return batchnorm_forward(trace.input, e["gamma"], e["beta"], e["mean"], e["variance"], e["epsilon"])

    def formula(self, sel):
        x, y, k = self.cell(sel)
        c = sel.neuron if k < 0 else k
        e = sel.trace.extra
        limit = symmetric_limit(np.r_[sel.trace.input[..., c].ravel(), sel.trace.output[..., c].ravel()]) \
            if k < 0 else None
        return batchnorm_formula_html(sel.trace.name, c, sel.row, sel.col, x, float(e["mean"][c]),
                                      float(e["variance"][c]), e["epsilon"], float(e["gamma"][c]),
                                      float(e["beta"][c]), y, limit=limit)


KIND = BatchNormKind()
