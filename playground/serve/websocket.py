"""Send each websocket message the moment it is written (TCP_NODELAY on Bokeh's websockets).

Bokeh writes one document patch as several websocket messages: a header, metadata,
content, then a header and a payload per binary buffer (a frame of the dense page is
seven writes). Tornado leaves Nagle's algorithm on unless told otherwise, so after
the first small write the kernel holds the next ones until the browser acknowledges
the first, and the browser delays that acknowledgement by up to 40 ms. Measured on
the dense page: the content arrived 26 ms (median) after its header, about half of
a frame's whole round trip. Tornado's documentation gives this remedy: call
`set_nodelay(True)` once the websocket is open. The cost is a few more small packets.
"""
from __future__ import annotations

import functools

from bokeh.server.views.ws import WSHandler


def send_promptly() -> None:
    """Make every Bokeh websocket opened from now on send without delay; calling it again changes nothing."""
    if getattr(WSHandler.open, "_nn_nodelay", False):
        return
    original = WSHandler.open

    @functools.wraps(original)
    def open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)
        return original(self, *args, **kwargs)

    open_without_delay._nn_nodelay = True
    WSHandler.open = open_without_delay



_SETTING = WSHandler.max_message_size    # Tornado's property: the application's websocket_max_message_size


def take_messages_up_to(max_bytes: int) -> None:
    """Let every websocket opened from now on take messages of `max_bytes` (or Bokeh's setting, if larger).

    `playground serve` passes `--websocket-max-message-size`; under a plain `panel serve
    playground/app.py` Bokeh's default (20 MB) held, and a 25 MB photo closed the page's
    websocket with no message at all. Tornado reads the limit when a websocket opens, and
    the app runs when a page is requested, before its websocket opens: so every page gets
    it, however the server was started. Calling it again replaces the floor.
    """
    WSHandler.max_message_size = property(lambda self: max(max_bytes, _SETTING.fget(self)))
