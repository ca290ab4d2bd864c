"""The output layer's weights for one class: how the flattened vector votes for its logit.

CNN Explainer's softmax view draws the flatten units joined to the chosen
class's logit by lines coloured by their weight. Here the weights to the chosen
class are folded back into the maps they came from (one tile per channel of
the last map layer, on the weight scale), so that where on the image each
channel votes for the class shows; the largest contributions x·w are written
out on the right, each joined to its cell, then Σ + bias = the logit.
"""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper

from playground.components.cnn.cells import bokeh_pane, pixel_canvas
from playground.components.cnn.colors import WEIGHT_PALETTE, symmetric_limit
from playground.components.cnn.formula import fmt
from playground.components.cnn.theming import ThemedFigure
from playground.i18n import _
from playground.theme import CNN_FRAME, CNN_INK, CNN_LINK, CNN_TEXT

WIDTH, HEIGHT = 680, 470
TOP, BOTTOM = 40, 64       # the title above; the weight colour bar below
GAP = 6
TERMS = 8                  # contributions written out


def weight_tiles(weights: np.ndarray, maps_shape: tuple | None) -> np.ndarray:
    """The (C, H, W) tiles of a weight column: folded back into the maps flattened into it (Keras's
    row-major, channels-last order), or one near-square tile when the vector is not a flattened map."""
    w = np.asarray(weights, np.float32)
    if maps_shape is not None and len(maps_shape) == 3 and int(np.prod(maps_shape)) == w.size:
        return np.ascontiguousarray(w.reshape(maps_shape).transpose(2, 0, 1))
    side = int(np.ceil(np.sqrt(w.size)))
    padded = np.full(side * side, np.nan, np.float32)      # NaN: past the vector's end, drawn grey
    padded[:w.size] = w
    return padded.reshape(1, side, side)


def biggest_terms(inputs: np.ndarray, weights: np.ndarray, count: int = TERMS) -> np.ndarray:
    """Positions of the `count` largest |input × weight| contributions, largest first."""
    terms = np.abs(np.asarray(inputs, np.float64) * np.asarray(weights, np.float64))
    return np.argsort(-terms, kind="stable")[:count]


class LogitWeightsView(ThemedFigure, pn.viewable.Viewer):
    """The weight tiles of one class's logit, with its biggest contributions written out."""

    def __init__(self, width: int = WIDTH, height: int = HEIGHT):
        super().__init__()
        self._width, self._height = width, height
        # NaN cells (past the end of a vector folded into a square) are drawn in the frames' grey.
        self.mapper = LinearColorMapper(palette=WEIGHT_PALETTE, low=-1, high=1, nan_color=CNN_FRAME)
        self.tiles = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]), name="cnn-logit-weights")
        self.frames = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.marks = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.links = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[], size=[], align=[]))
        fig = pixel_canvas(width, height)
        fig.segment("x0", "y0", "x1", "y1", source=self.links, line_color=CNN_LINK, line_width=1.2)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.tiles, color_mapper=self.mapper)
        fig.rect("x", "y", "w", "h", source=self.frames, fill_alpha=0, line_color=CNN_FRAME)
        fig.rect("x", "y", "w", "h", source=self.marks, fill_alpha=0, line_color=CNN_INK, line_width=2)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="size", text_align="align",
                 text_baseline="middle", text_color=CNN_TEXT)
        self._colorbar = ColorBar(color_mapper=self.mapper, orientation="horizontal", location=(10, 6), width=240,
                                  height=12, title=_("weight"), title_text_font_size="13px",
                                  major_label_text_font_size="13px", title_standoff=4, padding=4,
                                  background_fill_alpha=0)
        fig.add_layout(self._colorbar, "center")
        self.figure = fig
        self._pane = bokeh_pane(fig, "cnn-logit-weights")

    def __panel__(self):
        return self._pane

    def show(self, inputs: np.ndarray, weights: np.ndarray, bias: float, logit: float, maps_shape: tuple | None,
             vector_name: str, class_name: str) -> None:
        """Draw the weights from the (N,) vector `inputs` to one logit: `weights` (N,) is the output
        layer's kernel column for the class, `maps_shape` the (H, W, C) maps flattened into the vector
        (None when it is not a flattened map)."""
        tiles = weight_tiles(weights, maps_shape)
        c, h, w = tiles.shape
        avail = self._height - TOP - BOTTOM
        left_room = self._width * 0.5
        # The most square grid of tiles that fits the left half.
        best = None
        for n_cols in range(1, c + 1):
            n_rows = -(-c // n_cols)
            tile = min((avail - (n_rows - 1) * GAP) / n_rows, (left_room - (n_cols - 1) * GAP) / n_cols * h / w)
            if best is None or tile > best[0]:
                best = (tile, n_cols, n_rows)
        tile, n_cols, n_rows = best
        tw = tile * w / h
        top = self._height - TOP
        xs = np.array([12 + (k % n_cols) * (tw + GAP) for k in range(c)])
        ys = np.array([top - (k // n_cols) * (tile + GAP) - tile for k in range(c)])   # bottoms
        out = dict(image=[], x=[], y=[], dw=[], dh=[])
        frames = dict(x=[], y=[], w=[], h=[])
        for k in range(c):
            out["image"].append(np.ascontiguousarray(tiles[k][::-1]))
            out["x"].append(float(xs[k]))
            out["y"].append(float(ys[k]))
            out["dw"].append(float(tw))
            out["dh"].append(float(tile))
            frames["x"].append(float(xs[k] + tw / 2))
            frames["y"].append(float(ys[k] + tile / 2))
            frames["w"].append(float(tw))
            frames["h"].append(float(tile))

        labels = dict(x=[], y=[], text=[], size=[], align=[])

        def label(x, y, text, size="14px", align="left"):
            for key, value in zip(("x", "y", "text", "size", "align"), (x, y, text, size, align)):
                labels[key].append(value)

        label(12, self._height - 18, _("{vector} → logit of {name}: each value × its weight").format(
            vector=vector_name, name=class_name), "15px")
        x_text = 12 + n_cols * (tw + GAP) + 40
        line_h = min(24.0, avail / (TERMS + 4))
        marks = dict(x=[], y=[], w=[], h=[])
        links = dict(x0=[], y0=[], x1=[], y1=[])
        cell_w, cell_h = tw / w, tile / h
        for n, i in enumerate(biggest_terms(inputs, weights)):
            y = top - (n + 0.5) * line_h
            pixel, ch = divmod(int(i), c)      # one tile (c = 1): the vector wrapped row by row
            r, col = divmod(pixel, w)
            mx = xs[ch] + (col + 0.5) * cell_w
            my = ys[ch] + tile - (r + 0.5) * cell_h
            marks["x"].append(float(mx))
            marks["y"].append(float(my))
            marks["w"].append(float(max(cell_w, 4)))
            marks["h"].append(float(max(cell_h, 4)))
            for key, value in zip(("x0", "y0", "x1", "y1"), (mx + max(cell_w, 4) / 2, my, x_text - 6, y)):
                links[key].append(float(value))
            label(x_text, y, f"[{int(i)}]  {fmt(inputs[i])} × {fmt(weights[i])} = {fmt(inputs[i] * weights[i])}",
                  "14px")
        total = float(np.dot(np.asarray(inputs, np.float64), np.asarray(weights, np.float64)))
        y = top - (TERMS + 1) * line_h
        label(x_text, y, _("Σ of all {n} terms = {total}").format(n=len(weights), total=fmt(total)), "14px")
        label(x_text, y - line_h, _("+ bias {bias}").format(bias=fmt(bias)), "14px")
        label(x_text, y - 2 * line_h, _("= logit {value}").format(value=fmt(logit)), "16px")
        lim = symmetric_limit(np.asarray(weights))
        with pn.io.hold():
            self.mapper.update(low=-lim, high=lim)
            self.tiles.data, self.frames.data, self.marks.data = out, frames, marks
            self.links.data, self.labels.data = links, labels
