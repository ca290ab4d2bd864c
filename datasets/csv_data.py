"""A learner's own 2-D data from a CSV file: `x1,x2,label[,split]`, checked line by line.

Labels are ±1 or 0/1 for two classes, class indices 0…K−1 (K = 3–5) for several, and any
other numbers for regression. A first line that is not numbers is a header: its names then
locate the columns, so the app's own Export CSV (x1, x2, other features, label, split) reads
back. Points outside the map, or all within ±1, are moved and scaled to fill it, and the
result says by how much.

A bad file raises `CsvError`, whose message is one line naming the line and the fault; the
caller's state is untouched because nothing is returned.
"""
from __future__ import annotations

import csv
import io
import math

import numpy as np

from playground.datasets.playground_data import N_, OwnData

MAX_POINTS = 2000
MAX_CLASSES = 5
DOMAIN = 6.0        # the map shows [-6, 6]²
FILL = 5.0          # rescaled points reach ±5, as the generated sets do
SPLITS = {"train": False, "test": True}


class CsvError(ValueError):
    """A bad CSV file. `template` and `params` let the page translate the one-line message."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template.format(**params))


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CsvError(N_("line {line}: {column} is {value!r}, not a number"), line=line, column=column,
                       value=text[:40]) from None
    if not math.isfinite(value):
        raise CsvError(N_("line {line}: {column} is {value!r}; every value must be a finite number"), line=line,
                       column=column, value=text[:40])
    return value


def _columns(first: list[str]) -> tuple[dict[str, int], bool]:
    """Where x1, x2, label and split are, and whether the first row is a header."""
    names = [c.strip().lower() for c in first]
    try:
        float(names[0])
        header = False
    except (ValueError, IndexError):
        header = True
    if not header:
        return {"x1": 0, "x2": 1, "label": 2, "split": 3}, False
    where = {name: names.index(name) for name in ("x1", "x2", "label", "split") if name in names}
    missing = [name for name in ("x1", "x2", "label") if name not in where]
    if missing:
        raise CsvError(N_("line 1: the header has no column {column} (expected x1,x2,label[,split])"),
                       column=missing[0])
    return where, True


def parse_csv(text: str) -> OwnData:
    """The points of a CSV text, in file order, in the display domain; CsvError if anything is wrong."""
    rows = csv.reader(io.StringIO(text))
    points, labels, splits = [], [], []
    where, header, last = None, False, 0
    for line, row in enumerate(rows, 1):
        if not any(cell.strip() for cell in row):
            continue      # blank lines, e.g. the one after the last row
        last = line
        if where is None:
            where, header = _columns(row)
            if header:
                continue
        need = max(where["x1"], where["x2"], where["label"]) + 1
        if len(row) < need:
            raise CsvError(N_("line {line}: {count} value(s), expected x1,x2,label[,split]"), line=line,
                           count=len(row))
        if len(points) == MAX_POINTS:
            raise CsvError(N_("line {line}: more than {most} points"), line=line, most=MAX_POINTS)
        points.append((_number(row[where["x1"]], line, "x1"), _number(row[where["x2"]], line, "x2")))
        labels.append(_number(row[where["label"]], line, "label"))
        split = row[where["split"]].strip().lower() if "split" in where and where["split"] < len(row) else ""
        if split and split not in SPLITS:
            raise CsvError(N_("line {line}: split is {value!r}; use train or test"), line=line, value=split[:40])
        splits.append((split, line))
    if not points:
        raise CsvError(N_("line {line}: no points in the file"), line=max(last, 1))
    given = [s for s, _ in splits if s]
    if given and len(given) < len(splits):
        line = next(n for s, n in splits if not s)
        raise CsvError(N_("line {line}: no split, while other lines have one (train or test)"), line=line)
    labels_arr = np.array(labels)
    kind, n_classes, labels_arr = _label_kind(labels_arr, last)
    is_test = np.array([SPLITS[s] for s, _ in splits]) if given else None
    if is_test is not None and is_test.all():
        raise CsvError(N_("line {line}: every point is a test point; mark some as train"), line=last)
    raw = np.array(points, dtype=float)
    scaled, scale, offset = fit_to_map(raw)
    return OwnData(scaled, labels_arr, kind, n_classes, is_test, scale, offset)


def _label_kind(labels: np.ndarray, last_line: int) -> tuple[str, int, np.ndarray]:
    """Two classes (as ±1), several (0…K−1) or regression, from the label values."""
    values = np.unique(labels)
    integral = bool(np.all(labels == np.round(labels)))
    if len(values) == 1:
        raise CsvError(N_("line {line}: every label is {value:g}: two classes at least, or varied values"),
                       line=last_line, value=float(values[0]))
    if integral and len(values) == 2 and set(values) in ({-1.0, 1.0}, {0.0, 1.0}):
        return "binary", 2, np.where(labels > 0, 1.0, -1.0)
    if integral and 3 <= len(values) <= MAX_CLASSES and values[0] == 0 and values[-1] == len(values) - 1:
        return "multiclass", len(values), labels.astype(float)
    return "regression", 0, labels.astype(float)


def fit_to_map(points: np.ndarray) -> tuple[np.ndarray, float, tuple[float, float]]:
    """Points inside the map stay; others are centred and scaled to reach ±FILL: (points, scale, offset).

    "Inside" is within ±DOMAIN and reaching beyond ±1 (points all within ±1 would sit in a speck
    of the map). The new points are (points − offset) · scale.
    """
    reach = float(np.abs(points).max())
    if 1.0 <= reach <= DOMAIN:
        return points.copy(), 1.0, (0.0, 0.0)
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    half = float(np.max(high - low)) / 2
    scale = FILL / half if half > 0 else 1.0
    return (points - centre) * scale, scale, (float(centre[0]), float(centre[1]))


def read_csv(path) -> OwnData:
    """`parse_csv` of a file; CsvError (one line) if it cannot be read as text."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return parse_csv(fh.read())
    except UnicodeDecodeError:
        raise CsvError(N_("line 1: not a text file (UTF-8 CSV expected)")) from None
