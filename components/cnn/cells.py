"""Shared pieces of the CNN step-through views: picking a map cell with the mouse, and a ticker.

`CellPicker` turns hovering or clicking a map drawn in a Bokeh figure into
(role, channel, row, col): the browser works out the cell and only tells the
server when the cell under the pointer changes, so moving the mouse never
floods the session with events.

`Ticker` runs one per-session periodic callback for an animation and stops it
when asked, when the view is hidden, or when the session ends.
"""
from __future__ import annotations

from typing import Callable

import panel as pn
from bokeh.models import ColumnDataSource, CustomJS, Range1d
from bokeh.plotting import figure

_PICK_JS = """
const x = cb_obj.x, y = cb_obj.y, d = regions.data;
const tap = cb_obj.event_name === "tap";
for (let i = 0; i < d.left.length; i++) {
    const l = d.left[i], b = d.bottom[i], w = d.width[i], h = d.height[i];
    if (x >= l && x < l + w && y >= b && y < b + h) {
        const c = Math.min(Math.floor((x - l) / w * d.cols[i]), d.cols[i] - 1);
        const r = Math.min(Math.floor((b + h - y) / h * d.rows[i]), d.rows[i] - 1);
        const key = [d.role[i], d.channel[i], r, c].join(",");
        if (!tap && pick._last_key === key) return;
        pick._last_key = key;
        const n = (pick.data.n && pick.data.n.length ? pick.data.n[0] : 0) + 1;
        pick.data = {role: [d.role[i]], channel: [d.channel[i]], row: [r], col: [c],
                     tap: [tap], n: [n]};
        return;
    }
}
"""


class CellPicker:
    """Report the cell of a map under the pointer (hover) or clicked (tap) in a figure.

    Maps are declared with `set_regions`: rectangles in data coordinates (y up)
    with their number of rows and columns; row 0 is the top row.
    `on_pick(role, channel, row, col, tapped)` is called on the server.
    """

    def __init__(self, fig, on_pick: Callable[[str, int, int, int, bool], None]):
        self.regions = ColumnDataSource(dict(left=[], bottom=[], width=[], height=[], rows=[],
                                             cols=[], role=[], channel=[]))
        self.pick = ColumnDataSource(dict(role=[], channel=[], row=[], col=[], tap=[], n=[]))
        callback = CustomJS(args=dict(regions=self.regions, pick=self.pick), code=_PICK_JS)
        fig.js_on_event("mousemove", callback)
        fig.js_on_event("tap", callback)
        self._on_pick = on_pick
        self.pick.on_change("data", self._changed)

    def _changed(self, attr, old, new):
        if new.get("role"):
            self._on_pick(str(new["role"][0]), int(new["channel"][0]), int(new["row"][0]),
                          int(new["col"][0]), bool(new["tap"][0]))

    def set_regions(self, regions: list[tuple[str, int, float, float, float, float, int, int]]) -> None:
        """Each region: (role, channel, left, bottom, width, height, rows, cols)."""
        cols = dict(role=[], channel=[], left=[], bottom=[], width=[], height=[], rows=[], cols=[])
        for region in regions:
            for key, value in zip(("role", "channel", "left", "bottom", "width", "height", "rows", "cols"),
                                  region):
                cols[key].append(value)
        self.regions.data = cols


class Ticker:
    """One periodic callback for one session's animation: start, stop, and stop at session end."""

    def __init__(self, tick: Callable[[], None], period_ms: int = 450):
        self._tick, self._period = tick, period_ms
        self._callback = None
        if pn.state.curdoc is not None:
            pn.state.on_session_destroyed(lambda ctx: self.stop())

    @property
    def running(self) -> bool:
        return self._callback is not None

    def start(self) -> None:
        """Start ticking (no-op when already running or outside a server session)."""
        if self._callback is None and pn.state.curdoc is not None:
            self._callback = pn.state.add_periodic_callback(self._tick, period=self._period)

    def stop(self) -> None:
        if self._callback is not None:
            self._callback.stop()
            self._callback = None


def pixel_canvas(width: int, height: int):
    """A bare figure whose data units are pixels, (0, 0) at the bottom left: no axes, grid or tools."""
    fig = figure(width=width, height=height, toolbar_location=None, tools="",
                 x_range=Range1d(0, width), y_range=Range1d(0, height),
                 min_border=0, outline_line_color=None)
    fig.axis.visible = False
    fig.grid.visible = False
    return fig


def bokeh_pane(fig, css_class: str, **kwargs) -> pn.pane.Bokeh:
    """A Bokeh pane whose figure carries `css_class` in the page (for tests and style sheets).

    The class is set on the figure itself too: the pane alone applies it only
    after its first update.
    """
    fig.css_classes = [css_class]
    # Clicking a figure focuses its canvas, and Bokeh draws a focus ring around the whole
    # diagram; none of these figures takes keys, so drop the focus after each click.
    fig.js_on_event("tap", CustomJS(code="""
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; }
        if (el && el.blur) { el.blur(); }
    """))
    return pn.pane.Bokeh(fig, css_classes=[css_class], **kwargs)
