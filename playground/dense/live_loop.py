"""The dense page's live loop: train in slices, draw a frame when the browser is ready for one.

While playing, the session trains in short slices that the shared scheduler runs
in a worker thread, so the server keeps answering this page and every other
session while it trains. After a slice the page draws one frame if the browser
has taken the previous one: the browser echoes each frame's number as soon as it
has applied it (`frame_taken`), and until then slices only train. One frame is
in flight at a time, so updates never queue up in a slow tab.

The loop knows the page only through callbacks and its document only through a
`Host`, so it runs (and is tested) without a browser.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from contextlib import ExitStack
from typing import Callable, Protocol

from playground.dense.cohort import cohort_key, train_together
from playground.dense.pace import SLOW_MOTION, SLOW_MOTION_S
from playground.dense.trainer import Trainer
from playground.serve import scheduler

log = logging.getLogger(__name__)
if log.level == logging.NOTSET:
    # `panel serve` shows INFO for Bokeh's own logger only; a live loop's end is as
    # worth a line as the websocket closing that caused it.
    log.setLevel(logging.INFO)

# While a frame's worth waits for the browser, the loop sleeps until a frame goes (the
# browser took the last one, or it was drawn: either wakes it), or this long at most.
IDLE_PERIOD_S = 0.25
ACK_TIMEOUT_S = 1.0         # draw anyway when the browser has not confirmed a frame for this long
# A cohort's stack trains whole epochs: a network with more mini-batches per epoch than this trains alone,
# in parts that fit its slice (a stack of 8 such epochs of 6×16 neurons costs about 50 ms).
MAX_STACKED_BATCHES = 128
# A frame that holds fewer epochs than "speed" asks for goes only this long after the
# previous one. Drawing costs the server and the browser far more than an epoch: frames
# sent whenever the browser was ready took half the training at the fastest speed, and
# most of the server's time in a full classroom. Up to 10 frames/s still go.
PARTIAL_FRAME_S = 0.1
# Above 50 epochs a frame, the learner has asked for training over pictures: partial
# frames then come at most every `speed` × this, 5 frames/s at the top speed (100).
# At 10 frames/s there, the 6×8 network trained 65–77 % of the headless engine's epochs/s
# (benchmarks/browser_dense.py); at 5, 81–82 %.
PARTIAL_FRAME_PER_EPOCH_S = PARTIAL_FRAME_S / 50


def partial_frame_s(speed: int) -> float:
    """The least time between frames that hold fewer than `speed` epochs."""
    return max(PARTIAL_FRAME_S, speed * PARTIAL_FRAME_PER_EPOCH_S)


class Host(Protocol):
    """Where the loop runs: a Bokeh document in the app (see page.DocumentHost)."""

    def connected(self) -> bool:
        """Whether a browser still shows the page."""

    def next_tick(self, callback: Callable[[], None]) -> None:
        """Run `callback` soon, with the right to change the page; raises once the session is gone."""

    def start(self, loop: Callable[[], object]) -> None:
        """Run the coroutine function `loop` on the event loop, without holding the page."""


class LiveLoop:
    """Plays one session's trainer: slices of training, one frame in flight.

    `draw()` draws a frame of the current state and returns the number the browser
    will echo; `diverged()` is called when training blew up (the page pauses).
    `priority()` marks the teacher's projected session for the scheduler.
    """

    def __init__(self, trainer: Trainer, host: Host | None, *, draw: Callable[[], int],
                 diverged: Callable[[], None], priority: Callable[[], bool] = lambda: False,
                 batch_step: Callable[[], int] | None = None):
        self.trainer = trainer
        self.host = host                # None: no browser, nothing runs in the background
        self._draw = draw
        # Slow motion: trains one mini-batch and draws it; returns the frame number, as `draw` does.
        self._batch_step = batch_step
        self._diverged = diverged
        self._priority = priority
        # The training thread and the page take turns with the trainer.
        self.lock = threading.RLock()
        self.playing = False
        self.alive = True               # False once the session is gone: never touch the page again
        self.hidden = False             # the tab is hidden: no training, nothing sent
        self.pending: int | None = None  # frame sent while playing, not yet taken by the browser
        self.drawn_epoch = 0
        self._sent_at = 0.0
        self._runs = 0                  # numbers the loops; an old one stops at its next check
        self._wake: asyncio.Event | None = None   # set when the browser takes a frame (the current loop's)

    # ---- control (from the page) -----------------------------------------------------------

    def play(self) -> None:
        """Start training in the background (a fresh loop; an older one ends)."""
        self.playing = True
        self.hidden = False
        self.pending = None
        self.drawn_epoch = self.trainer.epoch
        self._runs += 1
        if self.host is not None and self.alive:
            self.host.start(functools.partial(self._run, self._runs))

    def pause(self) -> None:
        self.playing = False
        self._runs += 1

    def tab_hidden(self) -> None:
        """The tab is hidden: training stops until `tab_shown`; "playing" stays on."""
        self.hidden = True
        self._runs += 1

    def tab_shown(self) -> bool:
        """The tab is visible again: resume what `tab_hidden` stopped. True when it resumed."""
        if not (self.hidden and self.alive):
            return False
        self.hidden = False
        if self.playing:
            self.play()
            return True
        return False

    def close(self) -> None:
        """The session is gone: the loop ends and never touches the page again."""
        self.alive = False
        self._runs += 1

    def frame_taken(self, number: int) -> None:
        """The browser has applied frame `number`."""
        if not self.alive or self.hidden or self.pending is None or number < self.pending:
            return
        self.pending = None
        if self._wake is not None:
            self._wake.set()       # a loop waiting for this frame to be taken trains on now
        # The browser is ready: show what has been trained since, if it is worth a
        # frame (`_frame_due`), without waiting for the slice to end (one frame in
        # flight at a time). If a slice holds the trainer, `_after_slice` draws when it ends.
        if self.playing and self._frame_due() and self.lock.acquire(blocking=False):
            try:
                self._send_frame()
            finally:
                self.lock.release()

    # ---- the loop --------------------------------------------------------------------------

    def _current(self, run: int) -> bool:
        return self.playing and run == self._runs and self.alive and not self.hidden

    async def _run(self, run: int) -> None:
        """Train a slice in a worker thread, then let the page draw; until paused or gone.

        It holds no document lock, so while a slice trains the server goes on
        serving this page's events (the browser's frame replies, clicks) and other
        sessions; everything that touches the page runs through `host.next_tick`.
        """
        wake = self._wake = asyncio.Event()
        while self._current(run):
            if not self.host.connected():
                # The tab is closed: stop now rather than when Bokeh discards the
                # session (about 30 s later), and never touch the document again.
                self.alive = False
                log.info("live loop ended: the tab is closed (epoch %d)", self.trainer.epoch)
                return
            if self.trainer.settings.epochs_per_frame == SLOW_MOTION and self._batch_step is not None:
                if not await self._slow_motion_frame(run):
                    return
                continue
            progress = self.trainer.progress     # epochs, and the points of an epoch trained in parts
            wake.clear()        # before the slice: a frame taken while it trains must not be missed
            if not await scheduler.run_slice(self, self._train_slice, priority=self._priority(),
                                             wanted=self.host.connected, cohort=self._cohort()):
                continue        # dropped unrun: the tab closed while the slice waited (the check above ends it)
            # The page's turn, when it has something to show, comes before the next slice: a
            # slice started first would hold the trainer while `_after_slice` waited for it to
            # draw, and that wait (up to a slice) would stop the server's event loop, every
            # session's. Slices with nothing to show go straight on: a turn of the page's costs
            # a few hops of the event loop, and at the fastest speed most slices end so.
            if self._page_due():
                after_slice = asyncio.Event()
                try:
                    self.host.next_tick(functools.partial(self._after_slice, after_slice))
                except Exception:      # the session went while the slice trained
                    self.alive = False
                    log.info("live loop ended: the session is gone (epoch %d)", self.trainer.epoch)
                    return
                try:
                    # Bounded: a session destroyed meanwhile never runs its next-tick callbacks.
                    await asyncio.wait_for(after_slice.wait(), IDLE_PERIOD_S)
                except asyncio.TimeoutError:
                    pass
            # A slice that trained is followed at once (the scheduler shares the cores; a
            # pause here only cost epochs at the fastest speed). One that found nothing to
            # do (a frame's worth is trained) waits until the browser takes the frame: a
            # fixed pause there cost up to that pause per frame, a third of the frame rate.
            if self.trainer.progress != progress:
                await asyncio.sleep(0)
            else:
                try:
                    await asyncio.wait_for(wake.wait(), IDLE_PERIOD_S)
                except asyncio.TimeoutError:
                    pass

    async def _slow_motion_frame(self, run: int) -> bool:
        """One mini-batch, trained and drawn by the page, then a pause to watch it. A batch costs
        milliseconds, so it trains on the page's turn rather than in the scheduler's worker.
        False once the session is gone."""
        shown = asyncio.Event()

        def step() -> None:
            try:
                if not self._current(run):
                    return
                if self.trainer.diverged:
                    self._diverged()
                    return
                if not self.trainer.trainable:
                    return
                with self.lock:
                    if self._wake is not None:
                        self._wake.clear()     # set again when the browser takes this frame
                    self.pending = self._batch_step()
                    self.drawn_epoch = self.trainer.epoch
                    self._sent_at = time.perf_counter()
            finally:
                shown.set()

        try:
            self.host.next_tick(step)
        except Exception:      # the session went
            self.alive = False
            log.info("live loop ended: the session is gone (epoch %d)", self.trainer.epoch)
            return False
        try:
            await asyncio.wait_for(shown.wait(), ACK_TIMEOUT_S)
        except asyncio.TimeoutError:
            pass
        await asyncio.sleep(SLOW_MOTION_S)
        if self.pending is not None and self._wake is not None:   # one frame in flight, as at every speed
            try:
                await asyncio.wait_for(self._wake.wait(), ACK_TIMEOUT_S)
            except asyncio.TimeoutError:
                pass
        return True

    def _cohort(self) -> scheduler.Cohort | None:
        """The learners this one may train with in one stack: those whose networks share its shape."""
        key = cohort_key(self.trainer)
        # A stack trains whole epochs: a long one (batch 1 on 1,080 points) trains alone, in parts (Trainer.train_for).
        if key is None or len(self.trainer.train) > MAX_STACKED_BATCHES * self.trainer.batch_size:
            return None
        return scheduler.Cohort(key, LiveLoop.train_together)

    def _todo(self) -> int:
        """Epochs the next slice should train (the caller holds the lock); 0: none now.

        "Speed" is epochs per drawn frame: once a frame's worth is trained, the loop
        waits for the browser (speed 1 shows every single epoch).
        """
        if not (self.alive and self.playing and not self.hidden and not self.trainer.diverged) \
                or self.trainer.settings.epochs_per_frame == SLOW_MOTION:   # slow motion trains on the page's turn
            return 0
        return self.trainer.settings.epochs_per_frame - (self.trainer.epoch - self.drawn_epoch)

    def _train_slice(self, budget_s: float) -> None:
        with self.lock:
            todo = self._todo()
            if todo > 0:
                self.trainer.train_for(budget_s, todo)

    @staticmethod
    def train_together(loops: list[LiveLoop], budget_s: float) -> None:
        """One slice for each of `loops` at once (the scheduler's cohort): networks of one shape
        train as one stack (dense/cohort.py); a trainer changed since it queued trains alone."""
        with ExitStack() as held:
            # Each loop is in one slice at a time, and a page takes only its own lock,
            # so taking them in any order cannot deadlock.
            for loop in loops:
                held.enter_context(loop.lock)
            todo = [(loop.trainer, n) for loop in loops if (n := loop._todo()) > 0]
            if todo:
                train_together([trainer for trainer, _ in todo], budget_s, [n for _, n in todo])

    def _page_due(self) -> bool:
        """Whether the page has something to show after a slice: a divergence, or a frame."""
        if not self.playing or not self.alive or self.hidden:
            return False
        return self.trainer.diverged or self._frame_due() and (
            self.pending is None or time.perf_counter() - self._sent_at > ACK_TIMEOUT_S)

    def _after_slice(self, done: asyncio.Event) -> None:
        """On the page, after a slice: show what is due; then `done` lets the loop go on."""
        try:
            if self._page_due():
                if self.trainer.diverged:
                    self._diverged()
                else:
                    self._send_frame()
        finally:
            done.set()

    def _frame_due(self) -> bool:
        """Whether what has been trained since the last frame is worth a frame now.

        A frame's worth ("speed" epochs), or the end of training (stopped early), is
        drawn at once; fewer epochs once `partial_frame_s` has passed since the last frame.
        """
        trained = self.trainer.epoch - self.drawn_epoch
        speed = self.trainer.settings.epochs_per_frame
        return trained > 0 and (trained >= speed or self.trainer.stopped
                                or time.perf_counter() - self._sent_at >= partial_frame_s(speed))

    def _send_frame(self) -> None:
        """Draw a live frame; the next one waits until the browser has taken this one."""
        self.pending = self._draw()
        self.drawn_epoch = self.trainer.epoch
        self._sent_at = time.perf_counter()
        # The loop trains the next frame's worth while the browser takes this one: a loop
        # left waiting for the browser's reply trained nothing in that time, which cost the
        # 6×8 network a third of its frames (training, drawing and the browser took turns).
        if self._wake is not None:
            self._wake.set()
