"""A class of simulated learners against one real server: what each learner gets (issue 10).

Each learner is a Bokeh client session (no browser) on the dense page of a real
`playground serve`. It does what the page's browser code does: it sends "document
ready", presses Play, and acknowledges every heatmap frame by writing the frame's
number into the page's `dense-ack` source, as the page's CustomJS does in a browser
(see the "frame handshake" in playground/dense/page.py). Learners run as threads in
a few client processes, each thread with its own event loop.

For each class size N it measures, over a window in which everyone plays:
  - per learner: epochs/s (from the page's epoch counter) and frames/s (heatmaps received);
  - then, with the class still playing, each learner presses Step a few times:
    Step-to-redraw latency (the click leaves the client → the redrawn heatmap arrives), p50/p95;
  - fairness: max/min epochs/s over the class;
  - the server's CPU (cores busy, all its processes) and resident memory.

Learners play the default network, each with its own seeds, so the server trains them in
stacks (playground/dense/cohort.py); `--own-shapes` gives each a network shape of its own,
so that nothing stacks (the worst case).

Goal on the 2-core machine (issue 10), at N = 30: every learner ≥ 5 frames/s and ≥ 30 epochs/s,
p95 ≤ 500 ms, fairness ≤ 1.5. The clients share the machine with the server; their CPU is printed too.

`--wall` (issue 21) serves a class (`--teacher-key`, the embedded store) and runs each class twice:
first with the teacher's wall open (a Bokeh client session on /teacher, as the browser's), then
without it. With the wall it also measures how often each learner's tile changes on the wall
(goal ≥ 1 a second) and how many tiles it holds; the two runs' difference is what the wall costs.

    .venv/bin/python benchmarks/classroom_load.py [--sizes 1,5,10,20,30] [--seconds 15] [--procs 1] [--own-shapes]
    .venv/bin/python benchmarks/classroom_load.py --wall --sizes 30 --procs 2 --seconds 10 --summary
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from argparse import Namespace
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import free_port, serving, wait_for_log  # noqa: E402  (the tests' recipe for a served app)
from playground.classroom.wall import REMOVE_AFTER_S  # noqa: E402
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---- the server -------------------------------------------------------------------------------

def know_the_page_models() -> None:
    """Import what defines the models a page is made of, so that a client can read the page.

    The clients apply patches with the server's cheap reference tables (playground/serve/
    references.py): they stand in for browsers, which run on the learners' own devices,
    so the less of this machine they take from the server, the truer the measure.
    """
    import panel  # noqa: F401  (Panel's own models)
    import playground.components.classroom.name_field  # noqa: F401  (a class's header: the name field)
    import playground.components.classroom.wall_tile  # noqa: F401  (the teacher's wall)
    import playground.dense.page  # noqa: F401  (the dense page's components: callouts, share dialog, …)
    import playground.shell  # noqa: F401
    from playground.serve.references import cheap_references

    cheap_references()


@contextmanager
def playground_server(procs: int = 1, log=subprocess.DEVNULL, env: dict[str, str] | None = None, teacher_key: str = "",
                      class_store: str = ""):
    """The server `playground serve --num-procs PROCS` runs, on a free loopback port; yields (url, pid).
    With `teacher_key` it serves a class (`--teacher-key`, `--class-store`): the wall at /teacher."""
    from playground.cli import serve_command

    port = free_port()
    cmd, extra = serve_command(Namespace(port=port, address="127.0.0.1", lan=False, num_procs=procs, show=False,
                                         present_key="", teacher_key=teacher_key, class_store=class_store,
                                         save_class=""))
    url = f"http://127.0.0.1:{port}/app"
    with serving(cmd, url, log, env={**os.environ, **extra, **(env or {})}) as proc:
        yield url, proc.pid


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (`--num-procs` forks the workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by `pids`."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def open_sockets(pid: int) -> int:
    """How many sockets process `pid` holds open (a learner's websocket is one)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    count = 0
    for fd in fds:
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    return count


def rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


# ---- one learner ------------------------------------------------------------------------------

@dataclass
class Record:
    """What one learner saw: times are time.time() (shared by the client processes)."""
    connected_at: float = 0.0
    frames: list[float] = field(default_factory=list)                   # heatmap frames received
    epochs: list[tuple[float, int]] = field(default_factory=list)       # (time, epoch counter)
    steps: list[tuple[float, float]] = field(default_factory=list)      # (time pressed, latency s)
    error: str = ""
    present: bool = False                                               # opened with ?present


class Learner:
    """A learner's page in a Bokeh client session, driven from the session's own event loop."""

    def __init__(self, url: str, present: bool = False, query: dict[str, str] | None = None):
        from bokeh.client import pull_session
        from bokeh.events import DocumentReady
        from bokeh.models import Button, Toggle
        from tornado.ioloop import IOLoop

        self.record = Record(present=present)
        # `?present`: the teacher's projected session (the benchmark's server has no key set).
        arguments = {**(query or {}), **({"present": "1"} if present else {})}
        self.session = pull_session(url=url, io_loop=IOLoop(), arguments=arguments or None)
        # A browser sends each websocket message at once (Chromium sets TCP_NODELAY);
        # Tornado's client does not unless told, and would hold each small reply up to 40 ms.
        self.session._connection._socket._socket.protocol.set_nodelay(True)
        doc = self.session.document
        # What the browser sends once the page is on screen (the app builds without it,
        # but Panel holds some messages back until it arrives).
        doc.callbacks.send_event(DocumentReady())
        self.grid = doc.get_model_by_name("decision-grid")
        self.ack = doc.get_model_by_name("dense-ack")
        self.counter = doc.get_model_by_name("epoch-counter")
        self.play = next(m for m in doc.models if isinstance(m, Toggle) and "▶" in (m.label or ""))
        self.step_button = next(m for m in doc.models if isinstance(m, Button) and m.label == "Step")
        self.grid.on_change("data", self._frame)
        self.counter.on_change("data", self._counter)
        self.play.on_change("active", self._play_changed)
        self._step_pressed: float | None = None
        self._step_paused = False
        self._close_after: tuple[int, float] | None = None     # (frames, then seconds): see run_then_close
        self.record.connected_at = time.time()

    @property
    def loop(self):
        return self.session._connection.io_loop

    def _frame(self, attr, old, new) -> None:
        now = time.time()
        self.record.frames.append(now)
        if self._step_pressed is not None and self._step_paused:
            self.record.steps.append((self._step_pressed, now - self._step_pressed))
            self._step_pressed = None
            self.loop.call_later(0.05, self.press_play)
        if self._close_after is not None and len(self.record.frames) == self._close_after[0]:
            self.loop.call_later(self._close_after[1], self.session.close)
        # The page's CustomJS, in Python: echo the frame number once the frame is applied.
        n = new["frame"][0]
        if self.ack.data["frame"][0] != n:
            self.ack.data = {"frame": [n]}

    def _counter(self, attr, old, new) -> None:
        text = new["text"][1] if len(new["text"]) > 1 else ""
        if text:
            self.record.epochs.append((time.time(), int(text.replace(",", ""))))

    def _play_changed(self, attr, old, new) -> None:
        # Step pauses first (the button flips back to Play), then redraws: the next frame is Step's.
        if self._step_pressed is not None and not new:
            self._step_paused = True

    def press_play(self) -> None:
        if self.play.active:          # the client has not heard of the pause yet: a real toggle off first
            self.play.active = False
        self.play.active = True

    def press_step(self) -> None:
        from bokeh.events import ButtonClick

        if self._step_pressed is None:
            # Paused already (an early stop): no pause will come, the next frame is Step's.
            self._step_pressed, self._step_paused = time.time(), not self.play.active
            self.session.document.callbacks.send_event(ButtonClick(self.step_button))

    def run_until(self, stop_at: float, step_times: list[float]) -> None:
        """Play, press Step at `step_times`, close at `stop_at` (all time.time())."""
        now = time.time()
        self.press_play()
        for t in step_times:
            self.loop.call_later(max(0.0, t - now), self.press_step)
        self.loop.call_later(max(0.0, stop_at - now), self.session.close)
        self.loop.run_sync(self._pump)
        if self._step_pressed is not None:
            # Still unanswered when the session closes (the last press is over a second before): counted, as the slowest.
            self.record.steps.append((self._step_pressed, float("inf")))

    def run_then_close(self, frames: int, then_s: float, give_up_s: float = 120.0) -> None:
        """Play; close the session `then_s` seconds after the `frames`-th frame, while training goes on
        (a tab closed mid-training), or after `give_up_s` if the frames never come."""
        self._close_after = (frames, then_s)
        self.press_play()
        self.loop.call_later(give_up_s, self.session.close)
        self.loop.run_sync(self._pump)

    async def _pump(self) -> None:
        """Apply the server's patches until the connection closes.

        Bokeh's own client loop (`loop_until_closed`) nests one coroutine per message
        and overflows the stack after a few thousand frames, so this reads the
        messages itself, with the same two calls that loop makes.
        """
        await pump_patches(self.session)


async def pump_patches(session) -> None:
    """Apply the server's patches to a client `session`'s document until the connection closes."""
    connection = session._connection
    while (message := await connection._pop_message()) is not None:
        if message.msgtype == "PATCH-DOC":
            session._handle_patch(message)


class WallWatcher:
    """The teacher's wall in a Bokeh client session (as a browser opens /teacher?key=KEY): when each
    learner's tile changed, in a thread of its own until `close()`."""

    def __init__(self, url: str, key: str):
        from bokeh.client import pull_session
        from bokeh.events import DocumentReady
        from tornado.ioloop import IOLoop

        self.session = pull_session(url=url.rsplit("/", 1)[0] + "/teacher", io_loop=IOLoop(), arguments={"key": key})
        doc = self.session.document
        doc.callbacks.send_event(DocumentReady())
        self.board = next(m for m in doc.models if "tiles" in m.properties())     # the WallBoard's data
        self.changes: dict[str, list[float]] = {}      # student id -> when the tile's HTML changed
        self.left: set[str] = set()                     # tiles greyed: learners who left (the warm-up's, a past class)
        self._shown: dict[str, str] = {}
        self.board.on_change("tiles", self._tiles)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tiles(self, attr, old, new) -> None:
        now = time.time()
        shown = {student: html for student, html in new}
        for student, html in shown.items():
            if self._shown.get(student) != html:
                self.changes.setdefault(student, []).append(now)
        self._shown = shown
        self.left = {student for student, html in shown.items() if "nn-tile-left" in html}

    def _run(self) -> None:
        self.session._connection.io_loop.run_sync(lambda: pump_patches(self.session))

    def present(self) -> set[str]:
        """The learners whose tiles are on the wall and not greyed, now."""
        return set(self._shown) - self.left

    def refreshes_per_s(self, start: float, stop: float, students: set[str]) -> list[float]:
        """Each of `students`' tiles: its changes a second within [start, stop] (tiles there all along)."""
        return [sum(start <= t <= stop for t in self.changes.get(student, [])) / (stop - start)
                for student in students if self.changes.get(student, [stop])[0] < start]

    def close(self) -> None:
        self.session._connection.io_loop.add_callback(self.session.close)
        self._thread.join(timeout=30)


def learner_query(k: int, own_shapes: bool) -> dict[str, str]:
    """Learner k's URL query: its own seeds; with `own_shapes`, a network shape no other learner has
    (2 or 3 hidden layers of a few neurons, about the cost of the default 4-2)."""
    query = {"seed": str(k), "data_seed": str(k)}
    if own_shapes:
        shapes = [f"{a},{b}" for a in range(3, 8) for b in range(1, 7)]
        shapes += [f"{a},{b},2" for a in range(3, 8) for b in range(1, 7)]
        query["hidden"] = shapes[k % len(shapes)]
    return query


def _client_process(url: str, count: int, connected, plan, results, present: bool = False, first: int = 0,
                    own_shapes: bool = False) -> None:
    """One client process: `count` learners (numbered from `first`), one thread each (the first one
    `?present` if asked)."""
    import random

    learners: list[Learner | None] = [None] * count
    errors: list[str] = []

    def connect(i):
        try:
            learners[i] = Learner(url, present=present and i == 0, query=learner_query(first + i, own_shapes))
        except Exception as e:     # noqa: BLE001 - a learner that cannot connect is a result too
            errors.append(f"{type(e).__name__}: {e}")
        with connected.get_lock():
            connected.value += 1

    # Connect one at a time (a class does not arrive in the same millisecond).
    for i in range(count):
        connect(i)
    while plan["stop_at"] == 0:
        time.sleep(0.05)

    def drive(learner):
        steps_from, stop_at, n_steps = plan["steps_from"], plan["stop_at"], plan["steps"]
        gap = (stop_at - steps_from - 1.0) / n_steps
        times = [steps_from + k * gap + random.uniform(0, gap * 0.5) for k in range(n_steps)]
        try:
            learner.run_until(stop_at, times)
        except Exception as e:     # noqa: BLE001
            learner.record.error = f"{type(e).__name__}: {e}"

    threads = [threading.Thread(target=drive, args=(learner,)) for learner in learners if learner is not None]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(([learner.record for learner in learners if learner is not None], errors))


# ---- a class --------------------------------------------------------------------------------------

@dataclass
class ClassResult:
    size: int
    epochs_per_s: list[float]
    frames_per_s: list[float]
    step_p50: list[float]
    step_p95: list[float]
    all_steps: list[float]
    server_cores: float
    server_rss_mb: float
    learners_per_process: list[int]     # websockets each server worker holds (Bokeh's --num-procs splits them)
    client_cores: float
    errors: list[str]
    present: bool = False
    tile_refreshes: list[float] = field(default_factory=list)   # with the wall open: each tile's changes a second
    wall_tiles: int = 0                                         # tiles on the wall at the window's end
    wall_work: tuple[float, int] = (0.0, 0)                     # CPU s a refresh, bytes of tiles (wall_work())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run_class(url: str, server_pid: int, size: int, seconds: float, step_seconds: float, steps: int,
              client_procs: int, warmup: float = 4.0, present: bool = False, own_shapes: bool = False,
              wall: WallWatcher | None = None, measure_wall=None) -> ClassResult:
    workers = [p for p in process_tree(server_pid) if p != server_pid] or [server_pid]   # --num-procs: the parent forks
    idle_sockets = {p: open_sockets(p) for p in workers}
    ctx = multiprocessing.get_context("fork")
    connected = ctx.Value("i", 0)
    manager = ctx.Manager()
    plan = manager.dict(stop_at=0, steps_from=0, steps=steps)
    results = ctx.Queue()
    counts = [size // client_procs + (i < size % client_procs) for i in range(client_procs)]
    firsts = [sum(counts[:i]) for i in range(len(counts))]
    procs = [ctx.Process(target=_client_process,
                         args=(url, c, connected, plan, results, present and i == 0, firsts[i], own_shapes))
             for i, c in enumerate(counts) if c]
    for p in procs:
        p.start()
    while connected.value < size:
        time.sleep(0.1)
    start = time.time() + warmup
    steps_from = start + seconds
    stop_at = steps_from + step_seconds
    plan.update(steps_from=steps_from, stop_at=stop_at)
    pids = process_tree(server_pid)
    time.sleep(max(0.0, start - time.time()))
    cpu0, client0, t0 = cpu_seconds(pids), cpu_seconds([p.pid for p in procs]), time.time()
    time.sleep(max(0.0, steps_from - time.time()))
    cpu1, client1, t1 = cpu_seconds(pids), cpu_seconds([p.pid for p in procs]), time.time()
    on_wall = wall.present() if wall else set()      # this class's tiles (the learners are all still there)
    rss = rss_mb(process_tree(server_pid))
    split = [open_sockets(p) - idle_sockets[p] for p in workers]
    # The wall's own work, measured while the class presses Step (the learners still train).
    work = measure_wall() if measure_wall else (0.0, 0)
    records, errors = [], []
    for _ in procs:
        r, e = results.get(timeout=stop_at - time.time() + 120)
        records += r
        errors += e
    for p in procs:
        p.join()
    manager.shutdown()
    records.sort(key=lambda r: not r.present)      # the teacher's session (if any) is learner 1

    epochs_per_s, frames_per_s, p50, p95, all_steps = [], [], [], [], []
    for r in records:
        if r.error:
            errors.append(r.error)
        window = [(t, e) for t, e in r.epochs if start <= t <= steps_from]
        epochs_per_s.append((window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0]) if len(window) > 1 else 0.0)
        frames_per_s.append(sum(1 for t in r.frames if start <= t <= steps_from) / seconds)
        latencies = [lat for t, lat in r.steps]
        all_steps += latencies
        p50.append(percentile(latencies, 0.5))
        p95.append(percentile(latencies, 0.95))
    return ClassResult(size, epochs_per_s, frames_per_s, p50, p95, all_steps, (cpu1 - cpu0) / (t1 - t0), rss, split,
                       (client1 - client0) / (t1 - t0), errors, any(r.present for r in records),
                       tile_refreshes=wall.refreshes_per_s(start, steps_from, on_wall) if wall else [],
                       wall_tiles=len(on_wall), wall_work=work)


def warm_server(url: str, log_path: Path, procs: int) -> None:
    """Open pages until every server process has finished its CNN warm-up (TensorFlow's import).

    A first page on screen starts it in its process, and for its 20–30 s it takes the
    interpreter from the dense page; a teacher's server is past it long before the class
    plays. Which process a page lands on is the kernel's choice: with several, a few
    pages each make it likely that every process got one.
    """
    import asyncio

    from playground.cnn.warmup import DONE_LINE

    started = time.perf_counter()
    for _ in range(1 if procs == 1 else 4 * procs):
        learner = Learner(url)
        learner.loop.run_sync(lambda: asyncio.sleep(1.0))     # "document ready" reaches the server
        learner.session.close()
    done = wait_for_log(log_path, DONE_LINE, count=procs)
    print(f"server warm: the CNN warm-up {'ended' if done else 'did NOT end'} in every process"
          f" ({time.perf_counter() - started:.0f} s)", flush=True)


def report(result: ClassResult, per_learner: bool) -> None:
    n = result.size
    print(f"\n== N = {n} learners ==")
    if per_learner:
        print("  learner  epochs/s  frames/s  step p50 ms  step p95 ms")
        for i in range(len(result.epochs_per_s)):
            print(f"  {i + 1:7d}  {result.epochs_per_s[i]:8.1f}  {result.frames_per_s[i]:8.1f}"
                  f"  {result.step_p50[i] * 1e3:11.0f}  {result.step_p95[i] * 1e3:11.0f}")
    eps, fps = result.epochs_per_s, result.frames_per_s
    if result.present:
        print(f"  learner 1 is the teacher's (?present): {eps[0]:.1f} epochs/s, {fps[0]:.1f} frames/s;"
              " the figures below are the class's")
        eps, fps = eps[1:] or eps, fps[1:] or fps
    fairness = max(eps) / min(eps) if eps and min(eps) > 0 else float("inf")
    print(f"  epochs/s: min {min(eps):.1f}  median {statistics.median(eps):.1f}  max {max(eps):.1f}")
    print(f"  frames/s: min {min(fps):.1f}  median {statistics.median(fps):.1f}  max {max(fps):.1f}")
    unanswered = sum(1 for latency in result.all_steps if latency == float("inf"))
    print(f"  Step-to-redraw over all {len(result.all_steps)} presses: p50 {percentile(result.all_steps, 0.5) * 1e3:.0f} ms,"
          f" p95 {percentile(result.all_steps, 0.95) * 1e3:.0f} ms"
          + (f" ({unanswered} unanswered by the end, counted as the slowest)" if unanswered else ""))
    print(f"  fairness (max/min epochs/s): {fairness:.2f}")
    if len(result.learners_per_process) > 1:
        print("  learners per server process (their websockets): "
              + " / ".join(str(n) for n in result.learners_per_process))
    print(f"  server: {result.server_cores:.2f} cores busy, RSS {result.server_rss_mb:.0f} MB;"
          f" clients: {result.client_cores:.2f} cores")
    goals = {"≥ 5 frames/s each": min(fps) >= 5, "≥ 30 epochs/s each": min(eps) >= 30,
             "p95 ≤ 500 ms": percentile(result.all_steps, 0.95) <= 0.5, "fairness ≤ 1.5": fairness <= 1.5}
    if result.tile_refreshes:
        tiles = result.tile_refreshes
        print(f"  wall: {result.wall_tiles} learners' tiles; each one's refreshes/s: min {min(tiles):.2f}"
              f"  median {statistics.median(tiles):.2f}  max {max(tiles):.2f} ({len(tiles)} tiles measured)")
        goals["wall tiles ≥ 1 refresh/s"] = min(tiles) >= 1 and len(tiles) >= n
    print("  goals: " + ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in goals.items()))
    if result.errors:
        print(f"  errors: {len(result.errors)}: {result.errors[:3]}")


def wall_work(store_address: str, refreshes: int = 10) -> tuple[float, int]:
    """The wall's own work while the class trains, measured in this process on the server's store: CPU
    seconds of one refresh (read the store, build the changed tiles) and the size of the tiles it sends.
    The CPU clock leaves out the time other programs take the cores."""
    from playground.classroom.store import open_store
    from playground.classroom.wall import REFRESH_MS, Wall

    wall = Wall(open_store(store_address))
    cpu = 0.0
    for _ in range(refreshes):
        time.sleep(REFRESH_MS / 1000)          # the records change in between, as they do for the wall
        started = time.process_time()
        wall.refresh()
        cpu += time.process_time() - started
    return cpu / refreshes, len(json.dumps(wall.board.tiles))


def report_wall_cost(with_wall: ClassResult, without: ClassResult, work: tuple[float, int]) -> None:
    """What the open wall costs the server and the learners: the class with it against the class without."""
    def median(values):
        return statistics.median(values) if values else float("nan")

    print(f"\n== what the wall costs (N = {with_wall.size}): with the wall open − without ==")
    print(f"  server cores busy: {with_wall.server_cores:.2f} − {without.server_cores:.2f}"
          f" = {with_wall.server_cores - without.server_cores:+.2f}")
    print(f"  median epochs/s: {median(with_wall.epochs_per_s):.1f} against {median(without.epochs_per_s):.1f};"
          f" median frames/s: {median(with_wall.frames_per_s):.1f} against {median(without.frames_per_s):.1f}")
    print(f"  Step p95: {percentile(with_wall.all_steps, 0.95) * 1e3:.0f} ms against"
          f" {percentile(without.all_steps, 0.95) * 1e3:.0f} ms;"
          f" server RSS {with_wall.server_rss_mb:.0f} MB against {without.server_rss_mb:.0f} MB")
    from playground.classroom.wall import REFRESH_MS

    cpu, size = work
    print(f"  the wall's own work: {cpu * 1e3:.1f} ms CPU a refresh ({1000 / REFRESH_MS:.0f} a second:"
          f" {cpu * 1000 / REFRESH_MS:.1%} of a core), {size / 1024:.0f} KB of tiles a refresh")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,10,20,30", help="class sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="the measured window of everyone playing")
    parser.add_argument("--step-seconds", type=float, default=8.0, help="the window of Step presses after it")
    parser.add_argument("--steps", type=int, default=4, help="Step presses per learner")
    parser.add_argument("--procs", type=int, default=1, help="server processes (playground serve --num-procs)")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes the learners share")
    parser.add_argument("--summary", action="store_true", help="no per-learner table")
    parser.add_argument("--present", action="store_true",
                        help="learner 1 opens the page with ?present (the teacher's projector, trained first)")
    parser.add_argument("--own-shapes", action="store_true",
                        help="every learner a network shape of its own (nothing trains in a stack: the worst case)")
    parser.add_argument("--wall", action="store_true",
                        help="serve a class; run each class with the teacher's wall open, then without (issue 21)")
    parser.add_argument("--wall-last", action="store_true",
                        help="with --wall: the class without the wall first, then with it (the order's effect)")
    args = parser.parse_args()
    know_the_page_models()

    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f};"
          f" server processes: {args.procs}; client processes: {args.client_procs}", flush=True)
    log_path = Path(tempfile.mkstemp(prefix="classroom-load-", suffix=".log")[1])
    key = "bench-teacher" if args.wall else ""
    store = tempfile.mkdtemp(prefix="classroom-load-store-") if args.wall else ""
    with open(log_path, "w") as log, playground_server(args.procs, log, teacher_key=key, class_store=store) as (url, pid):
        warm_server(url, log_path, args.procs)
        for size in (int(s) for s in args.sizes.split(",")):
            # With --wall: the class with the wall open first (a class that left stays greyed on the wall
            # for a minute, and would load it), then the same class without it.
            results = []
            order = ((False, True) if args.wall_last else (True, False)) if args.wall else (False,)
            for wall_open in order:
                if wall_open and args.wall_last:
                    time.sleep(REMOVE_AFTER_S)     # the class that left is off the wall before it opens
                wall = WallWatcher(url, key) if wall_open else None
                if args.wall:
                    print(f"\n-- the teacher's wall {'open' if wall_open else 'closed'} --", flush=True)
                result = run_class(url, pid, size, args.seconds, args.step_seconds, args.steps,
                                   min(args.client_procs, size), present=args.present, own_shapes=args.own_shapes,
                                   wall=wall, measure_wall=(lambda: wall_work(store)) if wall_open else None)
                if wall is not None:
                    wall.close()
                report(result, per_learner=not args.summary)
                results.append(result)
                sys.stdout.flush()
                time.sleep(3)       # closed sessions' loops end before the next class
            if args.wall:
                with_wall, without = results[::-1] if args.wall_last else results
                report_wall_cost(with_wall, without, work=with_wall.wall_work)


if __name__ == "__main__":
    main()
