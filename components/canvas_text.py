"""Numbers that change every frame, drawn on a small canvas instead of in HTML.

Changing HTML text dirties the page's styles, and Bokeh then re-reads CSS for
every plot it repaints; text on a canvas changes nothing but its own pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import panel as pn
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from playground.theme import THEMES

# Advance widths in em of DejaVu Sans (the font Chromium falls back to here, and one of
# the widest sans fonts), by character class; bold is about 10 % wider. Slots placed
# `after` others use these, with a margin, so text never runs into its neighbour.
_NARROW, _WIDE = set(" .,:;'|!ilf()[]"), set("mwMW%@")
_MARGIN = 1.08


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of `text`'s width in pixels at font `size` px."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _WIDE:
            em += 0.98
        elif ch.isdigit():
            em += 0.64
        elif ch.isupper():
            em += 0.74
        elif ch.isascii():
            em += 0.62
        elif ch.isalpha():    # Cyrillic and other alphabets: about as wide as Latin
            em += 0.66 if ch.islower() else 0.78
        else:
            em += 1.0     # symbols, dashes, other scripts: a full em
    return em * size * (1.1 if bold else 1.0) * _MARGIN


@dataclass(frozen=True)
class Slot:
    """Where one piece of text goes: pixels from the top left, font size, weight, fixed colour."""

    x: float
    y: float
    size: int = 18
    bold: bool = False
    colour: str | None = None     # None: the theme's text colour
    align: str = "left"
    after: tuple[int, ...] = ()   # left-aligned slots: start `gap` px right of the widest of these
    gap: float = 8


class CanvasText(pn.viewable.Viewer):
    """A fixed set of text slots; `show(texts)` replaces their strings (one list per frame)."""

    def __init__(self, slots: list[Slot], width: int, height: int, name: str | None = None):
        super().__init__()
        self.slots = slots
        self.source = ColumnDataSource({
            "x": self.positions([""] * len(slots)), "y": [s.y for s in slots], "text": [""] * len(slots),
            "size": [f"{s.size}px" for s in slots], "style": ["bold" if s.bold else "normal" for s in slots],
            "colour": [s.colour or THEMES["light"]["text"] for s in slots],
            "align": [s.align for s in slots]}, name=name)
        fig = figure(width=width, height=height, x_range=Range1d(0, width), y_range=Range1d(height, 0),
                     toolbar_location=None, tools="", min_border=0, outline_line_color=None,
                     # Slots are pixels of this canvas: no axes, and no lining up of the frame
                     # with a chart's frame beside it (that squeezed the text between its axes).
                     x_axis_location=None, y_axis_location=None, frame_align=False)
        fig.grid.visible = False
        fig.text("x", "y", text="text", source=self.source, text_font_size="size", text_font_style="style",
                 text_color="colour", text_align="align", text_baseline="middle")
        self.figure = fig
        self._pane = pn.pane.Bokeh(fig, margin=0)

    def show(self, texts: list[str]) -> None:
        if list(texts) != list(self.source.data["text"]):
            self.source.data.update(text=list(texts), x=self.positions(texts))

    def positions(self, texts: list[str]) -> list[float]:
        """x of every slot: fixed, or after the measured ends of the slots it follows."""
        xs: dict[int, float] = {}

        def x_of(i: int) -> float:
            if i not in xs:
                slot = self.slots[i]
                xs[i] = slot.x if not slot.after else slot.gap + max(
                    x_of(j) + text_width(texts[j], self.slots[j].size, self.slots[j].bold) for j in slot.after)
            return xs[i]

        return [x_of(i) for i in range(len(self.slots))]

    def resize(self, width: int) -> None:
        """Make the canvas `width` px wide (the slots keep their places)."""
        if self.figure.width != width:
            self.figure.width = width
            self.figure.x_range.end = width

    def fits(self, texts: list[str]) -> bool:
        """Whether every left-aligned slot's text ends inside the canvas."""
        ends = [x + text_width(t, s.size, s.bold) for x, t, s in zip(self.positions(texts), texts, self.slots)
                if s.align == "left"]
        return max(ends, default=0) <= self.figure.width

    @property
    def texts(self) -> list[str]:
        return list(self.source.data["text"])

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        self.figure.background_fill_color = self.figure.border_fill_color = colours["background"]
        self.source.data.update(colour=[s.colour or colours["text"] for s in self.slots])

    def __panel__(self):
        return self._pane
