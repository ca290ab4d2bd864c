"""The class store on both backends (SQLite in WAL mode, a real redis-server), the throttled
publisher, and two `playground serve` servers writing one class that one wall reads."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from browser_support import ROOT, free_port, serving
from playground.classroom.store import Progress, RedisStore, SqliteStore, open_store
from playground.serve.progress import WRITE_INTERVAL_S, SessionProgress, _Writer


@pytest.fixture(scope="module")
def redis_url():
    """A real redis-server on a free loopback port, stopped afterwards (skipped when not installed)."""
    exe = shutil.which("redis-server")
    if exe is None:
        reason = "no redis-server (Debian: apt-get install redis-server)"
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(reason)       # CI installs it: a skip there would hide the Redis tests
        pytest.skip(reason)
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    import redis

    client = redis.Redis(port=port)
    deadline = time.time() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("redis-server did not come up")
            time.sleep(0.1)
    client.close()
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


_db = iter(range(1, 16))


@pytest.fixture(params=["sqlite", "redis"])
def address(request, tmp_path):
    """A fresh store's address on each backend (a fresh folder; a fresh Redis database)."""
    if request.param == "sqlite":
        return str(tmp_path / "class")
    return f"{request.getfixturevalue('redis_url')}/{next(_db)}"


def test_records_are_written_replaced_and_removed(address):
    store = open_store(address)
    assert isinstance(store, RedisStore if address.startswith("redis") else SqliteStore)
    assert store.all() == [] and store.message() is None
    now = time.time()
    a = Progress(student="a", name="Ann", lesson="task1", epoch=3, test_loss=0.5, query={"seed": "1"}, updated=now)
    b = Progress(student="b", name="Bob", epoch=7, updated=now)
    store.put([a, b])
    store.put([Progress(student="a", name="Ann", lesson="task1", epoch=9, test_loss=0.25, solved=True,
                        solved_epoch=8, updated=now)])
    got = {r.student: r for r in store.all()}
    assert got["a"].epoch == 9 and got["a"].solved and got["a"].test_loss == 0.25 and got["b"].name == "Bob"
    store.put([Progress(student="old", updated=now - 4 * 3600)])      # a process that went away long ago
    assert {r.student for r in store.all()} == {"a", "b"}
    store.remove(["a"])
    assert [r.student for r in store.all()] == ["b"]
    store.send({"lesson": "task2"})
    store.send({"lesson": "task3"})
    first = store.message()
    assert first["lesson"] == "task3"
    store.send({"lesson": "task4"})
    assert store.message()["id"] > first["id"]
    assert store.get("b").name == "Bob" and store.get("nobody") is None
    assert store.projection() is None
    store.project({"student": "b", "show_name": False})
    assert store.projection() == {"student": "b", "show_name": False}
    store.project(None)
    assert store.projection() is None
    store.close()


def _take_numbers(address: str, count: int, out) -> None:
    store = open_store(address)
    out.put([store.next_number() for _ in range(count)])


def test_default_name_numbers_are_unique_across_processes(address):
    # Two processes at once, as a class on two server processes: no number twice, none skipped.
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_take_numbers, args=(address, 40, out)) for _ in range(2)]
    for p in procs:
        p.start()
    numbers = out.get(timeout=60) + out.get(timeout=60)
    for p in procs:
        p.join(timeout=60)
    assert sorted(numbers) == list(range(1, 81))


def test_the_publisher_writes_at_most_twice_a_second_and_always_the_last_state(address):
    store = open_store(address)
    writes = []

    class Counting:      # the real store, its writes counted
        def put(self, records):
            records = list(records)
            writes.append(time.monotonic())
            store.put(records)

        def next_number(self):
            return store.next_number()

    counting = Counting()
    progress = SessionProgress(counting, _Writer(counting), name="\u202eAnn\u200b")
    assert progress.name == "Ann"
    start = time.monotonic()
    epoch = 0
    while time.monotonic() - start < 1.2:          # a frame every 10 ms, 120 in all
        epoch += 1
        progress.publish(page="dense", lesson="task1", epoch=epoch, test_loss=1 / epoch, network="n", neurons=6,
                         map_grid=np.zeros((100, 100), np.float32))
        time.sleep(0.01)
    deadline = time.monotonic() + 10
    while not (store.all() and store.all()[0].epoch == epoch) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.all()[0].epoch == epoch            # the last state arrives although it came within the interval
    # One write as the session opened, then one per interval at most (monotonic clock, the same thread).
    gaps = np.diff(writes)
    assert len(writes) >= 3 and gaps.min() >= WRITE_INTERVAL_S - 0.005, gaps
    rec = store.all()[0]
    assert rec.map_side == 50 and rec.name == "Ann" and rec.seconds > 0


def test_a_session_no_browser_connected_to_is_no_student(tmp_path):
    """With `--num-procs`, a page load builds a session in one process while the browser's websocket may
    build the one it uses in another: the first must not reach the wall, nor take a "Student N" number."""
    store = SqliteStore(tmp_path / "class")
    writer = _Writer(store)
    ghost = SessionProgress(store, writer, connected=False)
    ghost.publish(page="dense", lesson="", epoch=0, test_loss=0.5, network="n", neurons=6,
                  map_grid=np.zeros((100, 100), np.float32))
    ghost.set_name("Ghost")
    ghost.leave()
    student = SessionProgress(store, writer, connected=False)
    student.publish(page="dense", lesson="task1", epoch=3, test_loss=0.25, network="n", neurons=6,
                    map_grid=np.ones((100, 100), np.float32))
    student.connected()                          # the browser's "document ready"
    deadline = time.time() + 10
    while not store.all() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(2 * WRITE_INTERVAL_S)             # anything else pending would be written by now
    records = store.all()
    assert [(r.name, r.lesson, r.epoch, r.map_side) for r in records] == [("Student 1", "task1", 3, 50)]
    assert records[0].map_codes                  # the picture published before the browser came is kept


def _students(port: int, names: list[str]) -> list:
    """Students' pages as a browser opens them: the session over a websocket, then "document ready"."""
    from bokeh.client import pull_session
    from bokeh.events import DocumentReady
    from tornado.ioloop import IOLoop

    import playground.components.classroom.name_field  # noqa: F401  (the client must know the page's models)
    import playground.dense.page  # noqa: F401
    import playground.shell  # noqa: F401

    sessions = []
    for name in names:
        session = pull_session(url=f"http://127.0.0.1:{port}/app", io_loop=IOLoop(), arguments={"name": name})
        session.document.callbacks.send_event(DocumentReady())
        session._connection.io_loop.run_sync(lambda: asyncio.sleep(0.2))     # the event leaves the client
        sessions.append(session)
    return sessions


def _off_this_thread(work):
    """`work()` in a thread of its own: the clients' event loops must not meet one an earlier test left running."""
    def in_its_own_loop():
        asyncio.set_event_loop(asyncio.new_event_loop())     # a thread's current loop, as the main thread has
        return work()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(in_its_own_loop).result()


def _page_loads(port: int, names: list[str]) -> None:
    # An HTTP page load alone builds a session, in whichever process answers it; with `--num-procs` the
    # browser's websocket may reach another process, which builds the session the student uses.
    for name in names:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/app?name={name}", timeout=120).read()


def test_two_servers_write_one_class(address, tmp_path):
    """Two `playground serve` servers (as two hosts behind a balancer), one of them with two
    processes, on one store: the class is whole."""
    ports = free_port(), free_port()
    logs = [open(tmp_path / f"serve{i}.log", "w") for i in range(2)]

    def serve(i):
        # The first runs two processes (`--lan`'s way), the second one: three processes on one store.
        return serving([sys.executable, "-m", "playground.cli", "serve", "--port", str(ports[i]),
                        "--num-procs", str(2 - i),
                        "--teacher-key", "chalk", "--class-store", address],
                       f"http://127.0.0.1:{ports[i]}/teacher", logs[i])

    with serve(0), serve(1):
        store = open_store(address)
        # Sessions no browser connected to are no students: not on the wall, no "Student N" number taken.
        _page_loads(ports[0], ["Ghost"])
        _page_loads(ports[1], ["Ghost"])
        opened = _off_this_thread(lambda: _students(ports[0], ["Ann", "Bob"]) +
                                  _students(ports[1], ["Cy", "\u202eDee"]))     # a bidi override

        def published() -> list[Progress]:      # the pages' first frames, after the sessions' opening records
            return [r for r in store.all() if r.page == "dense"]

        deadline = time.time() + 30
        while len(published()) < 4 and time.time() < deadline:
            time.sleep(0.2)
        got = {r.name: r for r in published()}
        assert set(got) == {"Ann", "Bob", "Cy", "Dee"} and len(store.all()) == 4
        assert all(r.network == "x1,x2 → 4,2 → 1 (tanh)" and r.epoch == 0 for r in got.values())
        assert store.next_number() == 1          # no ghost took a number
        _off_this_thread(lambda: [session.close() for session in opened])
    for log in logs:
        log.close()
    assert "Traceback" not in (tmp_path / "serve0.log").read_text() + (tmp_path / "serve1.log").read_text()


def test_save_class_appends_each_solved_run_once(tmp_path):
    store = SqliteStore(tmp_path / "class")
    path = tmp_path / "results.csv"
    progress = SessionProgress(store, _Writer(store, save_to=str(path)), name="=cmd|' /C calc'!A0")
    for epoch, solved in ((5, None), (20, 18), (40, 18)):      # solved at 18, then trained on
        progress.publish(page="dense", lesson="task3", epoch=epoch, test_loss=0.01, network="n", neurons=6,
                         solved_epoch=solved, solved_seconds=None if solved is None else 1.5)
        deadline = time.time() + 10
        while not any(r.epoch == epoch for r in store.all()) and time.time() < deadline:
            time.sleep(0.05)
    rows = path.read_text().splitlines()
    assert rows == ["name,lesson,solved,epoch,seconds,test loss,network,answer",
                    "'=cmd|' /C calc'!A0,task3,yes,18,1.5,0.0100,n,"]
