"""How often views that change slowly follow the frames of live training.

A frame of the dense page redraws its heatmaps, and the browser repaints every canvas
whose data changed. Some views change little from one frame to the next but cost the
browser much to repaint: the network's links (a few hundred anti-aliased curves) and the
loss chart (its axes measure their labels at every paint). While training plays, these
follow at most every PERIOD_S; a frame drawn at a stop (pause, Step, a changed control)
updates them at once, so what stays on screen is always exact.
"""
from __future__ import annotations

import time

PERIOD_S = 0.2     # 5 updates a second: smooth enough for slow-moving views, a quarter of the cost at 20 frames/s


class LiveUpdates:
    """Says whether a view's update should go with this frame."""

    def __init__(self, period_s: float = PERIOD_S):
        self.period_s = period_s
        self._sent_at = -float("inf")

    def due(self, live: bool) -> bool:
        """True for any frame that is not `live`, and for a live one `period_s` after the last update sent."""
        now = time.perf_counter()
        if live and now - self._sent_at < self.period_s:
            return False
        self._sent_at = now
        return True
