"""Training without a page: what the CLI prints and the benchmarks measure."""
from __future__ import annotations

import time

from playground.dense.settings import DenseSettings


def solved_at(values: list[float], target: float) -> int | None:
    """The first epoch (index into a per-epoch history) whose value is ≤ target."""
    return next((epoch for epoch, v in enumerate(values) if v <= target), None)


def run_training(settings: DenseSettings, epochs: int, target: float, trainer=None) -> dict:
    """Train headless for `epochs` epochs; the summary the CLI prints (and the benchmarks use).

    `trainer`: an already built one to continue (e.g. with imported weights); the caller keeps it.
    """
    from playground.dense.trainer import Trainer

    trainer = trainer or Trainer(settings)
    start = time.perf_counter()
    trainer.step(epochs)
    trainer.restore_best()   # as Keras's EarlyStopping does at the end of `fit`, stopped or not
    seconds = time.perf_counter() - start
    h = trainer.history
    summary = {
        "epochs": trainer.epoch,
        "train_loss": trainer.train_loss,
        "test_loss": trainer.test_loss,
        "solved_at": solved_at(h["test_loss"], target),
        "target": target,
        "diverged": trainer.diverged,
        "stopped_at": trainer.early_stopping.stopped_epoch if trainer.early_stopping else None,
        "best_epoch": trainer.early_stopping.best_epoch if trainer.early_stopping else None,
        "seconds": round(seconds, 4),
        "epochs_per_second": round(trainer.epoch / seconds, 1) if seconds > 0 else None,
        "classic": settings.classic,
        "settings": settings.to_query(),
    }
    if h["test_accuracy"]:
        summary["train_accuracy"] = trainer.current("train_accuracy")
        summary["test_accuracy"] = trainer.current("test_accuracy")
    summary["history"] = {"test_loss": h["test_loss"]}
    return summary
