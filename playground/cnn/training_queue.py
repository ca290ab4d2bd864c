"""How many CNN trainings one server process runs at once, who waits, and TensorFlow's thread pools.

CNN training is heavy: a server process trains at most `slots` models at once
(``NN_PLAYGROUND_CNN_TRAININGS``, default 1); the others wait in order, and each
knows its 1-based place. A training that stops or closes while it waits leaves
the queue, and a finished one hands its slot to the first in line.

Importing this module imports neither TensorFlow nor Panel.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Protocol

log = logging.getLogger(__name__)

TRAININGS_ENV = "NN_PLAYGROUND_CNN_TRAININGS"
THREADS_ENV = "NN_PLAYGROUND_CNN_THREADS"


class Ticket(Protocol):
    """What the queue tells a training (called with the queue's lock held: return quickly)."""

    def admitted(self) -> None: ...                 # a slot is yours: start now
    def moved(self, place: int) -> None: ...        # your place in the line changed (1 = next)


class TrainingQueue:
    """At most `slots` trainings at once; the others wait first come, first served."""

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError(f"a training queue needs at least one slot, not {slots}")
        self.slots = int(slots)
        self._lock = threading.Lock()
        self._running: list[Ticket] = []
        self._waiting: list[Ticket] = []

    def running(self) -> int:
        return len(self._running)

    def waiting(self) -> int:
        return len(self._waiting)

    def place(self, ticket: Ticket) -> int | None:
        """`ticket`'s 1-based place in the line, None when it runs or is not in the queue."""
        with self._lock:
            return self._waiting.index(ticket) + 1 if ticket in self._waiting else None

    def join(self, ticket: Ticket) -> None:
        """Line `ticket` up: it is `admitted()` at once when a slot is free, else told its place."""
        with self._lock:
            if ticket in self._running or ticket in self._waiting:
                return
            self._waiting.append(ticket)
            self._hand_out()

    def leave(self, ticket: Ticket) -> None:
        """`ticket` ends (done, stopped or closed): its slot or its place goes to the next ones."""
        with self._lock:
            if ticket in self._running:
                self._running.remove(ticket)
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            else:
                return
            self._hand_out()

    def _hand_out(self) -> None:
        # Called with the lock held, after every change: fill free slots, then tell the line its places.
        while self._waiting and len(self._running) < self.slots:
            first = self._waiting.pop(0)
            self._running.append(first)
            first.admitted()
        for place, ticket in enumerate(self._waiting, start=1):
            ticket.moved(place)


_server_queue: TrainingQueue | None = None
_server_queue_lock = threading.Lock()


def server_queue() -> TrainingQueue:
    """The queue of this server process; its slots come from ``NN_PLAYGROUND_CNN_TRAININGS`` (default 1)."""
    global _server_queue
    with _server_queue_lock:
        if _server_queue is None:
            try:
                slots = max(1, int(os.environ.get(TRAININGS_ENV, "1")))
            except ValueError:
                log.warning("%s=%r is not a number; running one CNN training at a time",
                            TRAININGS_ENV, os.environ.get(TRAININGS_ENV))
                slots = 1
            _server_queue = TrainingQueue(slots)
        return _server_queue


# ---------------------------------------------------------------- TensorFlow's thread pools

_threads_lock = threading.Lock()
_threads_set: tuple[int, int] | None = None


def tensorflow_threads(cores: int | None = None) -> tuple[int, int]:
    """(intra-op, inter-op) thread counts for a server that trains CNNs next to dense learners.

    The dense learners run in the server's one Python thread (the GIL makes them one
    core's worth of work at most), so TensorFlow gets every core but one for the
    inside of its operations, and runs one operation at a time: TinyVGG is a chain,
    nothing in it runs side by side anyway. On 2 cores a training then takes one
    core and the learners keep the other; all trainings of the process share these
    pools, so K trainings at once do not take K times the cores.
    ``NN_PLAYGROUND_CNN_THREADS`` sets the intra-op count instead.
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    intra = max(1, cores - 1)
    try:
        intra = max(1, int(os.environ.get(THREADS_ENV, intra)))
    except ValueError:
        log.warning("%s=%r is not a number; using %d threads", THREADS_ENV, os.environ.get(THREADS_ENV), intra)
    return intra, 1


def limit_tensorflow_threads() -> tuple[int, int] | None:
    """Size TensorFlow's thread pools for a shared server (`tensorflow_threads`), once per process.

    Must run before TensorFlow runs anything: the warm-up calls it first thing, and so
    does every live training. Once TensorFlow's runtime has started, the pools can no
    longer change: then this logs why and leaves them (returns None).
    """
    global _threads_set
    with _threads_lock:
        if _threads_set is not None:
            return _threads_set
        import tensorflow as tf

        intra, inter = tensorflow_threads()
        try:
            tf.config.threading.set_intra_op_parallelism_threads(intra)
            tf.config.threading.set_inter_op_parallelism_threads(inter)
        except RuntimeError:
            log.info("TensorFlow was running already: its thread pools keep their sizes (%d intra-op, %d inter-op)",
                     tf.config.threading.get_intra_op_parallelism_threads(),
                     tf.config.threading.get_inter_op_parallelism_threads())
            _threads_set = (tf.config.threading.get_intra_op_parallelism_threads(),
                            tf.config.threading.get_inter_op_parallelism_threads())
            return None
        _threads_set = (intra, inter)
        log.info("TensorFlow's thread pools: %d intra-op, %d inter-op", intra, inter)
        return _threads_set
