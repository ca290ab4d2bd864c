"""The Lessons menu of the dense page: a lesson's goal, what to try, its rule in words, a live
marker that shows only while the rule holds, and a solution revealed only on request.

The panel draws texts and reports choices; the page applies settings (`on_apply`) and
tells the panel after every frame where training stands (`show_progress`). The rule itself
is judged in `lesson_rules` over the runs the panel has seen in this session.
"""
from __future__ import annotations

import time
from typing import Callable

import panel as pn

from playground.components.palettes import CSS_TEXT
from playground.dense.lesson_play import observe
from playground.dense.lesson_rules import RunLog, judge, stalled
from playground.dense.lessons import LESSONS, Lesson, held_text, was_solved_text
from playground.i18n import _
from playground.i18n.numbers import format_number

MAX_CHOICES = 4
ANSWER_AFTER = 50            # epochs of a run watched before the question's answer shows
LESSON_CARD_HEIGHT = 210     # px: present mode's card above the views (the page leaves it this much room)


class LessonPanel(pn.viewable.Viewer):
    """A lesson picker with its texts; `on_apply(query)` is called with the settings to apply.

    `on_apply(query, step)`: a lesson's settings (step False, on top of the defaults), or its
    solution's step (True: on top of the current settings, then a new run from the same start).
    """

    def __init__(self, on_apply: Callable[[dict[str, str], bool], None], lesson_id: str | None = None):
        super().__init__()
        self._on_apply = on_apply
        self.menu = pn.widgets.Select(
            name=_("Lessons"), options={_("Free play (no lesson)"): "", **{_(l.title): k for k, l in LESSONS.items()}},
            value=lesson_id if lesson_id in LESSONS else "", sizing_mode="stretch_width",
            stylesheets=[_MENU_CSS], css_classes=["nn-lesson-menu"])
        self.text = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 5), stylesheets=[_TEXT_CSS])
        self.marker = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 5), stylesheets=[_MARKER_CSS],
                                   css_classes=["nn-solved"])
        self.solution_button = pn.widgets.Button(label=_("Show a solution"), sizing_mode="stretch_width",
                                                 height=40, stylesheets=[_MENU_CSS], css_classes=["nn-solution"])
        self.solution = pn.pane.HTML("", visible=False, sizing_mode="stretch_width", margin=(0, 5),
                                     stylesheets=[_TEXT_CSS], css_classes=["nn-solution-text"])
        self.apply_solution = pn.widgets.Button(label=_("Apply"), visible=False, sizing_mode="stretch_width",
                                                height=40, stylesheets=[_MENU_CSS], button_type="primary",
                                                css_classes=["nn-apply-solution"])
        # The lesson card of present mode: the same goal and marker, large enough for the back of a room.
        self.card = pn.pane.HTML("", sizing_mode="stretch_width", height=LESSON_CARD_HEIGHT - 10, margin=(0, 10, 10, 0),
                                 stylesheets=[_CARD_CSS], css_classes=["nn-lesson-card"], visible=False)
        # Predict, then observe: the question before Play, one button per choice, the answer after the run.
        self.question = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 5, 0, 5), stylesheets=[_TEXT_CSS],
                                     css_classes=["nn-question"])
        self.choice_buttons = [pn.widgets.Button(label="", visible=False, sizing_mode="stretch_width", height=36,
                                                 margin=(2, 5), stylesheets=[_CHOICE_CSS],
                                                 css_classes=["nn-choice", f"nn-choice-{i}"]) for i in range(MAX_CHOICES)]
        for i, button in enumerate(self.choice_buttons):
            button.on_click(lambda _e, i=i: self.predict(i))
        self.answer = pn.pane.HTML("", visible=False, sizing_mode="stretch_width", margin=(0, 5),
                                   stylesheets=[_TEXT_CSS], css_classes=["nn-answer"])
        self.predictions: dict[str, int] = {}   # lesson id -> the choice made before Play, kept for the session
        self.log = RunLog()
        self._answered = False
        self._solved_at: tuple[int, float] | None = None   # (epoch, seconds) of the current run, for the class
        self._started: float | None = None       # when this run's first epoch was seen
        self._marker_html = ""
        self.menu.param.watch(self._picked, "value")
        self.solution_button.on_click(self._reveal)
        self.apply_solution.on_click(self._apply_solution)
        self._show_lesson()

    @property
    def lesson(self) -> Lesson | None:
        return LESSONS.get(self.menu.value)

    # ---- choices ----------------------------------------------------------------------

    def predict(self, choice: int) -> None:
        """The learner's answer to the lesson's question (kept in the session; the class view may read it)."""
        lesson = self.lesson
        if lesson is None or lesson.question is None or not 0 <= choice < len(lesson.question.choices):
            return
        self.predictions[lesson.id] = choice
        self._show_question()

    @property
    def prediction(self) -> int | None:
        """The choice made for the current lesson's question, or None."""
        return self.predictions.get(self.menu.value)

    @property
    def prediction_text(self) -> str:
        """The words of the choice made before Play (what the class wall shows), or ""."""
        lesson, choice = self.lesson, self.prediction
        if lesson is None or lesson.question is None or choice is None:
            return ""
        return _(lesson.question.choices[choice])

    @property
    def solved_at(self) -> tuple[int, float] | None:
        """(epoch, seconds) at which the current run met the lesson's rule, or None."""
        return self._solved_at

    def _show_question(self, answered: bool = False) -> None:
        lesson = self.lesson
        question = lesson.question if lesson is not None else None
        before = _("Before you play")
        self.question.object = "" if question is None else f"<p><b>{before}:</b> {_(question.text)}</p>"
        chosen = self.prediction
        for i, button in enumerate(self.choice_buttons):
            button.visible = question is not None and i < len(question.choices)
            if button.visible:
                button.label = _(question.choices[i])
                button.button_type = "primary" if i == chosen else "default"
        self.answer.visible = question is not None and chosen is not None and answered
        if self.answer.visible:
            right = _(question.choices[question.answer])
            verdict = _("Your prediction was right.") if chosen == question.answer else \
                _("You predicted otherwise.")
            answer = _("Answer")
            self.answer.object = (f"<p><b>{answer}:</b> {right}. {verdict}</p>"
                                  f"<p>{_(question.why)}</p>")

    def _picked(self, _event) -> None:
        self._show_lesson()
        if self.lesson is not None:
            self._on_apply(self.lesson.query(), False)

    def _reveal(self, _event) -> None:
        lesson = self.lesson
        if lesson is None or lesson.solution_text is None:
            return
        self.solution.object = f"<p>{_(lesson.solution_text)}</p>"
        self.solution.visible = self.apply_solution.visible = True

    def _apply_solution(self, _event) -> None:
        lesson = self.lesson
        if lesson is not None and lesson.solution is not None:
            self._on_apply(lesson.solution, True)

    def _show_lesson(self) -> None:
        lesson = self.lesson
        self.log.clear()
        self._solved_at = self._started = None
        self._set_marker("")
        self.solution.visible = self.apply_solution.visible = False
        self.solution_button.visible = lesson is not None and lesson.solution is not None
        self._answered = False
        self._show_question()
        if lesson is None:
            self.text.object = ""
            self._show_card()
            return
        goal, tries, lecture, solved = _("Goal"), _("Try"), _("In the lecture"), _("Solved when")
        parts = [f"<p><b>{goal}:</b> {_(lesson.goal)}</p>", f"<p><b>{tries}:</b> {_(lesson.tries)}</p>"]
        if lesson.lecture:
            parts.append(f"<p><b>{lecture}:</b> {_(lesson.lecture)}</p>")
        parts.append(f"<p class='nn-rule'><b>{solved}:</b> {_(lesson.rule_text)}</p>")
        self.text.object = "".join(parts)
        self._show_card()

    def show_card(self, visible: bool) -> None:
        """Present mode shows the lesson card (when a lesson is on)."""
        self.card.visible = visible and self.lesson is not None

    def _show_card(self) -> None:
        lesson = self.lesson
        if lesson is None:
            self.card.object, self.card.visible = "", False
            return
        question = f"<div class='nn-card-question'>{_(lesson.question.text)}</div>" if lesson.question else ""
        self.card.object = (f"<div class='nn-card-title'>{_(lesson.title)}</div>"
                            f"<div class='nn-card-goal'>{_(lesson.goal)}</div>"
                            f"{question}<div class='nn-card-marker'>{self._marker_html}</div>")

    def _set_marker(self, html: str) -> None:
        if html != self._marker_html:
            self._marker_html = html
            self.marker.object = html
            self._show_card()

    # ---- progress ---------------------------------------------------------------------

    def show_progress(self, trainer) -> None:
        """After a frame: judge the lesson's rule over this session's runs, the trainer's the current one."""
        lesson = self.lesson
        if lesson is None:
            return
        run = observe(self.log, trainer, lesson.rule)
        if trainer.epoch == 0:
            self._started = None
        elif self._started is None:
            self._started = time.perf_counter()
        verdict = judge(lesson.rule, self.log.runs)
        if verdict.solved_at is None:
            self._solved_at = None
        elif self._solved_at is None or self._solved_at[0] != verdict.solved_at:
            self._solved_at = (verdict.solved_at, time.perf_counter() - (self._started or time.perf_counter()))
        lines = []
        if verdict.holds:
            lines.append(f"<div class='held'>✔ {held_text(lesson, verdict)}</div>")
        elif verdict.solved_at is not None:
            lines.append(f"<div class='was'>{was_solved_text(lesson, verdict)}</div>")
        else:
            since = stalled(run)
            if since is not None:
                lines.append("<div class='stalled'>" + _("The test loss has stalled near {loss} since epoch {epoch}.")
                             .format(loss=format_number(run.loss, 3), epoch=since) + "</div>")
        if lesson.counts_neurons:
            lines.append("<div class='neurons'>" + self._neurons_text(lesson, trainer) + "</div>")
        self._set_marker("".join(lines))
        # The answer comes once a run has been watched (or the lesson solved), not before.
        answered = verdict.solved_at is not None or any(r.trained >= ANSWER_AFTER for r in self.log.runs)
        if answered != self._answered:
            self._answered = answered
            self._show_question(answered)

    def _neurons_text(self, lesson: Lesson, trainer) -> str:
        used = sum(trainer.settings.hidden)
        fewest = self.log.fewest_neurons(lesson.rule)
        if fewest is None:
            return _("Neurons used: {neurons}. None has solved it yet in this session.").format(neurons=used)
        return _("Neurons used: {neurons}. The fewest that solved it in this session: {fewest}.").format(
            neurons=used, fewest=fewest)

    def __panel__(self):
        return pn.Column(self.menu, self.text, self.question, *self.choice_buttons, self.answer, self.marker,
                         self.solution_button, self.solution, self.apply_solution,
                         sizing_mode="stretch_width", margin=(0, 0, 8, 0), name="lessons")


_MENU_CSS = """
:host { --font-size: 16px; font-size: 16px; }
label { font-size: 15px; font-weight: 600; }
select.bk-input { font-size: 16px; height: 38px; }
.bk-btn { font-size: 16px; }
"""
_TEXT_CSS = f":host {{ font-size: 15px; line-height: 1.35; color: {CSS_TEXT}; }} p {{ margin: 4px 0; }}"
# The marker's colours are its own (a CSS rule here, not yet in playground/theme.py).
_MARKER_CSS = """
:host { font-size: 17px; font-weight: 700; color: #1a7f37; }
.was { color: #9a6700; } .stalled, .neurons { color: var(--nn-text, #333); font-weight: 600; }
"""
_CHOICE_CSS = ":host .bk-btn { font-size: 15px; white-space: normal; text-align: left; }"
# Present mode: read from the back of a room (28 px and up on a 1080p projector).
_CARD_CSS = f"""
:host {{ color: {CSS_TEXT}; border-left: 6px solid #0877bd; padding-left: 12px; overflow: auto; }}
.nn-card-title {{ font-size: 30px; font-weight: 700; margin-bottom: 6px; }}
.nn-card-goal {{ font-size: 26px; line-height: 1.3; }}
.nn-card-question {{ font-size: 26px; line-height: 1.3; font-style: italic; margin-top: 4px; }}
.nn-card-marker {{ font-size: 28px; font-weight: 700; color: #1a7f37; margin-top: 6px; }}
.nn-card-marker .was {{ color: #9a6700; }}
.nn-card-marker .stalled, .nn-card-marker .neurons {{ color: {CSS_TEXT}; }}
"""
