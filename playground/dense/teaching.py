"""What makes the dense page teach: help on every control, the teacher's hidden and locked
controls, the share dialog, the explanations below the page and the first-visit callouts.

The page calls these once when it is built; they only touch the widgets the page hands
over (`DenseControls` and the network diagram), so the page itself stays wiring.
"""
from __future__ import annotations

from typing import Callable

import panel as pn

from playground.components.dense.callouts import Callout, Callouts, diagram_anchors
from playground.components.dense.explanations import Explanations
from playground.components.dense.share_dialog import ShareDialog
from playground.dense import explanations as texts
from playground.dense.help_texts import help_html, help_tooltip
from playground.dense.share import TeacherView, dialog_choices, dialog_texts, share_link
from playground.i18n import _

# Help key -> the attribute of DenseControls. Fields with a label show the help as a "?" in
# it (hover, or click / tap to pin it); every other control gets a "?" beside it (`with_help`).
# A dotted attribute reaches into a group of controls (`advanced.dropout`).
DESCRIBED = {"learning_rate": "learning_rate", "activation": "activation", "regularization": "regularization",
             "reg_rate": "reg_rate", "problem": "problem", "optimizer": "optimizer", "loss": "loss", "seed": "seed",
             "early_stopping": "advanced.early_stopping", "epochs_per_frame": "speed.menu"}
# The Advanced group's controls that show their help beside them.
BESIDE_ADVANCED = {"dropout": "advanced.dropout", "wide_layers": "advanced.wide_layers",
                   "init_zero": "advanced.init_zero"}
# Setting -> the controls that change it (what `hide=` and `lock=` take away).
SETTING_WIDGETS = {**{key: (attr,) for key, attr in DESCRIBED.items()},
                   "train_ratio": ("train_ratio",), "noise": ("noise",), "batch_size": ("batch_size",),
                   "label_noise": ("label_noise",), "class_keep": ("class_keep",),
                   "n_classes": ("n_classes",), "data_seed": ("regenerate_button",),
                   "shuffle": ("shuffle",), "show_test_data": ("show_test",), "discretize": ("discretize",),
                   **{key: (attr,) for key, attr in BESIDE_ADVANCED.items()},
                   "features": ("features",), "dataset": ("picker", "dataset_label")}


def add_help(controls) -> None:
    """The help of every labelled field, in its label."""
    for key, attr in DESCRIBED.items():
        widget = control(controls, attr)
        if widget is not None:
            widget.description = help_html(key)


def help_icon(*controls: str | tuple[str, str]) -> pn.widgets.TooltipIcon:
    """A "?" beside a control: hover shows the help, a click or a tap pins it (touch screens).

    `controls`: a help key, or (key, title) pairs for a row of controls that share one "?".
    """
    first = controls[0] if isinstance(controls[0], str) else controls[0][0]
    return pn.widgets.TooltipIcon(value=help_tooltip(*controls), margin=(0, 2), stylesheets=[_ICON_CSS],
                                  css_classes=["nn-help", f"nn-help-{first}"])


def with_help(widget, key: str, **row) -> pn.Row:
    """`widget` and its "?" side by side; the row hides with the widget (a teacher's `hide=`)."""
    icon = help_icon(key)
    icon.visible = getattr(widget, "visible", True)
    if hasattr(widget, "param") and "visible" in widget.param:
        widget.param.watch(lambda e: setattr(icon, "visible", e.new), "visible")
    # A slider's "?" sits by its bar, clear of a long title that runs to the edge.
    if isinstance(widget, (pn.widgets.IntSlider, pn.widgets.FloatSlider)):
        icon.align = "end"
    return pn.Row(widget, icon, **{"margin": 0, "styles": {"align-items": "center"}, **row})


def control(controls, attr: str):
    """The control at `attr` (dotted for a group: "advanced.dropout"), or None when there is none."""
    for name in attr.split("."):
        controls = getattr(controls, name, None)
    return controls


def advanced_with_help(advanced) -> list:
    """The Advanced group's widgets, in its order, each with its "?" where its label cannot hold one."""
    beside = {id(control(advanced, attr.split(".", 1)[1])): key for key, attr in BESIDE_ADVANCED.items()}
    return [with_help(w, beside[id(w)], sizing_mode="stretch_width") if id(w) in beside else w
            for w in advanced.widgets()]


def _widget(controls, attr: str):
    widget = control(controls, attr)
    # A composite view (the data set picker, the speed menu) is hidden through the widget it shows.
    return widget.__panel__() if hasattr(widget, "__panel__") else widget


def apply_view(view: TeacherView, controls, diagram, keras_files=None) -> None:
    """Take hidden controls off the page and grey out locked ones (the page also refuses their changes).

    `keras_files`: the Keras card's view; hidden, the card goes; locked, its import is greyed out.
    """
    for name in view.frozen:
        for attr in SETTING_WIDGETS.get(name, ()):
            widget = _widget(controls, attr)
            if widget is None:
                continue
            widget.disabled = True
            if name in view.hidden:
                widget.visible = False
    if "dataset" in view.hidden:
        controls.dataset_label.visible = False
    if "hidden" in view.frozen:
        diagram.lock_shape(hide="hidden" in view.hidden)
    if "keras" in view.frozen and keras_files is not None:
        keras_files.upload.disabled = True
        keras_files.shown = "keras" not in view.hidden


def share_dialog(current_query: Callable[[], dict[str, str]]) -> ShareDialog:
    """The share dialog; its link is this page's address with `current_query()` and the teacher's choices."""
    def build(hidden: list[str], locked: list[str]) -> str:
        loc = pn.state.location
        base = f"{loc.protocol}//{loc.hostname}{':' + loc.port if loc.port else ''}{loc.pathname}" if loc else ""
        return share_link(base, current_query(), TeacherView(frozenset(hidden), frozenset(locked)))
    return ShareDialog(dialog_choices(), build, dialog_texts())


class CompareButtons:
    """Two runs side by side (compare.py): "Run again from the same start", "Pin this run" and "Unpin"."""

    def __init__(self):
        # As wide as the data column, the label wrapping inside it (a long label widened the column).
        button = dict(sizing_mode="stretch_width", min_height=40, stylesheets=[_BUTTON_CSS, _WRAPPING_BUTTON_CSS])
        self.run_again = pn.widgets.Button(label=_("↺ Run again from the same start"), css_classes=["nn-run-again"],
                                           **button)
        self.pin = pn.widgets.Button(label=_("Pin this run"), css_classes=["nn-pin"], **button)
        self.unpin = pn.widgets.Button(label=_("Unpin"), css_classes=["nn-unpin"], visible=False, **button)

    def show_pinned(self, pinned: bool) -> None:
        self.unpin.visible = pinned

    def __panel__(self):
        return pn.Column(self.run_again, pn.Row(self.pin, self.unpin, margin=0), margin=(0, 0, 8, 0),
                         sizing_mode="stretch_width")


def explanations() -> Explanations:
    """The texts below the page, in the session's language."""
    return Explanations(_(texts.TITLE), [(s.key, _(s.title), [_(p) for p in s.paragraphs]) for s in texts.SECTIONS],
                        tuple(_(label) for label in texts.LEGEND))


def callouts() -> Callouts:
    """The first-visit notes, placed by `place_callouts` once the network is drawn."""
    return Callouts([], ok_label=_(texts.CALLOUT_OK), hide_all_label=_(texts.CALLOUT_HIDE_ALL))


def place_callouts(notes: Callouts, diagram, features_width: float, quiet: bool = False) -> None:
    """Point the notes at the features, a neuron, a link (network figure) and the output map of this shape.

    `quiet`: no notes at all (present mode; a teacher's link that hides controls).
    """
    if quiet:
        notes.set_callouts([])
        return
    sides = {"features": "below", "neuron": "right", "link": "below"}
    placed = [Callout(key, _(texts.CALLOUTS[key]), "nn-network", x, y, side=sides[key])
              for key, (x, y) in diagram_anchors(diagram, features_width).items()]
    placed.append(Callout("output", _(texts.CALLOUTS["output"]), "nn-decision-map", 4, 300, side="left"))
    notes.set_callouts(placed)


_BUTTON_CSS = ":host .bk-btn { font-size: 15px; }"
_WRAPPING_BUTTON_CSS = ":host { min-width: 0; } :host .bk-btn { white-space: normal; min-height: 40px; line-height: 1.2; }"
_ICON_CSS = ":host { --icon-size: 20px; } :host .bk-icon, :host .bk-tooltip-icon { width: 20px; height: 20px; }"
