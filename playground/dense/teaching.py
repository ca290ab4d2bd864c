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
DESCRIBED = {"learning_rate": "learning_rate", "activation": "activation", "regularization": "regularization",
             "reg_rate": "reg_rate", "problem": "problem", "optimizer": "optimizer", "loss": "loss", "seed": "seed"}
# Setting -> the controls that change it (what `hide=` and `lock=` take away).
SETTING_WIDGETS = {**{key: (attr,) for key, attr in DESCRIBED.items()},
                   "train_ratio": ("train_ratio",), "noise": ("noise",), "batch_size": ("batch_size",),
                   "n_classes": ("n_classes",), "epochs_per_frame": ("speed",), "data_seed": ("regenerate_button",),
                   "shuffle": ("shuffle",), "show_test_data": ("show_test",), "discretize": ("discretize",),
                   "init_zero": ("advanced.init_zero",), "dropout": ("advanced.dropout",),
                   "early_stopping": ("advanced.early_stopping",), "wide_layers": ("advanced.wide_layers",), "features": ("features",), "dataset": ("picker", "dataset_label")}


def add_help(controls) -> None:
    """The help of every labelled field, in its label."""
    for key, attr in DESCRIBED.items():
        widget = getattr(controls, attr, None)
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
    return pn.Row(widget, icon, **{"margin": 0, "styles": {"align-items": "center"}, **row})


def _widget(controls, attr: str):
    widget = controls
    for name in attr.split("."):       # "advanced.dropout": a widget of the Advanced card
        widget = getattr(widget, name, None)
    # A composite view (the data set picker) is hidden through the widget it shows.
    return widget.__panel__() if isinstance(widget, pn.viewable.Viewer) else widget


def apply_view(view: TeacherView, controls, diagram) -> None:
    """Take hidden controls off the page and grey out locked ones (the page also refuses their changes)."""
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


def share_dialog(current_query: Callable[[], dict[str, str]]) -> ShareDialog:
    """The share dialog; its link is this page's address with `current_query()` and the teacher's choices."""
    def build(hidden: list[str], locked: list[str]) -> str:
        loc = pn.state.location
        base = f"{loc.protocol}//{loc.hostname}{':' + loc.port if loc.port else ''}{loc.pathname}" if loc else ""
        return share_link(base, current_query(), TeacherView(frozenset(hidden), frozenset(locked)))
    return ShareDialog(dialog_choices(), build, dialog_texts())


def explanations() -> Explanations:
    """The texts below the page, in the session's language."""
    return Explanations(_(texts.TITLE), [(s.key, _(s.title), [_(p) for p in s.paragraphs]) for s in texts.SECTIONS],
                        tuple(_(label) for label in texts.LEGEND))


def callouts(diagram, features_width: float) -> Callouts:
    """First-visit notes on the features, a neuron, a link (network figure) and the output map."""
    sides = {"features": "below", "neuron": "right", "link": "below"}
    notes = [Callout(key, _(texts.CALLOUTS[key]), "nn-network", x, y, side=sides[key])
             for key, (x, y) in diagram_anchors(diagram, features_width).items()]
    notes.append(Callout("output", _(texts.CALLOUTS["output"]), "nn-decision-map", 4, 300, side="left"))
    return Callouts(notes, ok_label=_(texts.CALLOUT_OK), hide_all_label=_(texts.CALLOUT_HIDE_ALL))


_ICON_CSS = ":host { --icon-size: 20px; } :host .bk-icon, :host .bk-tooltip-icon { width: 20px; height: 20px; }"
