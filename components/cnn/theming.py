"""Light or dark theme for the CNN views' Bokeh figures, without a colour in view code.

The figures are built with light-theme inks; `theme_figure` recolours a built
figure in place: backgrounds, axes, colour bars, and every fixed text or line
colour of its glyphs, through `playground.theme.themed`. The light values are
kept on the glyph, so switching back restores them exactly.
"""
from __future__ import annotations

from bokeh.models import ColorBar

from playground.theme import THEMES, themed

_GLYPH_COLOURS = ("text_color", "line_color")
_VARIANTS = ("glyph", "selection_glyph", "nonselection_glyph", "hover_glyph", "muted_glyph")


def theme_figure(fig, name: str, keep_background: bool = False) -> None:
    """Recolour `fig` for theme `name`; `keep_background` leaves a white drawing area white."""
    colours = THEMES[name]
    if not keep_background:
        fig.background_fill_color = colours["background"]
    fig.border_fill_color = colours["background"]
    for renderer in fig.renderers:
        for variant in _VARIANTS:
            glyph = getattr(renderer, variant, None)
            if glyph is not None and glyph != "auto":
                _recolour(glyph, name)
    for item in fig.center + fig.below + fig.above + fig.left + fig.right:
        if isinstance(item, ColorBar):
            item.major_label_text_color = item.title_text_color = colours["text"]
    for axis in fig.axis:
        axis.major_label_text_color = axis.axis_label_text_color = colours["text"]
        axis.axis_line_color = axis.major_tick_line_color = colours["muted"]


def _recolour(glyph, name: str) -> None:
    light = glyph.__dict__.setdefault("_nn_light", {})
    for attr in _GLYPH_COLOURS:
        if attr not in glyph.properties():
            continue
        if attr not in light:
            value = getattr(glyph, attr)
            if not isinstance(value, str):
                continue          # a data column or a mapper: the view colours it
            light[attr] = value
        setattr(glyph, attr, themed(light[attr], name))


def themed_column(colours: list, name: str) -> list:
    """A data source's colour column for theme `name` (built with light-theme inks)."""
    return [themed(c, name) for c in colours]


class ThemedFigure:
    """Mixin for a view with one Bokeh `self.figure`: the page calls `set_theme(name)`."""

    keep_background = False   # True where the white drawing area is the picture's paper
    theme = "light"

    def set_theme(self, name: str) -> None:
        self.theme = name
        theme_figure(self.figure, name, self.keep_background)
