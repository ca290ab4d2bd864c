"""The input features the network can see, computed from 2-D points, and the evaluation grid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Feature:
    label: str                                        # how the UI writes it
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x1, x2) -> value


# Ordered as the original's input column.
FEATURES: dict[str, Feature] = {
    "x1": Feature("X₁", lambda x, y: x),
    "x2": Feature("X₂", lambda x, y: y),
    "x1sq": Feature("X₁²", lambda x, y: x * x),
    "x2sq": Feature("X₂²", lambda x, y: y * y),
    "x1x2": Feature("X₁X₂", lambda x, y: x * y),
    "sinx1": Feature("sin(X₁)", lambda x, y: np.sin(x)),
    "sinx2": Feature("sin(X₂)", lambda x, y: np.sin(y)),
}

GRID_SIZE = 100            # the original evaluates every node on a 100×100 grid
DOMAIN = (-6.0, 6.0)       # the display domain, both axes


def feature_matrix(points: np.ndarray, names: list[str] | tuple[str, ...]) -> np.ndarray:
    """(N, len(names)) matrix of the named features of (N, 2) points."""
    x, y = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[n].fn(x, y) for n in names]) if names else np.empty((len(points), 0))


def grid_axis() -> np.ndarray:
    """Cell-centre coordinates of the grid along one axis."""
    lo, hi = DOMAIN
    step = (hi - lo) / GRID_SIZE
    return lo + step * (np.arange(GRID_SIZE) + 0.5)


def grid_points() -> np.ndarray:
    """(GRID_SIZE², 2) points in image order: row i is y (bottom up), column j is x."""
    axis = grid_axis()
    xs, ys = np.meshgrid(axis, axis)
    return np.column_stack([xs.ravel(), ys.ravel()])
