"""The first convolution's kernels as small heatmaps: where a learner sees noise turn into edge detectors.

One tile per kernel (output channel), one row of tiles per input channel (one
row for grey digits, three for RGB). All tiles share one symmetric weight scale
(white is 0), with its colour bar, so that a kernel growing stronger shows.
"""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper

from playground.components.cnn.cells import bokeh_pane, pixel_canvas
from playground.components.cnn.colors import WEIGHT_PALETTE, symmetric_limit
from playground.components.cnn.theming import ThemedFigure
from playground.i18n import _
from playground.theme import CNN_FRAME, CNN_TEXT

TILE = 46        # px per kernel tile (`resize` sets a session's own)
GAP = 8
LABEL = 18       # px above each row of tiles for the kernel numbers
BAR = 46         # px under the tiles for the colour bar
COLUMNS = 10     # tiles per row before wrapping to the next


class KernelGrid(ThemedFigure, pn.viewable.Viewer):
    """`show(kernel)` draws a (kh, kw, c_in, c_out) kernel as c_out tiles per input channel."""

    def __init__(self):
        super().__init__()
        self.mapper = LinearColorMapper(palette=WEIGHT_PALETTE, low=-1, high=1)
        self.tiles = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]), name="cnn-train-kernels")
        self.frames = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        fig = pixel_canvas(COLUMNS * (TILE + GAP) + GAP, 2 * (TILE + GAP + LABEL) + BAR)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.tiles, color_mapper=self.mapper)
        fig.rect("x", "y", "w", "h", source=self.frames, fill_alpha=0, line_color=CNN_FRAME)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="13px", text_align="center",
                 text_baseline="bottom", text_color=CNN_TEXT)
        fig.add_layout(ColorBar(color_mapper=self.mapper, orientation="horizontal", location=(GAP, 4),
                                width=220, height=12, title=_("weight"), title_text_font_size="13px",
                                major_label_text_font_size="13px", title_standoff=4, padding=4,
                                background_fill_alpha=0), "center")
        self.figure = fig
        self._pane = bokeh_pane(fig, "cnn-train-kernels")
        self._tile = TILE
        self._kernel = None

    def resize(self, tile: int) -> None:
        """Tiles `tile` px wide (redrawn at once when a kernel is shown)."""
        if tile != self._tile:
            self._tile = tile
            if self._kernel is not None:
                self.show(self._kernel)

    def show(self, kernel: np.ndarray) -> None:
        self._kernel = kernel
        kh, kw, c_in, c_out = kernel.shape
        tile = self._tile
        per_row = min(COLUMNS, c_out)
        blocks = -(-c_out // per_row)                     # rows of tiles per input channel
        rows = blocks * c_in
        height = rows * (tile + GAP + LABEL) + BAR
        width = per_row * (tile + GAP) + GAP
        tiles = dict(image=[], x=[], y=[], dw=[], dh=[])
        frames = dict(x=[], y=[], w=[], h=[])
        labels = dict(x=[], y=[], text=[])
        for ch in range(c_in):
            for k in range(c_out):
                row = ch * blocks + k // per_row
                left = GAP + (k % per_row) * (tile + GAP)
                bottom = height - (row + 1) * (tile + GAP + LABEL) + GAP
                # Bokeh draws an image's first row at the bottom: flip so that row 0 is on top.
                tiles["image"].append(np.ascontiguousarray(kernel[::-1, :, ch, k], np.float32))
                for key, value in zip(("x", "y", "dw", "dh"), (left, bottom, tile, tile)):
                    tiles[key].append(value)
                for key, value in zip(("x", "y", "w", "h"), (left + tile / 2, bottom + tile / 2, tile, tile)):
                    frames[key].append(value)
                text = str(k) if c_in == 1 else _("{k}, ch. {c}").format(k=k, c=ch)
                for key, value in zip(("x", "y", "text"), (left + tile / 2, bottom + tile + 2, text)):
                    labels[key].append(value)
        limit = symmetric_limit(kernel)
        with pn.io.hold():
            fig = self.figure
            if (fig.width, fig.height) != (width, height):
                fig.width, fig.height = width, height
                fig.x_range.end, fig.y_range.end = width, height
            self.mapper.low, self.mapper.high = -limit, limit
            self.tiles.data, self.frames.data, self.labels.data = tiles, frames, labels

    def __panel__(self):
        return self._pane
