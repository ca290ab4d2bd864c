"""What stacking a class's networks saves: an epoch of K networks of one shape, stacked and one by one.

The live server trains learners whose networks share a shape as one stack
(playground/dense/cohort.py); this measures that engine alone, in one thread, with
no page: for K learners (each with its own seed, data and learning rate) it prints
the time of one epoch per learner, recording included, stacked (`train_together`)
and one after another (`Trainer.step`), and the ratio.

    .venv/bin/python benchmarks/cohort_speed.py [--sizes 1,2,4,8,16,30] [--epochs 40]
"""
from __future__ import annotations

import argparse
import time

from threadpoolctl import threadpool_limits

from playground.dense.cohort import train_together
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

NETWORKS = {
    "default: circle, tanh 4-2, batch 10": {},
    "spiral, ReLU 8×6, batch 10": dict(dataset="spiral", activation="relu", hidden=[8] * 6),
}
RATES = (0.03, 0.1, 0.01, 0.3)


def class_of(size: int, shape: dict) -> list[Trainer]:
    return [Trainer(DenseSettings(seed=i, data_seed=i, learning_rate=RATES[i % len(RATES)], **shape),
                    history_cap=4000) for i in range(size)]


def per_learner_epoch_ms(size: int, shape: dict, epochs: int, stacked: bool) -> float:
    """Best of three runs: milliseconds per epoch per learner."""
    best = float("inf")
    for _ in range(3):
        trainers = class_of(size, shape)
        start = time.perf_counter()
        if stacked:
            train_together(trainers, 1e9, [epochs] * size)
        else:
            for trainer in trainers:
                trainer.step(epochs)
        best = min(best, time.perf_counter() - start)
    return best / (size * epochs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8,16,30", help="class sizes K, comma-separated")
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")     # as the server runs (playground/app.py)
    for name, shape in NETWORKS.items():
        print(f"{name}: ms per epoch per learner (recording the losses included)")
        print(f"  {'K':>3}  {'one by one':>10}  {'stacked':>8}  {'ratio':>6}")
        for size in (int(s) for s in args.sizes.split(",")):
            alone = per_learner_epoch_ms(size, shape, args.epochs, stacked=False)
            together = per_learner_epoch_ms(size, shape, args.epochs, stacked=True)
            print(f"  {size:>3}  {alone:>10.3f}  {together:>8.3f}  {alone / together:>5.1f}×")


if __name__ == "__main__":
    main()
