"""Which points a session trains on: a generated set, or the learner's own (drawn or from a CSV).

`DataSource.make` turns the settings (and the own points, if the data set is one of the
`OWN_DATASETS`) into the train and test split the trainer uses. Everything else treats own
data like generated data. Two deliberate faults can be added to any data set, each drawn
from the data seed so a link reproduces them: label noise (a share of the training labels
flipped) and class imbalance (only a share of one class kept).
"""
from __future__ import annotations

import base64

import numpy as np

from playground.datasets.playground_data import DATASETS, OWN_DATASETS, Dataset, OwnData, dataset_spec, generate, split

# Own points: noise moves a copy of each position by up to ±5·noise per axis (the circle's and
# xor's jitter); the stored points stay where they were put, as the original keeps its positions.
JITTER = 5.0
MAX_LINK_POINTS = 300     # drawn points a link carries; more need the CSV
LINK_STEP = 0.05          # a link's coordinates are rounded to this (a pixel or so of the map)


def imbalanced_class(kind: str, n_classes: int) -> float:
    """The class whose share `class_keep` cuts: the last in ascending label order (+1, or K−1)."""
    return 1.0 if kind == "binary" else float(n_classes - 1)


def keep_share(data: Dataset, percent: int, rng: np.random.Generator) -> Dataset:
    """`data` with only `percent` % (at least one) of the imbalanced class's points, order kept."""
    if percent >= 100 or data.kind == "regression":
        return data
    members = np.flatnonzero(data.labels == imbalanced_class(data.kind, data.n_classes))
    if not len(members):
        return data
    kept = rng.choice(members, max(1, round(len(members) * percent / 100)), replace=False)
    keep = np.ones(len(data), bool)
    keep[members] = False
    keep[kept] = True
    return Dataset(data.points[keep], data.labels[keep], data.kind, data.n_classes)


def flip_labels(data: Dataset, percent: int, rng: np.random.Generator) -> Dataset:
    """`data` with `percent` % of its labels wrong: ±1 swapped, a class moved to another class at
    random, a regression value negated. Positions stay."""
    if percent <= 0 or not len(data):
        return data
    picked = rng.choice(len(data), round(len(data) * percent / 100), replace=False)
    labels = data.labels.copy()
    if data.kind == "multiclass":
        labels[picked] = (labels[picked] + rng.integers(1, data.n_classes, len(picked))) % data.n_classes
    else:
        labels[picked] = -labels[picked]
    return Dataset(data.points, labels, data.kind, data.n_classes)


class DataSource:
    """A session's data: the generated sets by name, plus the learner's own points once given."""

    def __init__(self, own: OwnData | None = None):
        self.own = own
        self.missing = False   # the settings named own data this source does not hold (see `make`)

    def make(self, settings) -> tuple[Dataset, Dataset]:
        """The (train, test) split for `settings`, faults included."""
        s = settings
        kind = dataset_spec(s.dataset).kind
        if s.dataset in OWN_DATASETS and self.own is None and getattr(s, "points", ""):
            self.own = decode_points(s.points)      # a link's drawn points (checked when the link was read)
        self.missing = s.dataset in OWN_DATASETS and (self.own is None or self.own.kind != kind)
        if s.dataset in OWN_DATASETS and not self.missing:
            train, test = self._own_split(s)
        else:
            # Own data named but not held (a link without its points): the first generated set of that kind
            # stands in, and `missing` lets the page say so, rather than a page that cannot start.
            name = s.dataset if not self.missing else next(n for n, spec in DATASETS.items() if spec.kind == kind)
            train, test = split(generate(name, s.noise, seed=s.data_seed, n_classes=s.n_classes), s.train_ratio)
        # Each fault has its own stream from the data seed: turning one on leaves the other's draw alone,
        # and with both off nothing is drawn, so the generated sets are the same as ever.
        keep = getattr(s, "class_keep", 100)
        if keep < 100:
            train = keep_share(train, keep, np.random.default_rng([s.data_seed, 5]))
            test = keep_share(test, keep, np.random.default_rng([s.data_seed, 6]))
        noise = getattr(s, "label_noise", 0)
        if noise:
            train = flip_labels(train, noise, np.random.default_rng([s.data_seed, 7]))
        return train, test

    def _own_split(self, s) -> tuple[Dataset, Dataset]:
        own = self.own
        rng = np.random.default_rng(s.data_seed)
        points = own.points
        if s.noise:
            points = points + rng.uniform(-JITTER, JITTER, points.shape) * (s.noise / 100)
        order = rng.permutation(len(own))
        points, labels = points[order], own.labels[order]
        if own.is_test is None:
            return split(Dataset(points, labels, own.kind, own.n_classes), s.train_ratio)
        is_test = own.is_test[order]
        return (Dataset(points[~is_test], labels[~is_test], own.kind, own.n_classes),
                Dataset(points[is_test], labels[is_test], own.kind, own.n_classes))


# ---- drawn points in a link ------------------------------------------------------------------------
# A point is three small integers: x and y on a LINK_STEP grid (0…240 for −6…6) and a code holding the
# label and the split. Packed as 2 bytes each and base64url-encoded: 8 characters a point, so the
# 300 points a link may carry take 2,400 characters.

_GRID = int(round(12 / LINK_STEP))


def encode_points(own: OwnData) -> str:
    """`own` as a link's text: kind letter, class count, then the packed points. ValueError above 300."""
    if len(own) > MAX_LINK_POINTS:
        raise ValueError(f"{len(own)} points: a link carries at most {MAX_LINK_POINTS}; use Export CSV")
    xy = np.clip(np.round((own.points + 6) / LINK_STEP), 0, _GRID).astype(np.uint16)
    test = own.is_test if own.is_test is not None else np.zeros(len(own), bool)
    if own.kind == "regression":   # a value from −3 to 3 in steps of 0.001
        code = np.clip(np.round(own.labels * 1000), -3000, 3000) + 3000
    else:
        code = np.where(own.labels < 0, 0, own.labels + (own.kind == "binary"))
    code = (code * 2 + test).astype(np.uint16)
    packed = np.column_stack([xy, code]).astype(">u2").tobytes()
    return f"{own.kind[0]}{own.n_classes}" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_points(text: str) -> OwnData:
    """The points a link carries (`encode_points`); ValueError with a readable reason if it is damaged."""
    kinds = {"b": "binary", "m": "multiclass", "r": "regression"}
    if len(text) < 2 or text[0] not in kinds or not text[1].isdigit():
        raise ValueError("not a list of drawn points")
    kind, n_classes, body = kinds[text[0]], int(text[1]), text[2:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raise ValueError("the drawn points are damaged") from None
    if len(raw) % 6 or not raw or len(raw) // 6 > MAX_LINK_POINTS:
        raise ValueError("the drawn points are damaged")
    values = np.frombuffer(raw, ">u2").reshape(-1, 3).astype(float)
    if (values[:, :2] > _GRID).any():
        raise ValueError("the drawn points are damaged")
    points = values[:, :2] * LINK_STEP - 6
    is_test, code = values[:, 2] % 2 == 1, values[:, 2] // 2
    if kind == "regression":
        labels = (code - 3000) / 1000
    elif kind == "binary":
        labels = np.where(code > 0, 1.0, -1.0)
    else:
        labels = code
        if (labels >= n_classes).any():
            raise ValueError("the drawn points are damaged")
    return OwnData(points, labels, kind, n_classes, is_test if is_test.any() else None)


def name_own(settings, own: OwnData) -> None:
    """Point `settings` at `own`'s kind (and class count), and put the points in its links if they fit."""
    changes = {"dataset": own.dataset_name, "points": encode_points(own) if len(own) <= MAX_LINK_POINTS else ""}
    if own.kind == "multiclass":
        changes["n_classes"] = own.n_classes
    settings.param.update(**changes)


def load_own(trainer, own: OwnData) -> None:
    """Train on `own` from now on; the run starts over."""
    trainer.source.own = own
    name_own(trainer.settings, own)
    trainer.reset(new_data=True)   # the points changed even where the settings did not
