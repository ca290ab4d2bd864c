"""TF Playground links (`playground.tensorflow.org/#name=value&…`, its `state.ts`) as our settings.

The result is a query dict in this app's URL names, so it goes through the same
`DenseSettings.from_query` as our own links; what we cannot honour gets a notice.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from playground.datasets.features import FEATURES
from playground.dense.lessons import lesson_query
from playground.dense.settings import DenseSettings, format_value
from playground.i18n import _

# Its feature names -> ours. Its defaults: x and y on, the rest off.
TF_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq", "xTimesY": "x1x2",
               "sinX": "sinx1", "sinY": "sinx2"}
TF_DEFAULT_FEATURES = ("x", "y")
# Its plain settings -> ours (values converted by `_convert`).
TF_SETTINGS = {"activation": "activation", "batchSize": "batch_size", "learningRate": "learning_rate",
               "regularizationRate": "reg_rate", "noise": "noise", "networkShape": "hidden",
               "percTrainData": "train_ratio", "showTestData": "show_test_data", "discretize": "discretize",
               "initZero": "init_zero"}
TF_BOOLEANS = frozenset({*TF_FEATURES, "cosX", "cosY", "showTestData", "discretize", "collectStats",
                         "initZero", "hideText"})
# Names it writes that change nothing we can reproduce; a notice only when they ask for something.
UNHONOURED = {"cosX": "the cos X1 feature", "cosY": "the cos X2 feature", "hideText": "hiding the text",
              "collectStats": "collecting statistics", "tutorial": "tutorials"}
TF_HOSTS = ("playground.tensorflow.org",)


def _tf_bool(raw: str) -> bool:
    # state.ts: the string "false" is false, any other value is true.
    return raw != "false"


def settings_from_tf_hash(hash_: str) -> tuple[dict[str, str], list[str]]:
    """A TF Playground hash (with or without '#') as a query dict in our names, and notices."""
    query, notes, errors = parse_tf_hash(hash_)
    return query, notes + errors


def parse_tf_hash(hash_: str) -> tuple[dict[str, str], list[str], list[str]]:
    """The hash as (query, notes, errors): notes for what we cannot honour, errors for bad input."""
    text = hash_[1:] if hash_.startswith("#") else hash_
    raw: dict[str, str] = {}
    notices: list[str] = []   # errors: malformed parts, unknown names, invalid values
    notes: list[str] = []     # valid settings that this app cannot reproduce
    for part in text.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name:
            notices.append(_("Ignored malformed link part {part!r}.").format(part=unquote(part)[:60]))
            continue
        raw[unquote(name)] = unquote(value)

    query: dict[str, str] = {}
    problem = raw.pop("problem", "classification")
    dataset, reg_dataset = raw.pop("dataset", None), raw.pop("regDataset", None)
    if problem == "regression":
        query["dataset"] = reg_dataset or "reg-plane"
    elif problem == "classification":
        if dataset is not None:
            query["dataset"] = dataset
    else:
        notices.append(_("Ignored problem={value!r}: choose classification or regression.").format(value=problem))
        if dataset is not None:
            query["dataset"] = dataset

    regularization = raw.pop("regularization", None)
    if regularization is not None:
        query["regularization"] = regularization.lower()   # L1 / L2 / none

    # Features: its defaults, then each boolean the link sets, in our order.
    on = {TF_FEATURES[n] for n in TF_DEFAULT_FEATURES}
    for tf_name, ours in TF_FEATURES.items():
        if tf_name in raw:
            (on.add if _tf_bool(raw.pop(tf_name)) else on.discard)(ours)
    query["features"] = ",".join(f for f in FEATURES if f in on)

    for tf_name, ours in TF_SETTINGS.items():
        if tf_name in raw:
            value = raw.pop(tf_name)
            query[ours] = ("1" if _tf_bool(value) else "0") if tf_name in TF_BOOLEANS else value

    seed = raw.pop("seed", None)
    if seed:
        notes.append(_("TF Playground's seed {seed!r} cannot be reproduced here: the data and weights "
                         "are drawn with this app's own seed.").format(seed=seed[:40]))
    for name, value in raw.items():
        if name in UNHONOURED:
            if value and (name not in TF_BOOLEANS or _tf_bool(value)):
                notes.append(_("This app cannot honour {what} ({name}); ignored.").format(
                    what=UNHONOURED[name], name=name))
        elif name.endswith("_hide"):
            notes.append(_("Hiding controls from a TF Playground link ({name}) is not supported; "
                             "ignored.").format(name=name[:40]))
        else:
            notices.append(_("Unknown TF Playground setting {name!r} ignored.").format(name=name[:40]))
    query, notices = _valid(query, notices)
    return query, notes, notices


def _valid(query: dict[str, str], notices: list[str]) -> tuple[dict[str, str], list[str]]:
    """Keep the entries our settings accept; a notice for each one they reject."""
    settings, kept = DenseSettings(), {}
    for name in sorted(query, key=lambda n: n != "dataset"):
        try:
            settings.set_text(name, query[name])
            kept[name] = format_value(getattr(settings, name))
        except (ValueError, TypeError) as exc:
            notices.append(_("Ignored {name}={value!r}: {reason}").format(
                name=name, value=query[name][:40], reason=str(exc).splitlines()[0][:160]))
    return kept, notices


def settings_from_url(url: str) -> tuple[dict[str, str], list[str]]:
    """A TF Playground link (its hash) or this app's own link (query, `lesson=`, and a TF hash after '#')."""
    query, notes, errors = parse_url(url)
    return query, notes + errors


def parse_url(url: str) -> tuple[dict[str, str], list[str], list[str]]:
    """`settings_from_url` as (query, notes, errors); an error too when the link holds no settings."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        return {}, [], [_("Not a link: {reason}").format(reason=str(exc)[:80])]
    if parts.hostname in TF_HOSTS:
        return parse_tf_hash(parts.fragment)
    if not parts.query and not parts.fragment:
        return {}, [], [_("The link {url!r} holds no settings (no '?…' or '#…' part).").format(url=url[:80])]
    query, errors = lesson_query(dict(parse_qsl(parts.query, keep_blank_values=True)))
    notes: list[str] = []
    if parts.fragment:
        from_hash, notes, more = parse_tf_hash(parts.fragment)
        query.update(from_hash)
        errors += more
    return query, notes, errors
