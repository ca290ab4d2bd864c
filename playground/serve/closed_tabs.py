"""A tab that closes while a frame is on its way is normal, not an error.

Panel writes a frame to the websocket as several messages and awaits them later.
When the learner closes the tab in between, the writes that were still pending fail
with `WebSocketClosedError`; those Panel has not awaited yet (the session is being
torn down) reach asyncio's "Task exception was never retrieved", an ERROR with a
traceback in the server log for an everyday event. This hook turns exactly those
into one INFO line and leaves every other unhandled exception to asyncio's default.
"""
from __future__ import annotations

import asyncio
import logging

from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

log = logging.getLogger(__name__)
if log.level == logging.NOTSET:
    log.setLevel(logging.INFO)     # `panel serve` shows INFO for Bokeh's logger only

CLOSED = (WebSocketClosedError, StreamClosedError)


def _handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    if isinstance(context.get("exception"), CLOSED):
        log.info("a message was still being sent when its tab closed (dropped)")
        return
    loop.default_exception_handler(context)


def quiet_closed_tabs(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Install the hook on `loop` (the running one by default); calling it again changes nothing."""
    try:
        loop = loop or asyncio.get_running_loop()
    except RuntimeError:      # no server loop (a script, a test building a page): nothing to quieten
        return
    if loop.get_exception_handler() is None:
        loop.set_exception_handler(_handler)
