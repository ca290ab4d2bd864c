"""What one image's run through the model leaves for the views: a trace per step, and the whole.

`playground.cnn.explain` builds them; each layer kind (`playground.cnn.kinds`)
makes its own traces and computes from them. Conventions: feature maps are
channels-last ``(H, W, C)`` without a batch axis; kernels are Keras's
``(kh, kw, c_in, c_out)``; dense kernels ``(n_in, n_out)``. Pure data: no Keras.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.cnn.windows import Pair


@dataclass
class LayerTrace:
    """One step of the model for one image, with what is needed to explain it.

    ``kind`` names a layer kind of the registry, `playground.cnn.kinds` (``"input"``,
    ``"conv"``, ``"relu"``, ``"pool"``, ``"batchnorm"``, ``"flatten"``, ``"dense"``,
    ``"softmax"`` …), which computes and shows it. A layer with a fused activation
    (``Conv2D(activation="relu")``, ``Dense(activation="softmax")``) gives two
    traces: ``"<name>"`` (its pre-activation output, computed in numpy from the
    weights) then ``"<name>_relu"`` / ``"<name>_softmax"`` (Keras's output).
    Every other trace's output is Keras's own layer output.
    """

    name: str
    kind: str
    output: np.ndarray                  # float32: (H, W, C) maps or (N,) vectors
    input: np.ndarray | None = None     # the previous trace's output
    kernel: np.ndarray | None = None    # conv (kh, kw, c_in, c_out); dense (n_in, n_out)
    bias: np.ndarray | None = None      # (c_out,) / (n_out,); zeros when the layer has none
    strides: Pair | None = None         # conv and pool
    padding: str | None = None          # conv and pool: "valid" or "same"
    pool_size: Pair | None = None       # pool
    extra: dict = field(default_factory=dict)  # a kind's other numbers (BatchNormalization's γ, β, μ, σ², ε)


@dataclass
class Explanation:
    """Everything the views show for one image."""

    image: np.ndarray              # (H, W, C) the model's input
    traces: list[LayerTrace]       # model order; traces[0] is the input, traces[-1] the model's output
    class_names: list[str]
    logits: np.ndarray             # (n_classes,) the output layer before softmax
    probabilities: np.ndarray      # (n_classes,) Keras's softmax output (numpy's softmax of the
                                   # logits when the model itself ends without one)
    predicted: int                 # argmax of probabilities
    by_name: dict[str, LayerTrace] = field(init=False, repr=False)

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.traces}

    def trace(self, name: str) -> LayerTrace:
        """The trace called `name` (KeyError naming the known ones otherwise)."""
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"no layer {name!r}; layers: {', '.join(self.by_name)}") from None

    @property
    def predicted_name(self) -> str:
        return self.class_names[self.predicted]
