"""The loss and accuracy curves of a CNN training: every logged batch, and each epoch's training and validation.

Two small figures side by side. The batches' curve is thin (it is noisy: one
batch of digits at a time); each finished epoch adds a point to the training and
the validation curves, whose gap is where over-fitting shows. The figures are
built once; `show` only replaces the data of their sources (named for tests).
"""
from __future__ import annotations

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, Legend, LegendItem, Range1d
from bokeh.plotting import figure

from playground.components.cnn.theming import theme_figure
from playground.i18n import _
from playground.theme import BLUE, ORANGE, THEMES, WRAP

EPOCH_KEYS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy")


class TrainingCharts(pn.viewable.Viewer):
    """Loss and accuracy against epochs (fractional for the batches)."""

    def __init__(self, width: int = 380, height: int = 230):
        super().__init__()
        self.batches = ColumnDataSource(dict(progress=[], loss=[], accuracy=[]), name="cnn-train-batches")
        self.epochs = ColumnDataSource({k: [] for k in EPOCH_KEYS}, name="cnn-train-epochs")
        self.figures = [self._figure(key, title, width, height)
                        for key, title in (("loss", _("Loss function")), ("accuracy", _("Accuracy")))]

    def _figure(self, key: str, title: str, width: int, height: int):
        fig = figure(width=width, height=height, toolbar_location=None, tools="", title=title, min_border=4,
                     x_range=Range1d(0, 1), y_range=Range1d(0, 1), css_classes=[f"cnn-train-{key}"])
        fig.title.text_font_size = "15px"
        fig.xaxis.axis_label = _("epoch")
        fig.axis.major_label_text_font_size = "13px"
        fig.xaxis.axis_label_text_font_size = "13px"
        batch = fig.line("progress", key, source=self.batches, line_color=ORANGE, line_alpha=0.45, line_width=1)
        train = fig.line("epoch", key, source=self.epochs, line_color=ORANGE, line_width=2.5)
        fig.scatter("epoch", key, source=self.epochs, color=ORANGE, size=7)
        val = fig.line("epoch", f"val_{key}", source=self.epochs, line_color=BLUE, line_width=2.5)
        fig.scatter("epoch", f"val_{key}", source=self.epochs, color=BLUE, size=7, marker="square")
        fig.add_layout(Legend(items=[LegendItem(label=_("each batch"), renderers=[batch]),
                                     LegendItem(label=_("training, per epoch"), renderers=[train]),
                                     LegendItem(label=_("validation, per epoch"), renderers=[val])],
                              location="top_right" if key == "loss" else "bottom_right",
                              label_text_font_size="12px", background_fill_alpha=0.7, padding=4, spacing=0))
        return fig

    def resize(self, width: int, height: int) -> None:
        for fig in self.figures:
            if (fig.width, fig.height) != (width, height):
                fig.width, fig.height = width, height

    def show(self, batches: dict[str, list[float]], epochs: list[dict]) -> None:
        """Draw the whole history (a training's `batches` and `epochs`, see `LiveTraining`)."""
        columns = {k: np.asarray(batches.get(k) or [], np.float32) for k in ("progress", "loss", "accuracy")}
        n = min(len(v) for v in columns.values())
        columns = {k: np.where(np.isfinite(v[:n]), v[:n], np.nan) for k, v in columns.items()}
        per_epoch = {k: np.asarray([e[k] for e in epochs], np.float32) for k in EPOCH_KEYS}
        with pn.io.hold():
            self.batches.data = _sendable(columns)
            self.epochs.data = _sendable(per_epoch)
            end = max([1.0, *columns["progress"][-1:], *per_epoch["epoch"][-1:]])
            losses = np.concatenate([columns["loss"], per_epoch["loss"], per_epoch["val_loss"]])
            losses = losses[np.isfinite(losses)]
            for fig in self.figures:
                fig.x_range.end = float(end)
            self.figures[0].y_range.end = float(1.05 * losses.max()) if len(losses) and losses.max() > 0 else 1.0
            self.figures[1].y_range.end = 1.02

    def set_theme(self, name: str) -> None:
        for fig in self.figures:
            theme_figure(fig, name)
            fig.title.text_color = THEMES[name]["text"]
            for legend in fig.legend:
                legend.label_text_color = THEMES[name]["text"]
                legend.background_fill_color = THEMES[name]["background"]

    def __panel__(self):
        return pn.Row(*(pn.pane.Bokeh(fig, margin=(0, 6)) for fig in self.figures), margin=0, styles=WRAP)


def _sendable(columns: dict[str, np.ndarray]) -> dict:
    """Columns for the browser: an empty one as a plain list (BokehJS cannot read a zero-length binary array)."""
    return {k: v if len(v) else [] for k, v in columns.items()}
