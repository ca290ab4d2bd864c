"""`playground train` and `playground bench`: the dense playground without a browser."""
from __future__ import annotations

import json
import math
import sys

from playground.dense.headless import run_training
from playground.dense.settings import DenseSettings, format_value, parse_value

# CLI flag -> DenseSettings parameter; values go through the same parser as the URL.
FLAGS = {
    "dataset": "dataset", "noise": "noise", "train-ratio": "train_ratio", "batch-size": "batch_size",
    "features": "features", "layers": "hidden", "activation": "activation", "lr": "learning_rate",
    "regularization": "regularization", "reg-rate": "reg_rate", "optimizer": "optimizer", "loss": "loss",
    "seed": "seed", "data-seed": "data_seed", "n-classes": "n_classes", "shuffle": "shuffle",
}


def settings_from_args(args) -> DenseSettings:
    """Build settings from parsed flags; ValueError names the bad flag."""
    settings = DenseSettings()
    for flag, name in FLAGS.items():
        raw = getattr(args, flag.replace("-", "_"))
        if raw is None:
            continue
        try:
            setattr(settings, name, parse_value(settings.param[name], raw))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"--{flag} {raw!r}: {str(exc).splitlines()[0]}") from None
    return settings


def _json_safe(value):
    # NaN/inf are not JSON; a diverged run reports null losses (and "diverged": true).
    return None if isinstance(value, float) and not math.isfinite(value) else value


MAX_EPOCHS = 100_000   # minutes of training on one core; more is a typo, not a plan


def _train(args) -> int:
    try:
        if not 0 <= args.epochs <= MAX_EPOCHS:
            raise ValueError(f"--epochs {args.epochs}: must be from 0 to {MAX_EPOCHS}")
        settings = settings_from_args(args)
    except ValueError as exc:
        print(f"playground: error: {exc}", file=sys.stderr)
        return 2
    summary = run_training(settings, args.epochs, args.target)
    history = summary.pop("history")
    if not args.json:
        for epoch in range(0, summary["epochs"] + 1, max(1, summary["epochs"] // 10)):
            print(f"epoch {epoch:6d}  test loss {history['test_loss'][epoch]:.4f}")
        solved = summary["solved_at"]
        print(f"{summary['epochs']} epochs in {summary['seconds']:.2f} s ({summary['epochs_per_second']} epochs/s); "
              f"train loss {summary['train_loss']:.4f}, test loss {summary['test_loss']:.4f}; "
              + (f"test loss ≤ {args.target} at epoch {solved}" if solved is not None else
                 f"test loss never ≤ {args.target}")
              + ("; the run DIVERGED (NaN/inf): try a smaller learning rate" if summary["diverged"] else ""))
    else:
        print(json.dumps({k: _json_safe(v) for k, v in summary.items()}))
    return 0


def _bench(args) -> int:
    from playground import bench

    return bench.run(args.which, seeds=args.seeds, as_json=args.json)


def add_commands(sub) -> None:
    train = sub.add_parser("train", help="train a dense network headless (flags mirror the UI)")
    defaults = DenseSettings()
    for flag, name in FLAGS.items():
        p = defaults.param[name]
        choices = getattr(p, "objects", None)
        hint = f" (one of {', '.join(format_value(o) for o in choices)})" if choices and name != "features" else ""
        train.add_argument(f"--{flag}", default=None, metavar=name.upper(),
                           help=f"{p.doc or name}; default {format_value(getattr(defaults, name)) or 'none'}{hint}")
    train.add_argument("--epochs", type=int, default=500, help=f"epochs to train, 0 to {MAX_EPOCHS:,} (default 500)")
    train.add_argument("--target", type=float, default=0.05, help="test-loss threshold for solved_at (default 0.05)")
    train.add_argument("--json", action="store_true", help="print one JSON summary, last")
    train.set_defaults(func=_train)

    b = sub.add_parser("bench", help="benchmarks: the lecture table, engine speed")
    b.add_argument("which", choices=["lecture", "speed"])
    b.add_argument("--seeds", type=int, default=5, help="seeds per lecture row (default 5)")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_bench)
