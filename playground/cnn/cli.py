"""`playground cnn train | explain | bench`: the CNN explainer's back end from the command line.

Importing this module is cheap: TensorFlow is imported only when a CNN
command runs (the `playground` script imports this for every command).
"""
from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path


def add_commands(subparsers) -> None:
    """Register `cnn` and its sub-commands on the `playground` parser's subparsers."""
    from playground.cnn.train import OPTIMIZERS   # numpy only: no TensorFlow yet

    cnn = subparsers.add_parser("cnn", help="the CNN explainer: train TinyVGG, explain an image, benchmark")
    sub = cnn.add_subparsers(dest="cnn_command", required=True, parser_class=type(cnn))

    train = sub.add_parser("train", help="train TinyVGG with Keras and save it as .keras")
    train.add_argument("--dataset", default="mnist-5k",
                       help="mnist-5k (offline, default), mnist, fashion-mnist or cifar10")
    train.add_argument("--epochs", type=int, default=25)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (Adam, cosine decay)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", type=Path, default=None,
                       help="where to write the model (default: tinyvgg_<dataset>.keras here)")
    train.add_argument("--limit", type=int, default=None, help="use only the first N training images")
    train.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                       help="adam (default), sgd, momentum (SGD with momentum 0.9) or rmsprop")
    train.add_argument("--json", action="store_true",
                       help="print one JSON object, last: device, per-epoch history, held-out confusion matrix")
    train.set_defaults(func=_train)

    explain = sub.add_parser("explain", help="classify an image and list every layer's output")
    explain.add_argument("image", type=Path, help="a PNG or JPEG")
    explain.add_argument("--model", default=None, help="a built-in model (mnist, tiny-imagenet) or a .keras file (default: mnist)")
    explain.add_argument("--json", action="store_true", help="print one JSON object, last")
    explain.set_defaults(func=_explain)

    bench = sub.add_parser("bench", help="time loading, the first explanation and explaining new images")
    bench.add_argument("--images", type=int, default=20, help="held-out images to time (default 20)")
    bench.add_argument("--model", default=None, help="a built-in model (mnist, tiny-imagenet) or a .keras file (default: mnist)")
    bench.set_defaults(func=_bench)


def _fail(message: str) -> int:
    print(f"playground: error: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence TensorFlow's native start-up chatter (CUDA probing) written straight to fd 2.

    The CLI promises one line on stderr for bad input; TF_CPP_MIN_LOG_LEVEL
    does not cover the lines logged before absl is initialised.
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_tensorflow() -> str:
    """Import TensorFlow/Keras quietly; returns the training device description."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _quiet_native_stderr():
        import keras  # noqa: F401

        from playground.cnn.train import training_device

        return training_device()


def _train(args) -> int:
    from playground.datasets.images import IMAGE_SETS, DatasetUnavailable

    if args.dataset not in IMAGE_SETS:
        return _fail(f"--dataset {args.dataset!r}: choose one of {', '.join(IMAGE_SETS)}")
    for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value < 1:
            return _fail(f"{flag} {value}: must be at least 1")
    if args.lr <= 0:
        return _fail(f"--lr {args.lr}: must be positive")
    if args.limit is not None and args.limit < 1:
        return _fail(f"--limit {args.limit}: must be at least 1")
    out = args.out or Path(f"tinyvgg_{args.dataset.replace('-', '_')}.keras")
    if out.suffix != ".keras":
        return _fail(f"--out {out}: the file name must end in .keras")

    device = _import_tensorflow()
    from playground.cnn.train import train_tiny_vgg

    print(f"device: {device}", flush=True)

    def show(epoch):
        print(f"epoch {epoch.epoch:3d}  loss {epoch.loss:.4f}  accuracy {epoch.accuracy:.4f}  "
              f"val_loss {epoch.val_loss:.4f}  val_accuracy {epoch.val_accuracy:.4f}  "
              f"({epoch.seconds:.1f} s)", flush=True)

    try:
        report = train_tiny_vgg(args.dataset, epochs=args.epochs, batch_size=args.batch_size,
                                learning_rate=args.lr, seed=args.seed, out=out, limit=args.limit,
                                on_epoch=show, optimizer=args.optimizer)
    except DatasetUnavailable as exc:
        return _fail(str(exc))
    print(f"data: {report.dataset} ({report.n_train} training, {report.n_test} held-out images); "
          f"TinyVGG with {report.parameters} parameters")
    print(f"held-out accuracy: {report.held_out_accuracy:.4f}")
    print(f"seconds: {report.seconds:.1f}")
    print(f"wrote {report.out} ({report.out.stat().st_size / 1024:.0f} KiB)")
    if args.json:
        print(json.dumps(_train_summary(report, args.optimizer)))
    return 0


def _train_summary(report, optimizer: str) -> dict:
    """`playground cnn train --json`: what the text lines say, as one object."""
    return {
        "device": report.device,
        "dataset": report.dataset,
        "optimizer": optimizer,
        "n_train": report.n_train,
        "n_test": report.n_test,
        "parameters": report.parameters,
        "history": [{"epoch": e.epoch, "loss": e.loss, "accuracy": e.accuracy, "val_loss": e.val_loss,
                     "val_accuracy": e.val_accuracy, "seconds": round(e.seconds, 3)} for e in report.epochs],
        "held_out_accuracy": report.held_out_accuracy,
        "val_confusion": report.held_out_confusion.tolist(),   # rows: true classes; columns: predicted
        "seconds": round(report.seconds, 3),
        "out": str(report.out),
    }


def _read_image_bytes(path: Path) -> bytes:
    """The file's bytes, checked to be a readable image (before TensorFlow is imported)."""
    from playground.datasets.image_input import open_image

    if not path.is_file():
        raise FileNotFoundError(f"no image file at {path}")
    data = path.read_bytes()
    open_image(data)
    return data


def _model_file_problem(choice: str | None) -> str | None:
    """Why `--model` names neither a built-in model nor a file (None when it does)."""
    from playground.cnn.catalogue import BUILT_IN

    if choice is None or choice in BUILT_IN or Path(choice).is_file():
        return None
    return f"no model file at {choice} (built-in models: {', '.join(BUILT_IN)})"


def _load(choice: str | None):
    """(model, class names) for `--model`: a built-in model's name, a .keras path, or None (the default)."""
    from playground.cnn import catalogue, loading

    key = catalogue.DEFAULT_MODEL if choice is None else choice
    if key in catalogue.BUILT_IN:
        return catalogue.load_built_in(key), list(catalogue.BUILT_IN[key].class_names)
    model = loading.load_model(Path(choice))
    n_classes = int(model.outputs[0].shape[-1])
    names = catalogue.read_class_names(Path(choice))
    if names is None or len(names) != n_classes:
        names = catalogue.fallback_class_names(n_classes)
    return model, names


def _explain(args) -> int:
    from playground.datasets.image_input import ImageInputError, prepare_image

    try:
        data = _read_image_bytes(args.image)
    except (FileNotFoundError, ImageInputError) as exc:
        return _fail(f"{args.image}: {exc}" if isinstance(exc, ImageInputError) else str(exc))
    if _model_file_problem(args.model):
        return _fail(_model_file_problem(args.model))

    _import_tensorflow()
    from playground.cnn.explain import explain
    from playground.cnn.loading import ModelLoadError

    try:
        model, names = _load(args.model)
        image = prepare_image(data, tuple(model.inputs[0].shape[1:]))
    except (ModelLoadError, ImageInputError) as exc:
        return _fail(str(exc))
    result = explain(model, image, names)

    summary = {
        "image": str(args.image),
        "model": args.model or "default",
        "predicted": result.predicted,
        "predicted_name": result.predicted_name,
        "class_names": result.class_names,
        "probabilities": [round(float(p), 6) for p in result.probabilities],
        "layers": [{"name": t.name, "kind": t.kind, "shape": list(t.output.shape)} for t in result.traces],
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"predicted: {result.predicted_name} (class {result.predicted}, "
          f"probability {result.probabilities[result.predicted]:.4f})")
    order = sorted(range(len(result.class_names)), key=lambda i: -result.probabilities[i])
    for i in order[:5]:
        print(f"  {result.class_names[i]:>12}  {result.probabilities[i]:.4f}")
    print("layers:")
    for t in result.traces:
        print(f"  {t.name:<20} {t.kind:<8} {'×'.join(str(d) for d in t.output.shape)}")
    return 0


def step_through(result) -> int:
    """Compute every step-through number the views can show for one explanation.

    Each layer's kind computes its own (`Kind.step_numbers`: a convolution's
    intermediate maps and first windows, a pooling's first windows), then the
    softmax terms. Returns how many arrays were made (so the work cannot be
    optimised away). Used by the benchmark.
    """
    from playground.cnn.kinds import kind_of
    from playground.cnn.kinds.softmax import softmax_terms

    made = sum(kind_of(t).step_numbers(t) for t in result.traces)
    softmax_terms(result.logits)
    return made + 1


def _bench(args) -> int:
    from playground.datasets.images import load_mnist_5k

    if args.images < 1:
        return _fail(f"--images {args.images}: must be at least 1")
    if _model_file_problem(args.model):
        return _fail(_model_file_problem(args.model))

    t0 = time.perf_counter()
    data = load_mnist_5k()
    csv_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    device = _import_tensorflow()
    import_seconds = time.perf_counter() - t0

    from playground.cnn.explain import explain
    from playground.cnn.loading import ModelLoadError

    t0 = time.perf_counter()
    try:
        model, names = _load(args.model)
    except ModelLoadError as exc:
        return _fail(str(exc))
    load_seconds = time.perf_counter() - t0
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    if shape == data.input_shape:
        images = list(data.x_test[:1 + args.images])
    else:  # another input shape: the shipped samples that fit it (the photos for tiny-imagenet)
        from playground.cnn.catalogue import stand_in_samples

        samples = stand_in_samples(shape)[0]
        images = [samples[i % len(samples)] for i in range(1 + args.images)]

    t0 = time.perf_counter()
    step_through(explain(model, images[0], names))
    first_seconds = time.perf_counter() - t0

    times, explain_only = [], []
    for image in images[1:]:
        t0 = time.perf_counter()
        result = explain(model, image, names)
        t1 = time.perf_counter()
        step_through(result)
        times.append(time.perf_counter() - t0)
        explain_only.append(t1 - t0)

    print(f"device: {device}; CPU cores: {os.cpu_count()}")
    print(f"mnist-5k load (cold, parse the CSV): {csv_seconds * 1e3:.0f} ms")
    print(f"TensorFlow/Keras import: {import_seconds:.2f} s")
    print(f"model load: {load_seconds * 1e3:.0f} ms")
    print(f"first explain + step-through: {first_seconds * 1e3:.0f} ms")
    print(f"cold total (import + load + first explain): {import_seconds + load_seconds + first_seconds:.2f} s")
    print(f"new image, explain + step-through, median of {len(times)}: "
          f"{statistics.median(times) * 1e3:.1f} ms (explain alone {statistics.median(explain_only) * 1e3:.1f} ms)")
    return 0
