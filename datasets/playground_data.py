"""The TensorFlow Playground's 2-D data sets, with its formulas and constants, plus a few more.

Every generator takes a numpy `Generator` and the noise as a fraction (the UI's
percent / 100, as the original passes it) and returns points and labels in
generation order; `generate` shuffles them, as the original does before splitting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

N_CLASSIFY = 500      # points in a classification set (the original's constant)
N_REGRESS = 1200      # points in a regression set


@dataclass(frozen=True)
class Dataset:
    """Points and their labels, in shuffled order."""

    points: np.ndarray   # (N, 2) float64, roughly in [-6, 6]²
    labels: np.ndarray   # (N,) float64: ±1 (binary), class 0..K-1 (multiclass), value (regression)
    kind: str            # "binary" | "multiclass" | "regression"
    n_classes: int       # 2 binary, K multiclass, 0 regression

    def __len__(self) -> int:
        return len(self.labels)


def N_(message: str) -> str:
    """Mark a label for the app's catalogues (translated where it is shown; data sits below the app)."""
    return message


def _uniform(rng, low, high, n=None):
    return rng.uniform(low, high, n)


def circle(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY):
    """Half the points inside radius 2.5, half in the ring 3.5–5; label +1 inside.

    Noise jitters a copy of each point by U(-5, 5)·noise per axis and the label is
    taken from the jittered copy, so noise flips labels near the boundary while the
    stored positions stay clean (the original's behaviour).
    """
    radius = 5.0
    half = n // 2
    r = np.concatenate([_uniform(rng, 0, radius * 0.5, half), _uniform(rng, radius * 0.7, radius, n - half)])
    angle = _uniform(rng, 0, 2 * np.pi, n)
    x, y = r * np.sin(angle), r * np.cos(angle)
    nx = _uniform(rng, -radius, radius, n) * noise
    ny = _uniform(rng, -radius, radius, n) * noise
    labels = np.where(np.hypot(x + nx, y + ny) < radius * 0.5, 1.0, -1.0)
    return np.column_stack([x, y]), labels


def xor(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY):
    """Uniform in ±5, each coordinate pushed 0.3 away from 0; +1 where x·y ≥ 0 (after jitter)."""
    padding = 0.3
    x = _uniform(rng, -5, 5, n)
    y = _uniform(rng, -5, 5, n)
    x += np.where(x > 0, padding, -padding)
    y += np.where(y > 0, padding, -padding)
    nx = _uniform(rng, -5, 5, n) * noise
    ny = _uniform(rng, -5, 5, n) * noise
    labels = np.where((x + nx) * (y + ny) >= 0, 1.0, -1.0)
    return np.column_stack([x, y]), labels


def gauss(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY):
    """Two clusters, +1 at (2, 2) and -1 at (-2, -2), variance 0.5 + 7·noise."""
    std = np.sqrt(0.5 + 7.0 * noise)
    half = n // 2
    pos = rng.normal((2.0, 2.0), std, (half, 2))
    neg = rng.normal((-2.0, -2.0), std, (n - half, 2))
    return np.vstack([pos, neg]), np.concatenate([np.ones(half), -np.ones(n - half)])


def _spiral_arms(rng, noise, n, deltas):
    points = []
    for k, delta in enumerate(deltas):
        per_arm = n // len(deltas) + (k < n % len(deltas))   # every point used when K ∤ n
        i = np.arange(per_arm)
        r = 5.0 * i / per_arm
        t = 1.75 * i / per_arm * 2 * np.pi + delta
        x = r * np.sin(t) + _uniform(rng, -1, 1, per_arm) * noise
        y = r * np.cos(t) + _uniform(rng, -1, 1, per_arm) * noise
        points.append(np.column_stack([x, y]))
    return points


def spiral(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY):
    """Two arms, r = 5·i/n, t = 1.75·2π·i/n + {0 → +1, π → -1}; noise moves positions."""
    arms = _spiral_arms(rng, noise, n, (0.0, np.pi))
    return np.vstack(arms), np.concatenate([np.ones(len(arms[0])), -np.ones(len(arms[1]))])


def moons(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY):
    """Two interleaved half circles (not in the original), scaled to fill [-6, 6]²."""
    half = n // 2
    a = _uniform(rng, 0, np.pi, half)
    b = _uniform(rng, 0, np.pi, n - half)
    upper = np.column_stack([np.cos(a), np.sin(a)])
    lower = np.column_stack([1 - np.cos(b), 0.5 - np.sin(b)])
    pts = (np.vstack([upper, lower]) - (0.5, 0.25)) * 3.2
    pts += rng.normal(0, 1, pts.shape) * noise * 2.0
    return pts, np.concatenate([np.ones(half), -np.ones(n - half)])


def spiral_multi(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY, n_classes: int = 3):
    """`n_classes` spiral arms (3 by default), evenly turned; label = arm index."""
    deltas = tuple(2 * np.pi * k / n_classes for k in range(n_classes))
    arms = _spiral_arms(rng, noise, n, deltas)
    return np.vstack(arms), np.concatenate([np.full(len(a), k, float) for k, a in enumerate(arms)])


def blobs(rng: np.random.Generator, noise: float, n: int = N_CLASSIFY, n_classes: int = 3):
    """`n_classes` Gaussian blobs on a circle of radius 3.5, variance 0.5 + 7·noise like `gauss`."""
    std = np.sqrt(0.5 + 7.0 * noise)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    labels = np.arange(n) % n_classes
    return centres[labels] + rng.normal(0, std, (n, 2)), labels.astype(float)


def reg_plane(rng: np.random.Generator, noise: float, n: int = N_REGRESS):
    """x, y ~ U(-6, 6); label (x + nx + y + ny) / 10 with n ~ U(-6, 6)·noise, not clamped."""
    x = _uniform(rng, -6, 6, n)
    y = _uniform(rng, -6, 6, n)
    nx = _uniform(rng, -6, 6, n) * noise
    ny = _uniform(rng, -6, 6, n) * noise
    return np.column_stack([x, y]), (x + nx + y + ny) / 10.0


REG_GAUSS_CENTRES = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                              [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], float)


def reg_gauss_label(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each centre contributes sign·max(0, 1 - dist/2); the label is the one of largest magnitude."""
    cx, cy, sign = REG_GAUSS_CENTRES.T
    dist = np.hypot(x[:, None] - cx, y[:, None] - cy)
    contrib = sign * np.maximum(0.0, 1.0 - dist / 2.0)
    pick = np.argmax(np.abs(contrib), axis=1)   # first of equals, as the original's strict '>'
    return contrib[np.arange(len(x)), pick]


def reg_gauss(rng: np.random.Generator, noise: float, n: int = N_REGRESS):
    """x, y ~ U(-6, 6); label from the six signed bumps at the jittered position."""
    x = _uniform(rng, -6, 6, n)
    y = _uniform(rng, -6, 6, n)
    nx = _uniform(rng, -6, 6, n) * noise
    ny = _uniform(rng, -6, 6, n) * noise
    return np.column_stack([x, y]), reg_gauss_label(x + nx, y + ny)


@dataclass(frozen=True)
class DatasetSpec:
    label: str                 # what the UI shows
    kind: str                  # "binary" | "multiclass" | "regression"
    generator: Callable


DATASETS: dict[str, DatasetSpec] = {
    "circle": DatasetSpec(N_("Circle"), "binary", circle),
    "xor": DatasetSpec(N_("Exclusive or"), "binary", xor),
    "gauss": DatasetSpec(N_("Gaussian"), "binary", gauss),
    "spiral": DatasetSpec(N_("Spiral"), "binary", spiral),
    "moons": DatasetSpec(N_("Two moons"), "binary", moons),
    "spiral-multi": DatasetSpec(N_("Spiral, several arms"), "multiclass", spiral_multi),
    "blobs": DatasetSpec(N_("Gaussian blobs"), "multiclass", blobs),
    "reg-plane": DatasetSpec(N_("Plane (regression)"), "regression", reg_plane),
    "reg-gauss": DatasetSpec(N_("Multi-Gaussian (regression)"), "regression", reg_gauss),
}


# The learner's own points (drawn on the map or imported from a CSV), one entry per kind so that the
# settings' `dataset` says the problem as for the generated sets. They have no generator: the session's
# `OwnData` holds the points (playground/dense/data_source.py), and the data-set picker does not list them.
OWN_DATASETS: dict[str, DatasetSpec] = {
    "own": DatasetSpec(N_("Your data"), "binary", None),
    "own-multi": DatasetSpec(N_("Your data, several classes"), "multiclass", None),
    "own-reg": DatasetSpec(N_("Your data (regression)"), "regression", None),
}
OWN_FOR_KIND = {spec.kind: name for name, spec in OWN_DATASETS.items()}


def dataset_spec(name: str) -> DatasetSpec:
    """The spec of a generated data set or of one of the learner's own kinds."""
    return DATASETS[name] if name in DATASETS else OWN_DATASETS[name]


@dataclass(frozen=True)
class OwnData:
    """Points a learner brought (drawn or from a CSV), already in the display domain."""

    points: np.ndarray            # (N, 2) float64, within [-6, 6]²
    labels: np.ndarray            # (N,) as in `Dataset`
    kind: str                     # "binary" | "multiclass" | "regression"
    n_classes: int                # 2, K (3–5) or 0
    is_test: np.ndarray | None    # (N,) bool: the point's split as given, or None to split by the ratio
    scale: float = 1.0            # the points were multiplied by this …
    offset: tuple[float, float] = (0.0, 0.0)   # … after subtracting this (1 and 0: unchanged)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def dataset_name(self) -> str:
        return OWN_FOR_KIND[self.kind]


def generate(name: str, noise: float = 0, seed: int = 0, n_classes: int = 3) -> Dataset:
    """Make data set `name` with `noise` in percent (0–50), shuffled, reproducible from `seed`."""
    spec = DATASETS[name]
    rng = np.random.default_rng(seed)
    kwargs = {"n_classes": n_classes} if spec.kind == "multiclass" else {}
    points, labels = spec.generator(rng, noise / 100.0, **kwargs)
    order = rng.permutation(len(labels))
    k = n_classes if spec.kind == "multiclass" else (2 if spec.kind == "binary" else 0)
    return Dataset(np.ascontiguousarray(points[order]), np.ascontiguousarray(labels[order]), spec.kind, k)


def split(dataset: Dataset, train_ratio: float) -> tuple[Dataset, Dataset]:
    """First floor(N·ratio/100) points train, the rest test (data is already shuffled)."""
    n_train = int(np.floor(len(dataset) * train_ratio / 100))

    def part(sl):
        return Dataset(dataset.points[sl], dataset.labels[sl], dataset.kind, dataset.n_classes)

    return part(slice(0, n_train)), part(slice(n_train, None))
