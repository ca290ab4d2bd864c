"""`playground train` and `playground bench`: the dense playground without a browser."""
from __future__ import annotations

import json
import math
import os
import sys
from urllib.parse import urlsplit

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
    "label-noise": "label_noise", "class-keep": "class_keep",
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
        if errors and not _holds_settings(url):     # not a link, or one without '?…'/'#…': nothing to start from
            raise ValueError(f"--url: {errors[0]}")
        # What the link asks for that we cannot reproduce, and values ignored with a notice
        # (as the page shows them): said, not fatal, so the exit code stays 0.
        for note in notes + errors + more:
            print(f"playground: note: {note}", file=sys.stderr)
        return settings
    return DenseSettings()


def _holds_settings(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(parts.query or parts.fragment)


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
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value


MAX_EPOCHS = 100_000   # minutes of training on one core; more is a typo, not a plan


def _train(args) -> int:
    lesson = LESSONS.get(getattr(args, "lesson", None) or "")
    if args.epochs is None:
        args.epochs = lesson.epochs if lesson else 500
    if args.target is None:
        args.target = lesson.target if lesson else 0.05
    try:
        if args.apply_solution and lesson is None:
            raise ValueError("--apply-solution needs --lesson ID")
        if not 0 <= args.epochs <= MAX_EPOCHS:
            raise ValueError(f"--epochs {args.epochs}: must be from 0 to {MAX_EPOCHS}")
        settings = settings_from_args(args)
    except ValueError as exc:
        from playground.serve.user_text import echo   # a 100 KB value is not echoed whole

        print(f"playground: error: {echo(exc, 300)}", file=sys.stderr)
        return 2
    if args.compare is not None:
        return _compare(args, settings)
    from playground.dense.data_source import DataSource, name_own
    from playground.dense.metrics import trainer_metrics
    from playground.dense.trainer import Trainer

    source = DataSource()
    if args.data_csv:
        from playground.datasets.csv_data import CsvError, read_csv

        try:
            source.own = read_csv(args.data_csv)
        except (CsvError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc
            print(f"playground: error: {os.path.basename(args.data_csv)}: {reason}", file=sys.stderr)
            return 2
        name_own(settings, source.own)
    keras_files = (args.load_keras, args.export_keras, args.export_csv, args.export_script)
    from playground.dense.keras_io import export_path_problem

    # Checked before training, which can take hours: a missing folder is found now, not after.
    problem = export_path_problem(args.export_keras, args.export_csv, args.export_script)
    if problem:
        print(f"playground: error: {problem}", file=sys.stderr)
        return 2
    try:
        trainer = _keras_trainer(settings, args, source) if any(keras_files) else Trainer(settings, source=source)
    except (ValueError, OSError) as exc:
        print(f"playground: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if source.missing:
        print(f"playground: error: --dataset {settings.dataset} needs --data-csv FILE", file=sys.stderr)
        return 2
    if lesson is not None:    # solved by the lesson's rule, over the preset's run and the solution's
        from playground.dense.lesson_play import play_lesson

        summary = play_lesson(lesson, trainer, args.epochs, args.apply_solution, args.target)
    else:
        summary = run_training(settings, args.epochs, args.target, trainer)
    summary.update(trainer_metrics(trainer))
    history = summary.pop("history")
    if not args.json:
        for epoch in range(0, summary["epochs"] + 1, max(1, summary["epochs"] // 10)):
            print(f"epoch {epoch:6d}  test loss {history['test_loss'][epoch]:.4f}")
        solved = summary["solved_at"]
        print(f"{summary['epochs']} epochs in {summary['seconds']:.2f} s ({summary['epochs_per_second']} epochs/s); "
              f"train loss {summary['train_loss']:.4f}, test loss {summary['test_loss']:.4f}; "
              + (f"lesson {lesson.id}: " + (f"solved at epoch {solved}" if solved is not None else "not solved")
                 + f" by its rule ({lesson.rule_text})" if lesson is not None else
                 f"test loss ≤ {args.target} at epoch {solved}" if solved is not None else
                 f"test loss never ≤ {args.target}")
              + ("; the run DIVERGED (NaN/inf): try a smaller learning rate" if summary["diverged"] else ""))
        if summary["stopped_at"] is not None:
            print(f"early stopping: no lower test loss for {settings.early_stopping} epochs, stopped at epoch "
                  f"{summary['stopped_at']}; the weights are epoch {summary['best_epoch']}'s")
    else:
        print(json.dumps({k: _json_safe(v) for k, v in summary.items()}))
    if any(keras_files):
        try:
            _export(trainer, args)
        except (ValueError, OSError) as exc:
            print(f"playground: error: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
    return 0


def _compare(args, settings: DenseSettings) -> int:
    """`--compare CHANGE`: the run of the flags and the run with CHANGE, from the same start, both printed."""
    from playground.dense.compare import parse_change, same_start_trainers

    try:
        if args.data_csv or args.load_keras or args.apply_solution:
            raise ValueError("--compare trains two runs of generated data from the flags; "
                             "leave out --data-csv, --load-keras and --apply-solution")
        change = parse_change(args.compare)
        trainers = same_start_trainers(settings, change)
    except ValueError as exc:
        print(f"playground: error: --compare {args.compare[:80]!r}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    summaries = [run_training(t.settings, args.epochs, args.target, t) for t in trainers]
    histories = [summary.pop("history")["test_loss"] for summary in summaries]
    if args.json:
        print(json.dumps({"change": change, "same_start": True,
                          "runs": [{**{k: _json_safe(v) for k, v in summary.items()},
                                    "test_loss_history": _json_safe(history)}
                                   for summary, history in zip(summaries, histories)]}))
        return 0
    label = " ".join(f"{k}={v}" for k, v in change.items())
    print(f"test loss at {'epoch':>6}  {'as set':>10}  {'with ' + label}")
    for epoch in range(0, args.epochs + 1, max(1, args.epochs // 10)):
        values = [f"{h[epoch]:.4f}" if epoch < len(h) else "–" for h in histories]
        print(f"{'':13}{epoch:6d}  {values[0]:>10}  {values[1]}")
    for name, summary in zip(("as set", "with " + label), summaries):
        solved = summary["solved_at"]
        print(f"{name}: test loss {summary['test_loss']:.4f}; "
              + (f"≤ {args.target} at epoch {solved}" if solved is not None else f"never ≤ {args.target}")
              + ("; DIVERGED" if summary["diverged"] else ""))
    return 0


def _keras_trainer(settings: DenseSettings, args, source=None):
    """A trainer for the Keras flags: with --load-keras, the file's shape and weights."""
    from playground.dense.trainer import Trainer

    if not args.load_keras:
        return Trainer(settings, source=source)
    from playground.dense import keras_io

    changes, (weights, biases) = keras_io.import_keras(args.load_keras, settings.features if args.features else None,
                                                       max_neurons=settings.max_neurons)
    keras_io.apply_import(settings, changes)
    trainer = Trainer(settings, source=source)
    trainer.load_weights(weights, biases)
    return trainer


def _export(trainer, args) -> None:
    from playground.dense import keras_io

    for path, write in ((args.export_keras, keras_io.export_keras), (args.export_csv, keras_io.export_csv),
                        (args.export_script, keras_io.export_script)):
        if path:
            write(trainer, path)


def lesson_json(lesson) -> dict:
    """A lesson for `playground lessons --json`: its texts, settings, rule in words and solution."""
    return {"id": lesson.id, "title": _(lesson.title), "goal": _(lesson.goal), "tries": _(lesson.tries),
            "settings": lesson.settings, "target": lesson.target, "epochs": lesson.epochs,
            "lecture": _(lesson.lecture) if lesson.lecture else None, "needs_step": lesson.needs_step,
            "rule": _(lesson.rule_text), "solution": lesson.solution,
            "solution_text": _(lesson.solution_text) if lesson.solution_text else None}


def _lessons(args) -> int:
    if args.json:
        print(json.dumps([lesson_json(lesson) for lesson in LESSONS.values()], ensure_ascii=False))
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
    train.add_argument("--compare", metavar="CHANGE",
                       help="train the run of the flags and the run with CHANGE (e.g. optimizer=adam, or "
                            "optimizer=adam&learning_rate=0.01) from the same start, and print both")
    train.add_argument("--apply-solution", action="store_true",
                       help="with --lesson: train the preset, then take the solution's step and train again")
    train.add_argument("--url", default=None, metavar="URL",
                       help="start from a TF Playground link or this app's own link; other flags override")
    train.add_argument("--json", action="store_true", help="print one JSON summary, last")
    train.add_argument("--data-csv", metavar="FILE.csv",
                       help="train on your own points: x1,x2,label[,split] (±1 or 0/1, class 0…K−1, or values)")
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
