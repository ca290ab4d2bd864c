"""`playground train` and `playground bench`: the dense playground without a browser."""
from __future__ import annotations

import dataclasses
import json
import math
import sys

from playground.dense.headless import run_training
from playground.dense.lessons import LESSONS
from playground.dense.settings import DenseSettings, format_value
from playground.dense.tf_links import parse_url
from playground.i18n import _

# CLI flag -> DenseSettings parameter; values go through the same parser as the URL.
FLAGS = {
    "dataset": "dataset", "noise": "noise", "train-ratio": "train_ratio", "batch-size": "batch_size",
    "features": "features", "layers": "hidden", "activation": "activation", "lr": "learning_rate",
    "regularization": "regularization", "reg-rate": "reg_rate", "optimizer": "optimizer", "loss": "loss",
    "seed": "seed", "data-seed": "data_seed", "n-classes": "n_classes", "shuffle": "shuffle",
    "dropout": "dropout", "early-stopping": "early_stopping", "wide-layers": "wide_layers", "init-zero": "init_zero",
}


def base_settings(args) -> DenseSettings:
    """The settings `--lesson` or `--url` start from (the defaults without them); ValueError if bad."""
    lesson_id, url = getattr(args, "lesson", None), getattr(args, "url", None)
    if lesson_id is not None and url is not None:
        raise ValueError("give --lesson or --url, not both")
    if lesson_id is not None:
        if lesson_id not in LESSONS:
            raise ValueError(f"--lesson {lesson_id!r}: unknown lesson (choose from {', '.join(LESSONS)})")
        return DenseSettings.from_query(LESSONS[lesson_id].query())[0]
    if url is not None:
        query, notes, errors = parse_url(url)
        settings, more = DenseSettings.from_query(query)
        if errors or more:
            raise ValueError(f"--url: {(errors + more)[0]}")
        for note in notes:   # what the link asks for that we cannot reproduce: said, not fatal
            print(f"playground: note: {note}", file=sys.stderr)
        return settings
    return DenseSettings()


def settings_from_args(args) -> DenseSettings:
    """Build settings from parsed flags (on top of --lesson/--url); ValueError names the bad flag."""
    settings = base_settings(args)
    # The layers' limit before the layers.
    for flag, name in sorted(FLAGS.items(), key=lambda item: item[1] != "wide_layers"):
        raw = getattr(args, flag.replace("-", "_"))
        if raw is None:
            continue
        try:
            settings.set_text(name, raw)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"--{flag} {raw!r}: {str(exc).splitlines()[0]}") from None
    return settings


def _json_safe(value):
    # NaN/inf are not JSON; a diverged run reports null losses (and "diverged": true).
    return None if isinstance(value, float) and not math.isfinite(value) else value


MAX_EPOCHS = 100_000   # minutes of training on one core; more is a typo, not a plan


def _train(args) -> int:
    lesson = LESSONS.get(getattr(args, "lesson", None) or "")
    if args.epochs is None:
        args.epochs = lesson.epochs if lesson else 500
    if args.target is None:
        args.target = lesson.target if lesson else 0.05
    try:
        if not 0 <= args.epochs <= MAX_EPOCHS:
            raise ValueError(f"--epochs {args.epochs}: must be from 0 to {MAX_EPOCHS}")
        settings = settings_from_args(args)
    except ValueError as exc:
        print(f"playground: error: {exc}", file=sys.stderr)
        return 2
    trainer = None
    keras_files = (args.load_keras, args.export_keras, args.export_csv, args.export_script)
    if any(keras_files):
        try:
            trainer = _keras_trainer(settings, args)
        except (ValueError, OSError) as exc:
            print(f"playground: error: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
    summary = run_training(settings, args.epochs, args.target, trainer)
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
        if summary["stopped_at"] is not None:
            print(f"early stopping: no lower test loss for {settings.early_stopping} epochs, stopped at epoch "
                  f"{summary['stopped_at']}; the weights are epoch {summary['best_epoch']}'s")
    else:
        print(json.dumps({k: _json_safe(v) for k, v in summary.items()}))
    if trainer is not None:
        try:
            _export(trainer, args)
        except (ValueError, OSError) as exc:
            print(f"playground: error: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
    return 0


def _keras_trainer(settings: DenseSettings, args):
    """A trainer for the Keras flags: with --load-keras, the file's shape and weights."""
    from playground.dense.trainer import Trainer

    if not args.load_keras:
        return Trainer(settings)
    from playground.dense import keras_io

    changes, (weights, biases) = keras_io.import_keras(args.load_keras, settings.features if args.features else None,
                                                       max_neurons=settings.max_neurons)
    keras_io.apply_import(settings, changes)
    trainer = Trainer(settings)
    trainer.load_weights(weights, biases)
    return trainer


def _export(trainer, args) -> None:
    from playground.dense import keras_io

    for path, write in ((args.export_keras, keras_io.export_keras), (args.export_csv, keras_io.export_csv),
                        (args.export_script, keras_io.export_script)):
        if path:
            write(trainer, path)


def _lessons(args) -> int:
    if args.json:
        print(json.dumps([dataclasses.asdict(lesson) for lesson in LESSONS.values()], ensure_ascii=False))
        return 0
    width = max(map(len, LESSONS))
    for lesson in LESSONS.values():
        print(f"{lesson.id:<{width}}  {_(lesson.title)}")
    return 0


def _bench(args) -> int:
    from playground.dense import bench

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
    train.add_argument("--epochs", type=int, default=None, help=f"epochs to train, 0 to {MAX_EPOCHS:,} (default 500, or the lesson's)")
    train.add_argument("--target", type=float, default=None,
                       help="test-loss threshold for solved_at (default 0.05, or the lesson's)")
    train.add_argument("--lesson", default=None, metavar="ID",
                       help="start from a lesson's settings (see `playground lessons`); other flags override")
    train.add_argument("--url", default=None, metavar="URL",
                       help="start from a TF Playground link or this app's own link; other flags override")
    train.add_argument("--json", action="store_true", help="print one JSON summary, last")
    train.add_argument("--load-keras", metavar="FILE", help="start from a dense Keras Sequential (.keras)")
    train.add_argument("--export-keras", metavar="FILE.keras", help="save the trained network for Keras")
    train.add_argument("--export-csv", metavar="FILE.csv", help="save the data: features, label, split")
    train.add_argument("--export-script", metavar="FILE.py",
                       help="save a Keras program that trains the same network on the CSV")
    train.set_defaults(func=_train)

    lessons = sub.add_parser("lessons", help="list the lessons (ids for --lesson and ?lesson=)")
    lessons.add_argument("--json", action="store_true", help="one JSON list with every lesson's settings")
    lessons.set_defaults(func=_lessons)

    b = sub.add_parser("bench", help="benchmarks: the lecture table, engine speed")
    b.add_argument("which", choices=["lecture", "speed"])
    b.add_argument("--seeds", type=int, default=5, help="seeds per lecture row (default 5)")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_bench)
