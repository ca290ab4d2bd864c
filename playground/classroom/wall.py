"""The teacher's wall (`/teacher?key=KEY`): a tile per student, the leaderboard and the results.

The wall reads the class store (every process's and host's students) twice a second and
never imports a page. It opens only with the teacher's key, the projector's
`--present-key`, compared in constant time; a wrong or missing key gets a refusal and
reads nothing of the class. A student who leaves is greyed, then removed.
"""
from __future__ import annotations

import hmac
import io
import math
import os
import time

import panel as pn

from playground.classroom.results import csv_text
from playground.classroom.store import ClassStore, Progress, class_store
from playground.components.classroom.wall_tile import TileTexts, WallBoard, tile_html
from playground.components.safe_text import safe_text
from playground.i18n import _, pick_language, set_session_language
from playground.serve.progress import class_link
from playground.theme import CSS_TEXT, NOTICE_CSS

# The teacher's key: the same variable, and so the same key, as the projector's `?present=KEY`.
TEACHER_KEY_ENV = "NN_PLAYGROUND_PRESENT_KEY"
REFRESH_MS = 500            # the wall reads the store this often (a tile refreshes at least once a second)
REMOVE_AFTER_S = 60         # a student who left stays greyed this long, then the tile goes
LEADERS = 5
# Lessons with a measurable best, and how a solved run ranks: the fewest neurons, then the fewest epochs.
FEWEST_NEURONS = {"task4a"}


def key_ok(given: str, environ=os.environ) -> bool:
    """Whether `given` is the teacher's key (constant time; no key set: nobody is the teacher)."""
    key = environ.get(TEACHER_KEY_ENV, "")
    return bool(key) and hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8"))


def progress_order(record: Progress) -> tuple:
    """Sort key of "by progress": present before gone, solved first (earliest epoch), then lowest test loss."""
    loss = math.inf if record.test_loss is None else record.test_loss
    return (record.left is not None, not record.solved, record.solved_epoch or 0, loss, -record.epoch, record.name)


def leaderboard(records: list[Progress], lesson: str) -> list[Progress]:
    """The best solved runs of `lesson`: fewest neurons for a lesson that asks for them, else lowest test loss."""
    solved = [r for r in records if r.lesson == lesson and r.solved]
    if lesson in FEWEST_NEURONS:
        solved.sort(key=lambda r: (r.neurons, r.solved_epoch or 0))
    else:
        solved.sort(key=lambda r: (math.inf if r.test_loss is None else r.test_loss, r.solved_epoch or 0))
    return solved[:LEADERS]


class Wall(pn.viewable.Viewer):
    """The teacher's view of the class, refreshed from `store` while the page is open."""

    def __init__(self, store: ClassStore, **params):
        super().__init__(**params)
        self.store = store
        self.records: list[Progress] = []
        self._texts = TileTexts.translated(project=True)
        self.board = WallBoard(sizing_mode="stretch_width", margin=(4, 10), name="wall-board",
                               on_message=self._tile_message)
        # Project: the projector (?present=KEY) mirrors the student; the name shows unless the teacher prefers not.
        self.show_name = pn.widgets.Checkbox(name=_("Show the name when projecting"), value=True,
                                             margin=(34, 10, 0, 10), css_classes=["nn-wall-show-name"])
        self.lesson = pn.widgets.Select(name=_("Lesson"), options={_("All lessons"): ""}, width=220,
                                        css_classes=["nn-wall-lesson"])
        self.order = pn.widgets.RadioButtonGroup(options={_("By progress"): "progress", _("By name"): "name"},
                                                 value="progress", margin=(26, 10, 0, 10))
        self.download = pn.widgets.FileDownload(callback=self._csv, filename="class-results.csv",
                                                label=_("Download results (CSV)"), button_type="primary",
                                                width=240, margin=(26, 10, 0, 10), css_classes=["nn-wall-download"])
        self.summary = pn.pane.HTML("", margin=(30, 10, 0, 10), stylesheets=[_TEXT_CSS], name="wall-summary")
        self.leaders = pn.pane.HTML("", margin=(0, 10), stylesheets=[_TEXT_CSS], name="wall-leaders")
        # Send to all: a lesson id or a link to the app, offered to every student (nothing is forced).
        self.send_text = pn.widgets.TextInput(name=_("Send to all"), placeholder=_("a lesson (task2) or a link to /app"),
                                              width=320, css_classes=["nn-wall-send-text"])
        self.send_button = pn.widgets.Button(label=_("Send to all"), width=140, margin=(26, 10, 0, 10),
                                             css_classes=["nn-wall-send"])
        self.send_status = pn.pane.HTML("", margin=(30, 10, 0, 10), stylesheets=[_TEXT_CSS], name="wall-sent")
        self.send_button.on_click(lambda _e: self.send(self.send_text.value))
        self.lesson.param.watch(lambda _e: self.show(), "value")
        self.order.param.watch(lambda _e: self.show(), "value")
        self.refresh()
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.add_periodic_callback(self.refresh, period=REFRESH_MS)

    def refresh(self) -> None:
        """Read the class from the store (dropping those who left long ago) and show it."""
        records = self.store.all()
        gone = time.time() - REMOVE_AFTER_S
        old = [r.student for r in records if r.left is not None and r.left < gone]
        if old:
            self.store.remove(old)
        self.records = [r for r in records if r.left is None or r.left >= gone]
        lessons = sorted({r.lesson for r in self.records if r.lesson})
        options = {_("All lessons"): "", **{lesson: lesson for lesson in lessons}}
        if self.lesson.value and self.lesson.value not in lessons:
            options[self.lesson.value] = self.lesson.value     # a filter never vanishes under the teacher
        if options != self.lesson.options:
            self.lesson.options = options
        self.show()

    def shown(self) -> list[Progress]:
        """The tiles in order: filtered by lesson, sorted by progress or by name."""
        records = [r for r in self.records if not self.lesson.value or r.lesson == self.lesson.value]
        key = progress_order if self.order.value == "progress" else (lambda r: (r.name.casefold(), r.student))
        return sorted(records, key=key)

    def show(self) -> None:
        shown = self.shown()
        tiles = [[r.student, tile_html(student=r.student, name=r.name, page=r.page, lesson=r.lesson, epoch=r.epoch,
                                       test_loss=r.test_loss, solved_epoch=r.solved_epoch if r.solved else None,
                                       solved_seconds=r.solved_seconds, network=r.network, answer=r.answer,
                                       map_side=r.map_side, map_codes=r.map_codes, left=r.left is not None,
                                       texts=self._texts)] for r in shown]
        with pn.io.hold():
            if tiles != self.board.tiles:
                self.board.tiles = tiles
            here = sum(r.left is None for r in self.records)
            solved = sum(r.solved for r in shown)
            summary = _("{students} students · {solved} solved").format(students=here, solved=solved)
            if summary != self.summary.object:
                self.summary.object = summary
            leaders = self._leaders_html()
            if leaders != self.leaders.object:
                self.leaders.object = leaders

    def _leaders_html(self) -> str:
        lesson = self.lesson.value
        best = leaderboard(self.records, lesson) if lesson else []
        if not best:
            return ""
        rows = "".join(
            f'<li><a href="{safe_text(r.link(), 4000)}" target="_blank" rel="noopener">{safe_text(r.name)}</a>'
            f' · {safe_text(r.network)} · {r.test_loss if r.test_loss is not None else 0:.3f}</li>' for r in best)
        title = _("Best solved runs of {lesson}").format(lesson=lesson)
        return f'<div class="nn-leaderboard"><b>{safe_text(title)}</b><ol>{rows}</ol></div>'

    def _tile_message(self, msg: str) -> None:
        verb, _space, student = msg.partition(" ")
        if verb == "project" and any(r.student == student for r in self.records):
            self.project(student)

    def project(self, student: str | None) -> None:
        """Make the projector mirror `student`'s run (None: the teacher's own run)."""
        self.store.project(None if student is None else {"student": student, "show_name": self.show_name.value})
        name = next((r.name for r in self.records if r.student == student), "")
        self.send_status.object = safe_text(_("Projecting {name}").format(name=name)) if student else ""

    def send(self, text: str) -> bool:
        """Offer every student the lesson or link in `text`; a one-line answer either way."""
        link = class_link(text)
        if link is None:
            self.send_status.object = safe_text(_("Not sent: give a lesson id (task2) or a link to /app."))
            return False
        self.store.send({"link": link, "title": text.strip()[:120]})
        self.send_status.object = safe_text(_("Sent to all: {what}").format(what=link))
        return True

    def _csv(self) -> io.StringIO:
        return io.StringIO(csv_text(self.shown()))

    def __panel__(self):
        tools = pn.Row(self.lesson, self.order, self.download, self.summary, margin=0)
        sending = pn.Row(self.send_text, self.send_button, self.show_name, self.send_status, margin=0)
        return pn.Column(tools, sending, self.leaders, self.board, sizing_mode="stretch_width", margin=0, name="wall")


def refusal() -> pn.pane.HTML:
    """What a wrong or missing key gets: one line, nothing of the class."""
    text = _("This page needs the teacher key: open the address that playground serve printed.")
    return pn.pane.HTML(f"<p>{safe_text(text)}</p>", margin=(30, 24), stylesheets=[NOTICE_CSS], name="wall-refused")


def teacher_page():
    """The /teacher page of the session being served: the wall with the right key, else the refusal."""
    args = pn.state.session_args or {}
    requested = args.get("lang", [b""])[-1].decode("utf-8", "replace") or None
    language, _rejected = pick_language(requested, (pn.state.headers or {}).get("Accept-Language"))
    set_session_language(language)
    given = args.get("key", [b""])[-1].decode("utf-8", "replace")
    store = class_store()
    if not key_ok(given) or store is None:
        return refusal()
    heading = _("The class")
    title = pn.pane.HTML(f"<h1>{safe_text(heading)}</h1>", margin=(0, 10), stylesheets=[_TITLE_CSS])
    return pn.Column(title, Wall(store), sizing_mode="stretch_width", margin=0)


_TEXT_CSS = f":host {{ font-size: 18px; color: {CSS_TEXT}; }} ol {{ margin: 4px 0; }}"
_TITLE_CSS = f":host h1 {{ font-size: 26px; margin: 10px 0 0; color: {CSS_TEXT}; }}"
