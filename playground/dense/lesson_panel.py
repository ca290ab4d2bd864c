"""The Lessons menu of the dense page: a lesson's goal, what to try, a live "solved" marker
and a solution revealed only on request.

The panel draws texts and reports choices; the page applies settings (`on_apply`) and
tells the panel after every frame where training stands (`show_progress`).
"""
from __future__ import annotations

import time
from typing import Callable

import panel as pn

from playground.components.palettes import CSS_TEXT
from playground.dense.lessons import LESSONS, Lesson
from playground.i18n import _


def _describe(query: dict[str, str]) -> str:
    # Settings as the URL writes them (the same names a teacher's link uses).
    return ", ".join(f"{name}={value or '∅'}" for name, value in query.items())


class LessonPanel(pn.viewable.Viewer):
    """A lesson picker with its texts; `on_apply(query)` is called with the settings to apply."""

    def __init__(self, on_apply: Callable[[dict[str, str]], None], lesson_id: str | None = None):
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
                                     stylesheets=[_TEXT_CSS])
        self.apply_solution = pn.widgets.Button(label=_("Try this solution"), visible=False,
                                                sizing_mode="stretch_width", height=40, stylesheets=[_MENU_CSS],
                                                button_type="primary")
        self._solved_at: tuple[int, float] | None = None
        self._started: float | None = None       # when this run's first epoch was seen
        self.menu.param.watch(self._picked, "value")
        self.solution_button.on_click(self._reveal)
        self.apply_solution.on_click(self._apply_solution)
        self._show_lesson()

    @property
    def lesson(self) -> Lesson | None:
        return LESSONS.get(self.menu.value)

    # ---- choices ----------------------------------------------------------------------

    def _picked(self, _event) -> None:
        self._show_lesson()
        if self.lesson is not None:
            self._on_apply(self.lesson.query())

    def _reveal(self, _event) -> None:
        lesson = self.lesson
        if lesson is None or lesson.solution is None:
            return
        self.solution.object = _("A setting that works: {settings}").format(settings=_describe(lesson.solution))
        self.solution.visible = self.apply_solution.visible = True

    def _apply_solution(self, _event) -> None:
        if self.lesson is not None and self.lesson.solution_query() is not None:
            self._on_apply(self.lesson.solution_query())

    def _show_lesson(self) -> None:
        lesson = self.lesson
        self._solved_at = self._started = None
        self.marker.object = ""
        self.solution.visible = self.apply_solution.visible = False
        self.solution_button.visible = lesson is not None and lesson.solution is not None
        if lesson is None:
            self.text.object = ""
            return
        goal, tries, lecture = _("Goal"), _("Try"), _("In the lecture")
        parts = [f"<p><b>{goal}:</b> {_(lesson.goal)}</p>", f"<p><b>{tries}:</b> {_(lesson.tries)}</p>"]
        if lesson.lecture:
            parts.append(f"<p><b>{lecture}:</b> {_(lesson.lecture)}</p>")
        solved_when = _("Solved when the test loss is at most {target}.").format(target=lesson.target)
        parts.append(f"<p>{solved_when}</p>")
        self.text.object = "".join(parts)

    # ---- progress ---------------------------------------------------------------------

    def show_progress(self, epoch: int, epochs: list[int], test_losses: list[float]) -> None:
        """After a frame: the test loss at each recorded epoch (a long run keeps fewer old points)."""
        lesson = self.lesson
        if lesson is None:
            return
        if epoch == 0:              # a new run (reset, new settings): the marker starts over
            self._solved_at = self._started = None
            self.marker.object = ""
            return
        now = time.perf_counter()
        if self._started is None:
            self._started = now
        if self._solved_at is None:
            first = next((e for e, loss in zip(epochs, test_losses) if loss <= lesson.target), None)
            if first is not None:
                self._solved_at = (first, now - self._started)
                self.marker.object = "✔ " + _("Solved at epoch {epoch}, after {seconds:.1f} s.").format(
                    epoch=first, seconds=self._solved_at[1])

    def __panel__(self):
        return pn.Column(self.menu, self.text, self.marker, self.solution_button, self.solution, self.apply_solution,
                         sizing_mode="stretch_width", margin=(0, 0, 8, 0), name="lessons")


_MENU_CSS = """
:host { --font-size: 16px; font-size: 16px; }
label { font-size: 15px; font-weight: 600; }
select.bk-input { font-size: 16px; height: 38px; }
.bk-btn { font-size: 16px; }
"""
_TEXT_CSS = f":host {{ font-size: 15px; line-height: 1.35; color: {CSS_TEXT}; }} p {{ margin: 4px 0; }}"
_MARKER_CSS = ":host { font-size: 17px; font-weight: 700; color: #1a7f37; }"
