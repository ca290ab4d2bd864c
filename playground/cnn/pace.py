"""How fast the convolution window slides: the speed choices, and a clock that keeps to them.

From CNN Explainer's pace (4 windows a second: time to read the products) to a sweep of a
whole map in 15 s (to see the kernel slide). The clock counts the windows due since the
animation started, so the pace holds however long a redraw takes: a slow tick moves the
window further rather than slowing the animation down.
"""
from __future__ import annotations

import time
from typing import Callable

from playground.i18n import N_

SWEEP_SECONDS = 15.0
# The state keeps the key; the widget shows the label (translated).
SPEEDS = {"4": N_("4 windows/s"), "16": N_("16 windows/s"), "sweep": N_("whole map in 15 s")}
TICK_MS = 250                  # the animation's redraws: 4 a second, one window each at the slowest speed


def windows_per_second(speed: str, cells: int) -> float:
    """The window's pace for speed key `speed` on a map of `cells` output cells."""
    return max(cells, 1) / SWEEP_SECONDS if speed == "sweep" else float(speed)


class WindowClock:
    """Counts the windows due at a pace since the last `restart` (a new pace restarts it)."""

    def __init__(self, now: Callable[[], float] = time.monotonic):
        self._now = now
        self._start, self._done, self._rate = now(), 0, None

    def restart(self) -> None:
        self._start, self._done = self._now(), 0

    def due(self, rate: float) -> int:
        """Windows to move now to keep `rate` windows a second."""
        if rate != self._rate:
            if self._rate is not None:      # the pace changed mid-way: count from now
                self.restart()
            self._rate = rate
        total = int((self._now() - self._start) * rate + 1e-9)
        steps, self._done = total - self._done, total
        return steps
