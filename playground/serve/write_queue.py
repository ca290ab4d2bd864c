"""Send every patch that Panel queues for a busy websocket (a fix for Panel 1.9's write queue).

When a page changes while its websocket is still writing, Panel queues the patch
(`schedule_write_events`) and a task, `_dispatch_msgs`, writes the queue out. The task
marks the document as "queue running" while it writes and waits for the writes to
finish. When it wakes, it clears that mark without looking at the queue again. A patch
queued during that wait was given a task of its own, but that task saw the mark cleared
and returned at once. The patch then stayed in the queue until the page changed again.

Under a class's load this lost about one Step press in a hundred. The server paused,
trained one epoch and drew it, but neither the Play button's change nor the frame
reached the browser. Once paused, the page changes no more, so Step looked dead.

The fix keeps Panel's code. After each run of its task, a queue that still holds
patches with the mark cleared is started again. Panel looks the task up by its module
name when it reschedules it, so the wrapped task serves those runs too.
"""
from __future__ import annotations

import panel.io.document as panel_document


def send_queued_patches() -> None:
    """Make Panel's write queue send every patch queued for a document; calling it again changes nothing."""
    if getattr(panel_document._dispatch_msgs, "_nn_resends", False):
        return
    original = panel_document._dispatch_msgs

    async def dispatch_msgs(doc) -> None:
        await original(doc)
        # `.get`, not `in`: with no connection, Panel leaves an empty queue behind, and
        # restarting for that would never end.
        if doc not in panel_document._WRITE_BLOCK and panel_document._WRITE_MSGS.get(doc):
            panel_document._WRITE_BLOCK[doc] = True
            panel_document._dispatch_write_task(doc, dispatch_msgs, doc)

    dispatch_msgs._nn_resends = True
    panel_document._dispatch_msgs = dispatch_msgs
