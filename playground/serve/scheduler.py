"""Where every learner's training slices run: one fair scheduler for the whole server.

Each live page asks `run_slice` to train one slice for its learner and awaits it;
the scheduler decides when the slice runs and how long it may train. Keeping that
decision in one place is what lets a classroom of sessions share the cores fairly:

- one thread pool, sized to the cores, runs every slice;
- learners take turns round-robin: a learner's slices run in the order it asked
  (first in, first out), and one slice per learner per turn, so a learner that asks
  often cannot crowd out one that asks less;
- the budget (how long a slice may train) adapts to the load: the scheduler measures
  how often each learner's turn comes round and shrinks every slice when turns come
  too slowly for a live picture (fewer epochs per frame, never fewer frames), and
  grows it back, up to `MAX_BUDGET_S`, when the class is quiet;
- the teacher's projected session (`priority=True`) goes before the class, with the
  full budget;
- learners of one *cohort* (the same network shape, say) whose slices wait at the
  same time run as one job: `Cohort.run` trains them together (dense/cohort.py
  stacks their networks), at about the cost of one slice. Each still takes its turn,
  and a cohort runs one job at a time: on two workers, a small group of a cohort
  would otherwise come round again and again while a large one trains, and lap it.

The GIL: a small network's epoch is mostly Python, so the pool's threads share about
one core however many there are (numpy lets the GIL go only for large arrays). The
threads keep the event loop free, not the cores busy; to use every core, serve with
several processes (`playground serve --num-procs 0`, Bokeh's own `--num-procs`): each
process has its own scheduler for the sessions whose websockets it got.
"""
from __future__ import annotations

import asyncio
import hmac
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Hashable, Mapping
from urllib.parse import parse_qsl, urlencode

MIN_FPS = 5                 # every learner sees at least this many frames a second
# Each learner's turn should come round at least this often: a turn ends in a frame,
# and the frame's draw and the browser's reply take the rest of the 200 ms of 5 frames/s.
# (At 0.6 / MIN_FPS a loaded server spent its slices on frames: a class of 10 got 8
# frames/s but 22 epochs/s; at 0.8, 6 frames/s and 38 epochs/s.)
TURN_TARGET_S = 0.8 / MIN_FPS
# A slice never trains longer: the page waits for the slice to end before a click
# changes the trainer. 40 ms keeps that wait short, and a lone learner at the fastest
# speed loses a few per cent between slices, where at 18 ms it lost about 15 %.
MAX_BUDGET_S = 0.040
MIN_BUDGET_S = 0.001        # about one epoch of the default network; a slice always trains one anyway
ACTIVE_S = 1.0              # a learner whose last turn is older than this has stopped (paused, hidden, gone)
MAX_COHORT = 8             # learners in one joint slice at most
# A joint job of k learners trains each at a fraction of a lone slice's cost per epoch
# (benchmarks/cohort_speed.py: 0.64 at k = 2, 0.40 at 4, 0.27 at 8), so with one budget
# for every job, a learner whose slice ran alone got about twice the epochs of one in a
# job of eight (a class of 30: one learner at 77 epochs/s, the median 46). A job of k gets
# k^(1/3) budgets, up to the longest slice: k × cost(k) / cost(1) is 1.25, 1.6 and 2.1
# there, and k^(1/3) is 1.26, 1.59 and 2.0.
JOINT_BUDGET_EXPONENT = 1 / 3

# `playground serve` puts the teacher's key here; `?present=KEY` then marks the
# projected session. With no key set, `?present` alone does (a server only this machine reaches).
PRESENT_KEY_ENV = "NN_PLAYGROUND_PRESENT_KEY"


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        return os.cpu_count() or 1


def is_presenting(query: Mapping[str, str], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a session's URL query marks the teacher's projected session (`?present`)."""
    if "present" not in query:
        return False
    key = environ.get(PRESENT_KEY_ENV, "")
    return not key or hmac.compare_digest(query["present"].encode(), key.encode())


def hide_present_key(location, environ: Mapping[str, str] = os.environ) -> None:
    """Take the teacher's key out of the address bar once the session has used it: `?present=KEY` becomes
    `?present=`, so a projected page does not show the key to the class (a reload keeps the layout)."""
    if location is None or not environ.get(PRESENT_KEY_ENV):
        return
    query = parse_qsl(location.search.lstrip("?"), keep_blank_values=True)
    if any(k == "present" and v for k, v in query):
        location.search = "?" + urlencode([(k, "" if k == "present" else v) for k, v in query])


def presenting(doc) -> bool:
    """Whether Bokeh document `doc` is the teacher's projected session (its URL has `?present`)."""
    request = doc.session_context.request if doc.session_context is not None else None
    args = request.arguments if request is not None else {}
    return is_presenting({k: v[-1].decode("utf-8", "replace") for k, v in args.items() if v})


class Budget:
    """How long a slice may train: steered so that each learner's turn comes every `target_s`.

    A turn lasts about (learners × (budget + the per-slice cost)) / the parallelism,
    and neither the cost nor the parallelism (the GIL) is known in advance, so the
    budget follows what is measured: each observed turn period moves it by the ratio
    target / period, a share of the way per observation so that one round of the
    class makes about half the correction.
    """

    def __init__(self, target_s: float = TURN_TARGET_S, low_s: float = MIN_BUDGET_S, high_s: float = MAX_BUDGET_S):
        self.target_s, self.low_s, self.high_s = target_s, low_s, high_s
        self.seconds = high_s
        self.turn_s: float | None = None      # smoothed turn period

    def observe(self, turn_s: float, learners: int) -> None:
        """One learner's turn came `turn_s` after its previous one, with `learners` taking turns."""
        share = 1.0 / max(1, learners)
        self.turn_s = turn_s if self.turn_s is None else self.turn_s + share * (turn_s - self.turn_s)
        ratio = min(2.0, max(0.5, self.target_s / max(self.turn_s, 1e-6)))
        self.seconds = min(self.high_s, max(self.low_s, self.seconds * ratio ** (0.5 * share)))


@dataclass(frozen=True)
class Cohort:
    """Learners whose slices may run as one job: slices with equal cohorts (equal `key`s) are joined.

    `run(learners, budget_s)` runs the slices of all those learners (the keys they
    passed to `run_slice`) in one pool thread, within about `budget_s` in all.
    """
    key: Hashable
    run: Callable[[list, float], object] = field(compare=False)


@dataclass(eq=False)
class _Slice:
    learner: Hashable
    work: Callable[[float], object]
    priority: bool
    wanted: Callable[[], bool] | None
    done: asyncio.Future = field(repr=False)
    cohort: Cohort | None = None


@dataclass(eq=False)
class _Learner:
    waiting: deque = field(default_factory=deque)   # its slices, oldest first
    running: bool = False
    turn: int = -1              # the number of its latest turn (-1: none yet)
    turn_started: float = 0.0   # when that turn started (perf_counter)


class Scheduler:
    """Runs learners' training slices fairly on one thread pool (see the module's docstring)."""

    def __init__(self, workers: int | None = None, budget: Budget | None = None):
        self.workers = workers or cores()
        self.budget = budget or Budget()
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="training-slice")
        self._learners: dict[Hashable, _Learner] = {}
        self._turns = 0             # turns given so far
        self._running = 0
        self._busy_cohorts: set[Cohort] = set()     # cohorts with a job running

    async def run_slice(self, learner: Hashable, work: Callable[[float], object], *, priority: bool = False,
                        wanted: Callable[[], bool] | None = None, cohort: Cohort | None = None) -> bool:
        """Run `work(budget_s)` for `learner` in the pool when its turn comes; wait until it is done.

        `priority` marks the teacher's projected session. `wanted`, if given, is asked
        (on the event loop) just before the slice starts: a slice no longer wanted (its
        session went) is dropped unrun. Returns whether the slice ran. An exception
        from `work` is raised here, to its own learner only (from a joint slice, to each
        of its learners). If the awaiting task is cancelled, a slice that has not
        started is withdrawn. With a `cohort`, the slice may instead run joined with
        other waiting learners' slices of the same cohort, through `cohort.run`.
        """
        # The teacher's slices are never joined (they run with the full budget), nor wait for a cohort.
        job = _Slice(learner, work, priority, wanted, asyncio.get_running_loop().create_future(),
                     None if priority else cohort)
        self._learners.setdefault(learner, _Learner()).waiting.append(job)
        self._dispatch()
        try:
            return await job.done
        except asyncio.CancelledError:
            self._withdraw(job)
            raise

    @property
    def waiting(self) -> int:
        """Slices queued, not yet started."""
        return sum(len(state.waiting) for state in self._learners.values())

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)

    # ---- taking turns ----------------------------------------------------------------------

    def _next(self) -> _Slice | None:
        """The oldest slice of the learner whose last turn is longest ago (the teacher before the class).

        That is round-robin over the learners that are waiting: a learner's next
        slice waits until every other waiting learner has had a turn since its last,
        however many it has queued, and a learner has one slice running at a time.
        """
        best, best_key = None, None
        for state in self._learners.values():
            if state.waiting and not state.running and not self._cohort_busy(state.waiting[0]):
                key = (not state.waiting[0].priority, state.turn)
                if best_key is None or key < best_key:     # ties: whoever came first
                    best, best_key = state, key
        return best.waiting.popleft() if best is not None else None

    def _cohort_busy(self, job: _Slice) -> bool:
        """Whether `job` must wait because its cohort has a job running."""
        return job.cohort is not None and job.cohort in self._busy_cohorts

    def _withdraw(self, job: _Slice) -> None:
        state = self._learners.get(job.learner)
        if state is not None and job in state.waiting:
            state.waiting.remove(job)

    def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._running < self.workers:
            job = self._next()
            if job is None:
                return
            if not self._still_wanted(job):
                continue
            budget_s = self.budget.high_s if job.priority else self.budget.seconds
            jobs = [job, *self._cohort_of(job)]
            for each in jobs:
                self._start_turn(each)
            if job.cohort is not None:
                self._busy_cohorts.add(job.cohort)
            self._running += 1
            if len(jobs) == 1:
                future = loop.run_in_executor(self._pool, job.work, budget_s)
            else:
                budget_s = min(self.budget.high_s, budget_s * len(jobs) ** JOINT_BUDGET_EXPONENT)
                future = loop.run_in_executor(self._pool, job.cohort.run, [j.learner for j in jobs], budget_s)
            future.add_done_callback(lambda f, jobs=jobs: self._finished(jobs, f))

    @staticmethod
    def _still_wanted(job: _Slice) -> bool:
        """Whether a slice about to start is still wanted; one that is not is answered (not run)."""
        if job.done.done():              # its caller was cancelled meanwhile
            return False
        if job.wanted is not None and not job.wanted():
            job.done.set_result(False)
            return False
        return True

    def _cohort_of(self, job: _Slice) -> list[_Slice]:
        """The next slices of other waiting learners of `job`'s cohort, taken off their queues."""
        if job.cohort is None:
            return []
        candidates = [state for state in self._learners.values()
                      if state.waiting and not state.running and state.waiting[0].cohort == job.cohort]
        # Those whose last turn is longest ago first, as in `_next`: taken in any fixed
        # order, the same few would join every job and the rest would wait.
        candidates.sort(key=lambda state: state.turn)
        joined = []
        for state in candidates:
            if len(joined) == MAX_COHORT - 1:
                break
            head = state.waiting.popleft()
            if self._still_wanted(head):
                joined.append(head)
        return joined

    def _finished(self, jobs: list[_Slice], future: asyncio.Future) -> None:
        self._running -= 1
        if jobs[0].cohort is not None:
            self._busy_cohorts.discard(jobs[0].cohort)
        for job in jobs:
            self._learners[job.learner].running = False
            if not job.done.done():
                if future.cancelled():
                    job.done.cancel()
                elif future.exception() is not None:
                    job.done.set_exception(future.exception())
                else:
                    job.done.set_result(True)
        self._dispatch()

    def _start_turn(self, job: _Slice) -> None:
        now = time.perf_counter()
        state = self._learners[job.learner]
        if not job.priority and state.turn >= 0 and now - state.turn_started < ACTIVE_S:
            # the budget is the class's: the teacher's turns do not steer it
            active = sum(1 for s in self._learners.values() if now - s.turn_started < ACTIVE_S)
            self.budget.observe(now - state.turn_started, active)
        self._turns += 1
        state.turn, state.turn_started, state.running = self._turns, now, True
        if len(self._learners) > 64 and self._turns % 64 == 0:     # forget learners who left
            self._learners = {k: s for k, s in self._learners.items()
                              if s.waiting or s.running or now - s.turn_started < ACTIVE_S}


_scheduler: Scheduler | None = None
_scheduler_loop: asyncio.AbstractEventLoop | None = None


def shared() -> Scheduler:
    """The scheduler of the running event loop: the server's one (made on first use).

    A server process has one event loop, so one scheduler. Its bookkeeping (slices
    running, futures awaited) belongs to that loop: a slice still running when its loop
    closed would never report back and would hold a worker for good. So a new loop
    (a test's `asyncio.run`) gets a fresh scheduler.
    """
    global _scheduler, _scheduler_loop
    loop = asyncio.get_running_loop()
    if _scheduler is None or _scheduler_loop is not loop:
        if _scheduler is not None:
            _scheduler.shutdown(wait=False)
        _scheduler, _scheduler_loop = Scheduler(), loop
    return _scheduler


async def run_slice(learner: Hashable, work: Callable[[float], object], *, priority: bool = False,
                    wanted: Callable[[], bool] | None = None, cohort: Cohort | None = None) -> bool:
    """Run `work(budget_s)` for `learner` on the server's scheduler; see `Scheduler.run_slice`."""
    return await shared().run_slice(learner, work, priority=priority, wanted=wanted, cohort=cohort)
