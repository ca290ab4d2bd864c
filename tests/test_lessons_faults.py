"""The lessons on data and networks that go wrong on purpose: wrong labels, a rare class, dead ReLUs.

Each is played as a learner would, step by step, and the goal is reached only after the step the
lesson teaches, never by its untouched preset (nor, for dead ReLUs, by the fault alone or by a
fix that keeps the dead neurons). The measures the rules read are checked against plain counts.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import main
from playground.datasets.playground_data import generate, split
from playground.dense.diagnosis import dead_neurons
from playground.dense.lesson_measures import lesson_measures
from playground.dense.lesson_play import apply_step, observe, play_lesson
from playground.dense.lesson_rules import Earlier, Has, Is, Reach, Run, RunLog, judge, rule_measures
from playground.dense.lessons import LESSONS, held_text, lesson_settings
from playground.dense.trainer import Trainer

FAULTS = ("label-noise", "imbalance", "dead-relu")


def played(lesson_id: str, seed: int = 0):
    """A learner's session: (lesson, trainer, log, a function that trains `epochs` and observes)."""
    lesson = LESSONS[lesson_id]
    settings = lesson_settings(lesson_id)
    settings.seed = seed
    trainer, log = Trainer(settings), RunLog()

    def train(epochs: int):
        observe(log, trainer, lesson.rule)
        for _ in range(epochs // 10):          # observed every 10 epochs, as the page does every frame
            trainer.step(10)
            observe(log, trainer, lesson.rule)
        return judge(lesson.rule, log.runs)

    return lesson, trainer, log, train


# ---- the rules' measures ------------------------------------------------------------------------

def test_a_measure_condition_holds_on_the_newest_measures_and_an_earlier_run_on_any_it_met():
    rule = Reach(0.05, when=(Is("learning_rate", "<", "3"),), measures=(Has("dead_neurons", "==", 0),),
                 after=Earlier((Is("learning_rate", ">=", "3"),), measures=(Has("dead_neurons", ">=", 2),)))
    assert rule_measures(rule) == {"dead_neurons"}
    high = Run({"learning_rate": "3"}, {"epoch": [0, 1, 2], "test_loss": [0.5, 0.6, 0.7]})
    for dead in (0, 3, 3, 1):            # three died at some point (one came back): that counts
        high.observe_measures({"dead_neurons": dead})
    assert high.observed == [{"dead_neurons": 0}, {"dead_neurons": 3}, {"dead_neurons": 1}]   # repeats kept once
    low = Run({"learning_rate": "0.03"}, {"epoch": [0, 1], "test_loss": [0.5, 0.01]})
    low.observe_measures({"dead_neurons": 0})
    verdict = judge(rule, [high, low])
    assert verdict.solved_at == 1 and verdict.numbers["before_dead_neurons"] == 3
    low.observe_measures({"dead_neurons": 1})            # a neuron of the current run died: not now
    assert judge(rule, [high, low]).solved_at is None
    never = Run({"learning_rate": "3"}, {"epoch": [0, 1], "test_loss": [0.5, 0.6]})
    never.observe_measures({"dead_neurons": 1})
    low.observe_measures({"dead_neurons": 0})
    assert judge(rule, [never, low]).solved_at is None     # the fault was never seen
    assert not Has("dead_neurons", "==", 0).holds({})      # not measured: no condition holds
    assert not Has("minority_recall", "<=", 1).holds({"minority_recall": float("nan")})


def test_the_fault_lessons_need_a_step_and_name_their_measures():
    for lesson_id in FAULTS:
        lesson = LESSONS[lesson_id]
        assert lesson.needs_step and lesson.solution and lesson.question
        assert rule_measures(lesson.rule)
    assert lesson_settings("label-noise").label_noise == 20 and lesson_settings("imbalance").class_keep == 10
    dead = lesson_settings("dead-relu")
    assert (dead.activation, dead.learning_rate) == ("relu", 0.03) and LESSONS["dead-relu"].cause == {
        "learning_rate": "3"}


def test_the_measures_equal_plain_counts():
    _lesson, trainer, _log, _train = played("imbalance")
    trainer.step(60)
    m = lesson_measures(trainer, {"minority_recall", "test_accuracy", "loss_gap", "dead_neurons"})
    net, test = trainer.network, trainer.test
    said = [1.0 if net.predict(trainer._x_test[i:i + 1])[0, 0] >= 0 else -1.0 for i in range(len(test))]
    blue = [i for i in range(len(test)) if test.labels[i] == 1]
    assert blue and m["minority_recall"] == sum(said[i] == 1 for i in blue) / len(blue)
    assert m["test_accuracy"] == pytest.approx(np.mean(np.array(said) == test.labels))
    assert m["loss_gap"] == trainer.history["train_loss"][-1] - trainer.history["test_loss"][-1]
    assert m["dead_neurons"] == 0                        # tanh neurons are never dead


# ---- each lesson, step by step --------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_label_noise_solved_only_by_a_network_that_leaves_the_wrong_labels_alone(seed):
    lesson, trainer, log, train = played("label-noise", seed)
    # A fifth of the training labels are wrong, the test labels are not.
    s = trainer.settings
    clean_train, clean_test = split(generate(s.dataset, s.noise, seed=s.data_seed), s.train_ratio)
    assert np.mean(trainer.train.labels != clean_train.labels) == pytest.approx(0.2, abs=0.01)
    np.testing.assert_array_equal(trainer.test.labels, clean_test.labels)
    assert train(1000).solved_at is None                        # untouched: never solved
    history = trainer.history
    low = int(np.argmin(history["test_loss"]))
    assert history["test_loss"][-1] > history["test_loss"][low] + 0.05    # the test loss rose...
    assert history["train_loss"][-1] < history["train_loss"][low]         # ...while the training loss fell
    apply_step(trainer, lesson.solution)
    verdict = train(300)
    assert verdict.solved_at is not None and verdict.holds
    assert history is not trainer.history and trainer.history["train_loss"][-1] > trainer.test_loss + 0.1
    assert "0.15" in held_text(lesson, verdict)


@pytest.mark.parametrize("lesson_id", ["label-noise", "imbalance"])
def test_the_fix_without_the_faulty_run_first_is_not_solved(lesson_id):
    # A smaller network without having seen the big one learn wrong labels; balanced classes without
    # having seen the accuracy hide the rare class: the lesson's point was not seen.
    lesson, trainer, _log, train = played(lesson_id)
    apply_step(trainer, lesson.solution)
    assert train(300).solved_at is None


@pytest.mark.parametrize("seed", [0, 1])
def test_imbalance_is_solved_by_the_rare_class_recall_after_accuracy_hid_it(seed):
    lesson, trainer, log, train = played("imbalance", seed)
    assert train(300).solved_at is None
    before = log.runs[-1].measures
    assert before["test_accuracy"] >= 0.9 and before["minority_recall"] == 0.0   # 90 % right, no blue found
    apply_step(trainer, lesson.solution)
    verdict = train(300)
    assert verdict.solved_at is not None and verdict.numbers["minority_recall"] >= 0.75
    # Balanced, the accuracy is LOWER than the imbalanced run's: accuracy alone would have said worse.
    assert verdict.numbers["test_accuracy"] < before["test_accuracy"]
    assert "recall was 0.0%" in held_text(lesson, verdict)      # the imbalanced run's blue recall, in the marker


@pytest.mark.parametrize("seed", [0, 1])
def test_dead_relu_needs_the_fault_caused_and_a_fresh_start_to_fix_it(seed):
    lesson, trainer, log, train = played("dead-relu", seed)
    assert train(300).solved_at is None                 # the preset solves the circle, but teaches nothing yet
    apply_step(trainer, lesson.cause)                   # learning rate 3, from the same start
    assert train(300).solved_at is None
    dead = dead_neurons(trainer.network, trainer._x_train)
    n_dead = int(sum(d.sum() for d in dead))
    assert n_dead >= 2 and log.runs[-1].measures["dead_neurons"] == n_dead
    # Dead neurons stay dead: the learning rate lowered mid-run does not bring them back, nor solve it.
    trainer.settings.learning_rate = 0.03
    trainer.apply({"learning_rate"})
    verdict = train(300)
    assert verdict.solved_at is None
    assert int(sum(d.sum() for d in dead_neurons(trainer.network, trainer._x_train))) >= n_dead
    trainer.reset()                                      # "Run again from the same start" at 0.03
    verdict = train(300)
    assert verdict.solved_at is not None and verdict.holds
    assert str(n_dead) in held_text(lesson, verdict)


def test_dead_relu_the_fix_without_the_fault_is_not_solved():
    lesson = LESSONS["dead-relu"]
    summary = play_lesson(lesson, Trainer(lesson_settings("dead-relu")), lesson.epochs)
    assert summary["solved_at"] is None and summary["preset_solved_at"] is None


def test_cli_plays_the_fault_then_the_fix(capsys):
    assert main(["train", "--lesson", "dead-relu", "--apply-solution", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["solved_at"] is not None and summary["runs"] == 3
    assert summary["settings"]["learning_rate"] == "0.03"


def test_the_page_marks_dead_relu_solved_only_after_the_fault_and_a_fresh_start():
    from playground.dense.page import DensePage

    page = DensePage()
    page.lessons.menu.value = "dead-relu"              # chosen from the lesson list

    def play(epochs: int) -> str:
        for _ in range(epochs // 10):
            page.trainer.step(10)
            page._redraw()                             # each frame judges the lesson
        return page.lessons.marker.object

    assert page.settings.learning_rate == 0.03 and page.settings.activation == "relu"
    assert "Solved" not in play(100)
    page.settings.learning_rate = 3.0                  # the learner causes the fault...
    page.run_again()                                   # ...from the same start
    assert "Solved" not in play(100)
    assert "dead ReLU" in page.diagram.marks_label.object and page.diagram.mark_source.data["mark"]
    page.lessons._apply_solution(None)                 # Apply: 0.03, a new run from the same start
    assert page.settings.learning_rate == 0.03 and page.trainer.epoch == 0
    marker = play(100)
    assert "Solved at epoch" in marker and "died" in marker
