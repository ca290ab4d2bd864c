"""Where the dense page's views go, and how large they are, for a window of a given size.

Three arrangements, by the window's width:
- wide (laptops, desktops, projectors): the data column, the network and the map side by side;
- tablet (600 px up to WIDE): the Play bar, then the map and the network side by side where the
  network still gets room for its labels, else one under the other; the settings below in cards;
- phone (below 600 px): one column — the Play bar, the settings and the lesson in cards that open
  and close, the map across the width, then the network in a box of its own that scrolls sideways.

In the two narrow arrangements the map comes before the loss chart, so that the map and the
Play bar are on the first screen.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PHONE, TABLET, WIDE = "phone", "tablet", "wide"
PHONE_MAX = 600                 # narrower windows get the phone arrangement
TABLET_MAX = 1100               # narrower windows (tablets, a half-screen window) get the tablet arrangement

DEFAULT_WINDOW = (1366, 768)    # until the browser has said its size
SCROLLBAR = 16
PAGE_MARGIN = 10                # the page's own margin, each side
HEADER, TOP_ROW = 56, 84        # the shell's header; the run buttons and the settings above the views
DATA_COLUMN = 264               # the data column with its margin (hidden in present mode)
FEATURES_WIDTH = 92             # the feature buttons left of the diagram
DIAGRAM_HEAD, DIAGRAM_FOOT = 112, 48   # +/− rows above the diagram, the weight field below it
CHART_NUMBERS, CAPTION, MAP_FRAME, TOGGLES = 60, 28, 78, 46   # the output column's other rows
MAP_FRAME_WIDTH = 60            # the map's axes and margins beside its square
CARD_ROW = 48                   # a closed settings card: its title row
COLUMN_PITCH = 78               # the network diagram's room per column for "8 neurons" to stay readable
MIN_DIAGRAM = 380               # below this the network goes under the map instead of beside it


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes of the page's views for one window."""

    map_side: int            # the decision map's square
    output_width: int        # the column of the curves and the map
    chart_height: int
    diagram_width: int
    diagram_height: int
    mode: str = WIDE         # PHONE, TABLET or WIDE
    beside: bool = True      # the network beside the map (else under it)
    network_width: int = 0   # the network's box (the diagram scrolls inside it when wider); 0: as wide as it


def window_mode(width: int) -> str:
    """PHONE, TABLET or WIDE for a window `width` CSS pixels wide."""
    return PHONE if width < PHONE_MAX else TABLET if width < TABLET_MAX else WIDE


def layout_sizes(width: int, height: int, present: bool = False, columns: int = 4) -> Sizes:
    """Sizes that fill a `width` × `height` window without horizontal scrolling.

    `columns` is the network's column count (inputs, hidden layers, output): a narrow window
    gives the diagram at least COLUMN_PITCH per column, in a box that scrolls sideways.
    """
    mode = window_mode(width)
    if mode == WIDE:
        return _wide(width, height, present)
    return _narrow(width, height, mode, columns)


def _wide(width: int, height: int, present: bool) -> Sizes:
    """The map stays wholly on the first screen, its side at least 40 % of the window's height; the
    diagram takes the rest of the width (at least 18 % of the window's area from 1366×768 up).
    Present mode gives the data column's room to the views."""
    height = max(height, 600)
    chart = int(np.clip(0.11 * height, 80, 170))
    fixed = HEADER + TOP_ROW + CHART_NUMBERS + chart + CAPTION + MAP_FRAME + TOGGLES + 12
    side = int(min(height - fixed, (0.6 if present else 0.5) * height))
    room = width - SCROLLBAR - 2 * PAGE_MARGIN - (0 if present else DATA_COLUMN) - 20 - FEATURES_WIDTH
    # A narrow window shrinks the map first, down to 40 % of the height, to keep the diagram usable.
    side = int(max(min(side, room - MAP_FRAME_WIDTH - 480), 0.4 * height))
    side = min(side, room - MAP_FRAME_WIDTH - MIN_DIAGRAM)      # a very tall window: the diagram keeps its room
    output = side + MAP_FRAME_WIDTH
    diagram_height = height - HEADER - TOP_ROW - DIAGRAM_HEAD - DIAGRAM_FOOT
    diagram_width = int(min(room - output, 2.2 * diagram_height))
    return Sizes(side, output, chart, diagram_width, diagram_height)


def _narrow(width: int, height: int, mode: str, columns: int) -> Sizes:
    usable = width - 2 * PAGE_MARGIN - (0 if mode == PHONE else SCROLLBAR)
    # Above the map: the header (two rows: on a phone the page switch, then the language and the theme),
    # the Play bar (two rows on a phone) and the closed settings cards.
    above = (110 + 130 if mode == PHONE else 2 * HEADER + TOP_ROW) + 2 * CARD_ROW + CAPTION + MAP_FRAME + 12
    chart = 90
    needed = FEATURES_WIDTH + COLUMN_PITCH * columns
    if mode == TABLET:
        # Beside: the map as large as the height allows, the network the rest, if that is room enough.
        side = int(min(height - above, usable - 20 - FEATURES_WIDTH - MIN_DIAGRAM - MAP_FRAME_WIDTH))
        if side >= 0.4 * height:
            network = usable - 20 - side - MAP_FRAME_WIDTH - 20
            diagram_height = int(np.clip(height - HEADER - TOP_ROW - DIAGRAM_HEAD - DIAGRAM_FOOT, 320, 640))
            return Sizes(side, side + MAP_FRAME_WIDTH, chart, max(network - FEATURES_WIDTH, needed - FEATURES_WIDTH),
                         diagram_height, mode, True, network)
    # Under: the map across the width (at most what the height leaves), the network below it.
    side = int(max(min(usable - MAP_FRAME_WIDTH, height - above), 0.5 * (usable - MAP_FRAME_WIDTH)))
    diagram_height = int(np.clip(0.55 * height, 300, 560))
    network = usable - 20      # the network's column has a margin of 10 each side
    # The curves and the measures take the whole width, even where the height keeps the map smaller.
    return Sizes(side, usable, chart, max(network - FEATURES_WIDTH, needed - FEATURES_WIDTH),
                 diagram_height, mode, False, network)
