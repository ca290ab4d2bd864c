"""*Draw* on the big map: a click or tap adds a point of the chosen class (or value), a test point, or
erases the nearest one; *Clear* removes them all. The drawn points are the session's own data.

The map reports taps in data coordinates (`DecisionMap.on_tap`); this module keeps the list of drawn
points and hands it to the trainer as `OwnData` after each change (`data_source.load_own`).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn

from playground.datasets.playground_data import OwnData
from playground.dense.data_import import HINT_CSS
from playground.dense.data_source import load_own
from playground.i18n import N_, _

MODES = ("off", "draw", "test", "erase")
ERASE_RADIUS = 0.6      # a tap erases the nearest point this close (map units; the map spans 12)
MAX_DRAWN = 2000        # as many as a CSV may bring
# What a click on the map does now, said by the server once it has the mode (a tap sent before would
# find the old mode).
HINTS = {"off": N_("Draw: choose a mode, then click or tap the big map."),
         "draw": N_("Drawing: a click or tap on the map adds a training point."),
         "test": N_("Drawing test points: a click or tap on the map adds one."),
         "erase": N_("Erasing: a click or tap removes the nearest drawn point.")}


def drawn_data(points: list[tuple[float, float, float, bool]], kind: str, n_classes: int) -> OwnData:
    """The drawn (x, y, label, is_test) points as own data of `kind`."""
    arr = np.array([p[:3] for p in points], float).reshape(-1, 3)
    return OwnData(arr[:, :2], arr[:, 2], kind, n_classes if kind != "regression" else 0,
                   np.array([p[3] for p in points], bool))


def nearest(points: list[tuple[float, float, float, bool]], x: float, y: float) -> int | None:
    """The index of the drawn point nearest (x, y) within ERASE_RADIUS, or None."""
    if not points:
        return None
    xy = np.array([p[:2] for p in points])
    dist = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    k = int(np.argmin(dist))
    return k if dist[k] <= ERASE_RADIUS else None


class DrawTool:
    """The Draw controls and the drawn points of one page.

    `show_points(own)`: draw the points on the map without training on them (too few to train);
    `redraw()`: draw everything anew after the trainer took new data; `lock`: the live loop's.
    """

    def __init__(self, trainer, lock, *, pause: Callable[[], None], redraw: Callable[[], None],
                 show_points: Callable[[OwnData], None]):
        self.trainer, self.lock = trainer, lock
        self._pause, self._redraw, self._show_points = pause, redraw, show_points
        self.points: list[tuple[float, float, float, bool]] = []
        labels = {_("Off"): "off", _("Draw"): "draw", _("Test point"): "test", _("Erase"): "erase"}
        self.mode = pn.widgets.RadioButtonGroup(options=labels, value="off", sizing_mode="stretch_width",
                                                margin=(3, 5), css_classes=["nn-draw-mode"])
        self.label = pn.widgets.RadioButtonGroup(options={}, sizing_mode="stretch_width", margin=(3, 5),
                                                 css_classes=["nn-draw-class"])
        self.value = pn.widgets.FloatSlider(name=_("Value of a drawn point"), start=-1.0, end=1.0, step=0.1,
                                            value=0.5, sizing_mode="stretch_width", margin=(3, 5), visible=False)
        self.clear = pn.widgets.Button(label=_("Clear drawn points"), sizing_mode="stretch_width", margin=(3, 5),
                                       css_classes=["nn-draw-clear"])
        self.clear.on_click(lambda _event: self.clear_points())
        self.hint = pn.pane.HTML(_(HINTS["off"]), margin=(6, 5, 0, 5), stylesheets=[HINT_CSS],
                                 css_classes=["nn-draw-hint"])
        self.mode.param.watch(lambda event: setattr(self.hint, "object", _(HINTS[event.new])), "value")
        self.view = pn.Column(self.hint, self.mode, self.label, self.value, self.clear, sizing_mode="stretch_width",
                              margin=0, name="draw-tool")
        own = trainer.source.own     # a link's drawn points: drawing goes on from them
        if own is not None:
            test = own.is_test if own.is_test is not None else np.zeros(len(own), bool)
            self.points = [(float(x), float(y), float(v), bool(t)) for (x, y), v, t in zip(own.points, own.labels, test)]
        self.follow_kind()

    @property
    def kind(self) -> str:
        return self.trainer.settings.kind

    def follow_kind(self) -> None:
        """Offer the classes (or the value slider) of the current problem; points of another kind go."""
        s = self.trainer.settings
        if self.kind == "regression":
            options = {}
        elif self.kind == "binary":
            options = {_("Blue (+1)"): 1.0, _("Orange (−1)"): -1.0}
        else:
            options = {_("Class {k}").format(k=k): float(k) for k in range(s.n_classes)}
        if options != self.label.options:
            self.label.param.update(options=options, value=next(iter(options.values()), None))
        self.label.visible = bool(options)
        self.value.visible = not options
        own = self.trainer.source.own
        if self.points and (own is None or own.kind != self.kind):
            self.points = []

    def tap(self, x: float, y: float) -> None:
        """A click or tap on the map at (x, y), in map units."""
        mode = self.mode.value
        if mode == "off" or not (-6 <= x <= 6 and -6 <= y <= 6):
            return
        self._pause()
        self.follow_kind()
        if mode == "erase":
            k = nearest(self.points, x, y)
            if k is None:
                return
            self.points.pop(k)
        elif len(self.points) < MAX_DRAWN:
            label = self.value.value if self.kind == "regression" else self.label.value
            self.points.append((x, y, float(label), mode == "test"))
        self._apply()

    def clear_points(self) -> None:
        self.points = []
        self._apply()

    def _apply(self) -> None:
        own = drawn_data(self.points, self.kind, self.trainer.settings.n_classes)
        if own.is_test.all():     # nothing to train on yet: show the points, keep the run as it is
            self._show_points(own)
            return
        with self.lock:
            load_own(self.trainer, own)
            self._redraw()
