"""The dense page tells the class wall what the student picked as soon as it is picked."""
from __future__ import annotations

import time

from playground.classroom.store import SqliteStore
from playground.dense.page import DensePage
from playground.serve.progress import SessionProgress, _Writer


def _record_when(store, condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        records = store.all()
        if records and condition(records[0]):
            return records[0]
        time.sleep(0.05)
    raise AssertionError(f"the wall never saw it: {store.all()}")


def test_a_lesson_and_an_answer_reach_the_wall_before_play(tmp_path):
    store = SqliteStore(tmp_path / "class")
    page = DensePage()
    page.progress = SessionProgress(store, _Writer(store), name="Ann")
    page.lessons.menu.value = "task1"          # the circle lesson: the page's defaults, so no new frame is drawn
    record = _record_when(store, lambda r: r.lesson == "task1")
    assert record.answer == "" and record.epoch == 0 and not page.playing
    choice = next(b for b in page.lessons.choice_buttons if b.visible)
    choice.clicks += 1                         # the student answers the question, still before Play
    record = _record_when(store, lambda r: r.answer != "")
    assert record.answer == page.lessons.prediction_text == choice.label
    assert record.name == "Ann" and record.epoch == 0 and not page.playing
    store.close()
