"""The lessons' presets, zero initialisation, and the CLI's --lesson, --url and `lessons`."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from playground.cli import main
from playground.dense.engine import build_network
from playground.dense.headless import run_training
from playground.dense.lessons import LESSONS, lesson_query, lesson_settings
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer


def playground(*args):
    return subprocess.run([sys.executable, "-m", "playground.cli", *args], capture_output=True, text=True, timeout=120)


def test_the_lecture_tasks_and_our_own_are_there():
    assert {"task1", "task2", "task3", "task4", "task4a", "task4b"} <= set(LESSONS)
    assert len(LESSONS) >= 6 + 5
    for lesson in LESSONS.values():
        assert lesson.title and lesson.goal and lesson.tries and 0 < lesson.target < 1


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_lesson_and_solution_parses_without_notices(lesson_id):
    lesson = LESSONS[lesson_id]
    for query in filter(None, [lesson.query(), lesson.solution_query()]):
        settings, notices = DenseSettings.from_query(query)
        assert notices == []
        for name, value in query.items():   # every value really took
            assert settings.to_query()[name] == value, name


def test_the_lecture_numbers():
    # Lecture 05: spiral tanh 4-2 has no solution; 4a asks for the fewest neurons of one layer; 4b is 8x6 ReLU.
    assert lesson_settings("task4").hidden == [4, 2] and LESSONS["task4"].lecture
    a = lesson_settings("task4a")
    assert len(a.features) == 7 and a.hidden == [8]     # "Start with 8 neurons"
    b = lesson_settings("task4b")
    assert (b.features, b.hidden, b.activation) == (["x1", "x2"], [8] * 6, "relu")
    for s in map(lesson_settings, ["task1", "task2", "task3", "task4", "task4a", "task4b"]):
        assert (s.learning_rate, s.batch_size, s.train_ratio, s.noise) == (0.03, 10, 50, 0) and s.classic


# The tasks the lecture solved are solved headless by their preset, within a short budget
# (the lecture's own epochs: 109, 223, ~20, 605).
@pytest.mark.parametrize("lesson_id, epochs", [("task1", 150), ("task2", 250), ("task3", 30), ("task4b", 300)])
def test_lecture_tasks_are_solved_headless(lesson_id, epochs):
    lesson = LESSONS[lesson_id]
    summary = run_training(lesson_settings(lesson_id), epochs, lesson.target)
    assert summary["solved_at"] is not None and summary["solved_at"] <= epochs


def test_our_lessons_show_their_point():
    # A learning rate too high never solves the circle; the solution's does.
    assert run_training(lesson_settings("lr-too-high"), 150, 0.05)["solved_at"] is None
    assert run_training(lesson_settings("lr-too-high", solution=True), 150, 0.05)["solved_at"] is not None
    # A linear network cannot solve the circle.
    assert run_training(lesson_settings("activations"), 300, 0.05)["test_loss"] > 0.4
    # L1 sets links to exactly zero.
    trainer = Trainer(lesson_settings("l1"))
    trainer.step(200)
    assert sum(int((w == 0).sum()) for w in trainer.network.weights) > 0


def test_zero_init_is_zero_weights_and_biases_of_one_tenth():
    net = build_network(3, [4, 2], activation="tanh", init_zero=True, rng=np.random.default_rng(0))
    assert all((w == 0).all() for w in net.weights) and all((b == 0.1).all() for b in net.biases)
    # Off, the draws are exactly what they were before the option existed.
    ref = np.random.default_rng(5)
    net = build_network(3, [4, 2], rng=np.random.default_rng(5))
    for w, shape in zip(net.weights, [(3, 4), (4, 2), (2, 1)]):
        np.testing.assert_array_equal(w, ref.uniform(-0.5, 0.5, shape))


def test_zero_init_neurons_of_a_layer_stay_identical():
    trainer = Trainer(lesson_settings("zero-init"))
    trainer.step(100)
    net = trainer.network
    moved = False
    for w, b in zip(net.weights[:-1], net.biases[:-1]):   # every hidden layer
        np.testing.assert_allclose(w, w[:, :1].repeat(w.shape[1], axis=1), atol=1e-12)
        np.testing.assert_allclose(b, b[0], atol=1e-12)
        moved |= bool(np.abs(w).max() > 1e-3)
    assert moved   # it did train; the symmetry just never broke
    assert trainer.test_loss > 0.3   # like one neuron per layer: no circle
    # The setting rebuilds the network, as other structure settings do.
    before = [w.copy() for w in trainer.network.weights]
    trainer.settings.init_zero = False
    trainer.apply({"init_zero"})
    assert trainer.epoch == 0 and not all(np.array_equal(a, c) for a, c in zip(before, trainer.network.weights))


def test_without_zero_init_training_is_unchanged():
    a, b = Trainer(DenseSettings()), Trainer(DenseSettings(init_zero=False))
    a.step(20), b.step(20)
    assert a.history["test_loss"] == b.history["test_loss"]


def test_lesson_query_applies_a_lesson_under_the_query():
    query, notices = lesson_query({"lesson": "task2", "noise": "10", "hidden": "3"})
    s = DenseSettings.from_query(query)[0]
    assert (s.dataset, s.noise, s.hidden) == ("xor", 10, [3]) and notices == []
    query, notices = lesson_query({"lesson": "task9", "noise": "10"})
    assert query == {"noise": "10"} and len(notices) == 1


# ---- the CLI ---------------------------------------------------------------------------

def test_train_lesson_applies_the_preset_and_flags_override(capsys):
    assert main(["train", "--lesson", "task4b", "--epochs", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["settings"]["hidden"] == "8,8,8,8,8,8" and summary["settings"]["activation"] == "relu"
    assert main(["train", "--lesson", "task4b", "--layers", "3", "--epochs", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["settings"]["hidden"] == "3" and summary["settings"]["dataset"] == "spiral"


def test_train_lesson_uses_the_lessons_budget_and_target(capsys):
    assert main(["train", "--lesson", "task3", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["epochs"] == LESSONS["task3"].epochs and summary["target"] == LESSONS["task3"].target
    assert summary["solved_at"] is not None


def test_train_url_takes_a_tf_playground_link_and_our_own(capsys):
    url = "https://playground.tensorflow.org/#activation=sigmoid&networkShape=5,3&dataset=gauss&seed=0.2&noise=10"
    assert main(["train", "--url", url, "--epochs", "1", "--json"]) == 0
    out = capsys.readouterr()
    s = json.loads(out.out.strip().splitlines()[-1])["settings"]
    assert (s["activation"], s["hidden"], s["dataset"], s["noise"]) == ("sigmoid", "5,3", "gauss", "10")
    assert "seed" in out.err     # what we cannot reproduce is said, but does not stop the run
    assert main(["train", "--url", "http://localhost:5006/app?lesson=task2&seed=3", "--epochs", "1",
                 "--json", "--noise", "5"]) == 0
    s = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["settings"]
    assert (s["dataset"], s["seed"], s["noise"]) == ("xor", "3", "5")


@pytest.mark.parametrize("args", [
    ["--lesson", "nope"], ["--url", "foo"], ["--lesson", "task1", "--url", "http://h/app?noise=1"],
    ["--apply-solution"],
])
def test_bad_lesson_or_url_gives_one_line_and_exit_2(args):
    r = playground("train", *args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("playground: error:")


@pytest.mark.parametrize("url", ["http://h/app?lesson=nope", "http://h/app?bogus=1",
                                 "https://playground.tensorflow.org/#learningRate=0.05"])
def test_a_link_with_a_bad_part_trains_on_with_one_note(url):
    # What a link holds that cannot be used is said, as the page says it, and the rest applies.
    r = playground("train", "--url", url, "--epochs", "1", "--json")
    assert r.returncode == 0 and json.loads(r.stdout.strip().splitlines()[-1])["epochs"] == 1
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("playground: note:")


def test_lessons_lists_every_lesson(capsys):
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(LESSONS)
    assert main(["lessons", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == list(LESSONS)
    assert data[5]["settings"]["hidden"] == "8,8,8,8,8,8" and data[0]["lecture"].startswith("Test loss 0.016")


def test_the_prediction_made_before_play_is_kept_in_words_for_the_class_wall():
    from playground.dense.lesson_panel import LessonPanel
    from playground.dense.lessons import LESSONS

    panel = LessonPanel(lambda query, step: None, "overfitting")
    assert panel.prediction_text == "" and panel.solved_at is None
    panel.predict(1)
    assert panel.prediction == 1 and panel.prediction_text == LESSONS["overfitting"].question.choices[1]
    panel.predict(99)                          # not a choice: nothing changes
    assert panel.prediction == 1
