"""Panel's stylesheets come from this server even in a session built from the websocket alone.

With `--num-procs 2` a page request and its websocket may reach two different
processes: the second builds the session without rendering a page. This test is
that second process, deterministically: it opens the app's websocket with a session
id no page was rendered for, pulls the document and reads the stylesheet addresses in
it, as the browser would load them.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bokeh.protocol import Protocol
from bokeh.util.token import generate_jwt_token, generate_session_id
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from browser_support import served_app


async def pulled_document(url: str) -> str:
    """The raw text of the document the server sends for a fresh session of `url`."""
    token = generate_jwt_token(generate_session_id())
    conn = await websocket_connect(HTTPRequest(url.replace("http", "ws", 1) + "/ws"),
                                   subprotocols=["bokeh", token])
    await asyncio.wait_for(conn.read_message(), 60)          # the server's ACK
    request = Protocol().create("PULL-DOC-REQ")
    for part in (request.header_json, request.metadata_json, request.content_json):
        await conn.write_message(part)
    text = ""
    while "PULL-DOC-REPLY" not in text or '"doc"' not in text:   # header, metadata, then the document
        frame = await asyncio.wait_for(conn.read_message(), 60)
        assert frame is not None, "the server closed the websocket"
        text += frame if isinstance(frame, str) else ""
    conn.close()
    return text


def test_a_session_built_from_the_websocket_alone_loads_no_file_from_the_internet():
    with served_app() as url:
        with ThreadPoolExecutor(1) as thread:      # its own event loop: an earlier test may leave one running here
            document = thread.submit(lambda: asyncio.run(pulled_document(url))).result()
    assert "static/extensions/panel/" in document            # Panel's stylesheets are there, served locally
    assert "cdn.holoviz.org" not in document and "https://" not in document
