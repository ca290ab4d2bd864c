"""Teacher links: the current state plus which controls are hidden (`hide=`) or locked (`lock=`).

As TF Playground's per-control `*_hide` settings, but in one list: `?hide=noise,batch_size`
takes those controls off the page, `?lock=learning_rate` shows a control but greys it out.
Either way the setting keeps the link's value: the page cannot change it. The names are
this app's setting names (the URL's own names), so a teacher reads one vocabulary.
Pure functions: the page and the share dialog both use them, the tests check them alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from playground.i18n import N_, _

# Settings a teacher may hide or lock, in the order the dialog lists them, with their
# label there. `data_seed` is the Regenerate button, `hidden` the layer and neuron +/−,
# `keras` the Keras card (an action, not a setting: locked, its import is refused).
CONTROLS: dict[str, str] = {
    "dataset": N_("Data set"),
    "problem": N_("Problem type"),
    "train_ratio": N_("Training data (%)"),
    "noise": N_("Noise"),
    "label_noise": N_("Wrong labels (%)"),
    "class_keep": N_("One class kept (%)"),
    "batch_size": N_("Batch size"),
    "data_seed": N_("Regenerate"),
    "features": N_("Input features"),
    "hidden": N_("Hidden layers and neurons"),
    "learning_rate": N_("Learning rate"),
    "activation": N_("Activation"),
    "regularization": N_("Regularization"),
    "reg_rate": N_("Reg. rate"),
    "optimizer": N_("Optimizer"),
    "loss": N_("Loss (two classes)"),
    "n_classes": N_("Classes (multi-class sets)"),
    "seed": N_("Random seed (weights)"),
    "dropout": N_("Dropout rate (hidden layers)"),
    "early_stopping": N_("Early stopping: patience"),
    "wide_layers": N_("Up to 16 neurons"),
    "init_zero": N_("Start every weight at 0"),
    "shuffle": N_("Reshuffle every epoch"),
    "epochs_per_frame": N_("Speed (epochs per frame)"),
    "show_test_data": N_("Show test data"),
    "discretize": N_("Discretize output"),
    "keras": N_("Keras card (export and import)"),
}
ACTIONS = frozenset({"keras"})   # controls that are no setting of the page: the server refuses their action
VIEW_KEYS = ("hide", "lock")   # the query keys this module owns
MAX_NAMES = len(CONTROLS)       # more names than controls is a broken link, not a list to echo


@dataclass(frozen=True)
class TeacherView:
    """What a link takes away from the learner: hidden controls, and locked (shown, greyed) ones."""

    hidden: frozenset[str] = frozenset()
    locked: frozenset[str] = frozenset()

    @property
    def frozen(self) -> frozenset[str]:
        """Settings the page must not change: hidden or locked."""
        return self.hidden | self.locked

    def allowed(self, query: dict[str, str]) -> dict[str, str]:
        """`query` without the frozen settings (a lesson or a TF link applied on top keeps them)."""
        return {k: v for k, v in query.items() if k not in self.frozen}


def _names(raw: str, key: str) -> tuple[list[str], list[str]]:
    notices, names = [], []
    items = [s.strip() for s in raw.split(",") if s.strip()]
    for item in items[:MAX_NAMES]:
        if item in CONTROLS:
            if item not in names:
                names.append(item)
        else:
            notices.append(_("Ignored {key}={name!r}: no such control (choose from {names}).").format(
                key=key, name=item[:40], names=", ".join(CONTROLS)))
    if len(items) > MAX_NAMES:
        notices.append(_("Ignored the rest of {key}=: more names than there are controls.").format(key=key))
    return names, notices


def parse_view(query: dict[str, str]) -> tuple[TeacherView, list[str]]:
    """`hide=` and `lock=` of a query as a TeacherView, and a notice for each unknown name.

    Notices quote the link's text: the page shows them through `safe_text`.
    """
    hidden, notices = _names(query.get("hide", ""), "hide")
    locked, more = _names(query.get("lock", ""), "lock")
    # A hidden control is out of reach anyway: listing it as locked too adds nothing.
    return TeacherView(frozenset(hidden), frozenset(locked) - frozenset(hidden)), notices + more


def without_view(query: dict[str, str]) -> dict[str, str]:
    """The query without `hide=` and `lock=` (what the settings parse)."""
    return {k: v for k, v in query.items() if k not in VIEW_KEYS}


def share_query(settings: dict[str, str], view: TeacherView) -> dict[str, str]:
    """The query of a teacher link: every setting, then `hide` and `lock` in the dialog's order."""
    query = dict(settings)
    for key, names in (("hide", view.hidden), ("lock", view.locked - view.hidden)):
        if names:
            query[key] = ",".join(n for n in CONTROLS if n in names)
    return query


def share_link(base_url: str, settings: dict[str, str], view: TeacherView) -> str:
    """`base_url?…`: the settings and the view, with commas left readable."""
    return base_url.split("?")[0].split("#")[0] + "?" + urlencode(share_query(settings, view), safe=",")


# The share dialog's words (components/dense/share_dialog.py draws them).
DIALOG_TEXTS: dict[str, str] = {
    "button": N_("Share a link…"),
    "intro": N_("The link opens the page exactly as it is now. For a class, tick the controls students should "
                "not see or not change."),
    "hide": N_("Hide these controls"),
    "lock": N_("Lock these controls (shown, but greyed out)"),
    "link": N_("Link"),
    "copy": N_("Copy the link"),
    "open": N_("Open it in a new tab"),
}


def dialog_texts() -> dict[str, str]:
    """The dialog's words in the session's language."""
    return {key: _(text) for key, text in DIALOG_TEXTS.items()}


def dialog_choices() -> dict[str, str]:
    """{label: name} of every control a link can hide or lock, labels in the session's language."""
    return {_(label): name for name, label in CONTROLS.items()}
