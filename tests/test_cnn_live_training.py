"""Live CNN training (playground/cnn/live_training.py): real Keras fits on a few hundred digits.

Every number is checked against Keras itself: the confusion matrix and the held-out loss
against `model.predict` / `model.evaluate`, the kept weights against a plain Keras
callback's own copies. Tests wait for states with a deadline, never for a fixed time.
"""
import subprocess
import sys
import time

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")

from playground.cnn.live_training import LiveTraining, TrainChoices  # noqa: E402
from playground.cnn.training_queue import TrainingQueue, tensorflow_threads  # noqa: E402
from playground.i18n import reset_language, use_language  # noqa: E402

SMALL = TrainChoices(optimizer="adam", learning_rate=3e-3, batch_size=8, epochs=4, train_size=400, seed=1)
LONG = TrainChoices(optimizer="sgd", learning_rate=0.01, batch_size=8, epochs=200, train_size=300)


def wait_for(condition, timeout=300.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def finished(training):
    return training.state in ("done", "stopped", "failed")


class Capture(keras.callbacks.Callback):
    """A plain Keras callback keeping its own copy of the weights at the start and after each epoch."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_begin(self, logs=None):
        self.weights.append(self.model.get_weights())

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


@pytest.fixture(scope="module")
def trained():
    """One small training run to its end (4 epochs × 50 steps), with a Keras callback's copies."""
    capture = Capture()
    training = LiveTraining(SMALL, queue=TrainingQueue(1), max_snapshots=3, callbacks=[capture])
    training.start()
    wait_for(lambda: finished(training))
    assert training.state == "done", training.message
    return training, capture


def test_validation_accuracy_rises_as_it_trains(trained):
    training, _ = trained
    assert [e["epoch"] for e in training.epochs] == [1, 2, 3, 4]
    before = np.mean(np.argmax(training.model_at(0).predict(training.x_val, verbose=0), 1) == training.y_val)
    assert training.epochs[-1]["val_accuracy"] > before + 0.4       # 200 steps of Adam: from chance to most digits
    assert training.epochs[-1]["val_accuracy"] > training.epochs[0]["val_accuracy"]
    assert training.epochs[-1]["loss"] < training.epochs[0]["loss"]
    assert training.progress == pytest.approx(4.0)
    assert training.device == "CPU" or training.device.startswith("GPU: ")
    curves = training.batches
    assert len(curves["progress"]) == len(curves["loss"]) == len(curves["accuracy"]) == 4 * 50
    assert curves["progress"][-1] == pytest.approx(4.0) and np.all(np.diff(curves["progress"]) > 0)


def test_confusion_matrix_and_held_out_loss_are_keras_own(trained):
    training, _ = trained
    model = training.model_at(4)
    probabilities = model.predict(training.x_val, verbose=0)
    predicted = probabilities.argmax(axis=1)
    expected = np.zeros((10, 10), np.int64)
    for true, guess in zip(training.y_val, predicted):
        expected[true, guess] += 1
    np.testing.assert_array_equal(training.confusion, expected)
    assert training.misclassified == [i for i in range(len(predicted)) if predicted[i] != training.y_val[i]]
    np.testing.assert_array_equal(training.predicted, predicted)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(training.x_val, training.y_val, verbose=0)
    assert training.epochs[-1]["val_loss"] == pytest.approx(loss, rel=1e-4)
    assert training.epochs[-1]["val_accuracy"] == pytest.approx(accuracy, abs=1e-6)


def test_kept_weights_are_what_the_model_had_at_each_epoch(trained):
    training, capture = trained
    # max_snapshots=3 over epochs 0..4: thinned evenly, the first and the last kept.
    assert training.snapshot_epochs() == [0, 2, 4]
    for epoch in training.snapshot_epochs():
        for kept, reference in zip(training.weights_at(epoch), capture.weights[epoch], strict=True):
            np.testing.assert_array_equal(kept, reference)
    for kept, reference in zip(training.latest_weights(), capture.weights[-1], strict=True):
        np.testing.assert_array_equal(kept, reference)
    with pytest.raises(KeyError, match="kept: \\[0, 2, 4\\]"):
        training.weights_at(1)
    # A model rebuilt at an epoch gives Keras's outputs for those weights.
    rebuilt = training.model_at(2)
    reference = training.model_at(0)
    reference.set_weights(capture.weights[2])
    np.testing.assert_allclose(rebuilt.predict(training.x_val[:16], verbose=0),
                               reference.predict(training.x_val[:16], verbose=0), atol=1e-6)
    assert training.viewer_model(2) is training.viewer_model(4)     # one model for the live views


def test_save_writes_a_keras_file_with_the_class_names(trained, tmp_path):
    from playground.cnn.catalogue import read_class_names
    from playground.cnn.loading import load_model

    training, capture = trained
    path = training.save(tmp_path / "live.keras")
    assert read_class_names(path) == [str(d) for d in range(10)]
    loaded = load_model(path)
    for kept, reference in zip(loaded.get_weights(), capture.weights[-1], strict=True):
        np.testing.assert_array_equal(kept, reference)


def test_stop_ends_after_the_current_batch():
    queue = TrainingQueue(1)
    training = LiveTraining(LONG, queue=queue)
    training.start()
    wait_for(lambda: training.progress >= 1.3 or finished(training))
    training.stop()
    wait_for(lambda: finished(training))
    assert training.state == "stopped" and training.message == ""
    assert 1 <= len(training.epochs) < LONG.epochs
    assert training.progress < LONG.epochs
    assert queue.running() == 0 and queue.waiting() == 0


def test_pause_holds_between_batches_then_resumes():
    training = LiveTraining(LONG, queue=TrainingQueue(1))
    training.start()
    wait_for(lambda: training.progress > 0.2 or finished(training))
    training.pause()
    wait_for(lambda: training.state == "paused" or finished(training))
    assert training.state == "paused"
    held = training.progress
    time.sleep(1.0)                 # a window in which a running training would move on
    assert training.progress == held and training.state == "paused"
    training.resume()
    wait_for(lambda: training.progress > held or finished(training))
    assert training.state == "training"
    training.pause()                # a paused training can be stopped: it wakes, then ends
    wait_for(lambda: training.state == "paused" or finished(training))
    training.stop()
    wait_for(lambda: finished(training))
    assert training.state == "stopped"


def test_the_queue_runs_k_at_once_and_the_others_wait_their_turn():
    queue = TrainingQueue(2)
    first, second, third, fourth = (LiveTraining(LONG, queue=queue) for _ in range(4))
    for training in (first, second, third, fourth):
        training.start()
    assert (first.state, second.state) == ("training", "training")
    assert (third.state, third.place, fourth.state, fourth.place) == ("queued", 1, "queued", 2)
    assert queue.running() == 2 and queue.waiting() == 2
    wait_for(lambda: first.progress > 0.1 and second.progress > 0.1)
    assert third.progress == 0 and third.state == "queued"

    third.stop()                    # a waiting training that stops leaves the line
    assert third.state == "stopped" and third.place is None
    assert (fourth.state, fourth.place, queue.waiting()) == ("queued", 1, 1)

    first.close()                   # a slot frees when a running one ends: the next in line trains
    wait_for(lambda: fourth.state == "training")
    assert fourth.place is None and queue.running() == 2 and queue.waiting() == 0
    wait_for(lambda: fourth.progress > 0)
    for training in (second, fourth):
        training.stop()
    wait_for(lambda: finished(second) and finished(fourth) and finished(first))
    assert queue.running() == 0
    assert third.progress == 0 and third.epochs == []     # it never trained


def test_one_slot_keeps_the_second_training_waiting_until_the_first_stops():
    queue = TrainingQueue(1)
    first, second = LiveTraining(LONG, queue=queue), LiveTraining(LONG, queue=queue)
    first.start()
    second.start()
    assert (second.state, second.place) == ("queued", 1)
    wait_for(lambda: first.progress > 0.5)
    assert (second.state, second.place, second.progress) == ("queued", 1, 0)
    first.stop()
    wait_for(lambda: second.progress > 0)
    assert second.state == "training" and finished(first)
    second.stop()
    wait_for(lambda: finished(second))


def test_close_stops_the_training_and_frees_its_weights():
    training = LiveTraining(LONG, queue=TrainingQueue(1))
    training.start()
    wait_for(lambda: training.progress >= 1.2 or finished(training))
    assert training.snapshot_epochs()[:2] == [0, 1] and training.latest_weights()
    training.close()
    wait_for(lambda: finished(training))
    assert training.state == "stopped"
    assert training.snapshot_epochs() == [] and training.latest_weights() == []
    with pytest.raises(KeyError):
        training.weights_at(0)


def test_an_uploaded_architecture_trains_with_fresh_weights():
    upload = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                               keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                               keras.layers.Dense(10)])              # ends in logits: trained from logits
    training = LiveTraining(TrainChoices(epochs=1, train_size=200, batch_size=20), architecture=upload,
                            queue=TrainingQueue(1))
    training.start()
    wait_for(lambda: finished(training))
    assert training.state == "done", training.message
    fresh = training.weights_at(0)
    assert [w.shape for w in fresh] == [w.shape for w in upload.get_weights()]
    assert not np.array_equal(fresh[0], upload.get_weights()[0])     # new weights, not the upload's
    assert training.model_at().count_params() == upload.count_params()
    # Logits: the held-out loss is the cross-entropy of their softmax, as Keras computes it.
    model = training.model_at(1)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert training.epochs[0]["val_loss"] == pytest.approx(model.evaluate(training.x_val, training.y_val,
                                                                         verbose=0), rel=1e-4)


def test_an_architecture_that_does_not_fit_the_digits_fails_with_one_line():
    colour = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    training = LiveTraining(TrainChoices(), architecture=colour, queue=TrainingQueue(1))
    assert training.state == "failed"
    assert "32×32×3" in training.message and "28×28×1" in training.message and "\n" not in training.message
    training.start()                            # nothing to start
    assert training.state == "failed"
    five = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(5)])
    assert "5 outputs" in LiveTraining(TrainChoices(), architecture=five, queue=TrainingQueue(1)).message


def test_an_error_inside_the_thread_fails_with_one_translated_line():
    # Outputs of the right width but the wrong rank: Keras's loss refuses it in the middle of fit.
    maps = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(10, 3)])
    token = use_language("uk")
    try:
        training = LiveTraining(TrainChoices(epochs=1, train_size=64), architecture=maps, queue=TrainingQueue(1))
    finally:
        reset_language(token)
    training.start()
    wait_for(lambda: finished(training))
    assert training.state == "failed"
    assert training.message.startswith("Навчання зупинилося через помилку")
    assert "\n" not in training.message and "Traceback" not in training.message and "/" not in training.message


def test_bad_choices_fail_before_anything_runs():
    for choices, words in ((TrainChoices(optimizer="lbfgs"), "unknown optimizer"),
                           (TrainChoices(learning_rate=0), "learning rate"),
                           (TrainChoices(batch_size=0), "batch size")):
        training = LiveTraining(choices, queue=TrainingQueue(1))
        assert training.state == "failed" and words in training.message


def test_thread_pools_leave_the_dense_learners_a_core(monkeypatch):
    monkeypatch.delenv("NN_PLAYGROUND_CNN_THREADS", raising=False)
    assert tensorflow_threads(2) == (1, 1)
    assert tensorflow_threads(16) == (15, 1)
    assert tensorflow_threads(1) == (1, 1)
    monkeypatch.setenv("NN_PLAYGROUND_CNN_THREADS", "4")
    assert tensorflow_threads(2) == (4, 1)


CHECK_POOLS = """
import sys
import playground.cnn.live_training
assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules   # importing it loads nothing
from playground.cnn import warmup
from playground.cnn.training_queue import tensorflow_threads
assert warmup.start() and warmup.done.wait(300)
import tensorflow as tf
print(tf.config.threading.get_intra_op_parallelism_threads(), tf.config.threading.get_inter_op_parallelism_threads(),
      *tensorflow_threads())
"""


def test_the_warm_up_sizes_tensorflows_pools_before_it_runs_anything():
    proc = subprocess.run([sys.executable, "-c", CHECK_POOLS], capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr[-2000:]
    intra, inter, want_intra, want_inter = map(int, proc.stdout.split())
    assert (intra, inter) == (want_intra, want_inter)


def test_the_servers_queue_takes_its_slots_from_the_environment(monkeypatch):
    import playground.cnn.training_queue as training_queue

    for value, slots in (("3", 3), (None, 1), ("many", 1), ("0", 1)):
        monkeypatch.setattr(training_queue, "_server_queue", None)
        if value is None:
            monkeypatch.delenv("NN_PLAYGROUND_CNN_TRAININGS", raising=False)
        else:
            monkeypatch.setenv("NN_PLAYGROUND_CNN_TRAININGS", value)
        queue = training_queue.server_queue()
        assert queue.slots == slots and training_queue.server_queue() is queue    # one per process
