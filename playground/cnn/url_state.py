"""The CNN page's state in the URL: a link reproduces what is on screen.

The query names all start with `cnn_`, so they never meet the dense page's:
  cnn_model   the shipped model shown, `upload` when the learner's own model is, or `trained`
              when the model trained on the Train tab is
  cnn_sample  the class sample shown (0, 1, …), or `upload` for an uploaded or drawn image
  cnn_layer   the selected layer's name (absent: nothing selected)
  cnn_neuron  the selected neuron (channel, or class) of that layer
  cnn_range   the colour range: unit, module or global
  cnn_tab     explainer, hyperparameters, input or train

Reading is checked against what the page has (its models, samples and layers):
each bad value becomes a one-line notice (the shell escapes it) and changes nothing
else. An uploaded model or image cannot travel in a link: the link says so, and the
page shows the shipped model and the first sample instead. Pure: no Panel, no Keras.
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import _

PREFIX = "cnn_"
UPLOADED = "upload"
TRAINED = "trained"
TABS = ("explainer", "hyperparameters", "input", "train")
COLOR_RANGES = ("unit", "module", "global")
MAX_NUMBER_CHARS = 6   # no sample or neuron index needs more; longer is refused before int()


@dataclass(frozen=True)
class CnnView:
    """What a CNN link shows; the defaults are what the page opens with."""

    model: str = ""           # '' = the page's default model; UPLOADED = the learner's own
    sample: int = 0           # -1 = an uploaded or drawn image
    layer: str = ""
    neuron: int = 0
    color_range: str = "module"
    tab: str = "explainer"


def to_query(view: CnnView, default_model: str) -> dict[str, str]:
    """The query entries for `view`: every name, so that a changed one replaces the old value."""
    return {
        "cnn_model": view.model or default_model,
        "cnn_sample": UPLOADED if view.sample < 0 else str(view.sample),
        "cnn_layer": view.layer,
        "cnn_neuron": str(view.neuron),
        "cnn_range": view.color_range,
        "cnn_tab": view.tab,
    }


def _index(raw: str, count: int) -> int:
    """`raw` as an index in [0, count); ValueError otherwise."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_NUMBER_CHARS or int(text) >= count:
        raise ValueError
    return int(text)


def read_query(query: dict[str, str], models: list[str], n_samples: int,
               layer_sizes: dict[str, int]) -> tuple[CnnView, list[str]]:
    """The view a query asks for, and a notice for each value that cannot be honoured.

    `models`: the names of the shipped models the page can show (the first is the
    default); `n_samples`: how many class samples there are; `layer_sizes`: each
    selectable layer's name → its number of neurons. Names without the `cnn_` prefix
    belong to the shell or the dense page and are not looked at.
    """
    view, notices = CnnView(), []
    updates: dict[str, object] = {}

    def refuse(name: str, raw: str, reason: str) -> None:
        notices.append(_("Ignored {name}={value}: {reason}").format(name=name, value=repr(raw), reason=reason))

    for name in sorted(n for n in query if n.startswith(PREFIX)):
        if name not in ("cnn_model", "cnn_sample", "cnn_layer", "cnn_neuron", "cnn_range", "cnn_tab"):
            notices.append(_("Unknown setting {name} ignored.").format(name=repr(name)))

    raw = query.get("cnn_model")
    if raw is not None:
        if raw == UPLOADED:
            notices.append(_("This link was made with an uploaded model, which a link cannot carry: "
                             "upload it again on the “Your image & model” tab."))
        elif raw == TRAINED:
            notices.append(_("This link was made with a model trained on the page, which a link cannot carry: "
                             "train one again on the “Train” tab."))
        elif raw not in models:
            refuse("cnn_model", raw, _("no such model (choose from {names})").format(names=", ".join(models)))
        elif raw != models[0]:
            updates["model"] = raw

    raw = query.get("cnn_sample")
    if raw is not None:
        if raw == UPLOADED:
            notices.append(_("This link was made with an uploaded or drawn image, which a link cannot carry: "
                             "the first sample is shown instead."))
        else:
            try:
                updates["sample"] = _index(raw, n_samples)
            except ValueError:
                refuse("cnn_sample", raw, _("a sample number from 0 to {last}").format(last=n_samples - 1))

    raw = query.get("cnn_layer")
    if raw:
        if raw in layer_sizes:
            updates["layer"] = raw
        else:
            refuse("cnn_layer", raw, _("the model has no layer of that name"))
    raw = query.get("cnn_neuron")
    if raw is not None and "layer" in updates:
        count = layer_sizes[updates["layer"]]
        try:
            updates["neuron"] = _index(raw, count)
        except ValueError:
            refuse("cnn_neuron", raw, _("a neuron number from 0 to {last}").format(last=count - 1))

    for name, field, choices in (("cnn_range", "color_range", COLOR_RANGES), ("cnn_tab", "tab", TABS)):
        raw = query.get(name)
        if raw is not None:
            if raw in choices:
                updates[field] = raw
            else:
                refuse(name, raw, _("choose from {names}").format(names=", ".join(choices)))

    return CnnView(**{**view.__dict__, **updates}), notices
