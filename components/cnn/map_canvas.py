"""A pixel-space canvas of activation maps: the base of the ReLU/pool and flatten views.

It owns what those views share: the maps on one activation scale (with its colour
bar), a frame around each map, the highlight marks of the picked window and cell,
text labels, and the hover/click cell picking.
"""
from __future__ import annotations

from typing import Callable

import panel as pn
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper

from playground.components.cnn.cells import CellPicker, bokeh_pane, pixel_canvas
from playground.components.cnn.colors import ACTIVATION_PALETTE
from playground.components.cnn.theming import ThemedFigure
from playground.i18n import _
from playground.theme import CNN_FRAME, CNN_INK, CNN_TEXT, CNN_WINDOW_FILL


class MapCanvas(ThemedFigure, pn.viewable.Viewer):
    """Maps, frames, marks and labels on a width × height pixel canvas."""

    def __init__(self, on_pick: Callable[[str, int, int, int, bool], None], width: int, height: int,
                 css_class: str):
        super().__init__()
        self._width, self._height = width, height
        self.mapper = LinearColorMapper(palette=ACTIVATION_PALETTE, low=-1, high=1)
        self.maps = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
        self.frames = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.marks = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[], align=[]))
        fig = pixel_canvas(width, height)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.maps, color_mapper=self.mapper)
        fig.rect("x", "y", "w", "h", source=self.frames, fill_alpha=0, line_color=CNN_FRAME)
        fig.rect("x", "y", "w", "h", source=self.marks, fill_alpha=0.15, fill_color=CNN_WINDOW_FILL,
                 line_color=CNN_INK, line_width=2.5)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="15px", text_align="align",
                 text_baseline="middle", text_color=CNN_TEXT)
        fig.add_layout(ColorBar(color_mapper=self.mapper, orientation="horizontal", location=(10, 6),
                                width=220, height=12, title=_("activation"), title_text_font_size="13px",
                                major_label_text_font_size="13px", title_standoff=4, padding=4,
                                background_fill_alpha=0), "center")
        self.picker = CellPicker(fig, on_pick)
        self.figure = fig
        self._geometry = None
        self._pane = bokeh_pane(fig, css_class)

    def __panel__(self):
        return self._pane
