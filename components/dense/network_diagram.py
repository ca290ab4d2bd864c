"""The network diagram: input features → hidden neurons → output, every node with its own heatmap.

Links are coloured by the sign of their weight and thickened by its size; small
squares at each neuron's lower left show its bias. Hovering a neuron reports it
(the page then shows its heatmap in the big view), hovering a link shows its
weight, clicking a link reports it (the page offers to type a new weight).
Above the figure: +/− for the number of hidden layers and for each layer's neurons.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import panel as pn
from bokeh.events import MouseLeave
from bokeh.models import ColumnDataSource, CustomJS, CustomJSHover, HoverTool, Range1d, TapTool
from bokeh.plotting import figure

from playground.components.canvas_text import text_width
from playground.components.live_updates import LiveUpdates
from playground.components.palettes import CSS_TEXT, GAP, THEMES, diverging_mapper, shade_codes, shade_scale
from playground.i18n import _, ngettext
from playground.i18n.numbers import decimal_sign

ROWS = 8                 # room for the widest column (8 neurons; 7 input features)
WIDE_ROWS = 16           # hidden columns of up to 16 neurons ("Advanced"): their nodes at half the pitch
CURVE_POINTS = 10        # samples along each link's curve (smooth enough at this size)
THUMB_CELLS = 25         # node heatmaps are sent at 25×25 (the original draws 10×10)


@functools.cache
def _pooling(side: int, cells: int) -> np.ndarray:
    """(side, cells) float32: multiplying by it averages blocks of side/cells rows."""
    return np.kron(np.eye(cells, dtype=np.float32), np.full((side // cells, 1), cells / side, np.float32))


def thumbnails(grids: np.ndarray, cells: int = THUMB_CELLS) -> np.ndarray:
    """(n, S, S) grids -> (n, cells, cells) float32 block means (S a multiple of `cells`).

    Two products with a pooling matrix, P.T @ G @ P: a matrix product is several times
    faster than numpy's strided mean over blocks, and this runs for every neuron each frame.
    """
    grids = np.asarray(grids, np.float32)
    n, side = grids.shape[0], grids.shape[1]
    pool = _pooling(side, cells)
    rows = (grids.reshape(n * side, side) @ pool).reshape(n, side, cells)
    return pool.T @ rows


def atlas(columns: list[np.ndarray], row_pitch: int, col_pitch: int, rows: int) -> np.ndarray:
    """Lay (n, c, c) stacks of shade numbers (uint8), one per column of nodes, into one image.

    Column k starts `col_pitch` cells after column k−1; node i of a column sits
    `row_pitch` cells below node i−1, top-aligned in a picture of `rows` node
    rows. Cells between thumbnails are GAP (drawn transparent). One image for all
    neurons means one array to send per frame, not one per neuron.
    """
    c = THUMB_CELLS
    height = (rows - 1) * row_pitch + c
    image = np.full((height, (len(columns) - 1) * col_pitch + c), GAP, np.uint8)
    for k, thumbs in enumerate(columns):
        x0 = k * col_pitch
        for i, thumb in enumerate(thumbs):        # image row 0 is the bottom
            y0 = height - c - i * row_pitch
            image[y0:y0 + c, x0:x0 + c] = thumb
    return image


def caption_size(text: str, room: float, largest: int = 16, smallest: int = 11) -> int:
    """The largest font size (px) at which `text` fits in `room` px (measured), within bounds."""
    width = text_width(text, largest)
    return int(max(smallest, min(largest, largest * room / width))) if width else largest


def _rounded(values: np.ndarray) -> list[float]:
    """Numbers as a JSON-friendly list (non-finite ones as NaN, which Bokeh sends as NaN)."""
    return np.round(values.astype(float), 4).tolist()


def link_width(weights: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The original's |w| 0→5 maps to 1→10 px (clamped); a little thicker for projectors, × `scale`."""
    return (scale * (1.5 + 8.5 * np.clip(np.abs(weights) / 5.0, 0.0, 1.0))).astype(np.float32)


@dataclass(frozen=True)
class Node:
    layer: int           # 0 inputs, 1…L hidden layers, L+1 output
    index: int           # inputs: index among all features; others: neuron index
    x: float
    y: float


def _curve(x0: float, y0: float, x1: float, y1: float) -> tuple[np.ndarray, np.ndarray]:
    """A horizontal-tangent cubic Bézier from (x0, y0) to (x1, y1), sampled."""
    t = np.linspace(0.0, 1.0, CURVE_POINTS)
    xm = (x0 + x1) / 2
    xs = (1 - t) ** 3 * x0 + 3 * (1 - t) ** 2 * t * xm + 3 * (1 - t) * t ** 2 * xm + t ** 3 * x1
    ys = (1 - t) ** 3 * y0 + 3 * (1 - t) ** 2 * t * y0 + 3 * (1 - t) * t ** 2 * y1 + t ** 3 * y1
    return xs.astype(np.float32), ys.astype(np.float32)


class NetworkDiagram(pn.viewable.Viewer):
    """Draws a network's structure once per shape and its numbers once per frame.

    Callbacks (all optional): `on_layers(delta)`, `on_neurons(layer, delta)` with
    `layer` counted from 0 among the hidden layers, `on_hover(node)` with `node` a
    (layer, index) pair or None (hovered, or tapped on a touch screen), `on_link(link)`
    with `link` an (engine layer, i, j) triple: the weight `weights[layer][i, j]`, and
    `on_bias(node)` when a bias mark is tapped or clicked.
    """

    def __init__(self, width: int = 560, height: int = 470, input_control: pn.viewable.Viewable | None = None,
                 max_layers: int = 6, max_neurons: int = 8,
                 on_layers: Callable | None = None, on_neurons: Callable | None = None,
                 on_hover: Callable | None = None, on_link: Callable | None = None, on_bias: Callable | None = None):
        super().__init__()
        self.width, self.height = width, height
        self.max_layers, self.max_neurons = max_layers, max_neurons
        self._on_layers, self._on_neurons = on_layers, on_neurons
        self._on_hover, self._on_link, self._on_bias = on_hover, on_link, on_bias
        self._shape_locked = False      # a teacher's link may fix the layers and neurons
        self.nodes: list[Node] = []
        self.links: list[tuple[int, int, int]] = []
        self._structure: tuple | None = None      # set_structure's arguments, to lay out again on a resize
        self._shape = self._column_shape = None
        self.link_scale = 1.0                         # links and bias marks grow with the thumbnails
        # Stroking the links was most of what a frame cost the browser (about 18 ms of the 6×8
        # network's 60 at 1920×1080, Chromium trace). They sit alone on the figure's lower
        # canvas, so the frames that leave them out do not repaint them.
        self._link_updates = LiveUpdates()
        self._mapper = diverging_mapper()             # links and biases: their values
        self._shades = shade_scale(beyond="rgba(0, 0, 0, 0)")[0]   # thumbnails: shade numbers, gaps transparent

        self.input_source = ColumnDataSource({k: [] for k in ("image", "x", "y", "dw", "dh")}, name="input-images")
        self.node_source = ColumnDataSource({k: [] for k in ("image", "x", "y", "dw", "dh")}, name="node-images")
        self.frame_source = ColumnDataSource({k: [] for k in ("x", "y", "size", "fade", "label")}, name="node-frames")
        self.link_source = ColumnDataSource({k: [] for k in ("xs", "ys", "w", "width", "label", "g")}, name="links")
        # Marks on faulty neurons (diagnosis.py): "✕" dead ReLU, "≈" saturated tanh/sigmoid.
        self.mark_source = ColumnDataSource({k: [] for k in ("x", "y", "mark")}, name="neuron-marks")
        self.gradient_mode = False       # links coloured by the last step's gradient instead of the weight
        self.bias_source = ColumnDataSource({k: [] for k in ("x", "y", "b", "label")}, name="biases")
        self._hover_state = ColumnDataSource({"node": [-1]}, name="hovered-node")

        fig = figure(width=width, height=height, x_range=Range1d(0, width), y_range=Range1d(0, height),
                     toolbar_location=None, tools="", min_border=0, outline_line_color=None, name="network",
                     css_classes=["nn-network"], stylesheets=[_NO_FOCUS_RING])
        fig.axis.visible = False
        fig.grid.visible = False
        colour = {"field": "w", "transform": self._mapper}
        self._links = fig.multi_line("xs", "ys", source=self.link_source, line_color=colour, line_width="width",
                                     line_alpha=0.9, hover_line_alpha=1.0, hover_line_color=colour,
                                     selection_line_color="#111111", nonselection_line_alpha=0.9)
        for source in (self.input_source, self.node_source):
            fig.image(image="image", x="x", y="y", dw="dw", dh="dh", source=source, color_mapper=self._shades,
                      level="overlay")
        self._frames = fig.rect("x", "y", width="size", height="size", source=self.frame_source,
                                fill_color="#ffffff", fill_alpha="fade", line_color="#5a6169", line_width=1.5,
                                hover_line_color="#111111", hover_line_width=3, hover_fill_alpha="fade",
                                level="overlay")
        fig.text("x", "y", text="mark", source=self.mark_source, text_color="#b3261e", text_font_size="20px",
                 text_font_style="bold", text_align="center", text_baseline="middle", level="overlay")
        self._biases = fig.rect("x", "y", width=10, height=10, source=self.bias_source,
                                fill_color={"field": "b", "transform": self._mapper}, line_color="#5a6169",
                                level="overlay")
        fig.add_tools(
            HoverTool(renderers=[self._links], tooltips=_TOOLTIP.format(what=_("weight"), field="w", hint=_CLICK_HINT.format(text=_("click to type a new weight"))),
                      formatters={"@w": _decimal_hover()}, line_policy="interp", attachment="above"),
            HoverTool(renderers=[self._biases], tooltips=_TOOLTIP.format(what=_("bias"), field="b", hint=""),
                      formatters={"@b": _decimal_hover()}),
            # The neuron under the mouse goes to the server only when it changes.
            HoverTool(renderers=[self._frames], tooltips=None, callback=CustomJS(args={"state": self._hover_state}, code="""
                const hit = cb_data.index.indices;
                const node = hit.length ? hit[hit.length - 1] : -1;
                if (state.data.node[0] !== node) { state.data = {node: [node]}; }
            """)),
            # A tap (touch screens have no hover) picks a link, a bias mark or a neuron.
            TapTool(renderers=[self._links, self._biases, self._frames]),
        )
        # A tapped neuron goes to the big map as a hovered one does; taps elsewhere clear it.
        self.frame_source.selected.js_on_change("indices", CustomJS(args={"state": self._hover_state}, code="""
            const hit = cb_obj.indices;
            const node = hit.length ? hit[hit.length - 1] : -1;
            if (state.data.node[0] !== node) { state.data = {node: [node]}; }
        """))
        self._frames.nonselection_glyph = self._frames.glyph.clone()   # no dimming of the other neurons
        self._frames.selection_glyph = self._frames.glyph.clone(line_width=3)
        self._biases.nonselection_glyph = self._biases.glyph.clone()
        self._biases.selection_glyph = self._biases.glyph.clone(line_width=3)
        # Leaving the diagram (a touch ends so too) goes back to the tapped neuron, if any.
        fig.js_on_event(MouseLeave, CustomJS(args={"state": self._hover_state, "tapped": self.frame_source.selected},
                                             code="""
            const hit = tapped.indices, node = hit.length ? hit[hit.length - 1] : -1;
            if (state.data.node[0] !== node) { state.data = {node: [node]}; }
        """))
        self._hover_state.on_change("data", self._hovered)
        self.link_source.selected.on_change("indices", self._picked)
        self.bias_source.selected.on_change("indices", self._picked_bias)
        self.figure = fig

        self._layer_label = pn.pane.Markdown("", margin=(0, 8), stylesheets=[_HEADER_CSS])
        # A fixed width, the note wrapping inside it: it must not widen the diagram's column.
        self.marks_label = pn.pane.HTML("", margin=(0, 8), width=260, visible=False, stylesheets=[_MARKS_CSS],
                                        css_classes=["nn-neuron-marks"])
        self._add_layer = pn.widgets.Button(label="+", width=40, height=36, margin=(0, 2), stylesheets=[_BUTTON_CSS])
        self._remove_layer = pn.widgets.Button(label="−", width=40, height=36, margin=(0, 2), stylesheets=[_BUTTON_CSS])
        self._add_layer.on_click(lambda _: self._on_layers and self._on_layers(+1))
        self._remove_layer.on_click(lambda _: self._on_layers and self._on_layers(-1))
        # One fixed-width cell per possible column, made once. A change of shape only
        # moves and hides cells through CSS: changing widths or `visible` would make
        # the browser lay out the whole page again (about a second on a slow machine).
        self._cell_width = width // (max_layers + 2)
        self._feature_cell = pn.pane.Markdown(_("Features"), margin=0, width=self._cell_width,
                                              stylesheets=[_CAPTION_CSS, _NO_WRAP_CSS])
        self._output_cell = pn.pane.Markdown(_("Output"), margin=0, width=self._cell_width,
                                             stylesheets=[_CAPTION_CSS, _NO_WRAP_CSS])
        self._layer_cells = [self._make_layer_cell(l) for l in range(max_layers)]
        self._columns = pn.Row(self._feature_cell, *(cell[0] for cell in self._layer_cells), self._output_cell,
                               margin=0, height=64, width=width)
        self._input_control = input_control
        left = [input_control] if input_control is not None else []
        self._layout = pn.Column(
            pn.Row(self._add_layer, self._remove_layer, self._layer_label, self.marks_label, margin=(0, 0, 4, 0)),
            pn.Row(pn.Spacer(width=input_control.width if input_control is not None else 0), self._columns, margin=0),
            pn.Row(*left, pn.pane.Bokeh(fig, margin=0), margin=0),
            margin=0,
        )

    def resize(self, width: int, height: int) -> None:
        """Draw the diagram `width` × `height` px: thumbnails, links and captions scale with it."""
        if (width, height) == (self.width, self.height):
            return
        self.width, self.height = width, height
        fig = self.figure
        fig.width, fig.height = width, height
        fig.x_range.end, fig.y_range.end = width, height
        self._cell_width = width // (self.max_layers + 2)
        self._columns.width = width
        for cell in (self._feature_cell, self._output_cell, *(c[0] for c in self._layer_cells)):
            cell.width = self._cell_width
        if self._structure is not None:
            self._shape = self._column_shape = None
            self.set_structure(*self._structure)

    # ---- geometry ------------------------------------------------------------------------

    @property
    def row_pitch(self) -> float:
        return self.height / ROWS

    def set_structure(self, input_labels: list[str], input_grids: np.ndarray, used_inputs: list[int],
                      hidden: list[int], n_outputs: int) -> None:
        """Lay out nodes and links for a new shape (called on a reset, not per frame).

        `input_labels` names every input feature and `input_grids` (features, S, S)
        holds their values on the −1…+1 colour scale (all are drawn; they never
        change); `used_inputs` lists, in the network's input order, which of them
        the network reads.
        """
        self._structure = (input_labels, input_grids, used_inputs, hidden, n_outputs)
        shape = (tuple(input_labels), tuple(used_inputs), tuple(hidden), n_outputs)
        if shape == self._shape:
            self._clear_picks()
            return
        self._shape = shape
        n_cols = len(hidden) + 2
        # The inputs keep their rows (the feature buttons line up with them); wider hidden
        # columns than ROWS put their neurons at half the pitch, with smaller thumbnails.
        input_pitch = self.row_pitch
        stride = 2 if max(hidden, default=0) > ROWS else 1
        pitch_y = input_pitch / stride
        # Thumbnail cells are square, and whole numbers of them span the row and
        # column pitches, so that every neuron's heatmap fits into one image (atlas).
        wanted = min(0.72 * pitch_y, 0.55 * self.width / n_cols)
        self._row_cells = int(np.ceil(THUMB_CELLS * pitch_y / wanted))
        cell = pitch_y / self._row_cells
        self._col_cells = int(self.width / n_cols / cell)
        pitch_x = self._col_cells * cell
        left = (self.width - n_cols * pitch_x) / 2
        size = THUMB_CELLS * cell
        self._size, self._cell = size, cell
        self.link_scale = float(np.clip(size / 36, 1.0, 2.2))     # 36 px: the thumbnails at 1280×720

        def column(layer: int, count: int) -> list[Node]:
            x = left + (layer + 0.5) * pitch_x
            pitch = input_pitch if layer == 0 else pitch_y
            return [Node(layer, i, x, self.height - (i + 0.5) * pitch) for i in range(count)]

        columns = [column(0, len(input_labels))]
        columns += [column(l + 1, n) for l, n in enumerate(hidden)]
        columns.append(column(len(hidden) + 1, n_outputs))
        self.nodes = [node for col in columns for node in col]
        self._active_inputs = list(used_inputs)
        self._input_labels = list(input_labels)

        # Engine layer l links node i of widths[l] to node j of widths[l + 1]; the
        # inputs are only the active features, in their order.
        sources = [[columns[0][i] for i in self._active_inputs]] + columns[1:]
        self.links, xs, ys, labels = [], [], [], []
        for l, (a, b) in enumerate(zip(sources[:-1], sources[1:])):
            for i, na in enumerate(a):
                for j, nb in enumerate(b):
                    cx, cy = _curve(na.x + size / 2, na.y, nb.x - size / 2, nb.y)
                    # Plain lists: sent as one JSON message, where a list of arrays
                    # would go as one binary frame per link.
                    xs.append(np.round(cx, 1).tolist())
                    ys.append(np.round(cy, 1).tolist())
                    self.links.append((l, i, j))
                    labels.append(f"{self.node_name(na)} → {self.node_name(nb)}")
        self._link_labels = labels
        self._clear_picks()
        self.link_source.data = {"xs": xs, "ys": ys, "w": np.zeros(len(xs), np.float32),
                                 "width": np.ones(len(xs), np.float32), "label": labels,
                                 "g": np.zeros(len(xs), np.float32)}
        self.show_gradients(None)
        self.mark_source.data = {"x": [], "y": [], "mark": []}

        half = size / 2

        def placement(cols: list[list[Node]], row_cells: int) -> dict:
            rows = max(len(c) for c in cols)
            return {"x": [cols[0][0].x - half], "y": [self.height - (rows - 0.5) * row_cells * cell - half],
                    "dw": [((len(cols) - 1) * self._col_cells + THUMB_CELLS) * cell],
                    "dh": [((rows - 1) * row_cells + THUMB_CELLS) * cell]}

        self._neuron_rows = max(len(c) for c in columns[1:])
        inputs = atlas([shade_codes(thumbnails(input_grids))], stride * self._row_cells, self._col_cells,
                       len(input_labels))
        self.input_source.data = {"image": [inputs], **placement(columns[:1], stride * self._row_cells)}
        self.node_source.data = {"image": [np.full((1, 1), GAP, np.uint8)],
                                 **placement(columns[1:], self._row_cells)}
        fade = [0.0 if n.layer or n.index in self._active_inputs else 0.7 for n in self.nodes]
        self.frame_source.data = {"x": [n.x for n in self.nodes], "y": [n.y for n in self.nodes],
                                  "size": [size] * len(self.nodes), "fade": fade,
                                  "label": [self.node_name(n) for n in self.nodes]}
        neurons = [n for n in self.nodes if n.layer]
        for glyph in (self._biases.glyph, self._biases.nonselection_glyph, self._biases.selection_glyph):
            glyph.width = glyph.height = 10 * self.link_scale
        self.bias_source.data = {"x": [n.x - half - 2 * self.link_scale for n in neurons],
                                 "y": [n.y - half + 3 * self.link_scale for n in neurons],
                                 "b": np.zeros(len(neurons), np.float32),
                                 "label": [self.node_name(n) for n in neurons]}
        if (tuple(hidden), n_cols) != self._column_shape:
            self._column_shape = (tuple(hidden), n_cols)
            self._update_columns(hidden, left, pitch_x)

    def _clear_picks(self) -> None:
        for source in (self.link_source, self.bias_source, self.frame_source):
            source.selected.indices = []

    def node_name(self, node: Node) -> str:
        """How a learner reads a node: 'X₁', 'neuron 2 of layer 1', 'output 1'."""
        n_hidden = max(n.layer for n in self.nodes) - 1 if self.nodes else 0
        if node.layer == 0:
            return self._input_labels[node.index]
        if node.layer > n_hidden:
            if sum(n.layer == node.layer for n in self.nodes) == 1:
                return _("output")
            return _("output {index}").format(index=node.index)
        return _("neuron {index} of layer {layer}").format(index=node.index + 1, layer=node.layer)

    def link_names(self, link: tuple[int, int, int]) -> str:
        """'X₁ → neuron 1 of layer 1' for an (engine layer, i, j) link."""
        return self._link_labels[self.links.index(link)]

    def add_to_header(self, *items) -> None:
        """Put `items` (help icons, say) at the end of the row above the figure."""
        self._layout[0].extend(items)

    def lock_shape(self, hide: bool = False) -> None:
        """Grey out (or `hide`) every +/− button: the number of layers and neurons stays as it is."""
        self._shape_locked = True
        buttons = [self._add_layer, self._remove_layer, *(b for cell in self._layer_cells for b in cell[1:3])]
        for button in buttons:
            button.disabled = True
            button.visible = not hide

    def _make_layer_cell(self, l: int) -> tuple[pn.Column, pn.widgets.Button, pn.widgets.Button, pn.pane.Markdown]:
        plus = pn.widgets.Button(label="+", width=30, height=28, margin=(0, 1), stylesheets=[_BUTTON_CSS])
        minus = pn.widgets.Button(label="−", width=30, height=28, margin=(0, 1), stylesheets=[_BUTTON_CSS])
        plus.on_click(lambda _: self._on_neurons and self._on_neurons(l, +1))
        minus.on_click(lambda _: self._on_neurons and self._on_neurons(l, -1))
        label = pn.pane.Markdown("", margin=0, align="center", stylesheets=[_CAPTION_CSS, _NO_WRAP_CSS])
        column = pn.Column(pn.Row(plus, minus, align="center", margin=0), label, margin=0,
                           width=self._cell_width, styles={"visibility": "hidden"})
        return column, plus, minus, label

    def _update_columns(self, hidden: list[int], left: float, pitch_x: float) -> None:
        """Show one +/− cell per hidden layer above its column (cells are made once, then reused)."""
        n = len(hidden)
        self._layer_label.object = "**" + ngettext("{n} hidden layer", "{n} hidden layers", n).format(n=n) + "**"
        self._add_layer.disabled = n >= self.max_layers or self._shape_locked
        self._remove_layer.disabled = n == 0 or self._shape_locked
        cells = [self._feature_cell, *(cell[0] for cell in self._layer_cells), self._output_cell]
        columns = [0, *range(1, self.max_layers + 1), n + 1]   # the node column each cell sits over
        for k, (cell, col) in enumerate(zip(cells, columns)):
            # Cells sit side by side, cell k at k·cell_width; shift each over its column.
            shown = 0 < k <= n or k in (0, len(cells) - 1)
            # A hidden cell stays in its own slot: moved, it would widen the page.
            shift = left + (col + 0.5) * pitch_x - (k + 0.5) * self._cell_width if shown else 0
            cell.styles = {"position": "relative", "left": f"{shift:.0f}px",
                           "visibility": "visible" if shown else "hidden"}
        for l, (column, plus, minus, label) in enumerate(self._layer_cells[:n]):
            count = hidden[l]
            plus.disabled = count >= self.max_neurons or self._shape_locked
            minus.disabled = count <= 1 or self._shape_locked
            label.object = ngettext("{n} neuron", "{n} neurons", count).format(n=count)
            label.styles = {"font-size": f"{caption_size(label.object, pitch_x - 6)}px"}
        for cell in (self._feature_cell, self._output_cell):    # at the ends: room beyond their column
            cell.styles = {**cell.styles, "font-size": f"{caption_size(cell.object, pitch_x + 40)}px"}

    def set_max_neurons(self, n: int) -> None:
        """The most neurons a hidden layer may have (8, or 16 under "Advanced"): the + buttons follow."""
        self.max_neurons = n
        hidden = (self._column_shape or ((), 0))[0]
        for count, (_column, plus, _minus, _label) in zip(hidden, self._layer_cells):
            plus.disabled = count >= n or self._shape_locked

    # ---- per frame -----------------------------------------------------------------------

    def show_state(self, grids: list[np.ndarray], weights: list[np.ndarray], biases: list[np.ndarray],
                   alive: list[np.ndarray] | None = None, live: bool = False) -> None:
        """Update every neuron's heatmap, the links and the bias marks.

        `grids` holds, per layer after the inputs (hidden layers, then the output),
        a (width, S, S) array on the −1…+1 colour scale; each node is sent as a
        THUMB_CELLS² thumbnail. `weights`, `biases` and `alive` are the network's,
        layer by layer. In a `live` frame (training plays on) the links follow at
        most every `live_updates.PERIOD_S`; any other frame shows them exactly.
        """
        with np.errstate(over="ignore", invalid="ignore"):   # a diverged run overflows float32: ±inf is shown
            image = atlas([shade_codes(thumbnails(g)) for g in grids], self._row_cells, self._col_cells,
                          self._neuron_rows)
            b = np.concatenate([np.asarray(v, np.float32) for v in biases]) if biases else np.zeros(0, np.float32)
        self.node_source.data.update(image=[image])
        self.bias_source.data.update(b=_rounded(b))
        if not self._link_updates.due(live):
            return
        with np.errstate(over="ignore", invalid="ignore"):
            w = np.concatenate([np.asarray(m, np.float32).ravel() for m in weights]) if weights else np.zeros(0)
            if alive is not None and len(w):
                w = np.where(np.concatenate([a.ravel() for a in alive]), w, np.float32(0.0))
        # A few hundred numbers: plain lists ride in the frame's JSON, saving a
        # binary message (and, in the browser, an asynchronous read) for each.
        if self.gradient_mode:    # the widths show the gradient; the tooltips still the weights
            self.link_source.data.update(w=_rounded(w))
        else:
            self.link_source.data.update(w=_rounded(w), width=_rounded(link_width(w, self.link_scale)))

    def show_gradients(self, grad_w: list[np.ndarray] | None) -> None:
        """Colour and thicken every link by −∂L/∂w, the way and the amount the step moves it (blue: the
        weight grows, orange: it shrinks), scaled to the largest; None goes back to the weights."""
        self.gradient_mode = grad_w is not None
        colour = {"field": "g" if self.gradient_mode else "w", "transform": self._mapper}
        self._links.glyph.line_color = self._links.hover_glyph.line_color = colour
        if grad_w is None:
            return
        with np.errstate(all="ignore"):
            g = -np.concatenate([np.asarray(m, float).ravel() for m in grad_w])
            top = np.nanmax(np.abs(g)) if len(g) else 0.0
            share = g / top if top > 0 and np.isfinite(top) else np.zeros_like(g)
        self.link_source.data.update(g=_rounded(share), width=_rounded(link_width(5 * share, self.link_scale)))

    def show_marks(self, dead: list[np.ndarray], saturated: list[np.ndarray]) -> None:
        """Mark dead and saturated hidden neurons (per hidden layer, bool by neuron) and say how many."""
        xs, ys, marks = [], [], []
        for node in self.nodes:
            l = node.layer - 1
            if 0 <= l < len(dead) and node.index < len(dead[l]):
                mark = "✕" if dead[l][node.index] else "≈" if saturated[l][node.index] else ""
                if mark:
                    xs.append(node.x)
                    ys.append(node.y)
                    marks.append(mark)
        if (xs, ys, marks) != tuple(self.mark_source.data[k] for k in ("x", "y", "mark")):   # most frames: no change
            self.mark_source.data = {"x": xs, "y": ys, "mark": marks}
        n_dead, n_saturated = int(sum(d.sum() for d in dead)), int(sum(s.sum() for s in saturated))
        texts = []
        if n_dead:
            texts.append(ngettext("✕ {n} dead ReLU neuron (0 on every training point)",
                                  "✕ {n} dead ReLU neurons (0 on every training point)", n_dead).format(n=n_dead))
        if n_saturated:
            texts.append(ngettext("≈ {n} saturated neuron (flat on nearly every point)",
                                  "≈ {n} saturated neurons (flat on nearly every point)", n_saturated).format(
                                      n=n_saturated))
        if self.marks_label.object != " · ".join(texts):
            self.marks_label.param.update(object=" · ".join(texts), visible=bool(texts))

    # ---- events from the browser ---------------------------------------------------------

    def _hovered(self, attr, old, new) -> None:
        k = new["node"][0]
        node = self.nodes[k] if 0 <= k < len(self.nodes) else None
        if self._on_hover:
            self._on_hover(None if node is None else (node.layer, node.index))

    def _picked_bias(self, attr, old, new) -> None:
        if self._on_bias:
            neurons = [n for n in self.nodes if n.layer]
            node = neurons[new[0]] if new and new[0] < len(neurons) else None
            self._on_bias(None if node is None else (node.layer, node.index))

    def _picked(self, attr, old, new) -> None:
        if self._on_link:
            self._on_link(self.links[new[0]] if new and new[0] < len(self.links) else None)

    def set_theme(self, name: str) -> None:
        colours = THEMES[name]
        self.figure.background_fill_color = self.figure.border_fill_color = colours["background"]
        for glyph in (self._frames.glyph, self._frames.nonselection_glyph, self._frames.selection_glyph):
            glyph.fill_color = colours["background"]
            glyph.line_color = colours["muted"]
        self._frames.selection_glyph.line_color = colours["text"]
        self._links.selection_glyph.line_color = colours["text"]

    def __panel__(self):
        return self._layout


_NO_FOCUS_RING = ":host, :host(:focus), :host(:focus-visible) { outline: none; }"
_MARKS_CSS = ":host { font-size: 14px; line-height: 1.2; color: #b3261e; font-weight: 600; }"
# Tooltips large enough to read from the back of a room.
_TOOLTIP = """<div style="font-size: 17px; line-height: 1.3">@label<br>{what} <b>@{field}{{custom}}</b>{hint}</div>"""


def _decimal_hover() -> CustomJSHover:
    """Three decimals with the session language's decimal sign (0,123 in Ukrainian)."""
    return CustomJSHover(args={"sign": decimal_sign()}, code="return value.toFixed(3).replace('.', sign);")


_CLICK_HINT = '<br><span style="font-size: 14px; opacity: .75">{text}</span>'
_BUTTON_CSS = """
:host .bk-btn { font-size: 22px; font-weight: 700; line-height: 1; padding: 0; }
"""
_CAPTION_CSS = f"""
:host {{ font-size: 16px; text-align: center; color: {CSS_TEXT}; }}
:host p {{ margin: 0; }}
"""
# A caption wider than its cell stays on one line, centred over the cell.
_NO_WRAP_CSS = ":host p { white-space: nowrap; margin: 0 -24px; }"
_HEADER_CSS = f"""
:host {{ font-size: 18px; color: {CSS_TEXT}; }}
:host p {{ margin: 6px 0 0 0; }}
"""
