"""The model's input image: the first trace, not a Keras layer."""
from __future__ import annotations

from playground.cnn.kinds.base import Kind
from playground.i18n import N_


class InputKind(Kind):
    name = "input"
    is_input = True
    hint = N_("**The input image**, one map per channel (0 white, 1 black). Click a neuron of a later "
              "layer to see what is computed from it.")

    def problem(self, class_name, config, on_vector):
        return None if class_name == "InputLayer" else super().problem(class_name, config, on_vector)

    def forward(self, trace):
        return trace.output


KIND = InputKind()
