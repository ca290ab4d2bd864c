"""Input map → output map of a one-channel step (ReLU, max-pool): the window and its cell.

Both maps use the same activation scale, drawn at the same cell size so a
2×2 pool visibly halves the map. Hovering or clicking a cell of either map
calls back with (role, channel, row, col, tapped).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn
from playground.components.cnn.colors import symmetric_limit
from playground.components.cnn.map_canvas import MapCanvas
from playground.i18n import _

WIDTH, HEIGHT = 620, 420
TOP, BOTTOM = 36, 56


class PairView(MapCanvas):
    """One channel before and after a step, with the window and its result outlined."""

    def __init__(self, on_pick: Callable[[str, int, int, int, bool], None],
                 width: int = WIDTH, height: int = HEIGHT, css_class: str = "cnn-pair-view"):
        super().__init__(on_pick, width, height, css_class)

    def show(self, before: np.ndarray, after: np.ndarray, before_name: str, after_name: str,
             channel: int) -> None:
        """Draw one channel's map before (h, w) and after (oh, ow) the step."""
        h, w = before.shape
        oh, ow = after.shape
        avail_h = self._height - TOP - BOTTOM
        avail_w = (self._width - 3 * 24) / 2
        cell = min(avail_h / max(h, oh), avail_w / max(w, ow), 40.0)
        mid = self._height - TOP - avail_h / 2
        x_in = 24
        x_out = self._width / 2 + 12
        sizes = {"input": (x_in, h, w), "output": (x_out, oh, ow)}
        maps = dict(image=[], x=[], y=[], dw=[], dh=[])
        frames = dict(x=[], y=[], w=[], h=[])
        regions = []
        for role, img in (("input", before), ("output", after)):
            x0, rows, cols = sizes[role]
            maps["image"].append(np.ascontiguousarray(img[::-1], dtype=np.float32))
            maps["x"].append(x0)
            maps["y"].append(mid - rows * cell / 2)
            maps["dw"].append(cols * cell)
            maps["dh"].append(rows * cell)
            frames["x"].append(x0 + cols * cell / 2)
            frames["y"].append(mid)
            frames["w"].append(cols * cell)
            frames["h"].append(rows * cell)
            regions.append((role, channel, x0, mid - rows * cell / 2, cols * cell, rows * cell, rows, cols))
        labels = dict(x=[x_in + w * cell / 2, x_out + ow * cell / 2],
                      y=[self._height - 16] * 2,
                      text=[_("{layer} · channel {c}").format(layer=before_name, c=channel),
                            _("{layer} · channel {c}").format(layer=after_name, c=channel)],
                      align=["center", "center"])
        lim = symmetric_limit(np.concatenate([before.ravel(), after.ravel()]))
        with pn.io.hold():
            self.mapper.update(low=-lim, high=lim)
            self.maps.data, self.frames.data, self.labels.data = maps, frames, labels
            self.picker.set_regions(regions)
        self._geometry = dict(cell=cell, mid=mid, sizes=sizes)

    def move(self, window: tuple[int, int, int, int], row: int, col: int) -> None:
        """Outline input window (row0, col0, h, w) and output cell (row, col)."""
        g = self._geometry
        if g is None:
            return
        cell, mid = g["cell"], g["mid"]
        marks = dict(x=[], y=[], w=[], h=[])
        for role, (r, c, nh, nw) in (("input", window), ("output", (row, col, 1, 1))):
            x0, rows, _ = g["sizes"][role]
            top = mid + rows * cell / 2
            marks["x"].append(x0 + (c + nw / 2) * cell)
            marks["y"].append(top - (r + nh / 2) * cell)
            marks["w"].append(nw * cell)
            marks["h"].append(nh * cell)
        self.marks.data = marks
