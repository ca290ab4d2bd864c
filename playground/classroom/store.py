"""Where the class's progress lives: one interface, two backends.

Every server process writes its own students' progress here and the teacher's
wall reads everyone's, so the wall sees the whole class however the class is
spread over processes (`playground serve --lan` runs one per core) or hosts.

- `SqliteStore`: the default, needing no set-up. One SQLite file in WAL mode in a
  temporary folder that `playground serve` names for all its processes (readers never
  wait for a writer, and each process writes only its own students' rows).
- `RedisStore`: across hosts behind a load balancer, through the maintained `redis`
  client (`playground serve --class-store redis://host:port/db`).

The store holds one record per student session (`Progress`), a counter for default
names and the class's messages (the lesson sent to all). It imports nothing else of
the app: pages publish through `playground.serve.progress`, the wall reads here.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterable, Protocol
from urllib.parse import urlencode, urlparse

# `playground serve` puts the store's address here for all its processes:
# "redis://host:port/db", or a folder for the embedded SQLite store.
CLASS_STORE_ENV = "NN_PLAYGROUND_CLASS_STORE"
SQLITE_FILE = "class.sqlite3"
REDIS_PREFIX = "nn-playground:class:"
# A record not updated for this long belongs to a process that went away without saying so.
STALE_S = 3 * 3600


@dataclass
class Progress:
    """One student session's run, as the wall shows it. Names are cleaned before they get here."""

    student: str                   # a random id for the session (never Bokeh's session id)
    name: str = ""
    page: str = ""                 # the page the student is on ("dense"), "" before a page has said
    lesson: str = ""               # a lesson id, "" for free play
    epoch: int = 0
    test_loss: float | None = None
    solved: bool = False
    solved_epoch: int | None = None
    solved_seconds: float | None = None
    seconds: float = 0.0           # how long this run has trained, wall-clock
    network: str = ""              # the network's shape, e.g. "x1,x2 → 4,2 → 1 (tanh)"
    neurons: int = 0               # hidden neurons in all (the leaderboard's measure of size)
    answer: str = ""               # the answer to the lesson's question, where there is one
    map_side: int = 0              # the decision map's picture: side × side bytes, 0…255 for −1…+1
    map_codes: str = ""            # those bytes, base64
    query: dict[str, str] = field(default_factory=dict)   # the settings (a link reproduces the run)
    updated: float = 0.0           # time.time() of the last write
    left: float | None = None      # time.time() when the student's session ended

    def link(self) -> str:
        """A link that reproduces the run: its settings, seeds included, on this server."""
        return "/app?" + urlencode(self.query)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> "Progress | None":
        """The record in `text`, or None when it is not one (a newer server's, or damaged)."""
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError):
            return None


class ClassStore(Protocol):
    """What the wall and the publishers ask of a store."""

    def put(self, records: Iterable[Progress]) -> None:
        """Write these records (each replaces the student's previous one)."""

    def all(self) -> list[Progress]:
        """Every student's latest record (stale ones are dropped)."""

    def remove(self, students: Iterable[str]) -> None:
        """Forget these students."""

    def next_number(self) -> int:
        """1, 2, 3, … across every process: the N of a default name "Student N"."""

    def get(self, student: str) -> Progress | None:
        """One student's latest record, or None."""

    def send(self, message: dict) -> None:
        """Post a message to the class (the latest one wins)."""

    def message(self) -> dict | None:
        """The latest message posted to the class, with its "id"; None when there is none."""

    def project(self, projection: dict | None) -> None:
        """Set what the teacher's projector mirrors ({"student": id, "show_name": bool}), or None for its own run."""

    def projection(self) -> dict | None:
        """What the projector mirrors now, or None."""

    def close(self) -> None:
        """Let go of connections."""


class SqliteStore:
    """The embedded store: one SQLite file in WAL mode, shared by the processes of one machine."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        # Private to this user: names of students are personal data.
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.folder / SQLITE_FILE
        self._local = threading.local()    # a connection per thread (sqlite3's rule)
        with self._connection() as db:
            db.execute("CREATE TABLE IF NOT EXISTS progress (student TEXT PRIMARY KEY, record TEXT, updated REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 0), n INTEGER)")
            db.execute("CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS projection (id INTEGER PRIMARY KEY CHECK (id = 0), body TEXT)")

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # A writer waits (up to 10 s) for another process's write instead of failing.
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")   # WAL stays consistent; a power cut may lose the last writes
            self._local.db = db
        return db

    def put(self, records: Iterable[Progress]) -> None:
        rows = [(r.student, r.to_json(), r.updated) for r in records]
        if rows:
            with self._connection() as db:
                db.executemany("INSERT OR REPLACE INTO progress VALUES (?, ?, ?)", rows)

    def all(self) -> list[Progress]:
        db = self._connection()
        cutoff = time.time() - STALE_S
        rows = db.execute("SELECT record FROM progress WHERE updated >= ?", (cutoff,)).fetchall()
        return [r for (text,) in rows if (r := Progress.from_json(text)) is not None]

    def get(self, student: str) -> Progress | None:
        row = self._connection().execute("SELECT record FROM progress WHERE student = ?", (student,)).fetchone()
        return None if row is None else Progress.from_json(row[0])

    def remove(self, students: Iterable[str]) -> None:
        with self._connection() as db:
            db.executemany("DELETE FROM progress WHERE student = ?", [(s,) for s in students])
            db.execute("DELETE FROM progress WHERE updated < ?", (time.time() - STALE_S,))

    def next_number(self) -> int:
        with self._connection() as db:
            db.execute("INSERT INTO counter VALUES (0, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1")
            return db.execute("SELECT n FROM counter WHERE id = 0").fetchone()[0]

    def send(self, message: dict) -> None:
        with self._connection() as db:
            db.execute("INSERT INTO message (body) VALUES (?)", (json.dumps(message),))
            db.execute("DELETE FROM message WHERE id < (SELECT MAX(id) FROM message)")

    def message(self) -> dict | None:
        row = self._connection().execute("SELECT id, body FROM message ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else {**json.loads(row[1]), "id": row[0]}

    def project(self, projection: dict | None) -> None:
        with self._connection() as db:
            db.execute("INSERT OR REPLACE INTO projection VALUES (0, ?)", (json.dumps(projection),))

    def projection(self) -> dict | None:
        row = self._connection().execute("SELECT body FROM projection WHERE id = 0").fetchone()
        return None if row is None else json.loads(row[0])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class RedisStore:
    """The store across hosts: a Redis hash of records, a counter and the latest message."""

    def __init__(self, url: str):
        import redis     # only a class spread over hosts needs it

        self.url = url
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._records = REDIS_PREFIX + "progress"
        self._counter = REDIS_PREFIX + "students"
        self._message = REDIS_PREFIX + "message"
        self._projection = REDIS_PREFIX + "projection"

    def put(self, records: Iterable[Progress]) -> None:
        mapping = {r.student: r.to_json() for r in records}
        if mapping:
            self._redis.hset(self._records, mapping=mapping)

    def all(self) -> list[Progress]:
        cutoff = time.time() - STALE_S
        records = (Progress.from_json(text) for text in self._redis.hvals(self._records))
        return [r for r in records if r is not None and r.updated >= cutoff]

    def get(self, student: str) -> Progress | None:
        text = self._redis.hget(self._records, student)
        return None if text is None else Progress.from_json(text)

    def remove(self, students: Iterable[str]) -> None:
        students = list(students)
        if students:
            self._redis.hdel(self._records, *students)

    def next_number(self) -> int:
        return int(self._redis.incr(self._counter))

    def send(self, message: dict) -> None:
        # The id travels inside the body: a reader never pairs a new id with an old body.
        number = int(self._redis.incr(self._message + ":id"))
        self._redis.set(self._message, json.dumps({**message, "id": number}))

    def message(self) -> dict | None:
        text = self._redis.get(self._message)
        return None if text is None else json.loads(text)

    def project(self, projection: dict | None) -> None:
        self._redis.set(self._projection, json.dumps(projection))

    def projection(self) -> dict | None:
        text = self._redis.get(self._projection)
        return None if text is None else json.loads(text)

    def close(self) -> None:
        self._redis.close()


def default_folder() -> Path:
    """A fresh temporary folder for one server's embedded store (all its processes get its name)."""
    return Path(tempfile.gettempdir()) / f"nn-playground-class-{os.getpid()}-{os.urandom(4).hex()}"


def check_address(address: str) -> str | None:
    """Why `address` (a --class-store value) cannot name a store, or None when it can."""
    parsed = urlparse(address)
    if parsed.scheme in ("redis", "rediss", "unix"):
        return None if parsed.hostname or parsed.path else f"no host in {address!r}"
    if parsed.scheme:
        return f"unknown store {parsed.scheme!r} (give redis://host:port/db, or a folder)"
    return None


def open_store(address: str) -> ClassStore:
    """The store at `address`: a redis:// URL, else a folder for the embedded store."""
    if urlparse(address).scheme in ("redis", "rediss", "unix"):
        return RedisStore(address)
    return SqliteStore(address)


_store: ClassStore | None = None
_store_lock = threading.Lock()


def class_store() -> ClassStore | None:
    """This process's store, from the address `playground serve` set; None when serving no class."""
    global _store
    address = os.environ.get(CLASS_STORE_ENV, "")
    if not address:
        return None
    with _store_lock:
        if _store is None:
            _store = open_store(address)
        return _store
