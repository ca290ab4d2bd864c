"""The "Advanced" settings for regularising and sizing the network: dropout, early stopping,
16 neurons per layer and all-zero initial weights; and the line that says where early
stopping stopped.
"""
from __future__ import annotations

import panel as pn

from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer
from playground.i18n import _


class AdvancedControls:
    """Widgets from `DenseSettings` (they write it directly), for the page's "Advanced" card."""

    def __init__(self, settings: DenseSettings, control_css: str, toggle_css: str):
        s = settings.param
        wide = dict(sizing_mode="stretch_width", stylesheets=[control_css])
        self.dropout = pn.widgets.FloatSlider.from_param(s.dropout, label=_("Dropout rate (hidden layers)"),
                                                         step=0.05, throttled=True, css_classes=["nn-dropout"], **wide)
        self.early_stopping = pn.widgets.IntInput.from_param(
            s.early_stopping, label=_("Early stopping: patience"), css_classes=["nn-early-stopping"], **wide)
        toggle = dict(height=38, sizing_mode="stretch_width", stylesheets=[control_css, toggle_css])
        self.wide_layers = pn.widgets.Toggle.from_param(s.wide_layers, label=_("Up to 16 neurons"),
                                                        css_classes=["nn-wide-layers"], **toggle)
        self.init_zero = pn.widgets.Checkbox.from_param(s.init_zero, label=_("Start every weight at 0"),
                                                        css_classes=["nn-init-zero"], **wide)

    def widgets(self) -> dict:
        """Each setting's name → its widget, in the card's order."""
        return {"dropout": self.dropout, "early_stopping": self.early_stopping, "wide_layers": self.wide_layers,
                "init_zero": self.init_zero}


def early_stop_text(trainer: Trainer) -> str:
    """Where early stopping stopped, in words, or "" while it has not."""
    stopper = trainer.early_stopping
    if not trainer.stopped:
        return ""
    return _("Early stopping: stopped at epoch {stopped}; the weights are those of epoch {best}, the lowest "
             "test loss.").format(stopped=stopper.stopped_epoch, best=stopper.best_epoch)
