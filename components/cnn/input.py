"""Choosing the image the CNN explains: class samples, an upload, or a drawing.

`SamplePicker` shows one clickable thumbnail per class; `DrawingPad` lets the
user draw with the mouse and hands back the drawing as a 2-D array in [0, 1];
`UploadBox` is a file input with a message line under it. They call back with
plain values; turning them into a model input is the page's business.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource, FreehandDrawTool, LinearColorMapper, Range1d, TapTool
from bokeh.plotting import figure

from playground.components.cnn.cells import bokeh_pane
from playground.components.cnn.colors import INPUT_PALETTE
from playground.components.safe_text import inert_line
from playground.components.upload_size import SizeCheckedUpload
from playground.i18n import _
from playground.theme import CNN_BUTTONS_CSS, CNN_CHOSEN, CNN_FRAME, CNN_INK, CNN_MUTED, CNN_PAPER, CNN_TEXT
from playground.components.cnn.theming import ThemedFigure

PAD_SIZE = 280          # drawing pad, screen pixels
PEN_WIDTH = 22          # pen width on the pad, screen pixels (MNIST strokes are ~1/12 of the image)


def rasterize_strokes(xs: list, ys: list, size: int = 112, pen: float = PEN_WIDTH / PAD_SIZE) -> np.ndarray:
    """Strokes in [0, 1]² (y up) → a (size, size) float32 raster, ink 1, row 0 at the top.

    Every pixel within pen/2 of a stroke segment is inked, with a one-pixel
    soft edge so scaled-down drawings are not jagged.
    """
    canvas = np.zeros((size, size), np.float32)
    centres = (np.arange(size) + 0.5) / size
    px, py = np.meshgrid(centres, 1.0 - centres)  # py: y up, like the pad
    radius, soft = pen / 2, 1.0 / size
    for sx, sy in zip(xs, ys):
        pts = np.column_stack([np.asarray(sx, float), np.asarray(sy, float)])
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if len(pts) == 0:
            continue
        if len(pts) == 1:
            pts = np.vstack([pts, pts])
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = np.zeros_like(px) if length2 == 0 else np.clip(((px - x0) * dx + (py - y0) * dy) / length2, 0, 1)
            dist = np.hypot(px - (x0 + t * dx), py - (y0 + t * dy))
            np.maximum(canvas, np.clip((radius + soft - dist) / soft, 0, 1), out=canvas)
    return canvas


THUMB = 52


LABEL_CHAR = 7          # screen pixels per character of a thumbnail's name (14 px font)


def sample_pitch(names: list[str], thumb: int = THUMB) -> int:
    """Distance between thumbnail centres: wider when the names ("bell pepper") need it."""
    return max(thumb + 8, max((LABEL_CHAR * len(n) + 8 for n in names), default=0))


def sample_position(i: int, thumb: int = THUMB, pitch: int | None = None) -> tuple[float, float]:
    """Centre of thumbnail `i` in the picker, in pixels from its top-left corner."""
    pitch = thumb + 8 if pitch is None else pitch
    return 8 + i * pitch + (pitch - 8) / 2, 6 + thumb / 2


class SamplePicker(ThemedFigure, pn.viewable.Viewer):
    """A row of thumbnails, one per class; clicking one calls `on_pick(index)`.

    Grey images are drawn in the input greys, RGB images in their own colours.
    """

    def __init__(self, on_pick: Callable[[int], None], thumb: int = THUMB, max_count: int = 10):
        super().__init__()
        self._on_pick, self._thumb = on_pick, thumb
        width = self._width = max_count * (thumb + 8) + 8
        self.mapper = LinearColorMapper(palette=INPUT_PALETTE, low=0, high=1)
        self.images = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
        self.colour_images = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
        self.hits = ColumnDataSource(dict(x=[], y=[], label=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        self.chosen = ColumnDataSource(dict(x=[], y=[]))
        fig = figure(width=width, height=thumb + 30, toolbar_location=None, tools="",
                     x_range=Range1d(0, width), y_range=Range1d(0, thumb + 30), min_border=0,
                     outline_line_color=None)
        fig.axis.visible = False
        fig.grid.visible = False
        fig.image("image", x="x", y="y", dw="dw", dh="dh", source=self.images, color_mapper=self.mapper)
        fig.image_rgba("image", x="x", y="y", dw="dw", dh="dh", source=self.colour_images)
        fig.rect("x", "y", thumb + 6, thumb + 6, source=self.chosen, fill_alpha=0, line_color=CNN_CHOSEN,
                 line_width=3)
        hits = fig.rect("x", "y", thumb, thumb, source=self.hits, fill_alpha=0, line_color=CNN_FRAME,
                        nonselection_fill_alpha=0, selection_fill_alpha=0,
                        selection_line_color=CNN_FRAME, nonselection_line_color=CNN_FRAME)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="14px", text_align="center",
                 text_baseline="middle", text_color=CNN_TEXT)
        fig.add_tools(TapTool(renderers=[hits]))
        self.hits.selected.on_change("indices", self._tapped)
        self.figure = fig
        self._pane = bokeh_pane(fig, "cnn-samples", margin=(0, 5))

    def __panel__(self):
        return self._pane

    def _tapped(self, attr, old, new):
        if new:
            self.hits.selected.indices = []  # so the same thumbnail can be clicked again
            self._on_pick(int(new[0]))

    def show(self, images: list[np.ndarray], names: list[str], chosen: int | None) -> None:
        """Thumbnails of (H, W) or (H, W, C) images in [0, 1], with their class names."""
        t = self._thumb
        pitch = sample_pitch(names, t)
        self.figure.width = max(self._width, len(names) * pitch + 8)
        self.figure.x_range.end = self.figure.width
        imgs = dict(image=[], x=[], y=[], dw=[], dh=[])
        colour = dict(image=[], x=[], y=[], dw=[], dh=[])
        hits = dict(x=[], y=[], label=[])
        labels = dict(x=[], y=[], text=[])
        for i, (img, name) in enumerate(zip(images, names)):
            img = np.asarray(img, np.float32)
            cx = sample_position(i, t, pitch)[0]
            if img.ndim == 3 and img.shape[2] == 3:
                target, drawn = colour, _rgba(img)
            else:
                target, drawn = imgs, np.ascontiguousarray((img.mean(axis=2) if img.ndim == 3 else img)[::-1])
            target["image"].append(drawn)
            target["x"].append(cx - t / 2)
            target["y"].append(24)
            target["dw"].append(t)
            target["dh"].append(t)
            hits["x"].append(cx)
            hits["y"].append(24 + t / 2)
            hits["label"].append(name)
            labels["x"].append(cx)
            labels["y"].append(11)
            labels["text"].append(name)
        with pn.io.hold():
            self.images.data, self.colour_images.data = imgs, colour
            self.hits.data, self.labels.data = hits, labels
            self.choose(chosen)

    def choose(self, index: int | None) -> None:
        """Outline thumbnail `index` (None: none, e.g. while an upload is shown)."""
        xs = self.hits.data["x"]
        if index is None or not 0 <= index < len(xs):
            self.chosen.data = dict(x=[], y=[])
        else:
            self.chosen.data = dict(x=[xs[index]], y=[self.hits.data["y"][index]])


def _rgba(image: np.ndarray) -> np.ndarray:
    """An (H, W, 3) image in [0, 1] as Bokeh's packed RGBA (uint32), row 0 at the bottom."""
    pixels = np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)
    rgba = np.concatenate([pixels, np.full(image.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return np.ascontiguousarray(rgba[::-1]).view(np.uint32)[:, :, 0]


class DrawingPad(ThemedFigure, pn.viewable.Viewer):
    keep_background = True   # ink on paper, as the model was trained

    """Draw with the mouse; "Use drawing" calls `on_use(raster)` with a 2-D array in [0, 1]."""

    def __init__(self, on_use: Callable[[np.ndarray], None]):
        super().__init__()
        self._on_use = on_use
        self.strokes = ColumnDataSource(dict(xs=[], ys=[]))
        fig = figure(width=PAD_SIZE, height=PAD_SIZE, x_range=Range1d(0, 1), y_range=Range1d(0, 1),
                     toolbar_location=None, tools="", min_border=0, background_fill_color=CNN_PAPER,
                     outline_line_color=CNN_MUTED)
        fig.axis.visible = False
        fig.grid.visible = False
        lines = fig.multi_line("xs", "ys", source=self.strokes, line_width=PEN_WIDTH, line_color=CNN_INK,
                               line_cap="round", line_join="round")
        pen = FreehandDrawTool(renderers=[lines])
        fig.add_tools(pen)
        fig.toolbar.active_drag = pen
        self.figure = fig
        big = [CNN_BUTTONS_CSS]
        self._use = pn.widgets.Button(label=_("Use drawing"), color="primary", css_classes=["cnn-use-drawing"],
                                      stylesheets=big)
        self._clear = pn.widgets.Button(label=_("Clear"), css_classes=["cnn-clear-drawing"], stylesheets=big)
        self._use.on_click(lambda _: self._on_use(self.raster()))
        self._clear.on_click(lambda _: self.clear())
        self.message = MessageLine("", alert_type="danger", visible=False, css_classes=["cnn-drawing-message"],
                                   styles={"font-size": "16px"}, width=PAD_SIZE)
        self._layout = pn.Column(bokeh_pane(fig, "cnn-drawing-pad"), pn.Row(self._use, self._clear),
                                 self.message)

    def __panel__(self):
        return self._layout

    def raster(self) -> np.ndarray:
        """The current drawing as a 2-D float32 array in [0, 1] (ink 1, row 0 at the top)."""
        return rasterize_strokes(self.strokes.data["xs"], self.strokes.data["ys"])

    def clear(self) -> None:
        self.strokes.data = dict(xs=[], ys=[])

    def say(self, text: str, ok: bool) -> None:
        """Show a message under the pad ('' hides it)."""
        self.message.object = text
        self.message.alert_type = "success" if ok else "danger"
        self.message.visible = bool(text)


class MessageLine(pn.pane.HTML):
    """An alert-styled message that is HTML, not Markdown: callers escape user text with `inert_line`.

    Panel's Alert renders Markdown, which passes raw HTML through; a file name like
    ``<img onerror=…>.png`` must stay text.
    """

    alert_type = param.Selector(default="info", objects=["success", "danger", "info", "warning"])

    _rename = {"alert_type": None}
    _stylesheets = pn.pane.Alert._stylesheets

    def _process_param_change(self, params):
        if "css_classes" in params or "alert_type" in params:
            params["css_classes"] = self.css_classes + ["alert", f"alert-{self.alert_type}"]
        return super()._process_param_change(params)


class UploadBox(pn.viewable.Viewer):
    """A file input with a title and a message line; calls `on_upload(bytes, filename)`.

    The browser refuses a file over `max_bytes` before sending it (components/upload_size.py).
    """

    def __init__(self, title: str, accept: str, on_upload: Callable[[bytes, str], None], css_class: str,
                 max_bytes: int):
        super().__init__()
        self._on_upload = on_upload
        self.input = pn.widgets.FileInput(accept=accept, multiple=False, css_classes=[f"{css_class}-input"])
        self.message = MessageLine("", alert_type="info", visible=False,
                                   css_classes=[f"{css_class}-message"], styles={"font-size": "16px"},
                                   sizing_mode="stretch_width")
        self.input.param.watch(self._changed, ["value", "filename"])
        self._layout = pn.Column(pn.pane.Markdown(f"### {title}", margin=(0, 10)),
                                 SizeCheckedUpload(self.input, max_bytes), self.message, width=440)

    def __panel__(self):
        return self._layout

    def _changed(self, *events):
        # The browser sends a 0-byte file as a new file name with no value at all (Panel turns
        # the empty content into None), so the name's change is watched too.
        value = self.input.value
        if value is None and not any(e.name == "filename" and e.new for e in events):
            return
        if not value:
            # An empty file never reaches the page's handler: there is nothing to look at.
            self.say(_("<b>{name}</b> is empty (0 bytes); choose another file.").format(
                name=inert_line(self.input.filename or _("The file"))), ok=False)
            return
        if any(e.name == "value" for e in events):
            self._on_upload(bytes(value), self.input.filename or "")

    def say(self, text: str, ok: bool) -> None:
        """Show an HTML message under the input (user text in it escaped with `inert_line`):
        green when it worked, red when it did not."""
        self.message.object = text
        self.message.alert_type = "success" if ok else "danger"
        self.message.visible = bool(text)
