"""Two runs side by side: the same start, one thing changed.

The same start is the same data, the same initial weights and the same batch order: a
run's seed and data seed fix all three, so two trainers built from settings that share
them start alike, and the setting the learner changed (optimizer, learning rate,
activation, regularization, batch size) is the only difference. The page's "Run again
from the same start" rebuilds the run from the current seed; "Pin this run" keeps a
`PinnedRun` (its curves and its map) to draw beside the next one;
`playground train --compare` trains both runs headless.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.dense.settings import DenseSettings


def parse_change(text: str) -> dict[str, str]:
    """ "optimizer=adam&learning_rate=0.01" as {name: value} (values may hold commas: hidden=8,8);
    ValueError with the bad part named."""
    change = {}
    for part in filter(None, (p.strip() for p in text.split("&"))):
        name, eq, value = part.partition("=")
        if not eq or not name.strip():
            raise ValueError(f"{part!r}: write NAME=VALUE, e.g. optimizer=adam")
        change[name.strip()] = value.strip()
    if not change:
        raise ValueError("name at least one setting to change, e.g. optimizer=adam")
    return change


def changed_settings(settings: DenseSettings, change: dict[str, str]) -> DenseSettings:
    """A copy of `settings` with `change` on top, from the same start; ValueError if a change is bad."""
    query = settings.to_query()
    unknown = [name for name in change if name not in query]
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r} (choose from {', '.join(query)})")
    if {"seed", "data_seed"} & set(change):
        raise ValueError("seed and data_seed make another start; compare runs from the same start")
    other, notices = DenseSettings.from_query({**query, **change})
    if notices:
        raise ValueError(notices[0])
    return other


def same_start_trainers(settings: DenseSettings, change: dict[str, str]):
    """The run of `settings` and the one with `change`, untrained, from the same start:
    (trainer, trainer) with the same data, initial weights and batch order."""
    from playground.dense.trainer import Trainer

    return Trainer(settings), Trainer(changed_settings(settings, change))


@dataclass(frozen=True)
class PinnedRun:
    """A run kept to compare with: its settings, curves and map, copied (they never change)."""

    settings: dict[str, str]
    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    map_grid: np.ndarray | None       # the output map on −1…+1 (none for several classes)

    def differences(self, settings: dict[str, str]) -> dict[str, tuple[str, str]]:
        """The settings in which `settings` differ from the pinned run's: {name: (pinned, now)}."""
        ignored = {"show_test_data", "discretize", "epochs_per_frame"}
        return {k: (self.settings.get(k, ""), v) for k, v in settings.items()
                if k not in ignored and self.settings.get(k) != v}


def pin(trainer, map_grid: np.ndarray | None) -> PinnedRun:
    """The trainer's run as it is now, as a ghost to draw beside the next run."""
    h = trainer.history
    copy = (lambda key: np.array(h[key], dtype=np.float32))
    return PinnedRun(trainer.settings.to_query(), np.array(h["epoch"], dtype=np.float32), copy("train_loss"),
                     copy("test_loss"), None if map_grid is None else np.array(map_grid, dtype=np.float32))
