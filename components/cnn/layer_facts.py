"""What the overview and its colour ranges need to know about a layer, as plain facts.

Each layer kind (`playground.cnn.kinds`) states its facts; the views read the
facts and never a kind's name, so a new kind changes no view.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayerFacts:
    is_input: bool = False             # the model's input image: drawn in greys, with its own colour range
    one_to_one: bool = False           # maps channel i to channel i: a neuron reads one neuron before it
    ends_block: bool = False           # ends a conv…pool block (one of CNN Explainer's modules)
    in_head: bool = False              # part of the classifier head: makes or reads the vector after the maps
    gives_probabilities: bool = False  # the model's class probabilities; the logits before it share its column
