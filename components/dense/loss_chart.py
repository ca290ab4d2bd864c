"""Training and test loss as large numbers and as a live chart (accuracy too, for classification)."""
from __future__ import annotations

import math

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, CustomJSTickFormatter, LinearAxis, Range1d
from bokeh.plotting import figure

from playground.components.canvas_text import CanvasText, Slot
from playground.components.live_updates import LiveUpdates
from playground.components.palettes import THEMES
from playground.i18n import _
from playground.i18n.numbers import decimal_sign, format_number, format_share

MAX_POINTS = 1500      # past this the chart is redrawn from a thinned history
KEYS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
LINE = {"train_loss": "#8c9399", "test_loss": "#111111"}


def thin(epochs: np.ndarray, n: int) -> np.ndarray:
    """At most about `n` evenly spread indices of `epochs`, always keeping the last."""
    if len(epochs) <= n:
        return np.arange(len(epochs))
    idx = np.linspace(0, len(epochs) - 1, n).astype(int)
    return np.unique(idx)


def _epochs(history: dict[str, list[float]]) -> np.ndarray:
    """The epoch of each history point: the "epoch" list of a thinned history, else 0, 1, 2…"""
    if "epoch" in history:
        return np.asarray(history["epoch"], dtype=np.int64)
    return np.arange(len(history["train_loss"]))


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else "∞"
    return format_share(value) if percent else format_number(value)


class LossChart(pn.viewable.Viewer):
    """Numbers and curves; `show` is called every frame with the whole history lists.

    Only the newest point goes to the browser per frame; the chart is sent whole
    again after a reset or once it holds MAX_POINTS points (then thinned). The axes'
    ranges are set here rather than fitted in the browser, which would paint twice.
    """

    def __init__(self, width: int = 360, height: int = 120):
        super().__init__()
        self.source = ColumnDataSource({"epoch": [], **{k: [] for k in KEYS}}, name="loss-history")
        fig = figure(width=width, height=height, toolbar_location=None, tools="", min_border=4,
                     x_range=Range1d(0, 10), y_range=Range1d(0, 1), name="loss-chart")
        fig.extra_y_ranges = {"accuracy": Range1d(0, 1)}
        self._loss_lines = [fig.line("epoch", key, source=self.source, line_color=LINE[key], line_width=2.5)
                            for key in ("train_loss", "test_loss")]
        # A pinned run's curves, dashed, to compare the current run with (empty while none is pinned).
        self.pinned_source = ColumnDataSource({"epoch": [], "train_loss": [], "test_loss": []}, name="pinned-history")
        self._pinned_lines = [fig.line("epoch", key, source=self.pinned_source, line_color=LINE[key], line_width=2,
                                       line_dash=[6, 4], line_alpha=0.7, name=f"pinned-{key}")
                              for key in ("train_loss", "test_loss")]
        self._pinned_end, self._pinned_max = 0.0, 0.0
        self._acc_lines = [fig.line("epoch", key, source=self.source, line_color=LINE[key.replace("accuracy", "loss")],
                                    line_width=1.5, line_dash="dashed", y_range_name="accuracy")
                           for key in ("train_accuracy", "test_accuracy")]
        self._acc_axis = LinearAxis(y_range_name="accuracy", major_label_text_font_size="13px",
                                    ticker=[0, 0.5, 1], major_label_overrides={0: "0%", 0.5: "50%", 1: "100%"})
        fig.add_layout(self._acc_axis, "right")
        fig.xaxis.major_label_text_font_size = fig.yaxis.major_label_text_font_size = "13px"
        fig.yaxis[0].ticker.desired_num_ticks = 3
        fig.yaxis[0].formatter = CustomJSTickFormatter(   # the loss ticks with the language's decimal sign
            args={"sign": decimal_sign()}, code="return String(Math.round(tick * 1e6) / 1e6).replace('.', sign);")
        fig.xaxis.ticker.desired_num_ticks = 4
        fig.xgrid.visible = False
        self.figure = fig
        # Key swatch, name, value, accuracy: for the test row, then the training row. Values
        # start after the longer name and accuracies after their value, from measured widths.
        self.numbers = CanvasText([
            Slot(0, 16, 14, True, None), Slot(20, 16, 16), Slot(0, 16, 21, True, after=(1, 5)),
            Slot(0, 16, 14, after=(2, 6), gap=10),
            Slot(0, 44, 14, True, LINE["train_loss"]), Slot(20, 44, 16), Slot(0, 44, 21, True, after=(1, 5)),
            Slot(0, 44, 14, after=(2, 6), gap=10),
        ], width=width, height=60, name="loss-numbers")
        self._sent_epoch = -1
        self._points = 0
        self._loss_max = 0.0
        # The curves repaint the chart and its axes measure their labels (about 4 ms of the
        # browser's frame); the numbers above it follow every frame.
        self._curve_updates = LiveUpdates()

    def resize(self, width: int, height: int) -> None:
        """The numbers and the chart `width` px wide, the chart `height` px tall."""
        self.numbers.resize(width)
        if (self.figure.width, self.figure.height) != (width, height):
            self.figure.width, self.figure.height = width, height

    def set_accuracy(self, visible: bool) -> None:
        """Accuracy curves and axis only for classification."""
        for line in self._acc_lines:
            line.visible = visible
        self._acc_axis.visible = visible

    def show(self, history: dict[str, list[float]], epoch: int, live: bool = False) -> None:
        """Bring numbers and chart up to `epoch`.

        History lists hold one entry per epoch from 0, or, with an "epoch" list,
        one entry per kept point (a thinned history), the newest being `epoch`. In a
        `live` frame the curves follow at most every `live_updates.PERIOD_S`.
        """
        last = {k: (history[k][-1] if history.get(k) else None) for k in KEYS}
        accuracy = [("" if last[k] is None else _("acc. {value}").format(value=_fmt(last[k], True))) for k in ("test_accuracy", "train_accuracy")]
        self.numbers.show(["▬", _("Test loss"), _fmt(last["test_loss"]), accuracy[0],
                           "▬", _("Training loss"), _fmt(last["train_loss"]), accuracy[1]])
        # The first curves, and those after a reset (an earlier epoch), go at once.
        if not self._curve_updates.due(live and 0 <= self._sent_epoch <= epoch):
            return
        if epoch < self._sent_epoch or self._sent_epoch < 0 or self._points >= MAX_POINTS:
            self._send_all(history)
        elif epoch > self._sent_epoch:
            point = {k: self._value(history, k, epoch) for k in KEYS}
            self.source.stream({"epoch": [epoch], **{k: [v] for k, v in point.items()}})
            self._points += 1
            self._loss_max = max([self._loss_max] + [point[k] for k in ("train_loss", "test_loss")
                                                     if math.isfinite(point[k])])
        self._sent_epoch = epoch
        self._fit(epoch)

    def _fit(self, epoch: int) -> None:
        # A pinned run stays whole in view: the current run grows into its length and height.
        self.figure.x_range.end = max(10, epoch, self._pinned_end)
        top = max(self._loss_max, self._pinned_max)
        self.figure.y_range.end = 1.05 * top if top > 0 else 1.0

    def show_pinned(self, epochs: np.ndarray, train_loss: np.ndarray, test_loss: np.ndarray) -> None:
        """Draw a pinned run's loss curves dashed (thinned like the live ones)."""
        idx = thin(np.asarray(epochs), MAX_POINTS // 3)
        clean = lambda v: np.where(np.isfinite(v), v, np.nan).astype(np.float32)[idx]
        self.pinned_source.data = {"epoch": np.asarray(epochs, np.float32)[idx], "train_loss": clean(train_loss),
                                   "test_loss": clean(test_loss)}
        finite = np.concatenate([train_loss, test_loss])
        finite = finite[np.isfinite(finite)]
        self._pinned_end = float(epochs[-1]) if len(epochs) else 0.0
        self._pinned_max = float(finite.max()) if len(finite) else 0.0
        self._fit(max(self._sent_epoch, 0))

    def clear_pinned(self) -> None:
        self.pinned_source.data = {"epoch": [], "train_loss": [], "test_loss": []}
        self._pinned_end = self._pinned_max = 0.0
        self._fit(max(self._sent_epoch, 0))

    def _send_all(self, history: dict[str, list[float]]) -> None:
        epochs = _epochs(history)
        idx = thin(epochs, MAX_POINTS // 3)
        columns = {k: self._column(history, k)[idx] for k in KEYS}
        self.source.data = {"epoch": epochs[idx].astype(np.float32), **columns}
        self._points = len(idx)
        losses = np.concatenate([columns["train_loss"], columns["test_loss"]])
        losses = losses[np.isfinite(losses)]
        self._loss_max = float(losses.max()) if len(losses) else 0.0

    @staticmethod
    def _column(history, key) -> np.ndarray:
        values = np.asarray(history.get(key) or [], dtype=np.float32)
        n = len(history["train_loss"])
        # Non-finite losses (a diverged run) would blank the whole line in the browser.
        out = np.full(n, np.nan, np.float32)
        out[:len(values)] = np.where(np.isfinite(values), values, np.nan)
        return out

    @staticmethod
    def _value(history, key, epoch) -> float:
        values = history.get(key) or []
        if "epoch" in history:     # a thinned history: only its newest point can be `epoch`
            known = history["epoch"]
            i = len(known) - 1 if known and known[-1] == epoch and len(values) == len(known) else None
        else:
            i = epoch if epoch < len(values) else None
        v = values[i] if i is not None else float("nan")
        return v if math.isfinite(v) else float("nan")

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        fig = self.figure
        fig.background_fill_color = fig.border_fill_color = colours["background"]
        fig.outline_line_color = colours["grid"]
        fig.ygrid.grid_line_color = colours["grid"]
        test_colour = colours["text"]
        self._loss_lines[1].glyph.line_color = self._acc_lines[1].glyph.line_color = test_colour
        self._pinned_lines[1].glyph.line_color = test_colour
        self.numbers.set_theme(name)
        for axis in fig.xaxis + fig.yaxis + [self._acc_axis]:
            axis.major_label_text_color = axis.axis_label_text_color = colours["text"]
            axis.axis_line_color = axis.major_tick_line_color = axis.minor_tick_line_color = colours["muted"]

    def __panel__(self):
        return pn.Column(self.numbers, pn.pane.Bokeh(self.figure, margin=0), margin=0)

