"""What every CNN layer kind provides, and the defaults most kinds share.

A kind is one step the explainer can show: it says which saved Keras layers it
takes (from the layer's config alone, so a file can be checked before Keras
builds anything), turns a built layer and its output into traces, recomputes
its output in numpy, and gives its window geometry, detail view, formula and
hint. `playground.cnn.kinds` keeps the registry; the page, the loader and
`explain` iterate it.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from playground.cnn.trace import Explanation, LayerTrace
from playground.cnn.windows import Window, all_windows, output_cell_for_input, window_of
from playground.components.cnn.layer_facts import LayerFacts
from playground.i18n import _


@dataclass
class Selection:
    """The neuron and cell the user is looking at, with what a formula needs around it."""

    trace: LayerTrace
    index: int                       # the trace's position in the explanation
    explanation: Explanation
    neuron: int
    row: int = 0
    col: int = 0
    in_channel: int = 0
    input_range: tuple[float, float] = (0.0, 1.0)

    @property
    def previous(self) -> LayerTrace:
        return self.explanation.traces[self.index - 1]

    @property
    def reads_image(self) -> bool:
        """True when the step's input is the model's input image (greys, not activations)."""
        return self.index == 1


def config_activation(config: dict) -> str:
    """A saved layer's activation as a plain name ('relu'), or a description of what it is instead."""
    value = config.get("activation", "linear")
    if value is None:
        return "linear"
    if isinstance(value, dict):   # a serialised function: {"class_name": "function", "config": "relu", …}
        inner = value.get("config")
        module = str(value.get("module", "keras.activations"))
        if isinstance(inner, str) and module.startswith("keras"):
            return inner
        return str(value.get("class_name", "custom"))
    return str(value)


def weights(variable) -> np.ndarray:
    """A Keras variable's current value as a float32 numpy array (a copy)."""
    return np.array(variable.numpy(), np.float32)


def data_format_problem(config: dict) -> str | None:
    if config.get("data_format", "channels_last") not in (None, "channels_last"):
        return _("channels_first data format")
    return None


class Kind:
    """A layer kind. Subclasses set the class attributes and override what differs."""

    name: str = ""                       # the trace kind (`LayerTrace.kind`), e.g. "conv"
    keras_classes: tuple[str, ...] = ()  # saved Keras class names this kind may take
    hint: str = ""                       # N_() message: one line under the overview, **bold** allowed
    view: str | None = None              # detail view: "conv", "pair", "flatten" or None (formula only)
    on_maps: bool | None = None          # True: needs (H, W, C) maps; False: needs a vector; None: either
    makes_vector: bool = False           # True: turns maps into a vector (Flatten, global pooling)
    tutorial: str = "overview"           # the key of the tutorial (playground.cnn.tutorials) beside its view
    gives_probabilities: bool = False    # True: its output is the model's class probabilities
    # Facts the overview and its colour ranges read (components.cnn.layer_facts):
    is_input: bool = False               # True: the model's input image
    one_to_one: bool = False             # True: maps channel i to channel i
    ends_block: bool = False             # True: ends a conv…pool block
    in_head: bool = False                # True: part of the classifier head (the vector after the maps)

    @property
    def facts(self) -> LayerFacts:
        """What the overview needs to know about this kind's traces."""
        return LayerFacts(is_input=self.is_input, one_to_one=self.one_to_one, ends_block=self.ends_block,
                          in_head=self.in_head, gives_probabilities=self.gives_probabilities)

    # ---------------------------------------------------------------- the saved layer

    def problem(self, class_name: str, config: dict, on_vector: bool) -> str | None:
        """Why this kind cannot show the saved layer (None when it can). `on_vector`: after Flatten."""
        if class_name not in self.keras_classes:
            return _("a layer type the views cannot show")
        if self.on_maps is True and on_vector:
            return _("{what} after Flatten").format(what=class_name)
        if self.on_maps is False and not on_vector:
            return _("a {what} layer on feature maps (put a Flatten before it)").format(what=class_name)
        return data_format_problem(config) or self.settings_problem(config, on_vector)

    def output_problem(self, name: str, config: dict) -> str | None:
        """Why the saved layer `name` cannot end the model (None: it can)."""
        return _("the last layer must be the Dense output layer")

    def settings_problem(self, config: dict, on_vector: bool) -> str | None:
        """Settings of an accepted class that the views cannot show (None: all fine)."""
        return None

    def traces(self, layer, output: np.ndarray, previous: np.ndarray) -> list[LayerTrace]:
        """The trace(s) of a built Keras layer, given its (Keras) output and its input."""
        return [LayerTrace(layer.name, self.name, output, previous)]

    # ---------------------------------------------------------------- the numbers

    def forward(self, trace: LayerTrace) -> np.ndarray:
        """The trace's output recomputed in numpy from its input and the layer's weights."""
        raise NotImplementedError

    def window(self, trace: LayerTrace) -> Window | None:
        """(window, strides, padding) when each output cell reads an input window; None otherwise."""
        return None

    def step_numbers(self, trace: LayerTrace) -> int:
        """Compute the numbers stepping through this layer first shows (for `playground cnn bench`).

        Returns how many arrays were made. Most kinds show only their maps, made already.
        """
        return 0

    # ---------------------------------------------------------------- the views

    def clamp(self, sel: Selection) -> tuple[int, int, int]:
        """(row, col, in_channel) of `sel` brought inside the trace's maps."""
        out, inp = sel.trace.output, sel.trace.input
        if out.ndim != 3:
            return 0, 0, 0
        return (min(sel.row, out.shape[0] - 1), min(sel.col, out.shape[1] - 1),
                min(sel.in_channel, inp.shape[2] - 1) if inp is not None and inp.ndim == 3 else 0)

    def first_cell(self, sel: Selection) -> dict:
        """Where the window of a newly selected neuron opens: (row, col, in_channel) as a state update.

        A windowed step opens on the cell with the largest |output| among those whose input window is
        not all zeros (a blank corner would show only 0.000 products); the input channel is the one
        with the most signal there.
        """
        geometry, out = self.window(sel.trace), sel.trace.output
        if geometry is None or out.ndim != 3:
            return dict(row=0, col=0, in_channel=0)
        k = min(sel.neuron, out.shape[2] - 1)
        reads = all_windows(np.asarray(sel.trace.input, np.float32), *geometry, 0.0)   # (oh, ow, C, kh, kw)
        signal = np.abs(reads).sum(axis=(3, 4))                                       # (oh, ow, C)
        if self.one_to_one:          # a channel-to-channel step reads only the neuron's own channel
            signal = signal[:, :, k:k + 1]
        score = np.where(signal.any(axis=2), np.abs(out[:, :, k]), -1.0)
        row, col = np.unravel_index(int(np.argmax(score)), score.shape)
        in_channel = k if self.one_to_one else int(np.argmax(signal[row, col]))
        return dict(row=int(row), col=int(col), in_channel=in_channel)

    def show_detail(self, views: SimpleNamespace, sel: Selection) -> str | None:
        """Draw the detail view of the selected neuron; returns its key (see `view`) or None."""
        trace = sel.trace
        if self.view == "pair" and trace.output.ndim == 3:
            k = sel.neuron
            views.pair.show(trace.input[:, :, k], trace.output[:, :, k], sel.previous.name, trace.name, k)
            return "pair"
        return None

    def show_cell(self, views: SimpleNamespace, sel: Selection) -> str:
        """Move the detail view to the selected cell; returns the formula's HTML."""
        return ""

    def pick(self, sel: Selection, role: str, channel: int, row: int, col: int) -> dict:
        """The state update when the user points at a cell of the detail view (role: which map)."""
        if role == "input" and self.window(sel.trace) is not None:
            row, col = output_cell_for_input(self.window(sel.trace), sel.trace.input.shape[:2],
                                             sel.trace.output.shape[:2], row, col)
            return dict(row=row, col=col, in_channel=channel)
        if role == "kernel":
            return dict(in_channel=channel)
        if role == "intermediate":
            return dict(row=row, col=col, in_channel=channel)
        return dict(row=row, col=col)


class ElementwiseKind(Kind):
    """A step that maps each value to one value at the same place (ReLU, Dropout, BatchNormalization…).

    Its detail view is the pair view (one channel before and after) with a 1×1 window.
    """

    view = "pair"
    one_to_one = True

    def window(self, trace: LayerTrace) -> Window | None:
        return ((1, 1), (1, 1), "valid") if trace.output.ndim == 3 else None

    def cell(self, sel: Selection) -> tuple[float, float, int]:
        """(input value, output value, position in a vector) of the selected cell."""
        t = sel.trace
        if t.output.ndim == 3:
            return float(t.input[sel.row, sel.col, sel.neuron]), float(t.output[sel.row, sel.col, sel.neuron]), -1
        k = min(sel.neuron, t.output.shape[0] - 1)
        return float(t.input[k]), float(t.output[k]), k

    def show_cell(self, views: SimpleNamespace, sel: Selection) -> str:
        if sel.trace.output.ndim == 3:
            views.pair.move(window_of(self.window(sel.trace), sel.trace.input.shape[:2], sel.row, sel.col),
                            sel.row, sel.col)
        return self.formula(sel)

    def formula(self, sel: Selection) -> str:
        raise NotImplementedError


__all__ = ["Kind", "ElementwiseKind", "Selection", "config_activation"]
