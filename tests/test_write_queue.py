"""Panel's write queue sends every patch queued while a write is in flight (playground/serve/write_queue.py).

Panel's own queue functions run here unchanged. Only the websocket is a stand-in,
plugged in through Panel's hook for other socket types (`extra_socket_handlers`). Its
writes finish when the test says, so the interleavings that lost a patch under load
happen on cue.
"""
from __future__ import annotations

import asyncio

import panel.io.document as panel_document
import pytest
from bokeh.document import Document
from bokeh.document.events import ModelChangedEvent
from bokeh.models import ColumnDataSource
from bokeh.protocol import Protocol
from tornado import locks

from own_thread import run_async
from playground.serve.write_queue import send_queued_patches


class Socket:
    """A websocket whose writes stay unfinished (a full send buffer) until the test finishes them."""

    def __init__(self):
        self.write_lock = locks.Lock()     # Bokeh holds it while it sends a reply of its own
        self.written: list[str] = []
        self.unfinished: list[asyncio.Future] = []


class Connection:
    def __init__(self):
        self._socket, self.protocol = Socket(), Protocol()


def write(connection: Connection, msg) -> list[asyncio.Future]:
    socket = connection._socket
    socket.written.append(msg.content["events"][0]["new"])
    future = asyncio.get_running_loop().create_future()
    socket.unfinished.append(future)
    return [future]


@pytest.fixture
def queue():
    """Panel's write queue with the stand-in socket; the fix installed."""
    send_queued_patches()
    panel_document.extra_socket_handlers[Socket] = lambda conn, msg=None, events=None: write(conn, msg)
    yield
    del panel_document.extra_socket_handlers[Socket]


def _patch(doc: Document, source: ColumnDataSource, text: str) -> list:
    return [ModelChangedEvent(doc, source, "name", text)]


def _finish_writes(socket: Socket) -> None:
    for future in socket.unfinished:
        if not future.done():
            future.set_result(None)


def _queued(doc: Document) -> int:
    return sum(len(msgs) for msgs in panel_document._WRITE_MSGS.get(doc, {}).values())


def test_a_patch_queued_as_the_previous_write_finishes_is_sent(queue):
    """The last frame's write finishes; before its task wakes, Step's patch is queued."""
    async def scenario():
        doc, conn = Document(), Connection()
        source = ColumnDataSource(name="start")
        doc.add_root(source)
        panel_document.schedule_write_events(doc, [conn], _patch(doc, source, "frame"))
        await asyncio.sleep(0)                       # the frame is written; its task waits for the write
        _finish_writes(conn._socket)
        panel_document.schedule_write_events(doc, [conn], _patch(doc, source, "step"))
        await asyncio.sleep(0.1)
        _finish_writes(conn._socket)
        await asyncio.sleep(0.1)
        return conn._socket.written, _queued(doc), doc in panel_document._WRITE_BLOCK

    written, queued, running = run_async(scenario)
    assert written == ["frame", "step"] and queued == 0 and not running


def test_a_patch_queued_while_bokeh_holds_the_socket_is_sent(queue):
    """The frame's write waits on a full buffer; Step's patch is queued while Bokeh sends its own reply."""
    async def scenario():
        doc, conn = Document(), Connection()
        source = ColumnDataSource(name="start")
        doc.add_root(source)
        socket = conn._socket
        panel_document.schedule_write_events(doc, [conn], _patch(doc, source, "frame"))
        await asyncio.sleep(0)
        await socket.write_lock.acquire()            # Bokeh answers the click meanwhile
        panel_document.schedule_write_events(doc, [conn], _patch(doc, source, "step"))
        await asyncio.sleep(0)                       # Step's task finds the socket taken: it waits 10 ms
        _finish_writes(socket)                       # the frame's write drains; its task ends
        await asyncio.sleep(0)
        socket.write_lock.release()
        for _ in range(20):
            await asyncio.sleep(0.01)
            _finish_writes(socket)
        return socket.written, _queued(doc), doc in panel_document._WRITE_BLOCK

    written, queued, running = run_async(scenario)
    assert written == ["frame", "step"] and queued == 0 and not running


def test_a_document_without_connections_does_not_keep_the_queue_running(queue):
    async def scenario():
        doc = Document()
        source = ColumnDataSource(name="start")
        doc.add_root(source)
        panel_document.schedule_write_events(doc, [], _patch(doc, source, "frame"))
        await asyncio.sleep(0.05)
        return doc in panel_document._WRITE_BLOCK, len(panel_document._write_tasks.get(doc, []))

    running, tasks = run_async(scenario)
    assert not running and tasks == 0


def test_installing_twice_wraps_panel_once():
    send_queued_patches()
    installed = panel_document._dispatch_msgs
    send_queued_patches()
    assert panel_document._dispatch_msgs is installed and installed._nn_resends
