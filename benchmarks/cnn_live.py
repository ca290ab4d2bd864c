"""Live CNN training (issue 24): epochs/s, the live view's overhead, and what it leaves the dense class.

Default mode, on the device Keras picks (a GPU when TensorFlow sees one, else the CPU):
  - bare: `model.fit` of TinyVGG on the first N MNIST digits with `validation_data` (the held-out
    digits), as a script would train it: nothing watches it;
  - live: `LiveTraining` on the same data and device, its callback logging every batch, copying the
    weights twice a second and, after each epoch, evaluating the held-out digits (loss, accuracy,
    confusion matrix: one pass, as `validation_data` makes one) and keeping a snapshot; and a reader
    thread standing in for the page: twice a second it takes the latest weights into the viewer model
    and runs the explainer's trace of one image (`playground.cnn.explain`), as the overview does.
  Epochs are timed from the end of the first one (which traces the training function). The two
  alternate, `--rounds` times each, and the medians are compared: goal ≤ 15 % overhead.

`--dense`: the dense class's training speed (a `Trainer` stepping in this process's main thread,
as the server's event loop does) with 0, 1 and 2 CNN trainings running beside it, the thread pools
sized as the server sizes them (playground/cnn/training_queue.py; `NN_PLAYGROUND_CNN_THREADS` to try
others).

    .venv/bin/python benchmarks/cnn_live.py [--train-size 1000] [--epochs 4] [--rounds 2] [--dense]
"""
from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends = []

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append((time.perf_counter(), time.process_time()))

    return EpochTimer()


def seconds_per_epoch(timer) -> tuple[float, float]:
    """Median (wall seconds, CPU seconds of the whole process) per epoch after the first one.

    The CPU seconds count every thread's work (the reader's traces included) and depend far less
    than the wall time on what else the machine runs.
    """
    pairs = list(zip(timer.ends, timer.ends[1:]))
    return (statistics.median(b[0] - a[0] for a, b in pairs), statistics.median(b[1] - a[1] for a, b in pairs))


def bare_fit(train_size: int, epochs: int, batch_size: int, seed: int = 0) -> tuple[float, float]:
    import keras

    from playground.cnn.model import build_tiny_vgg
    from playground.cnn.train import compile_for_training
    from playground.datasets.images import load_image_set

    data = load_image_set("mnist-5k")
    keras.utils.set_random_seed(seed)
    model = build_tiny_vgg(input_shape=data.input_shape, n_classes=len(data.class_names))
    compile_for_training(model, "adam", 1e-3)
    timer = _epoch_timer()
    model.fit(data.x_train[:train_size], data.y_train[:train_size], batch_size=batch_size, epochs=epochs,
              validation_data=(data.x_test, data.y_test), shuffle=True, verbose=0, callbacks=[timer])
    return seconds_per_epoch(timer)


def live_fit(train_size: int, epochs: int, batch_size: int, reader: bool = True,
             seed: int = 0) -> tuple[tuple[float, float], int]:
    """((wall, CPU) seconds per epoch, traces the reader ran) of one LiveTraining."""
    from playground.cnn.explain import explain
    from playground.cnn.live_training import LiveTraining, TrainChoices
    from playground.cnn.training_queue import TrainingQueue

    timer = _epoch_timer()
    training = LiveTraining(TrainChoices(optimizer="adam", learning_rate=1e-3, batch_size=batch_size,
                                         epochs=epochs, train_size=train_size, seed=seed),
                            queue=TrainingQueue(1), callbacks=[timer])
    traces = 0
    training.start()
    seen = -1
    while training.state not in ("done", "stopped", "failed"):
        time.sleep(0.5)
        if reader and training.weights_version != seen and training.latest_weights():
            seen = training.weights_version
            explain(training.viewer_model(), training.x_val[0], training.class_names)
            traces += 1
    assert training.state == "done", training.message
    training.close()
    return seconds_per_epoch(timer), traces


def overhead(args) -> None:
    from playground.cnn.train import training_device
    from playground.cnn.training_queue import limit_tensorflow_threads

    pools = limit_tensorflow_threads()
    print(f"device: {training_device()}; CPU cores: {os.cpu_count()}; TensorFlow pools (intra, inter): {pools}")
    print(f"TinyVGG on the first {args.train_size} mnist-5k digits, batch {args.batch_size}, "
          f"{args.epochs} epochs a run, 1,000 held-out digits after each epoch")
    bare, live, traces = [], [], []
    for _ in range(args.rounds):
        bare.append(bare_fit(args.train_size, args.epochs, args.batch_size))
        s, n = live_fit(args.train_size, args.epochs, args.batch_size)
        live.append(s)
        traces.append(n)
    for i, what in enumerate(("wall", "CPU")):
        b, v = statistics.median(x[i] for x in bare), statistics.median(x[i] for x in live)
        print(f"{what} time: bare fit {1 / b:.2f} epochs/s ({b:.2f} s an epoch; runs: "
              f"{', '.join(f'{x[i]:.2f}' for x in bare)}); live view {1 / v:.2f} epochs/s ({v:.2f} s; runs: "
              f"{', '.join(f'{x[i]:.2f}' for x in live)}); overhead {100 * (v / b - 1):+.1f} % (goal ≤ 15 %)")
    print(f"reader traces per live run: {traces}")


def dense_epochs_per_second(seconds: float) -> float:
    from playground.dense.settings import DenseSettings
    from playground.dense.trainer import Trainer

    trainer = Trainer(DenseSettings())
    trainer.step(50)                                     # warm
    start, epochs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        done = trainer.step(10)
        if done == 0:                                    # it stopped (early stopping): a new learner
            trainer = Trainer(DenseSettings())
        epochs += done
    return epochs / (time.perf_counter() - start)


def dense_with_cnn(args) -> None:
    from threadpoolctl import threadpool_limits

    from playground.cnn.live_training import LiveTraining, TrainChoices
    from playground.cnn.training_queue import TrainingQueue, limit_tensorflow_threads

    pools = limit_tensorflow_threads()
    print(f"CPU cores: {os.cpu_count()}; TensorFlow pools (intra, inter): {pools}; the dense trainer with "
          f"BLAS on one thread, as in the app; {args.seconds:.0f} s each")
    dense: dict[int, list[float]] = {0: [], 1: [], 2: []}
    cnn_speeds: dict[int, list[float]] = {0: [], 1: [], 2: []}
    with threadpool_limits(1):
        for running in [n for _ in range(args.rounds) for n in (0, 1, 2)]:     # interleaved rounds
            queue = TrainingQueue(max(1, running))
            trainings = [LiveTraining(TrainChoices(epochs=1000, train_size=args.train_size,
                                                   batch_size=args.batch_size), queue=queue)
                         for _ in range(running)]
            for t in trainings:
                t.start()
            deadline = time.monotonic() + 300
            while any(t.progress < 0.2 for t in trainings) and time.monotonic() < deadline:
                time.sleep(0.1)                          # past the first trace: training at full speed
            before = [t.progress for t in trainings]
            t0 = time.perf_counter()
            speed = dense_epochs_per_second(args.seconds)
            elapsed = time.perf_counter() - t0
            cnn = [(t.progress - b) / elapsed for t, b in zip(trainings, before)]
            for t in trainings:
                t.close()
            while any(t.state not in ("stopped", "done", "failed") for t in trainings):
                time.sleep(0.1)
            dense[running].append(speed)
            cnn_speeds[running] += cnn
    for running in (0, 1, 2):
        print(f"{running} CNN trainings: dense {statistics.median(dense[running]):,.0f} epochs/s (median; runs: "
              f"{', '.join(f'{x:.0f}' for x in dense[running])}); CNN epochs/s each: "
              f"{', '.join(f'{c:.2f}' for c in cnn_speeds[running]) or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dense", action="store_true", help="the dense class's speed beside 0, 1, 2 CNN trainings")
    parser.add_argument("--seconds", type=float, default=8.0, help="--dense: seconds per measurement")
    args = parser.parse_args()
    (dense_with_cnn if args.dense else overhead)(args)


if __name__ == "__main__":
    main()
