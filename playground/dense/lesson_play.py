"""A lesson played headless as a learner would: the preset for the lesson's epochs, then
(on request) the solution's step and as many epochs again; judged by the lesson's rule.

`playground train --lesson ID [--apply-solution]` prints this; the tests check every
lesson with it. The page judges the same rule over the same kind of runs (`RunLog`).
"""
from __future__ import annotations

import dataclasses

from playground.dense.headless import run_training
from playground.dense.lesson_measures import lesson_measures
from playground.dense.lesson_rules import Rule, RunLog, judge, rule_measures
from playground.dense.lessons import Lesson
from playground.dense.settings import RESETS_NETWORK, DenseSettings


def dead_links(trainer) -> int:
    """Links that L1 has set to zero for good."""
    return sum(int((~alive).sum()) for alive in trainer.network.alive)


def observe(log: RunLog, trainer, rule: Rule | None = None):
    """Note where `trainer` stands in `log` (a reset is a new run, a changed setting a new stretch), with
    the measures `rule` looks at."""
    names = rule_measures(rule) if rule is not None else ()
    return log.observe(trainer.settings.to_query(), trainer.history, dead_links(trainer), trainer.diverged,
                       lesson_measures(trainer, names) if names else None)


def apply_step(trainer, step: dict[str, str]) -> None:
    """Change the settings in `step` as the page does (one change, the original's reset rules).

    A step that leaves the network as it was (a new learning rate) then starts again from the
    same start, as the page's Apply does: the old run's weights (a diverged run's, dead ReLUs)
    would hide what the step changes.
    """
    parsed, notices = DenseSettings.from_query({**trainer.settings.to_query(), **step})
    if notices:
        raise ValueError(notices[0])
    changed = {name for name in step if getattr(parsed, name) != getattr(trainer.settings, name)}
    trainer.settings.param.update(**{name: getattr(parsed, name) for name in changed})
    trainer.apply(changed)
    if not changed & RESETS_NETWORK:
        trainer.reset()


def play_lesson(lesson: Lesson, trainer, epochs: int, apply_solution: bool = False,
                target: float | None = None) -> dict:
    """Train `trainer` (built from the lesson's settings) for `epochs`; with `apply_solution`, then
    take the lesson's `cause` step if it has one and train `epochs` more, then the solution's step and
    train `epochs` more. The summary of the last run (`run_training`'s),
    with `solved_at` by the lesson's rule, and what the preset's run alone scored (`preset_solved_at`)."""
    rule = lesson.rule if target is None else dataclasses.replace(lesson.rule, target=target)
    log = RunLog()
    summary = run_training(trainer.settings, epochs, rule.target, trainer)
    observe(log, trainer, rule)
    preset = judge(rule, log.runs)
    if apply_solution and lesson.solution is not None:
        # A lesson whose learner first causes the fault (`cause`) plays that step, then the fix.
        for step in filter(None, (lesson.cause, lesson.solution)):
            apply_step(trainer, step)
            observe(log, trainer, rule)
            summary = run_training(trainer.settings, epochs, rule.target, trainer)
            observe(log, trainer, rule)
    verdict = judge(rule, log.runs)
    summary.update(solved_at=verdict.solved_at, holds=verdict.holds, preset_solved_at=preset.solved_at,
                   lesson=lesson.id, needs_step=lesson.needs_step, runs=len(log.runs))
    if lesson.counts_neurons:
        summary["fewest_neurons"] = log.fewest_neurons(rule)
    return summary
