"""One frame of the dense page, built from the trainer's state: arrays and texts, no drawing.

`build_frame` is pure (no Panel, no Bokeh): the page hands its pieces to the views,
and tests check its numbers against the engine's own forward pass.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from playground.datasets.features import FEATURES, GRID_SIZE, feature_matrix, grid_points
from playground.dense.trainer import Trainer
from playground.i18n import N_, _

DIVERGED = N_("Training diverged:\nthe loss became ∞ or NaN.\nLower the learning rate,\nthen press Reset.")


@functools.cache
def feature_grids() -> np.ndarray:
    """(features, GRID, GRID) float32: every input feature on the grid (they never change)."""
    values = feature_matrix(grid_points(), list(FEATURES))
    return np.ascontiguousarray(values.T.reshape(len(FEATURES), GRID_SIZE, GRID_SIZE), dtype=np.float32)


@dataclass
class Frame:
    """What one drawn frame shows."""

    node_grids: list[np.ndarray]     # per hidden layer, then the output: (width, GRID, GRID) on the −1…+1 scale
    weights: list[np.ndarray]        # the network's links, per layer (n_in, n_out)
    biases: list[np.ndarray]
    alive: list[np.ndarray]          # which links exist (the original can drop links)
    map_grid: np.ndarray             # the big map: (GRID, GRID) on −1…+1, or (K, GRID, GRID) class probabilities
    map_classes: int | None          # K when `map_grid` holds class probabilities
    discretize: bool                 # the map shows sure answers only
    caption: str                     # what the big map shows (HTML: the node name is in bold)
    alert: str | None                # over the map when training diverged
    epoch_texts: list[str]           # the epoch counter's label and number
    epoch: int


def build_frame(trainer: Trainer, focus: tuple[int, int] | None = None, focus_name: str = "") -> Frame:
    """The frame for `trainer`'s current state.

    `focus` is the (layer, index) of a hovered node (layer 0: an input feature),
    shown in the big map instead of the output; `focus_name` names it in the caption.
    """
    t, s = trainer, trainer.settings
    grids = t.node_grids()
    output = t.display_output(grids[-1])
    focused = _focus_grid(grids, output, focus) if focus is not None else None
    classes = None
    if focused is not None:      # a hovered node fills the big view, as in the original
        big = focused
        caption = _("Showing <b>{node}</b> (hovered)").format(node=focus_name)
    elif s.kind == "multiclass":
        big, classes = grids[-1], grids[-1].shape[0]
        caption = _("Output: likeliest class (paler = less sure)")
    else:
        big = output[0]
        if s.discretize:
            big = np.where(big >= 0, 1.0, -1.0).astype(np.float32)
        caption = _("Output (discretized)") if s.discretize else _("Output")
    net = t.network
    return Frame(node_grids=[*grids[1:-1], output], weights=net.weights, biases=net.biases, alive=net.alive,
                 map_grid=big, map_classes=classes, discretize=s.discretize, caption=caption,
                 alert=_(DIVERGED) if t.diverged else None, epoch_texts=[_("Epoch"), f"{t.epoch:,}"], epoch=t.epoch)


def _focus_grid(grids: list[np.ndarray], output: np.ndarray, focus: tuple[int, int]) -> np.ndarray | None:
    layer, index = focus
    if layer == 0:
        return feature_grids()[index] if 0 <= index < len(FEATURES) else None
    if layer == len(grids) - 1:
        return output[index] if index < len(output) else None
    if layer < len(grids) and index < len(grids[layer]):
        return grids[layer][index]
    return None
