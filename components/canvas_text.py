"""Numbers that change every frame, drawn on a small canvas instead of in HTML.

Changing HTML text dirties the page's styles, and Bokeh then re-reads CSS for
every plot it repaints; text on a canvas changes nothing but its own pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import panel as pn
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from playground.components.palettes import THEMES


@dataclass(frozen=True)
class Slot:
    """Where one piece of text goes: pixels from the top left, font size, weight, fixed colour."""

    x: float
    y: float
    size: int = 18
    bold: bool = False
    colour: str | None = None     # None: the theme's text colour
    align: str = "left"


class CanvasText(pn.viewable.Viewer):
    """A fixed set of text slots; `show(texts)` replaces their strings (one list per frame)."""

    def __init__(self, slots: list[Slot], width: int, height: int, name: str | None = None):
        super().__init__()
        self.slots = slots
        self.source = ColumnDataSource({
            "x": [s.x for s in slots], "y": [s.y for s in slots], "text": [""] * len(slots),
            "size": [f"{s.size}px" for s in slots], "style": ["bold" if s.bold else "normal" for s in slots],
            "colour": [s.colour or THEMES["light"]["text"] for s in slots],
            "align": [s.align for s in slots]}, name=name)
        fig = figure(width=width, height=height, x_range=Range1d(0, width), y_range=Range1d(height, 0),
                     toolbar_location=None, tools="", min_border=0, outline_line_color=None)
        fig.axis.visible = False
        fig.grid.visible = False
        fig.text("x", "y", text="text", source=self.source, text_font_size="size", text_font_style="style",
                 text_color="colour", text_align="align", text_baseline="middle")
        self.figure = fig
        self._pane = pn.pane.Bokeh(fig, margin=0)

    def show(self, texts: list[str]) -> None:
        if list(texts) != list(self.source.data["text"]):
            self.source.data.update(text=list(texts))

    @property
    def texts(self) -> list[str]:
        return list(self.source.data["text"])

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        self.figure.background_fill_color = self.figure.border_fill_color = colours["background"]
        self.source.data.update(colour=[s.colour or colours["text"] for s in self.slots])

    def __panel__(self):
        return self._pane
