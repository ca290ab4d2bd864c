"""The server's websockets send each message at once (TCP_NODELAY), on a real Bokeh server and client."""
from __future__ import annotations

import socket
import threading

from bokeh.application import Application
from bokeh.application.handlers.function import FunctionHandler
from bokeh.models import ColumnDataSource
from bokeh.server.server import Server
from bokeh.server.views.ws import WSHandler
from tornado.ioloop import IOLoop

from own_thread import in_own_thread
from playground.serve.websocket import send_promptly


def _nodelay_of_server_sockets_with_a_client() -> list[int]:
    """Serve a one-model app, open a Bokeh client session on it: TCP_NODELAY of the server's websockets."""
    from bokeh.client import pull_session

    ready = threading.Event()
    box: dict = {}

    def serve():
        loop = IOLoop()
        server = Server({"/app": Application(FunctionHandler(lambda doc: doc.add_root(ColumnDataSource())))},
                        port=0, address="127.0.0.1", io_loop=loop, allow_websocket_origin=["*"])
        server.start()
        box["server"], box["loop"] = server, loop
        ready.set()
        loop.start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    server, loop = box["server"], box["loop"]
    try:
        session = pull_session(url=f"http://127.0.0.1:{server.port}/app", io_loop=IOLoop())
        try:
            # BokehTornado's open connections; each one's WSHandler holds the server side of a socket.
            return [c._socket.ws_connection.stream.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                    for c in server._tornado._clients]
        finally:
            session.close()
    finally:
        loop.add_callback(lambda: (server.stop(), loop.stop()))
        thread.join(10)


def test_server_websockets_send_without_nagle_delay():
    send_promptly()
    wrapped = WSHandler.open
    send_promptly()         # twice changes nothing
    assert WSHandler.open is wrapped
    flags = in_own_thread(_nodelay_of_server_sockets_with_a_client)
    assert flags and all(flags)
