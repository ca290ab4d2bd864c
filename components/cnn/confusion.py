"""After each epoch: the confusion matrix on held-out digits, and the digits the model got wrong.

`ConfusionMatrix` draws rows as true classes and columns as predicted ones, each
cell's count written on it and shaded by the share of its row (the diagonal is
what the model gets right). `Misclassified` draws the held-out images predicted
wrong, each labelled "true → predicted"; clicking one calls `on_pick(index)`
with its index into the held-out set (the page then explains that digit).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, LinearColorMapper

from playground.components.cnn.cells import CellPicker, bokeh_pane, pixel_canvas
from playground.components.cnn.colors import ACTIVATION_PALETTE, INPUT_PALETTE, N_SHADES
from playground.components.cnn.theming import ThemedFigure
from playground.i18n import _
from playground.theme import CELL_TEXT_ON_DEEP, CELL_TEXT_ON_PALE, CNN_FRAME, CNN_TEXT

CELL = 30            # px per matrix cell
MARGIN = 42          # px left of and above the matrix for the class labels and axis names
DIGIT = 44           # px per misclassified digit
MAX_SHOWN = 40       # misclassified digits drawn at most (the first ones)
PER_ROW = 10
# The positive half of the activation scale (white → blue): shares of a row, 0 → 1.
SHARE_PALETTE = ACTIVATION_PALETTE[N_SHADES // 2:]


class ConfusionMatrix(ThemedFigure, pn.viewable.Viewer):
    """Counts of (true, predicted) on the held-out split."""

    def __init__(self):
        super().__init__()
        self.mapper = LinearColorMapper(palette=SHARE_PALETTE, low=0, high=1)
        self.cells = ColumnDataSource(dict(x=[], y=[], share=[], count=[], ink=[]), name="cnn-confusion")
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[], angle=[]))
        fig = pixel_canvas(MARGIN + 10 * CELL + 6, MARGIN + 10 * CELL + 6)
        fig.rect("x", "y", CELL, CELL, source=self.cells, fill_color={"field": "share", "transform": self.mapper},
                 line_color=CNN_FRAME)
        fig.text("x", "y", text="count", source=self.cells, text_font_size="12px", text_align="center",
                 text_baseline="middle", text_color="ink")
        fig.text("x", "y", text="text", source=self.labels, text_font_size="13px", text_align="center",
                 text_baseline="middle", angle="angle", text_color=CNN_TEXT)
        self.figure = fig
        self._box = pn.Column(bokeh_pane(fig, "cnn-confusion"), visible=False, margin=0)

    def show(self, matrix: np.ndarray | None, class_names: list[str]) -> None:
        # None: no epoch ended yet. The figure is hidden rather than emptied: BokehJS fails on a
        # colour-mapped glyph whose columns are empty ("Offset is outside the bounds of the DataView").
        self._box.visible = matrix is not None
        if matrix is None:
            return
        n = matrix.shape[0]
        size = MARGIN + n * CELL + 6
        rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        share = matrix / rows
        true, predicted = np.indices(matrix.shape)
        x = MARGIN + predicted.ravel() * CELL + CELL / 2
        y = size - MARGIN - true.ravel() * CELL - CELL / 2
        cells = dict(x=x.astype(np.float32), y=y.astype(np.float32), share=share.ravel().astype(np.float32),
                     count=[str(int(c)) for c in matrix.ravel()],
                     ink=[CELL_TEXT_ON_DEEP if s > 0.6 else CELL_TEXT_ON_PALE for s in share.ravel()])
        short = [name[:3] for name in class_names]
        labels = dict(x=[], y=[], text=[], angle=[])
        for i, name in enumerate(short):
            for key, value in zip(("x", "y", "text", "angle"), (MARGIN + i * CELL + CELL / 2, size - MARGIN + 10,
                                                                name, 0.0)):
                labels[key].append(value)
            for key, value in zip(("x", "y", "text", "angle"), (MARGIN - 12, size - MARGIN - i * CELL - CELL / 2,
                                                                name, 0.0)):
                labels[key].append(value)
        for key, value in zip(("x", "y", "text", "angle"), ((MARGIN + size) / 2, size - 10, _("predicted"), 0.0)):
            labels[key].append(value)
        for key, value in zip(("x", "y", "text", "angle"), (10, (size - MARGIN) / 2, _("true"), np.pi / 2)):
            labels[key].append(value)
        with pn.io.hold():
            if self.figure.width != size:
                self.figure.width = self.figure.height = size
                self.figure.x_range.end = self.figure.y_range.end = size
            self.cells.data, self.labels.data = cells, labels

    def __panel__(self):
        return self._box


class Misclassified(ThemedFigure, pn.viewable.Viewer):
    """The held-out digits predicted wrong; a click on one calls `on_pick(index into the held-out set)`."""

    def __init__(self, on_pick: Callable[[int], None]):
        super().__init__()
        self.mapper = LinearColorMapper(palette=INPUT_PALETTE, low=0, high=1)
        self.digits = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[], index=[]),
                                       name="cnn-misclassified")
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        fig = pixel_canvas(PER_ROW * (DIGIT + 6) + 6, DIGIT + 24)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.digits, color_mapper=self.mapper)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="12px", text_align="center",
                 text_baseline="bottom", text_color=CNN_TEXT)
        self.picker = CellPicker(fig, lambda role, channel, row, col, tapped: tapped and on_pick(channel))
        self.figure = fig
        self._box = pn.Column(bokeh_pane(fig, "cnn-misclassified"), visible=False, margin=0)

    def show(self, images: np.ndarray, indices: list[int], true: list[str], predicted: list[str]) -> None:
        """`images` (N, H, W, C) in 0–1 of the digits `indices` (held-out indices), with their true and
        predicted class names."""
        shown = min(len(indices), MAX_SHOWN)
        self._box.visible = shown > 0        # hidden, not emptied (see ConfusionMatrix.show)
        if not shown:
            return
        rows = -(-shown // PER_ROW)
        height = rows * (DIGIT + 24)
        digits = dict(image=[], x=[], y=[], dw=[], dh=[], index=[])
        labels = dict(x=[], y=[], text=[])
        regions = []
        for i in range(shown):
            left = 6 + (i % PER_ROW) * (DIGIT + 6)
            bottom = height - (i // PER_ROW + 1) * (DIGIT + 24) + 4
            grey = images[i].mean(axis=-1)[::-1]          # row 0 on top; colour images as grey
            for key, value in zip(("image", "x", "y", "dw", "dh", "index"),
                                  (np.ascontiguousarray(grey, np.float32), left, bottom, DIGIT, DIGIT, indices[i])):
                digits[key].append(value)
            text = _("{true}→{predicted}").format(true=true[i][:3], predicted=predicted[i][:3])
            for key, value in zip(("x", "y", "text"), (left + DIGIT / 2, bottom + DIGIT + 2, text)):
                labels[key].append(value)
            regions.append(("digit", int(indices[i]), left, bottom, DIGIT, DIGIT, 1, 1))
        with pn.io.hold():
            if self.figure.height != height:
                self.figure.height = height
                self.figure.y_range.end = height
            self.digits.data, self.labels.data = digits, labels
            self.picker.set_regions(regions)

    def __panel__(self):
        return self._box
