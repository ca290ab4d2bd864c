"""Lesson rules as data: the verdicts over hand-made runs, and every lesson played headless as a
learner would (untouched preset; preset then the solution's step) on more than one seed."""
from __future__ import annotations

import json
import math

import pytest

from playground.cli import main
from playground.dense.lesson_play import play_lesson
from playground.dense.lesson_rules import (AnyOf, Earlier, Faster, Is, Reach, Run, RunLog, judge, needs_step,
                                           same_start, stalled)
from playground.dense.lessons import LESSONS, lesson_settings
from playground.dense.trainer import Trainer

BASE = {"dataset": "circle", "seed": "0", "data_seed": "0", "hidden": "4,2", "features": "x1,x2",
        "optimizer": "sgd", "regularization": "none", "learning_rate": "0.03", "batch_size": "10"}


def run(losses, **settings) -> Run:
    """A run whose test loss at epoch e is losses[e]."""
    return Run({**BASE, **settings}, {"epoch": list(range(len(losses))), "test_loss": list(losses)})


# ---- the rules over hand-made runs ----------------------------------------------------------

def test_a_loss_target_is_solved_at_the_first_epoch_at_or_below_it_and_holds_only_while_below():
    rule = Reach(0.3)
    verdict = judge(rule, [run([0.5, 0.4, 0.3, 0.2])])
    assert (verdict.solved_at, verdict.holds) == (2, True)
    verdict = judge(rule, [run([0.5, 0.29, 0.31])])       # rose above the target again
    assert (verdict.solved_at, verdict.holds) == (1, False)
    assert judge(rule, [run([0.5, 0.31])]).solved_at is None


def test_overfitting_needs_l2_and_an_earlier_run_without_it_whose_test_loss_rose():
    rule = LESSONS["overfitting"].rule
    rose = run([0.5, 0.28, 0.45])                              # no L2: minimum 0.28, then up to 0.45
    flat = run([0.5, 0.28, 0.29])                              # no L2, but it hardly rose
    l2 = run([0.5, 0.27, 0.26], regularization="l2", reg_rate="0.1")
    assert judge(rule, [rose]).solved_at is None                # the preset alone: below 0.3 without L2
    assert judge(rule, [l2]).solved_at is None                  # L2 without having seen the rise
    assert judge(rule, [flat, l2]).solved_at is None
    verdict = judge(rule, [rose, l2])
    assert verdict.solved_at == 1 and verdict.holds
    assert (verdict.numbers["before_low"], verdict.numbers["before_high"]) == (0.28, 0.45)
    assert judge(rule, [l2, rose]).solved_at is None            # order matters: the current run is the last


def test_faster_needs_the_same_start_and_under_half_the_epochs():
    rule = Faster(0.05, fast=(Is("optimizer", "==", "adam"),), slow=(Is("optimizer", "==", "sgd"),))
    sgd = run([0.5] * 100 + [0.04])                            # SGD reaches 0.05 at epoch 100
    adam = run([0.5] * 40 + [0.04], optimizer="adam")         # Adam at 40 < 50
    slow_adam = run([0.5] * 60 + [0.04], optimizer="adam")    # 60 is not under half of 100
    assert judge(rule, [sgd, adam]).solved_at == 40
    assert judge(rule, [sgd, slow_adam]).solved_at is None
    assert judge(rule, [adam]).solved_at is None                # both runs seen
    other_seed = run([0.5] * 40 + [0.04], optimizer="adam", seed="1")
    assert judge(rule, [sgd, other_seed]).solved_at is None    # not the same start
    # An SGD run that never got there counts once it ran more than twice Adam's epochs.
    assert judge(rule, [run([0.5] * 82), adam]).solved_at == 40     # 81 epochs trained
    assert judge(rule, [run([0.5] * 70), adam]).solved_at is None


def test_same_start_compares_data_weights_and_batch_order_but_not_the_changed_setting():
    a = {**BASE, "optimizer": "sgd"}
    assert same_start(a, {**a, "optimizer": "adam", "learning_rate": "0.1"})
    for name in ("seed", "data_seed", "hidden", "features", "batch_size", "dataset"):
        assert not same_start(a, {**a, name: "9"}), name
    assert same_start(a, {**a, "batch_size": "1"}, frozenset({"batch_size"}))


def test_conditions_on_layers_neurons_and_numbers():
    s = {"hidden": "8,8,8,8,8,8", "learning_rate": "0.3", "activation": "relu"}
    assert Is("layers", "==", "6").holds(s) and Is("neurons", "==", "48").holds(s)
    assert Is("learning_rate", "<", "3").holds(s) and not Is("learning_rate", ">=", "3").holds(s)
    assert AnyOf((Is("activation", "==", "tanh"), Is("layers", ">=", "4"))).holds(s)
    assert not Is("layers", "==", "1").holds({"hidden": ""})


def test_a_changed_setting_mid_run_starts_a_new_stretch_of_the_same_history():
    rule = Reach(0.05, when=(Is("learning_rate", "<", "3"),),
                 after=Earlier((Is("learning_rate", ">=", "3"),), epochs=3))
    history = {"epoch": [0], "test_loss": [0.5]}
    log = RunLog()
    log.observe({**BASE, "learning_rate": "3"}, history)
    for e, v in enumerate([0.9, 0.04, 0.8, 0.7], start=1):     # lr 3: touches 0.04 by chance, then jumps
        history["epoch"].append(e), history["test_loss"].append(v)
    log.observe({**BASE, "learning_rate": "3"}, history)
    assert judge(rule, log.runs).solved_at is None
    log.observe({**BASE, "learning_rate": "0.03"}, history)    # lowered mid-run: epochs after 4 count
    assert judge(rule, log.runs).solved_at is None             # the 0.04 at epoch 2 was the old stretch's
    for e, v in ((5, 0.2), (6, 0.03)):
        history["epoch"].append(e), history["test_loss"].append(v)
    log.observe({**BASE, "learning_rate": "0.03"}, history)
    assert judge(rule, log.runs).solved_at == 6 and len(log.runs) == 2
    # The display settings do not start a stretch.
    log.observe({**BASE, "learning_rate": "0.03", "show_test_data": "1"}, history)
    assert len(log.runs) == 2


def test_stalled_says_since_when_the_test_loss_has_stopped_falling():
    falling = run([0.5 - 0.0003 * e for e in range(1200)])     # 0.15 lower every 500 epochs
    assert stalled(falling) is None
    flat = run([0.5 - 0.0004 * e for e in range(200)] + [0.42] * 800)
    since = stalled(flat)
    assert since is not None and 145 <= since <= 155     # from where it came within 0.02 of 0.42
    assert stalled(run([0.42] * 300)) is None                  # not long enough to say


def test_fewest_neurons_that_solved_it_this_session():
    lesson = LESSONS["task4a"]
    log = RunLog()
    for hidden, reached in (("8", True), ("5", True), ("4", False)):
        history = {"epoch": [0, 1], "test_loss": [0.5, 0.01 if reached else 0.2]}
        log.observe({**lesson.settings, "hidden": hidden}, history)
    assert log.fewest_neurons(lesson.rule) == 5
    assert judge(lesson.rule, log.runs).solved_at is None      # the current run (4 neurons) did not


def test_needs_step_follows_from_the_rule_and_the_preset():
    assert not needs_step(Reach(0.05), BASE)
    assert needs_step(Reach(0.05, when=(Is("regularization", "==", "l2"),)), BASE)
    assert needs_step(Reach(0.05, after=Earlier(())), BASE)
    assert {lid for lid, lesson in LESSONS.items() if lesson.needs_step} >= {
        "task4", "lr-too-high", "overfitting", "activations", "optimizers", "zero-init", "vanishing",
        "batch-size", "momentum"}


def test_every_lesson_states_its_rule_and_its_solution_in_words():
    for lesson in LESSONS.values():
        assert lesson.rule_text and "{epoch}" in lesson.held
        assert (lesson.solution is None) == (lesson.solution_text is None)
        assert lesson.needs_step <= (lesson.solution is not None)   # a step to take needs a solution to show


def test_the_presets_match_their_texts():
    assert lesson_settings("task4a").hidden == [8]                        # "Start with 8 neurons"
    assert lesson_settings("overfitting").show_test_data                  # "Show the test data"
    assert lesson_settings("vanishing").hidden == [8] * 6 and lesson_settings("vanishing").activation == "sigmoid"
    assert lesson_settings("batch-size").batch_size == len(Trainer(lesson_settings("batch-size")).train)


# ---- every lesson, played headless --------------------------------------------------------

SEEDS = (0, 1)


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_lesson_untouched_and_with_its_solution(lesson_id):
    """The preset, for the lesson's epoch budget, never solves a lesson that needs a step; the preset
    followed by the solution's step solves every lesson; on each seed."""
    lesson = LESSONS[lesson_id]
    for seed in SEEDS:
        settings = lesson_settings(lesson_id)
        settings.seed = seed
        summary = play_lesson(lesson, Trainer(settings), lesson.epochs, apply_solution=True)
        if lesson.needs_step:
            assert summary["preset_solved_at"] is None, (seed, summary["preset_solved_at"])
        else:
            assert summary["preset_solved_at"] is not None, seed
        assert summary["solved_at"] is not None, (seed, summary["test_loss"])
        assert summary["solved_at"] <= summary["epochs"]


# ---- the CLI --------------------------------------------------------------------------------

def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_train_lesson_reports_solved_at_by_the_rule(capsys):
    # Overfitting's preset touches 0.3 early (epoch ~15) without L2: by the rule that is not solved.
    assert main(["train", "--lesson", "overfitting", "--json"]) == 0
    untouched = last_json(capsys)
    assert untouched["solved_at"] is None and untouched["needs_step"] is True
    assert main(["train", "--lesson", "overfitting", "--apply-solution", "--json"]) == 0
    solved = last_json(capsys)
    assert solved["solved_at"] is not None and solved["settings"]["regularization"] == "l2"
    assert solved["test_loss"] <= 0.3 and solved["runs"] == 2
    # A lesson the preset solves reports the first epoch at its target, as before.
    assert main(["train", "--lesson", "task3", "--json"]) == 0
    assert last_json(capsys)["solved_at"] is not None


def test_cli_apply_solution_needs_a_lesson(capsys):
    assert main(["train", "--apply-solution", "--epochs", "1"]) == 2
    assert "--apply-solution needs --lesson" in capsys.readouterr().err


def test_cli_lessons_json_gives_the_rule_and_the_solution(capsys):
    assert main(["lessons", "--json"]) == 0
    data = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert list(data) == list(LESSONS)
    for lesson_id, d in data.items():
        assert {"id", "title", "needs_step", "rule", "solution"} <= set(d)
        assert d["needs_step"] == LESSONS[lesson_id].needs_step and d["rule"]
    assert data["overfitting"]["solution"] == {"regularization": "l2", "reg_rate": "0.1"}
    assert data["overfitting"]["needs_step"] and not data["task1"]["needs_step"]
    assert "L2" in data["overfitting"]["rule"] and math.isclose(data["overfitting"]["target"], 0.3)
