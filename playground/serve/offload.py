"""One session's heavy work (an uploaded model or picture) off the server's event loop.

The event loop serves every session: a model upload that takes seconds to read must
not stall everyone else's training and clicks. `off_loop` runs the heavy part in a
worker thread and hands its result, or its exception, back to the session's own
callbacks on the event loop, with the session's document locked as for any callback.
"""
from __future__ import annotations

import functools
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

import panel as pn

from playground.i18n import current_language, reset_language, use_language

log = logging.getLogger(__name__)
T = TypeVar("T")

# Two at a time: each upload may need a few hundred MB while it is read, and the
# training slices have their own pool (playground.serve.scheduler).
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="upload")


def off_loop(heavy: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None]) -> None:
    """Run `heavy()` in a worker, then `done(result)` or `failed(exception)` in this session.

    Call it from a session's callback. Outside a served session (tests, a notebook)
    everything runs at once, in order.
    """
    doc = pn.state.curdoc
    if doc is None or doc.session_context is None:
        try:
            result = heavy()
        except Exception as exc:     # noqa: BLE001 - handed to `failed`, as in a served session
            failed(exc)
            return
        done(result)
        return
    language = current_language()      # messages made in the worker speak the session's language

    def work() -> T:
        token = use_language(language)
        try:
            return heavy()
        finally:
            reset_language(token)

    def back(future: Future) -> None:          # in the worker thread
        exc = future.exception()
        outcome = functools.partial(failed, exc) if exc is not None else functools.partial(done, future.result())
        try:
            doc.add_next_tick_callback(outcome)     # Bokeh's one thread-safe way into a session
        except Exception:      # noqa: BLE001 - the session went while the work ran: nobody to tell
            log.info("an upload finished after its session had closed")

    _POOL.submit(work).add_done_callback(back)
