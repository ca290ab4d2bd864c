"""The big output view: a 100×100 heatmap over [−6, 6]², the data points and a colour legend."""
from __future__ import annotations

import functools

import numpy as np
import panel as pn
from bokeh.events import DoubleTap, Tap
from bokeh.models import ColorBar, ColumnDataSource, FixedTicker, Label
from bokeh.plotting import figure

from playground.components.palettes import (BLUE, CLASS_COLOURS, ORANGE, THEMES, class_codes, class_mapper,
                                           diverging_colours, shade_codes, shade_scale)

DOMAIN = (-6.0, 6.0)


def _points_data(xy: np.ndarray, colours: list[str]) -> dict:
    return {"x": np.ascontiguousarray(xy[:, 0], dtype=np.float32),
            "y": np.ascontiguousarray(xy[:, 1], dtype=np.float32), "colour": list(colours)}


def point_colours(labels: np.ndarray, kind: str) -> list[str]:
    """Each data point's colour: its class ("multiclass", "binary") or its value ("regression")."""
    if kind == "multiclass":
        return [CLASS_COLOURS[int(k)] for k in labels]
    if kind == "binary":
        return [BLUE if y > 0 else ORANGE for y in labels]
    return diverging_colours(labels)


class DecisionMap(pn.viewable.Viewer):
    """Heatmap + training/test points + legend. Built once; frames only replace arrays.

    The heatmap's numbers are coloured in the browser by a colour mapper: the
    orange–grey–blue −1…+1 scale, or one colour per class for several classes.
    """

    def __init__(self, size: int = 280):
        super().__init__()
        lo, hi = DOMAIN
        self.grid_source = ColumnDataSource({"image": [np.zeros((2, 2), np.uint8)], "frame": [0]},
                                            name="decision-grid")
        self.train_source = ColumnDataSource(_points_data(np.empty((0, 2)), []), name="train-points")
        self.test_source = ColumnDataSource(_points_data(np.empty((0, 2)), []), name="test-points")
        self._classes: int | None = None
        fig = figure(frame_width=size, frame_height=size, x_range=(lo, hi), y_range=(lo, hi),
                     toolbar_location=None, tools="", min_border=4, name="decision-map", css_classes=["nn-decision-map"])
        self._image = fig.image(image="image", x=lo, y=lo, dw=hi - lo, dh=hi - lo, source=self.grid_source,
                                color_mapper=shade_scale()[0], global_alpha=0.8)
        self._train = fig.scatter("x", "y", source=self.train_source, size=6, fill_color="colour",
                                  line_color=THEMES["light"]["train_outline"], line_width=1, level="overlay")
        self._test = fig.scatter("x", "y", source=self.test_source, size=6, fill_color="colour",
                                 line_color=THEMES["light"]["test_outline"], line_width=1.2, visible=False,
                                 name="test-renderer", level="overlay")
        # The points of the last stepped batch, ringed (empty otherwise).
        self.batch_source = ColumnDataSource({"x": np.zeros(0, np.float32), "y": np.zeros(0, np.float32)},
                                             name="batch-points")
        self._batch = fig.scatter("x", "y", source=self.batch_source, size=14, marker="circle", fill_color=None,
                                  line_color="#111111", line_width=2, level="overlay", name="batch-renderer")
        for axis in (fig.xaxis, fig.yaxis):
            axis.ticker = FixedTicker(ticks=[-6, -3, 0, 3, 6])
            axis.major_label_text_font_size = "14px"
        fig.grid.visible = False
        legend, ticker, labels = shade_scale()
        self._colour_bar = ColorBar(color_mapper=legend, orientation="horizontal", height=14,
                                    ticker=ticker, major_label_overrides=labels, major_label_text_font_size="14px",
                                    padding=4, margin=6, location="center")
        fig.add_layout(self._colour_bar, "below")
        # The heatmap, on the figure's lower canvas, is all that changes at every frame: the
        # points, axes and legend on the upper canvas are not drawn (nor their labels measured) again.
        for guide in (*fig.axis, self._colour_bar):
            guide.level = "overlay"
        self._alert = Label(x=0, y=0, x_units="data", y_units="data", text="", text_align="center",
                            text_baseline="middle", text_font_size="18px", text_font_style="bold",
                            text_color="#b3261e", background_fill_color="#ffffff", background_fill_alpha=0.9,
                            visible=False, name="decision-alert")
        fig.add_layout(self._alert)
        self.figure = fig
        self._pane = pn.pane.Bokeh(fig, margin=0)

    def resize(self, size: int) -> None:
        """Make the map's square `size` px a side; points grow a little with it."""
        fig = self.figure
        if fig.frame_width != size:
            fig.frame_width = fig.frame_height = size
            marker = max(5.0, min(9.0, size / 50))
            self._train.glyph.size = self._test.glyph.size = marker
            self._batch.glyph.size = 2 * marker

    def set_classes(self, n_classes: int | None) -> None:
        """None: the −1…+1 scale (`shade_codes`); K: one colour per class (`class_codes`)."""
        scale = functools.partial(class_mapper, n_classes) if n_classes else shade_scale
        self._classes = n_classes
        self._image.glyph.color_mapper = scale()[0]
        # The legend has a mapper of its own, the same colours: in the browser a mapper that
        # colours an image announces new "metrics" at every frame, and a colour bar on it then
        # lays the whole map out again and repaints both its canvases (about 4 ms a frame).
        legend, ticker, labels = scale()
        self._colour_bar.color_mapper = legend
        self._colour_bar.ticker = ticker
        self._colour_bar.major_label_overrides = labels

    def show_map(self, grid: np.ndarray, classes: int | None, discretize: bool, frame: int) -> None:
        """A (GRID, GRID) grid on −1…+1, or with `classes` K a (K, GRID, GRID) grid of class probabilities."""
        if classes != self._classes:
            self.set_classes(classes)
        self.show_codes(class_codes(grid, discretize) if classes else shade_codes(grid), frame)

    def show_codes(self, codes: np.ndarray, frame: int = 0) -> None:
        """Draw a (rows = y from the bottom, cols = x) grid of shade numbers, labelled with its frame number."""
        self.grid_source.data.update(image=[np.ascontiguousarray(codes, dtype=np.uint8)], frame=[frame])

    def show_points(self, train_xy: np.ndarray, train_colours: list[str],
                    test_xy: np.ndarray, test_colours: list[str]) -> None:
        """Replace the training and test points (called when the data changes)."""
        self.train_source.data = _points_data(train_xy, train_colours)
        self.test_source.data = _points_data(test_xy, test_colours)

    def on_tap(self, callback) -> None:
        """Call `callback(x, y)` (map units) for every click or tap on the map, mouse and touch alike.

        A second click soon after the first (within Bokeh's double-tap time, even far from it) is a
        DoubleTap, not a Tap: it counts as a tap all the same, or quick drawing would lose points.
        """
        for event in (Tap, DoubleTap):
            self.figure.on_event(event, lambda e: callback(e.x, e.y))

    def show_batch(self, xy: np.ndarray | None) -> None:
        """Ring the points of one mini-batch ((n, 2) positions); None clears the rings."""
        xy = np.empty((0, 2)) if xy is None else xy
        self.batch_source.data = {"x": np.ascontiguousarray(xy[:, 0], np.float32),
                                  "y": np.ascontiguousarray(xy[:, 1], np.float32)}

    def show_test(self, visible: bool) -> None:
        self._test.visible = visible

    def set_alert(self, text: str | None) -> None:
        """Write `text` across the map (e.g. the run diverged); None clears it."""
        self._alert.text = text or ""
        self._alert.visible = bool(text)

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        fig = self.figure
        # The data area stays light in both themes: the heatmap is drawn a little
        # transparent over it so that the points stand out.
        fig.background_fill_color = "#ffffff"
        fig.border_fill_color = colours["background"]
        self._colour_bar.background_fill_color = colours["background"]
        self._colour_bar.major_label_text_color = colours["text"]
        for axis in (fig.xaxis, fig.yaxis):
            axis.major_label_text_color = colours["text"]
            axis.axis_line_color = axis.major_tick_line_color = colours["muted"]
        fig.outline_line_color = colours["grid"]

    def __panel__(self):
        return self._pane
