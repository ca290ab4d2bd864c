"""The pace of live training: four named speeds beside Play, stored as epochs per drawn frame.

The original plays one epoch per drawn frame, and so does our default: a class watches the
boundary move instead of seeing a finished picture. Slow motion goes further down, to one
mini-batch per frame (its points ringed on the map); fast and fastest trade pictures for
epochs. The URL keeps `epochs_per_frame` as it always did, so old links still play at
their own number of epochs per frame; the control shows the nearest named speed.
"""
from __future__ import annotations

import math

from playground.i18n import N_, _

SLOW_MOTION = 0           # epochs_per_frame of slow motion: one mini-batch per frame, not an epoch
SLOW_MOTION_S = 0.4       # seconds between two slow-motion frames: time to see the ringed points move
# Named speed -> epochs per drawn frame, slowest first.
SPEEDS = {"slow": SLOW_MOTION, "normal": 1, "fast": 10, "fastest": 100}
DEFAULT = SPEEDS["normal"]
LABELS = {"slow": N_("Slow motion"), "normal": N_("Normal"), "fast": N_("Fast"), "fastest": N_("Fastest")}


def speed_name(epochs_per_frame: int) -> str:
    """The named speed nearest to `epochs_per_frame` (an old link's 20 shows as "fast")."""
    if epochs_per_frame == SLOW_MOTION:
        return "slow"
    moving = {name: value for name, value in SPEEDS.items() if value != SLOW_MOTION}
    # Nearest on a log scale: 3 is nearer to 1 than to 10 only below √10.
    return min(moving, key=lambda name: abs(math.log(moving[name]) - math.log(max(epochs_per_frame, 1))))


class SpeedControl:
    """A "Speed" menu that sets `settings.epochs_per_frame`, and follows it when it changes (a link, a lesson).

    A menu, like its neighbours in the row above the views: four buttons would not fit
    beside Play at 1366 px. Panel is imported only here: the live loop reads this module's
    numbers and must run without it.
    """

    def __init__(self, settings, **params):
        import panel as pn

        self._settings = settings
        self.menu = pn.widgets.Select(
            name=_("Speed"), options={_(LABELS[name]): name for name in SPEEDS},
            value=speed_name(settings.epochs_per_frame), css_classes=["nn-speed"], **params)
        self._syncing = False      # the menu is being set to show the setting: not a pick
        self.menu.param.watch(self._picked, "value")
        settings.param.watch(lambda _e: self._show(), "epochs_per_frame")

    def _picked(self, event) -> None:
        if self._syncing:
            return
        try:
            # A name from the menu; a number (a forged message) goes to the setting, whose bounds
            # and a teacher's lock judge it as they judge every value.
            self._settings.epochs_per_frame = SPEEDS.get(event.new, event.new)
        except (ValueError, TypeError):
            pass
        self._show()

    def _show(self) -> None:
        """The menu shows the setting's speed by name."""
        self._syncing = True
        try:
            self.menu.value = speed_name(self._settings.epochs_per_frame)
        finally:
            self._syncing = False

    def __panel__(self):
        return self.menu
