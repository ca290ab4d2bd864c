"""Run test code on a thread of its own.

Once a browser test has started Playwright (its sync API keeps an asyncio loop running in
the test's thread for the whole session), `asyncio.run` and Tornado's IOLoop cannot run
in that thread any more: code that needs its own event loop runs here instead.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    """`work()` on a new thread; its result, or its exception raised here."""
    outcome: dict[str, object] = {}

    def main():
        try:
            outcome["result"] = work()
        except BaseException as exc:      # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def run_async(scenario: Callable[[], object]):
    """`asyncio.run(scenario())` on a fresh event loop in its own thread; its result."""
    return in_own_thread(lambda: asyncio.run(scenario()))
