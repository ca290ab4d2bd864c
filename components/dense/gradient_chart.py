"""A small bar chart beside the network diagram: how large the gradient is at each layer of weights.

Log scale, because a vanishing gradient is orders of magnitude, not a percentage: in a deep sigmoid
network the first layer's bar is a hundredth of the last one's or less; an exploding one grows instead.
"""
from __future__ import annotations

import math

import panel as pn
from bokeh.models import ColumnDataSource, FixedTicker, Range1d
from bokeh.plotting import figure

from playground.components.palettes import THEMES
from playground.i18n import _


class GradientChart(pn.viewable.Viewer):
    """`show(sizes)`: one bar per layer of weights, input side on the left."""

    def __init__(self, width: int = 200, height: int = 120):   # wide enough for its title, in both languages
        super().__init__()
        self.source = ColumnDataSource({"layer": [], "size": [], "bottom": [], "label": []}, name="gradient-sizes")
        fig = figure(width=width, height=height, y_axis_type="log", toolbar_location=None, tools="hover",
                     tooltips=[(_("mean |∂L/∂w|"), "@size{0.000e}")], x_range=Range1d(0.4, 1.6),
                     y_range=Range1d(1e-6, 1.0), min_border=2, name="gradient-chart",
                     title=_("Gradient size per layer"))
        fig.vbar(x="layer", top="size", bottom="bottom", width=0.7, source=self.source, fill_color="#0877bd",
                 line_color=None)
        # One ticker, made once: a new model at every update would make Bokeh walk the whole document.
        self._ticker = FixedTicker(ticks=[1])
        fig.xaxis.ticker = self._ticker
        fig.xgrid.visible = False
        fig.title.text_font_size = "12px"
        fig.yaxis.ticker.desired_num_ticks = 3       # a log axis over a narrow range crowds its labels
        fig.axis.major_label_text_font_size = "11px"
        self.figure = fig
        self.sizes: list[float] = []

    def show(self, sizes: list[float]) -> None:
        """`sizes[l]`: the mean |∂L/∂w| of weight layer l (0: from the inputs)."""
        self.sizes = list(sizes)
        finite = [s for s in sizes if math.isfinite(s) and s > 0]
        low = min(finite) / 10 if finite else 1e-6
        high = max(finite) * 3 if finite else 1.0
        n = len(sizes)
        if self.figure.x_range.end != n + 0.6:
            self.figure.x_range.end = n + 0.6
        y = self.figure.y_range
        # The log axis moves only when a bar would leave it or it is 1000× too tall: not at every update.
        # It moves down a decade further than needed, as gradients shrink at nearly every step while a run
        # settles: the axis (and the bars' foot, at its bottom) then moves once a decade, not at every frame.
        if low < y.start or high > y.end or high / low * 1000 < y.end / y.start:
            y.update(start=low / 10 if low < y.start else low, end=high)
        if self._ticker.ticks != list(range(1, n + 1)):
            self._ticker.ticks = list(range(1, n + 1))
        foot = y.start
        clean = [s if math.isfinite(s) and s > 0 else foot for s in sizes]
        if len(self.source.data["layer"]) == n:
            if self.source.data["bottom"][:1] == [foot]:
                self.source.data["size"] = clean
            else:
                self.source.data.update(size=clean, bottom=[foot] * n)
        else:
            self.source.data = {"layer": list(range(1, n + 1)), "size": clean, "bottom": [foot] * n,
                                "label": [str(l) for l in range(1, n + 1)]}

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        self.figure.background_fill_color = self.figure.border_fill_color = colours["background"]
        self.figure.title.text_color = colours["text"]
        for axis in self.figure.axis:
            axis.major_label_text_color = colours["text"]

    def __panel__(self):
        return pn.pane.Bokeh(self.figure, margin=(4, 0))
