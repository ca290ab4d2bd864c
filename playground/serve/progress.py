"""How a page tells the class store where its student stands (the teacher's wall reads the store).

A page calls `session_progress(page).publish(...)` after each frame it draws and when
training stops; the call only keeps the latest state. One writer thread per process
writes each student's latest state to the store at most every `WRITE_INTERVAL_S`
(and the last state once it is that old, so a stopped run's final numbers arrive),
off the event loop, so a slow store never delays a frame. When the server serves no
class (no store set by `playground serve`), `session_progress` gives a publisher that
does nothing, and a lone user pays nothing.

A student's name comes from `?name=NAME` or the header's name field (`set_name`), else
"Student N"; it is cleaned by the roster before it is stored.
"""
from __future__ import annotations

import base64
import logging
import math
import os
import re
import secrets
import threading
import time
import weakref
from dataclasses import replace
from urllib.parse import urlencode, urlparse

import numpy as np

from playground.classroom import results
from playground.classroom.roster import MAX_ANSWER, clean_name, clean_text, default_name
from playground.classroom.store import ClassStore, Progress, class_store

log = logging.getLogger(__name__)

WRITE_INTERVAL_S = 0.5      # at most 2 writes a second per student
MAP_SIDE = 50               # the wall's picture of the decision map: at most this many cells a side


def thin_map(grid: np.ndarray) -> np.ndarray:
    """A copy of a square grid with at most MAP_SIDE cells a side (every k-th cell)."""
    step = max(1, math.ceil(grid.shape[0] / MAP_SIDE))
    return np.array(grid[::step, ::step], np.float32)


def map_codes(small: np.ndarray) -> tuple[int, str]:
    """A square −1…+1 grid as (side, base64 of side² bytes 0…255); NaN (a diverged network) is the middle shade."""
    codes = np.nan_to_num(np.clip((small + 1) * 127.5, 0, 255), nan=127.5).round().astype(np.uint8)
    return small.shape[0], base64.b64encode(codes.tobytes()).decode("ascii")


def network_text(features: list[str], hidden: list[int], outputs: int, activation: str) -> str:
    """The network's shape in one line: "x1,x2 → 4,2 → 1 (tanh)"."""
    layers = ",".join(map(str, hidden)) or "–"
    return f"{','.join(features)} → {layers} → {outputs} ({activation})"


class SessionProgress:
    """One student session's publisher: keeps its record and hands it to the process's writer."""

    active = True

    def __init__(self, store: ClassStore, writer: "_Writer", name: str = "", connected: bool = True):
        self._store = store
        self._writer = writer
        self.record = Progress(student=secrets.token_urlsafe(9), name=clean_name(name), page="", updated=time.time())
        self._started: float | None = None      # when this run's first epoch was seen
        self._map: np.ndarray | None = None     # the latest picture published before the browser connected
        self._connected = False
        if connected:
            self.connected()

    def connected(self) -> None:
        """The browser has the page: from now on the student is on the wall (with a "Student N" name
        if none was given). With `--num-procs`, a page load may build a session in one process while the
        browser's websocket goes to another, which builds its own: the first is never connected, and so
        neither on the wall nor counted."""
        if self._connected:
            return
        self._connected = True
        if not self.record.name:
            self.record = replace(self.record, name=default_name(self._store.next_number()))
        self._writer.offer(self.record, self._map)
        self._map = None

    def publish(self, *, page: str, lesson: str, epoch: int, test_loss: float | None, network: str,
                neurons: int, solved_epoch: int | None = None, solved_seconds: float | None = None,
                answer: str = "", query: dict[str, str] | None = None, map_grid: np.ndarray | None = None) -> None:
        """Where the student stands now (`map_grid`: the decision map on −1…+1, or None for none)."""
        now = time.time()
        if epoch == 0:
            self._started = None
        elif self._started is None:
            self._started = now
        loss = None if test_loss is None or not math.isfinite(test_loss) else float(test_loss)
        self.record = replace(
            self.record, page=page, lesson=lesson, epoch=int(epoch), test_loss=loss,
            solved=solved_epoch is not None, solved_epoch=solved_epoch, solved_seconds=solved_seconds,
            seconds=0.0 if self._started is None else now - self._started, network=network, neurons=int(neurons),
            answer=clean_text(answer, MAX_ANSWER), query=dict(query or {}), left=None,
            map_side=0, map_codes="", updated=now)
        small_map = None if map_grid is None else thin_map(map_grid)
        if self._connected:
            self._writer.offer(self.record, small_map, keep_map=small_map is None)   # a picture not yet written stays
        elif small_map is not None:
            self._map = small_map

    def set_name(self, name: str) -> None:
        """The student typed a name (empty: keep the current one)."""
        name = clean_name(name)
        if name and name != self.record.name:
            self.record = replace(self.record, name=name, updated=time.time())
            if self._connected:
                self._writer.offer(self.record, None, keep_map=True)

    @property
    def name(self) -> str:
        return self.record.name

    def leave(self) -> None:
        """The session ended: the wall greys the tile, then drops it (a session never connected was never shown)."""
        if not self._connected:
            return
        self.record = replace(self.record, left=time.time(), updated=time.time())
        self._writer.offer(self.record, None, keep_map=True)


class NoProgress:
    """The publisher of a server that serves no class: every call does nothing."""

    active = False
    record = None
    name = ""

    def publish(self, **_fields) -> None:
        pass

    def set_name(self, name: str) -> None:
        pass

    def leave(self) -> None:
        pass


NO_PROGRESS = NoProgress()


class _Writer:
    """This process's writer thread: each student's latest record, written at most every WRITE_INTERVAL_S."""

    def __init__(self, store: ClassStore, save_to: str = ""):
        self.store = store
        self.save_to = save_to
        self._pending: dict[str, tuple[Progress, np.ndarray | None, bool]] = {}
        self._written: dict[str, float] = {}    # student -> when its last write went
        self._maps: dict[str, tuple[int, str]] = {}   # student -> the last picture written
        self._solved: set[tuple[str, str, int]] = set()   # results already saved (student, lesson, epoch)
        self._wake = threading.Condition()
        threading.Thread(target=self._run, name="class-progress", daemon=True).start()

    def offer(self, record: Progress, small_map: np.ndarray | None, keep_map: bool = False) -> None:
        with self._wake:
            previous = self._pending.get(record.student)
            if keep_map and previous is not None:   # a name change must not drop a picture not yet written
                small_map = previous[1]
            self._pending[record.student] = (record, small_map, record.left is not None)
            self._wake.notify()

    def _due(self, now: float) -> tuple[list, float | None]:
        """The pending records whose turn has come, and the time until the next one's."""
        ready, wait = [], None
        for student, (record, small_map, urgent) in list(self._pending.items()):
            since = now - self._written.get(student, 0.0)
            if urgent or since >= WRITE_INTERVAL_S:
                ready.append((record, small_map))
                del self._pending[student]
            else:
                wait = WRITE_INTERVAL_S - since if wait is None else min(wait, WRITE_INTERVAL_S - since)
        return ready, wait

    def _run(self) -> None:
        while True:
            with self._wake:
                ready, wait = self._due(time.monotonic())
                while not ready:
                    self._wake.wait(wait)
                    ready, wait = self._due(time.monotonic())
            now = time.monotonic()
            records = []
            for record, small_map in ready:
                if small_map is not None:
                    self._maps[record.student] = map_codes(small_map)
                side, codes = self._maps.get(record.student, (0, ""))
                records.append(replace(record, map_side=side, map_codes=codes, updated=time.time()))
                self._written[record.student] = now
                if record.left is not None:
                    self._maps.pop(record.student, None)
                    self._written.pop(record.student, None)
            try:
                self.store.put(records)
                self._save_results(records)
            except Exception:     # a store gone away must not end the thread; the next write tries again
                log.exception("class progress not written")

    def _save_results(self, records: list[Progress]) -> None:
        # `--save-class FILE`: one row for each run as it is solved.
        if not self.save_to:
            return
        for record in records:
            key = (record.student, record.lesson, record.solved_epoch or 0)
            if record.solved and key not in self._solved:
                self._solved.add(key)
                results.append_rows(self.save_to, [record])


SAVE_CLASS_ENV = "NN_PLAYGROUND_SAVE_CLASS"
_writer: _Writer | None = None
_writer_lock = threading.Lock()
_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()    # Bokeh document -> SessionProgress


def _process_writer(store: ClassStore) -> _Writer:
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = _Writer(store, os.environ.get(SAVE_CLASS_ENV, ""))
        return _writer


def session_progress() -> SessionProgress | NoProgress:
    """The publisher of the session being served (one per browser tab); NO_PROGRESS without a class
    and for the teacher's projected session."""
    import panel as pn     # only a served session has one

    from playground.serve.scheduler import presenting

    store = class_store()
    doc = pn.state.curdoc
    # The teacher's projected session (?present=KEY) is no student: it is not on the wall.
    if store is None or doc is None or doc.session_context is None or presenting(doc):
        return NO_PROGRESS
    progress = _sessions.get(doc)
    if progress is None:
        args = pn.state.session_args or {}
        name = args.get("name", [b""])[-1].decode("utf-8", "replace")
        progress = _sessions[doc] = SessionProgress(store, _process_writer(store), name, connected=False)
        pn.state.onload(progress.connected)
        pn.state.on_session_destroyed(lambda _ctx: progress.leave())
    return progress


def name_field():
    """The header's name field of a class session (components/classroom/name_field.py); None without a class."""
    import panel as pn

    from playground.components.classroom.name_field import NameField
    from playground.i18n import _

    progress = session_progress()
    if not progress.active:
        return None
    from_link = bool((pn.state.session_args or {}).get("name", [b""])[-1].strip())

    def named(text: str) -> str:
        progress.set_name(text)
        return progress.name        # the name as cleaned: shown back and kept in the browser

    return NameField(progress.name, from_link, named, hint=_("Your name (optional)"), width=200, height=40,
                     margin=(8, 10))


MESSAGE_POLL_MS = 2000      # a student's page looks for the teacher's message this often
_LESSON_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def class_link(text: str) -> str | None:
    """What the teacher typed in *Send to all* as a link on this server: a lesson id becomes
    "/app?lesson=ID", an address of the app keeps its query; anything else None."""
    text = text.strip()
    if _LESSON_ID.fullmatch(text):
        return "/app?" + urlencode({"lesson": text})
    parsed = urlparse(text)
    if parsed.scheme not in ("", "http", "https") or parsed.path.rstrip("/").rsplit("/", 1)[-1] != "app":
        return None
    return "/app" + (f"?{parsed.query}" if parsed.query else "")


def class_notice():
    """The header's notice of what the teacher sends the class (components/classroom/class_notice.py);
    None without a class. Only messages sent after the page opened are offered."""
    import panel as pn

    from playground.components.classroom.class_notice import ClassNotice
    from playground.i18n import _

    store = class_store()
    if not session_progress().active or store is None:
        return None
    notice = ClassNotice(open_label=_("Open"), dismiss_label=_("Dismiss"))

    def latest() -> dict | None:
        try:
            return store.message()
        except Exception:        # the store is away for a moment: ask again at the next poll
            return None

    seen = {"id": (latest() or {}).get("id")}

    def poll() -> None:
        message = latest()
        if not message or message.get("id") == seen["id"]:
            return
        seen["id"] = message.get("id")
        link = class_link(str(message.get("link", "")))
        if link is not None:
            notice.offer(_("Your teacher sends the class: {what}").format(what=str(message.get("title", ""))), link)

    pn.state.add_periodic_callback(poll, period=MESSAGE_POLL_MS)
    return notice


PROJECTION_POLL_MS = 500    # the projector follows the mirrored student this often (the store gets 2 writes/s)


def projection_view():
    """The projector's mirror of a student (components/classroom/projection_view.py), for the teacher's
    projected session (`?present=KEY`) only; None for every other session and without a class."""
    import panel as pn

    from playground.components.classroom.projection_view import ProjectionView
    from playground.components.classroom.wall_tile import TileTexts, run_texts
    from playground.i18n import _
    from playground.serve.scheduler import presenting

    store, doc = class_store(), pn.state.curdoc
    if store is None or doc is None or doc.session_context is None or not presenting(doc):
        return None
    view = ProjectionView(on_back=lambda: store.project(None), back_label=_("Back to mine"),
                          link_label=_("Open as a link"))
    texts = TileTexts.translated()

    def poll() -> None:
        try:
            wanted = store.projection()
            record = store.get(wanted["student"]) if wanted else None
        except Exception:        # the store is away for a moment: keep what is shown
            return
        if record is None:
            view.hide()
            return
        numbers, solved = run_texts(texts, record.epoch, record.test_loss,
                                    record.solved_epoch if record.solved else None, record.solved_seconds)
        heading = record.name if wanted.get("show_name", True) else _("A student's run")
        view.show(heading=heading, muted=[f"{record.page} · {record.lesson}" if record.lesson else record.page,
                                          record.network],
                  numbers=numbers, solved=solved,
                  answer=texts.prediction.format(answer=record.answer) if record.answer else "",
                  map_side=record.map_side, map_codes=record.map_codes, link=record.link())

    pn.state.add_periodic_callback(poll, period=PROJECTION_POLL_MS)
    return view
