"""The flatten view: which cell of which channel lands at which index of the vector.

Left, the channels of the last map layer; right, the flat vector wrapped after
every image row (width × channels values per line), so the row-major,
channels-last order is visible: inside a line, each pixel's channels sit
side by side. A line joins the selected cell to its index. Hovering or
clicking a cell of either side calls back with (role, channel, row, col, tapped);
for the vector, row is the line and col the position in it.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource

from playground.i18n import _
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.map_canvas import MapCanvas
from playground.theme import CNN_INK

WIDTH, HEIGHT = 620, 420
TOP, BOTTOM = 36, 56
GAP = 4


class FlattenView(MapCanvas):
    """Map channels on the left, the wrapped flat vector on the right."""

    def __init__(self, on_pick: Callable[[str, int, int, int, bool], None],
                 width: int = WIDTH, height: int = HEIGHT):
        super().__init__(on_pick, width, height, "cnn-flatten-view")
        # The line from the picked cell to its index in the vector.
        self.link = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]))
        self.figure.segment("x0", "y0", "x1", "y1", source=self.link, line_color=CNN_INK, line_width=2)

    def show(self, maps: np.ndarray, vector: np.ndarray, maps_name: str, vector_name: str) -> None:
        """Draw the (H, W, C) maps and their flattened (H·W·C,) vector."""
        h, w, c = maps.shape
        avail = self._height - TOP - BOTTOM
        n_cols = 1 if c <= 5 else (2 if c <= 16 else 3)
        n_rows = -(-c // n_cols)
        tile = min(90.0, (avail - (n_rows - 1) * GAP) / n_rows)
        tw = tile * w / h
        mid = self._height - TOP - avail / 2
        row_y = mid + (np.arange(n_rows) - (n_rows - 1) / 2) * -(tile + GAP)
        ys = np.array([row_y[ch % n_rows] for ch in range(c)])
        xs = np.array([24 + (ch // n_rows) * (tw + 10) for ch in range(c)])
        x_vec = 24 + n_cols * (tw + 10) + 70
        line_len = w * c
        vec_w = self._width - x_vec - 16
        cell_w = vec_w / line_len
        line_h = min(avail / h, 28.0)
        out = dict(image=[], x=[], y=[], dw=[], dh=[])
        frames = dict(x=[], y=[], w=[], h=[])
        regions = []
        for ch in range(c):
            out["image"].append(np.ascontiguousarray(maps[::-1, :, ch], dtype=np.float32))
            out["x"].append(xs[ch])
            out["y"].append(ys[ch] - tile / 2)
            out["dw"].append(tw)
            out["dh"].append(tile)
            frames["x"].append(xs[ch] + tw / 2)
            frames["y"].append(ys[ch])
            frames["w"].append(tw)
            frames["h"].append(tile)
            regions.append(("map", ch, xs[ch], ys[ch] - tile / 2, tw, tile, h, w))
        vec_top = mid + h * line_h / 2
        wrapped = np.asarray(vector, np.float32).reshape(h, line_len)
        out["image"].append(np.ascontiguousarray(wrapped[::-1]))
        out["x"].append(x_vec)
        out["y"].append(vec_top - h * line_h)
        out["dw"].append(vec_w)
        out["dh"].append(h * line_h)
        frames["x"].append(x_vec + vec_w / 2)
        frames["y"].append(vec_top - h * line_h / 2)
        frames["w"].append(vec_w)
        frames["h"].append(h * line_h)
        regions.append(("vector", 0, x_vec, vec_top - h * line_h, vec_w, h * line_h, h, line_len))
        labels = dict(x=[24, x_vec], y=[self._height - 16] * 2,
                      text=[maps_name, _("{layer}: {n} values, {per_line} per line").format(
                          layer=vector_name, n=h * w * c, per_line=line_len)],
                      align=["left", "left"])
        lim = symmetric_limit(maps)
        with pn.io.hold():
            self.mapper.update(low=-lim, high=lim)
            self.maps.data, self.frames.data, self.labels.data = out, frames, labels
            self.picker.set_regions(regions)
        self._geometry = dict(ys=ys, xs=xs, tile=tile, tw=tw, x_vec=x_vec, vec_top=vec_top,
                              cell_w=cell_w, line_h=line_h, hwc=(h, w, c))

    def move(self, row: int, col: int, channel: int, index: int) -> None:
        """Mark map cell (row, col) of `channel` and position `index` of the vector."""
        g = self._geometry
        if g is None:
            return
        h, w, c = g["hwc"]
        cell = g["tile"] / h
        mx = g["xs"][channel] + (col + 0.5) * g["tw"] / w
        my = g["ys"][channel] + g["tile"] / 2 - (row + 0.5) * cell
        line, pos = divmod(index, w * c)
        vx = g["x_vec"] + (pos + 0.5) * g["cell_w"]
        vy = g["vec_top"] - (line + 0.5) * g["line_h"]
        with pn.io.hold():
            self.marks.data = dict(x=[mx, vx], y=[my, vy], w=[max(g["tw"] / w, 4), max(g["cell_w"], 4)],
                                   h=[max(cell, 4), g["line_h"]])
            self.link.data = dict(x0=[mx + g["tw"] / w / 2], y0=[my], x1=[vx], y1=[vy])
