"""The CNN overview: every layer as a column of its neurons' activation maps.

One Bokeh figure, built once. Each neuron is one entry of a single image glyph
(greys for the input, red–white–blue for activations); vectors (flatten, hidden
dense layers) are thin strips; the output is a bar per class. Every neuron's
connections to the neurons of the previous column it reads from are always
drawn, faint (as CNN Explainer does); hovering a neuron draws its own darker (in
the browser, no round trip), and so does selecting it; clicking it calls back
with (layer index, neuron index). The figure grows with the window
(`overview_size`).

The view receives plain arrays: layer names, facts (`LayerFacts`: what each
layer's kind states) and outputs, the colour limits per unit, the class
probabilities and names.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, CustomJS, HoverTool, LinearColorMapper, TapTool

from playground.components.cnn.cells import bokeh_pane, pixel_canvas
from playground.components.cnn.colors import ACTIVATION_PALETTE, CHANNEL_PALETTES, INPUT_PALETTE, module_ids
from playground.components.cnn.layer_facts import LayerFacts
from playground.components.cnn.theming import ThemedFigure, themed_column
from playground.components.safe_text import safe_text
from playground.i18n import _
from playground.i18n.numbers import decimal_sign, format_number, format_share
from playground.theme import CNN_BAR, CNN_BAR_BEST, CNN_FRAME, CNN_INK, CNN_MUTED, CNN_TEXT

WIDTH, HEIGHT = 1240, 440     # the smallest size: windows up to 1400 × 880 get it, wider ones scroll
SIDE_ROOM = 160               # the window's width that the overview leaves to the page's margins
HEIGHT_SHARE = 0.5            # the overview's share of the window's height
HEIGHT_MAX = 640
TOP, BOTTOM = 52, 8           # room for layer names (and shapes) above; legends below when detailed
LEGEND_HEIGHT = 46
SIDE = 12
TILE_MAX, TILE_GAP = 100, 4
STRIP_WIDTH = 14
OUTPUT_WIDTH = 190            # class name, bar, percentage
NAME_ROOM = 34                # the class names' part of it, for short names ("0"…"9")
NAME_CHAR = 8                 # screen pixels per character of a class name (14 px font)
MIN_COLUMN_GAP = 18

# An RGB input's three maps, each drawn in its own colour (playground.theme.CHANNEL_COLOURS).
CHANNEL_LETTERS = ("R", "G", "B")

@dataclass
class Column:
    """Where one drawn column sits (screen pixels, y up) and which layer it shows."""

    layer: int          # index into the layer list
    kind: str           # "maps", "vector" or "output"
    x: float            # centre
    width: float
    tile_h: float
    ys: np.ndarray      # centre of each unit, top to bottom


def drawn_layers(facts: list[LayerFacts]) -> list[int]:
    """Indices of the layers that get a column: all but the logits merged into the softmax after them."""
    keep = []
    for i in range(len(facts)):
        merged = i == len(facts) - 2 and facts[-1].gives_probabilities
        if not merged:
            keep.append(i)
    return keep


def name_room(class_names: list[str]) -> float:
    """Room for the class names left of the output bars: more for "bell pepper" than for "7"."""
    return max([NAME_ROOM] + [NAME_CHAR * len(n) + 8 for n in class_names])


def layout_columns(shapes: list[tuple], facts: list[LayerFacts], width: float = WIDTH,
                   height: float = HEIGHT, legend: bool = False, names: float = NAME_ROOM) -> list[Column]:
    """Place every drawn layer's column so the whole network fits `width` × `height`.

    `names` is the room the output column keeps for its class names (see `name_room`).
    """
    layers = drawn_layers(facts)
    last = len(facts) - 1
    top, bottom = height - TOP, BOTTOM + (LEGEND_HEIGHT if legend else 0)
    avail_h = top - bottom

    def tile_for(shape):
        h, w, c = shape
        t = min(TILE_MAX, (avail_h - (c - 1) * TILE_GAP) / c)
        return t, t * w / h

    specs = []
    for i in layers:
        shape = shapes[i]
        if i == last:
            specs.append(("output", OUTPUT_WIDTH - NAME_ROOM + names, avail_h / max(shape[0], 1), shape[0]))
        elif len(shape) == 3:
            th, tw = tile_for(shape)
            specs.append(("maps", tw, th, shape[2]))
        else:
            specs.append(("vector", STRIP_WIDTH, avail_h, 1))
    fixed = sum(w for _, w, _, _ in specs)
    room = width - 2 * SIDE - fixed
    n_gaps = max(len(specs) - 1, 1)
    scale = 1.0
    if room < MIN_COLUMN_GAP * n_gaps:
        # Too many columns: shrink the map tiles until the minimum gaps fit.
        maps_w = sum(w for k, w, _, _ in specs if k == "maps")
        scale = max((maps_w - (MIN_COLUMN_GAP * n_gaps - room)) / maps_w, 0.1)
        room = MIN_COLUMN_GAP * n_gaps
    gap = room / n_gaps
    columns, x = [], SIDE
    mid = (top + bottom) / 2
    for i, (kind, w, h, n) in zip(layers, specs):
        if kind == "maps":
            w, h = w * scale, h * scale
            step = h + TILE_GAP
        elif kind == "output":
            step = h
        else:
            step = 0
        ys = mid + (np.arange(n) - (n - 1) / 2) * -step
        columns.append(Column(i, kind, x + w / 2, w, h, ys))
        x += w + gap
    return columns


def overview_size(window_width: int, window_height: int) -> tuple[int, int]:
    """The overview's (width, height) for a browser window: it grows with the window, never below
    WIDTH × HEIGHT (a phone scrolls it sideways). At 1920×1080 its maps are 44 px: CNN Explainer's
    nodes are 40."""
    width = max(WIDTH, int(window_width) - SIDE_ROOM)
    height = max(HEIGHT, min(HEIGHT_MAX, int(HEIGHT_SHARE * window_height)))
    return width, height


def unit_links(units: dict, i: int) -> list[tuple[float, float, float, float]]:
    """The lines (x0, y0, x1, y1) from unit `i` to the units of the previous column it reads.

    Mirrors `_EDGES_JS`, which draws the hovered unit's lines in the browser.
    """
    n = units["prev_count"][i]
    if n <= 0:
        return []
    first = units["prev_first"][i]
    sources = [first + min(units["channel"][i], n - 1)] if units["one_to_one"][i] else range(first, first + n)
    x, y, w = units["x"], units["y"], units["w"]
    return [(x[j] + w[j] / 2, y[j], x[i] - w[i] / 2, y[i]) for j in sources]


def _segments(lines) -> dict:
    lines = list(lines)
    return {key: [line[k] for line in lines] for k, key in enumerate(("x0", "y0", "x1", "y1"))}


# The lines from unit `i` to the units of the previous column it reads (i = -1: none).
_EDGES_JS = """
if (edges._last_unit === i) return;
edges._last_unit = i;
const u = units.data, x0 = [], y0 = [], x1 = [], y1 = [];
if (i >= 0 && u.prev_count[i] > 0) {
    const first = u.prev_first[i], n = u.prev_count[i];
    const from = u.one_to_one[i] ? [first + Math.min(u.channel[i], n - 1)]
                                 : Array.from({length: n}, (_, k) => first + k);
    for (const j of from) {
        x0.push(u.x[j] + u.w[j] / 2); y0.push(u.y[j]);
        x1.push(u.x[i] - u.w[i] / 2); y1.push(u.y[i]);
    }
}
edges.data = {x0, y0, x1, y1};
"""
# The unit under the pointer. Leaving every unit clears the lines, except after a tap: on a
# touch screen the hover tool reports "no unit" right after the tap that drew them.
_HOVERED_UNIT_JS = """
const ids = cb_data.index.indices;
const i = ids.length ? ids[0] : -1;
if (i < 0 && edges._tapped) return;
edges._tapped = false;
"""
# The unit under a tap (cb_obj is the tap event, in data coordinates).
_UNIT_AT_JS = """
const ux = units.data.x, uy = units.data.y, uw = units.data.w, uh = units.data.h;
let i = -1;
for (let j = 0; j < ux.length; j++) {
    if (Math.abs(cb_obj.x - ux[j]) <= uw[j] / 2 && Math.abs(cb_obj.y - uy[j]) <= uh[j] / 2) { i = j; break; }
}
edges._tapped = i >= 0;
"""


def _flip(a: np.ndarray) -> np.ndarray:
    # Bokeh draws an image's row 0 at the bottom; maps have row 0 at the top.
    return np.ascontiguousarray(a[::-1], dtype=np.float32)



def _short(value: float) -> str:
    """Three significant digits, with the language's decimal sign (a tooltip's min and max)."""
    return f"{float(value):.3g}".replace(".", decimal_sign())

class Overview(ThemedFigure, pn.viewable.Viewer):
    """All layers' activations side by side; hover shows connections, click selects a neuron."""

    def __init__(self, on_select: Callable[[int, int], None], width: int = WIDTH, height: int = HEIGHT):
        super().__init__()
        self._on_select = on_select
        self._width, self._height = width, height
        self._columns: list[Column] = []
        self._units_index: list[tuple[int, int]] = []
        self._label_inks: list[str] = []
        self._drawn: tuple | None = None       # the last `show` call's arguments (a resize redraws them)
        self._chosen: tuple[int | None, int] = (None, 0)

        self.input_mapper = LinearColorMapper(palette=INPUT_PALETTE, low=0, high=1)
        self.act_mapper = LinearColorMapper(palette=ACTIVATION_PALETTE, low=-1, high=1)
        img_cols = dict(image=[], x=[], y=[], dw=[], dh=[])
        self.input_images = ColumnDataSource(dict(img_cols))
        self.act_images = ColumnDataSource(dict(img_cols), name="cnn-overview-maps")
        self.channel_images = [ColumnDataSource(dict(img_cols)) for _palette in CHANNEL_PALETTES]
        self.units = ColumnDataSource(dict(x=[], y=[], w=[], h=[], layer=[], channel=[], label=[],
                                           prev_first=[], prev_count=[], one_to_one=[],
                                           frame=[]), name="cnn-overview-units")
        # Every unit's lines to what it reads, always drawn; the hovered unit's lines (drawn in the
        # browser) and the selected unit's, darker.
        self.links = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]), name="cnn-overview-links")
        self.selected_links = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]), name="cnn-overview-selected-links")
        self.edges = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]), name="cnn-overview-edges")
        self.bars = ColumnDataSource(dict(left=[], right=[], y=[], height=[], color=[]), name="cnn-output-bars")
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[], size=[], align=[], color=[]))
        self.selected = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))

        fig = pixel_canvas(width, height)
        fig.segment("x0", "y0", "x1", "y1", source=self.links, line_color=CNN_MUTED,
                    line_alpha=0.18, line_width=1)
        for source in (self.selected_links, self.edges):
            fig.segment("x0", "y0", "x1", "y1", source=source, line_color=CNN_MUTED,
                        line_alpha=0.75, line_width=1.5)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.input_images,
                  color_mapper=self.input_mapper)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.act_images,
                  color_mapper=self.act_mapper)
        for source, palette in zip(self.channel_images, CHANNEL_PALETTES):
            fig.image("image", x="x", y="y", dw="dw", dh="dh", source=source,
                      color_mapper=LinearColorMapper(palette=palette, low=0, high=1))
        fig.quad(left="left", right="right", bottom="y", top="height", source=self.bars,
                 fill_color="color", line_color=None)
        units = fig.rect("x", "y", "w", "h", source=self.units, fill_alpha=0, line_color=CNN_FRAME,
                         line_alpha="frame", line_width=1, hover_line_color=CNN_INK,
                         hover_line_width=2, hover_line_alpha=1,
                         nonselection_fill_alpha=0, selection_fill_alpha=0,
                         selection_line_color=CNN_FRAME, nonselection_line_color=CNN_FRAME)
        fig.rect("x", "y", "w", "h", source=self.selected, fill_alpha=0, line_color=CNN_INK,
                 line_width=3.5)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="size",
                 text_align="align", text_baseline="middle", text_color="color")

        show_edges = CustomJS(args=dict(units=self.units, edges=self.edges),
                              code=_HOVERED_UNIT_JS + _EDGES_JS)
        # A touch screen has no hover: a tap draws the same connections (and selects, as a click does).
        fig.js_on_event("tap", CustomJS(args=dict(units=self.units, edges=self.edges), code=_UNIT_AT_JS + _EDGES_JS))
        fig.add_tools(HoverTool(renderers=[units], callback=show_edges,
                                tooltips='<div style="font-size:15px">@label{safe}</div>'),
                      TapTool(renderers=[units]))
        self.units.selected.on_change("indices", self._tapped)
        self.figure = fig
        self._pane = bokeh_pane(fig, "cnn-overview", margin=(0, 5))

    def __panel__(self):
        return self._pane

    def resize(self, width: int, height: int) -> None:
        """Draw the overview `width` × `height` px (see `overview_size`); what it showed is redrawn."""
        if (width, height) == (self._width, self._height):
            return
        self._width, self._height = width, height
        fig = self.figure
        with pn.io.hold():
            fig.width, fig.height = width, height
            fig.x_range.end, fig.y_range.end = width, height
            if self._drawn is not None:
                self.show(*self._drawn[0], **self._drawn[1])
                self.select(*self._chosen)

    def set_theme(self, name: str) -> None:
        super().set_theme(name)
        self.labels.data = dict(self.labels.data, color=themed_column(self._label_inks, name))

    # ------------------------------------------------------------------ events

    def _tapped(self, attr, old, new):
        if not new:
            return
        layer, channel = self._units_index[new[0]]
        # Clear the selection so that clicking the same neuron again still counts.
        self.units.selected.indices = []
        self._on_select(layer, channel)

    # ------------------------------------------------------------------ drawing

    def show(self, names: list[str], facts: list[LayerFacts], outputs: list[np.ndarray],
             limits: list[np.ndarray], probabilities: np.ndarray, class_names: list[str],
             details: bool = False, input_range: tuple[float, float] = (0.0, 1.0),
             range_mode: str = "module") -> None:
        """Draw one image's pass through the network.

        `outputs[i]` is layer i's (H, W, C) maps or (N,) vector; `limits[i]` the
        colour limit per unit (see `colors.unit_limits`). `input_range` is
        the pixel range the greys span; `range_mode` ("unit", "module" or
        "global") only changes what the legends say.
        """
        self._drawn = ((names, facts, outputs, limits, probabilities, class_names),
                       dict(details=details, input_range=input_range, range_mode=range_mode))
        shapes = [tuple(o.shape) for o in outputs]
        room = name_room(class_names)
        self._columns = cols = layout_columns(shapes, facts, self._width, self._height, legend=details, names=room)
        in_lo, in_hi = input_range
        inp = dict(image=[], x=[], y=[], dw=[], dh=[])
        act = dict(image=[], x=[], y=[], dw=[], dh=[])
        channels = [dict(image=[], x=[], y=[], dw=[], dh=[]) for _source in self.channel_images]
        units = dict(x=[], y=[], w=[], h=[], layer=[], channel=[], label=[],
                     prev_first=[], prev_count=[], one_to_one=[], frame=[])
        bars = dict(left=[], right=[], y=[], height=[], color=[])
        labels = dict(x=[], y=[], text=[], size=[], align=[], color=[])
        index: list[tuple[int, int]] = []
        prev_first, prev_count = 0, 0
        name_y = self._height - 18

        for col in cols:
            i, out, layer = col.layer, outputs[col.layer], facts[col.layer]
            first = len(index)
            # The input column is named by the page (a layer of the model keeps its own name).
            shown_name = _("output") if col.kind == "output" else _("input") if facts[i].is_input else names[i]
            labels["x"].append(col.x)
            labels["y"].append(name_y)
            labels["text"].append(shown_name)
            labels["size"].append("14px")
            labels["align"].append("center")
            labels["color"].append(CNN_TEXT)
            if details:
                labels["x"].append(col.x)
                labels["y"].append(name_y - 20)
                labels["text"].append("×".join(str(s) for s in out.shape))
                labels["size"].append("13px")
                labels["align"].append("center")
                labels["color"].append(CNN_MUTED)
            one = layer.one_to_one
            if col.kind == "maps":
                n = out.shape[2]
                rgb = layer.is_input and n == len(CHANNEL_LETTERS)
                for c in range(n):
                    target = channels[c] if rgb else inp if layer.is_input else act
                    if layer.is_input:
                        img = (out[:, :, c] - in_lo) / ((in_hi - in_lo) or 1.0)
                    else:
                        img = out[:, :, c] / limits[i][c]
                    target["image"].append(_flip(img))
                    target["x"].append(col.x - col.width / 2)
                    target["y"].append(col.ys[c] - col.tile_h / 2)
                    target["dw"].append(col.width)
                    target["dh"].append(col.tile_h)
                    a = out[:, :, c]
                    unit = CHANNEL_LETTERS[c] if rgb else _("neuron {n}").format(n=c)
                    label = _("<b>{layer}</b> · {unit}<br>{h}×{w} · min {low}, max {high}").format(
                        layer=safe_text(names[i]), unit=unit, h=a.shape[0], w=a.shape[1], low=_short(a.min()),
                        high=_short(a.max()))
                    self._add_unit(units, index, col.x, col.ys[c], col.width, col.tile_h, i, c,
                                   label, prev_first, prev_count, one)
            elif col.kind == "vector":
                act["image"].append(_flip((out / limits[i][0])[:, None]))
                act["x"].append(col.x - col.width / 2)
                act["y"].append(col.ys[0] - col.tile_h / 2)
                act["dw"].append(col.width)
                act["dh"].append(col.tile_h)
                label = _("<b>{layer}</b> · {count} values<br>min {low}, max {high}").format(
                    layer=safe_text(names[i]), count=out.shape[0], low=_short(out.min()), high=_short(out.max()))
                self._add_unit(units, index, col.x, col.ys[0], col.width, col.tile_h, i, 0,
                               label, prev_first, prev_count, False)
            else:  # the output: one bar per class
                best = int(np.argmax(probabilities))
                bar_left, bar_len = col.x - col.width / 2 + room, col.width - room - 58
                for c, p in enumerate(probabilities):
                    y, h = col.ys[c], min(col.tile_h * 0.7, 30)
                    bars["left"].append(bar_left)
                    bars["right"].append(bar_left + max(float(p), 0.0) * bar_len)
                    bars["y"].append(y - h / 2)
                    bars["height"].append(y + h / 2)
                    bars["color"].append(CNN_BAR_BEST if c == best else CNN_BAR)
                    for x, text, align in ((bar_left - 6, class_names[c], "right"),
                                           (bar_left + bar_len + 4, format_share(p), "left")):
                        labels["x"].append(x)
                        labels["y"].append(y)
                        labels["text"].append(text)
                        labels["size"].append("14px")
                        labels["align"].append(align)
                        labels["color"].append(CNN_INK if c == best else CNN_MUTED)
                    # Class names come from the model file or the learner: the tooltip is HTML.
                    label = _("<b>{name}</b>: probability {p}").format(name=safe_text(class_names[c]), p=format_number(p))
                    self._add_unit(units, index, col.x, y, col.width, col.tile_h, i, c, label,
                                   prev_first, prev_count, False, frameless=True)
            prev_first, prev_count = first, len(index) - first

        if details:
            self._add_legends(cols, facts, limits, input_range, range_mode, act, inp, labels)
        with pn.io.hold():
            self.input_images.data = inp
            self.act_images.data = act
            for source, data in zip(self.channel_images, channels):
                source.data = data
            self.units.data = units
            self.bars.data = bars
            self._label_inks = labels["color"]     # light-theme inks, kept for set_theme
            labels["color"] = themed_column(labels["color"], self.theme)
            self.labels.data = labels
            self.links.data = _segments(line for i in range(len(index)) for line in unit_links(units, i))
            self.edges.data = dict(x0=[], y0=[], x1=[], y1=[])
        self._units_index = index

    @staticmethod
    def _add_unit(units, index, x, y, w, h, layer, channel, label, prev_first, prev_count, one,
                  frameless=False):
        units["x"].append(float(x))
        units["y"].append(float(y))
        units["w"].append(float(w))
        units["h"].append(float(h))
        units["layer"].append(layer)
        units["channel"].append(channel)
        units["label"].append(label)
        units["prev_first"].append(prev_first)
        units["prev_count"].append(prev_count)
        units["one_to_one"].append(one)
        units["frame"].append(0.0 if frameless else 1.0)
        index.append((layer, channel))

    def _add_legends(self, cols, facts, limits, input_range, range_mode, act, inp, labels):
        """A colour bar under each module (conv…pool block), with its numbers."""
        modules = module_ids(facts)
        groups: dict[int, list[Column]] = {}
        for col in cols:
            if col.kind != "output":
                groups.setdefault(modules[col.layer], []).append(col)
        y = BOTTOM + 16
        previous_right = -np.inf
        for group in groups.values():
            left = group[0].x - group[0].width / 2
            right = group[-1].x + group[-1].width / 2
            if right - left < 120:  # room for two numbers under a narrow column
                left = max((left + right) / 2 - 60, previous_right + 16)
                right = left + 120
            previous_right = right
            layer = group[0].layer
            is_input = facts[layer].is_input
            ramp = np.linspace(0, 1, 128) if is_input else np.linspace(-1, 1, 255)
            target = inp if is_input else act
            target["image"].append(np.ascontiguousarray(ramp[None, :], dtype=np.float32))
            target["x"].append(left)
            target["y"].append(y)
            target["dw"].append(right - left)
            target["dh"].append(10)
            if is_input:
                ends = [f"{input_range[0]:.3g}", f"{input_range[1]:.3g}"]
            elif range_mode == "unit":
                ends = ["−max|a|", "+max|a|"]
            else:
                lim = float(np.max(limits[layer]))
                ends = [format_number(-lim, 2), format_number(lim, 2)]
            for x, text, align in ((left, ends[0], "left"), (right, ends[1], "right")):
                labels["x"].append(x)
                labels["y"].append(y - 11)
                labels["text"].append(text)
                labels["size"].append("13px")
                labels["align"].append(align)
                labels["color"].append(CNN_TEXT)
            if not is_input:
                labels["x"].append((left + right) / 2)
                labels["y"].append(y - 11)
                labels["text"].append("0")
                labels["size"].append("13px")
                labels["align"].append("center")
                labels["color"].append(CNN_TEXT)

    def select(self, layer: int | None, channel: int = 0) -> None:
        """Outline the selected neuron and darken its links (None clears them)."""
        self._chosen = (layer, channel)
        sel = dict(x=[], y=[], w=[], h=[])
        links = []
        for col in self._columns:
            if col.layer == layer:
                c = 0 if col.kind == "vector" else min(channel, len(col.ys) - 1)
                sel = dict(x=[col.x], y=[col.ys[c]], w=[col.width + 4], h=[col.tile_h + 4])
                if (layer, c) in self._units_index:
                    links = unit_links(self.units.data, self._units_index.index((layer, c)))
        with pn.io.hold():
            self.selected.data = sel
            self.selected_links.data = _segments(links)
