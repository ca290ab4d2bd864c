"""The convolution "elastic" view: how one conv neuron's map is made.

Left to right: the input channels, each with its kernel (weights on their own
orange–purple scale) and the intermediate map it gives; the intermediate maps
are summed with the bias into the output map. The current window is outlined
on every input channel, its result cell on every intermediate map and on the
output. Hovering or clicking a cell of any map calls back, so the page can move
the window there.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper

from playground.components.cnn.cells import CellPicker, bokeh_pane, pixel_canvas
from playground.components.cnn.theming import ThemedFigure
from playground.components.cnn.colors import (ACTIVATION_PALETTE, CHANNEL_PALETTES, INPUT_PALETTE, WEIGHT_PALETTE,
                                             symmetric_limit)
from playground.i18n import _
from playground.i18n.numbers import format_number
from playground.theme import CNN_CURRENT_ROW, CNN_FRAME, CNN_INK, CNN_LINK, CNN_TEXT, CNN_WINDOW_FILL

WIDTH, HEIGHT = 680, 470
TOP, BOTTOM = 36, 80   # titles above; colour bars below
GAP = 4
UNIT_GAP = 18   # between columns of channels


def _flip(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a)[::-1], dtype=np.float32)


def _images(**cols):
    return ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[], **cols))


class ConvView(ThemedFigure, pn.viewable.Viewer):
    """Input channels ∗ kernels = intermediate maps; Σ + bias = the output map."""

    def __init__(self, on_pick: Callable[[str, int, int, int, bool], None],
                 width: int = WIDTH, height: int = HEIGHT):
        super().__init__()
        self._width, self._height = width, height
        self.in_mapper = LinearColorMapper(palette=INPUT_PALETTE, low=0, high=1)
        self.w_mapper = LinearColorMapper(palette=WEIGHT_PALETTE, low=-1, high=1)
        self.act_mapper = LinearColorMapper(palette=ACTIVATION_PALETTE, low=-1, high=1)
        self.inputs, self.kernels = _images(), _images()
        # A colour photo's R, G and B channels, each in its own colour (the overview draws them alike).
        self.channel_inputs = [_images() for _ in CHANNEL_PALETTES]
        self.channel_mappers = [LinearColorMapper(palette=p, low=0, high=1) for p in CHANNEL_PALETTES]
        self.maps = _images()  # intermediate maps and the output map
        self.frames = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.current = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))     # selected channel's row
        self.windows = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))     # window on the inputs
        self.cells = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))       # result cells
        self.links = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[], size=[], align=[]))

        fig = pixel_canvas(width, height)
        fig.segment("x0", "y0", "x1", "y1", source=self.links, line_color=CNN_LINK, line_width=1.2)
        fig.rect("x", "y", "w", "h", source=self.current, fill_color=CNN_CURRENT_ROW, line_color=None)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.inputs, color_mapper=self.in_mapper)
        for source, mapper in zip(self.channel_inputs, self.channel_mappers):
            fig.image("image", x="x", y="y", dw="dw", dh="dh", source=source, color_mapper=mapper)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.kernels, color_mapper=self.w_mapper)
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.maps, color_mapper=self.act_mapper)
        fig.rect("x", "y", "w", "h", source=self.frames, fill_alpha=0, line_color=CNN_FRAME)
        fig.rect("x", "y", "w", "h", source=self.windows, fill_alpha=0.12, fill_color=CNN_WINDOW_FILL,
                 line_color=CNN_INK, line_width=2.5)
        fig.rect("x", "y", "w", "h", source=self.cells, fill_alpha=0, line_color=CNN_INK, line_width=2.5)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="size", text_align="align",
                 text_baseline="middle", text_color=CNN_TEXT)
        bars = [(self.in_mapper, _("input pixel"), 10), (self.w_mapper, _("kernel weight"), 215),
                (self.act_mapper, _("activation value"), 420)]
        self._colorbars = []
        for mapper, title, x in bars:
            bar = ColorBar(color_mapper=mapper, orientation="horizontal", location=(x, 6), width=180,
                           height=12, title=title, title_text_font_size="13px",
                           major_label_text_font_size="13px", title_standoff=4, padding=4,
                           background_fill_alpha=0)
            fig.add_layout(bar, "center")
            self._colorbars.append(bar)
        self.picker = CellPicker(fig, on_pick)
        self.figure = fig
        self._geometry = None
        self._pane = bokeh_pane(fig, "cnn-conv-view")

    def __panel__(self):
        return self._pane

    def show(self, inputs: np.ndarray, kernels: np.ndarray, intermediates: np.ndarray, bias: float,
             output: np.ndarray, input_name: str, output_name: str, input_is_image: bool = False,
             input_range: tuple[float, float] = (0.0, 1.0)) -> None:
        """Draw one conv neuron.

        `inputs` (H, W, C_in) the layer's input; `kernels` (kh, kw, C_in) the
        neuron's kernel; `intermediates` (C_in, oh, ow) each channel's map;
        `output` (oh, ow) the neuron's map (intermediates summed + bias).
        """
        h, w, c_in = inputs.shape
        kh, kw = kernels.shape[:2]
        oh, ow = output.shape
        avail = self._height - TOP - BOTTOM
        # Many channels: two or three columns of (input ∗ kernel = intermediate) rows.
        n_cols = 1 if c_in <= 5 else (2 if c_in <= 16 else 3)
        n_rows = -(-c_in // n_cols)
        out_big = min(avail, 200.0)
        room = self._width - 28 - 70 - out_big * ow / oh - (n_cols - 1) * UNIT_GAP
        # A unit is tile + 22 + kernel (0.75 tile, ≤ 60) + 26 + tile wide.
        tile = min(110.0, (avail - (n_rows - 1) * GAP) / n_rows, (room / n_cols - 48) / 2.75)
        t_in = (tile, tile * w / h)                 # (height, width) of an input tile
        k_size = min(tile * 0.75, 60.0)
        t_k = (k_size, k_size * kw / kh)
        t_mid = (tile, tile * ow / oh)
        unit = t_in[1] + 22 + t_k[1] + 26 + t_mid[1]
        t_out = (out_big, out_big * ow / oh)
        x_out = self._width - t_out[1] - 14
        x_sum = 14 + n_cols * unit + (n_cols - 1) * UNIT_GAP + 35
        mid = self._height - TOP - avail / 2
        row_y = mid + (np.arange(n_rows) - (n_rows - 1) / 2) * -(tile + GAP)
        xs_in = [14 + (c // n_rows) * (unit + UNIT_GAP) for c in range(c_in)]
        ys = np.array([row_y[c % n_rows] for c in range(c_in)])

        inp = dict(image=[], x=[], y=[], dw=[], dh=[])
        rgb = input_is_image and c_in == len(CHANNEL_PALETTES)
        channels = [dict(image=[], x=[], y=[], dw=[], dh=[]) for _ in CHANNEL_PALETTES]
        ker = dict(image=[], x=[], y=[], dw=[], dh=[])
        maps = dict(image=[], x=[], y=[], dw=[], dh=[])
        frames = dict(x=[], y=[], w=[], h=[])
        links = dict(x0=[], y0=[], x1=[], y1=[])
        regions = []

        def frame(x0, yc, size):
            frames["x"].append(x0 + size[1] / 2)
            frames["y"].append(yc)
            frames["w"].append(size[1])
            frames["h"].append(size[0])

        def put(target, img, x0, yc, size):
            target["image"].append(_flip(img))
            target["x"].append(x0)
            target["y"].append(yc - size[0] / 2)
            target["dw"].append(size[1])
            target["dh"].append(size[0])
            frame(x0, yc, size)

        xs_k = [x + t_in[1] + 22 for x in xs_in]
        xs_mid = [x + t_k[1] + 26 for x in xs_k]
        for c in range(c_in):
            x_in, x_k, x_mid = xs_in[c], xs_k[c], xs_mid[c]
            put(channels[c] if rgb else inp, inputs[:, :, c], x_in, ys[c], t_in)
            put(ker, kernels[:, :, c], x_k, ys[c], t_k)
            put(maps, intermediates[c], x_mid, ys[c], t_mid)
            regions.append(("input", c, x_in, ys[c] - t_in[0] / 2, t_in[1], t_in[0], h, w))
            regions.append(("kernel", c, x_k, ys[c] - t_k[0] / 2, t_k[1], t_k[0], kh, kw))
            regions.append(("intermediate", c, x_mid, ys[c] - t_mid[0] / 2, t_mid[1], t_mid[0], oh, ow))
            links["x0"].append(x_mid + t_mid[1])
            links["y0"].append(ys[c])
            links["x1"].append(x_sum - 16)
            links["y1"].append(mid)
        put(maps, output, x_out, mid, t_out)
        regions.append(("output", 0, x_out, mid - t_out[0] / 2, t_out[1], t_out[0], oh, ow))
        links["x0"].append(x_sum + 16)
        links["y0"].append(mid)
        links["x1"].append(x_out)
        links["y1"].append(mid)

        title_y = self._height - 16
        labels = dict(x=[], y=[], text=[], size=[], align=[])

        def label(x, y, text, size="14px", align="center"):
            labels["x"].append(x)
            labels["y"].append(y)
            labels["text"].append(text)
            labels["size"].append(size)
            labels["align"].append(align)

        label(14, title_y, _("{layer} channel ∗ kernel = intermediate map").format(layer=input_name), align="left")
        label(x_out + t_out[1] / 2, title_y, output_name)
        label(x_sum, mid, "Σ", "26px")
        label(x_sum, mid - 30, _("+ bias {bias}").format(bias=format_number(bias).replace("-", "\u2212")), "14px")
        if tile >= 24:
            for c in range(c_in):
                label(xs_k[c] - 11, ys[c], "∗", "20px")
                label(xs_mid[c] - 13, ys[c], "=", "18px")

        act_lim = symmetric_limit(np.concatenate([np.ravel(intermediates), np.ravel(output)]
                                                 + ([] if input_is_image else [np.ravel(inputs)])))
        with pn.io.hold():
            if input_is_image:
                self.in_mapper.update(palette=INPUT_PALETTE, low=input_range[0], high=input_range[1])
            else:
                self.in_mapper.update(palette=ACTIVATION_PALETTE, low=-act_lim, high=act_lim)
            self._colorbars[0].visible = input_is_image
            w_lim = symmetric_limit(kernels)
            self.w_mapper.update(low=-w_lim, high=w_lim)
            self.act_mapper.update(low=-act_lim, high=act_lim)
            self.inputs.data, self.kernels.data, self.maps.data = inp, ker, maps
            for source, mapper, data in zip(self.channel_inputs, self.channel_mappers, channels):
                mapper.update(low=input_range[0], high=input_range[1])
                source.data = data
            self.frames.data, self.links.data, self.labels.data = frames, links, labels
            self.picker.set_regions(regions)
        self._geometry = dict(ys=ys, xs_in=xs_in, xs_mid=xs_mid, x_out=x_out, mid=mid,
                              t_in=t_in, t_k=t_k, t_mid=t_mid, t_out=t_out, in_hw=(h, w), out_hw=(oh, ow))

    def move(self, window: tuple[int, int, int, int], row: int, col: int, in_channel: int) -> None:
        """Outline input window (row0, col0, h, w) on every channel and cell (row, col) on every map."""
        g = self._geometry
        if g is None:
            return
        (h, w), (oh, ow) = g["in_hw"], g["out_hw"]
        r0, c0, wh, ww = window

        def rect(x0, yc, size, rows, cols, r, c, nh, nw):
            cell_h, cell_w = size[0] / rows, size[1] / cols
            top = yc + size[0] / 2
            return (x0 + (c + nw / 2) * cell_w, top - (r + nh / 2) * cell_h, nw * cell_w, nh * cell_h)

        wins, cells = dict(x=[], y=[], w=[], h=[]), dict(x=[], y=[], w=[], h=[])
        for yc, x_in, x_mid in zip(g["ys"], g["xs_in"], g["xs_mid"]):
            for target, r in ((wins, rect(x_in, yc, g["t_in"], h, w, r0, c0, wh, ww)),
                              (cells, rect(x_mid, yc, g["t_mid"], oh, ow, row, col, 1, 1))):
                for key, v in zip("xywh", r):
                    target[key].append(v)
        for key, v in zip("xywh", rect(g["x_out"], g["mid"], g["t_out"], oh, ow, row, col, 1, 1)):
            cells[key].append(v)
        c = min(in_channel, len(g["ys"]) - 1)
        span = g["xs_mid"][c] + g["t_mid"][1] + 6 - (g["xs_in"][c] - 6)
        current = dict(x=[g["xs_in"][c] - 6 + span / 2], y=[g["ys"][c]], w=[span], h=[g["t_in"][0] + GAP])
        with pn.io.hold():
            self.windows.data, self.cells.data, self.current.data = wins, cells, current
