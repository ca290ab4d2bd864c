"""A small copy of a pinned run's output map, drawn beside the big one for comparison."""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource
from bokeh.plotting import figure

from playground.components.palettes import class_codes, class_mapper, shade_codes, shade_scale

DOMAIN = (-6.0, 6.0)


class PinnedMap(pn.viewable.Viewer):
    """The map of a pinned run, `size` px square, with its caption; hidden while nothing is pinned."""

    def __init__(self, size: int = 120):
        super().__init__()
        lo, hi = DOMAIN
        self.source = ColumnDataSource({"image": [np.zeros((2, 2), np.uint8)]}, name="pinned-map")
        fig = figure(frame_width=size, frame_height=size, x_range=DOMAIN, y_range=DOMAIN, toolbar_location=None,
                     tools="", min_border=2, name="pinned-map", css_classes=["nn-pinned-map"])
        fig.axis.visible = False
        fig.grid.visible = False
        self._image = fig.image(image="image", x=lo, y=lo, dw=hi - lo, dh=hi - lo, source=self.source,
                                color_mapper=shade_scale()[0], global_alpha=0.8)
        self.figure = fig
        self.caption = pn.pane.HTML("", margin=(0, 4), styles={"font-size": "14px"}, css_classes=["nn-pinned-caption"])
        self._view = pn.Column(self.caption, pn.pane.Bokeh(fig, margin=0), margin=(4, 0), visible=False)

    @property
    def visible(self) -> bool:
        return self._view.visible

    def show(self, grid: np.ndarray | None, classes: int | None, caption_html: str) -> None:
        """Draw a map grid (−1…+1, or (K, H, W) class probabilities); `caption_html` is already escaped."""
        if grid is None:
            self.clear()
            return
        if classes:
            self._image.glyph.color_mapper = class_mapper(classes)[0]
            codes = class_codes(grid)
        else:
            self._image.glyph.color_mapper = shade_scale()[0]
            codes = shade_codes(grid)
        self.source.data = {"image": [np.ascontiguousarray(codes, dtype=np.uint8)]}
        self.caption.object = caption_html
        self._view.visible = True

    def clear(self) -> None:
        self._view.visible = False

    def __panel__(self):
        return self._view
