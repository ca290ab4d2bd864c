"""A data-set picker drawn as small pictures of each data set (buttons with the points on them)."""
from __future__ import annotations

import base64
import struct
import zlib
from typing import Callable

import numpy as np
import panel as pn

from playground.components.palettes import CSS_BORDER, hex_to_rgb

THUMB = 64     # thumbnail side, px


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an (H, W, 3) uint8 image as PNG (stdlib only: zlib + the PNG chunk format)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(h))   # filter type 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def scatter_thumbnail(points: np.ndarray, colours: list[str], size: int = THUMB,
                      domain: tuple[float, float] = (-6.0, 6.0), background: str = "#f4f5f6") -> np.ndarray:
    """Rasterise points (N, 2) with hex colours into a (size, size, 3) uint8 picture, y up."""
    img = np.empty((size, size, 3), np.uint8)
    img[:] = hex_to_rgb(background).astype(np.uint8)
    lo, hi = domain
    cols = np.clip(((points[:, 0] - lo) / (hi - lo) * size).astype(int), 0, size - 2)
    rows = np.clip(((hi - points[:, 1]) / (hi - lo) * size).astype(int), 0, size - 2)
    rgb = np.array([hex_to_rgb(c) for c in colours], dtype=np.uint8)
    for dr in (0, 1):          # 2×2 px dots: visible on a projector at 64 px
        for dc in (0, 1):
            img[rows + dr, cols + dc] = rgb
    return img


class DatasetPicker(pn.viewable.Viewer):
    """One picture button per data set; the chosen one is outlined.

    `choices` is a list of (key, label, (H, W, 3) uint8 picture); `on_pick(key)` is
    called when the learner picks one. `value` is the key shown as chosen.
    """

    def __init__(self, choices: list[tuple[str, str, np.ndarray]], value: str, on_pick: Callable[[str], None],
                 columns: int = 4):
        super().__init__()
        self._on_pick = on_pick
        self._group = pn.widgets.RadioButtonGroup(margin=0, color="light", label="Data set",
                                                  stylesheets=[_PICKER_CSS], sizing_mode="stretch_width")
        self._columns = columns
        self.set_choices(choices, value)
        self._group.param.watch(self._picked, "value")

    def set_choices(self, choices: list[tuple[str, str, np.ndarray]], value: str) -> None:
        """Show these data sets (e.g. after the problem type changed), with `value` chosen."""
        self._keys = [key for key, _, _ in choices]
        pictures = "".join(
            f".bk-btn-group > .bk-btn:nth-child({i + 1}) {{ background-image: "
            f"url(data:image/png;base64,{base64.b64encode(png_bytes(img)).decode()}); }}\n"
            for i, (_, _, img) in enumerate(choices))
        grid = f".bk-btn-group {{ grid-template-columns: repeat({self._columns}, 1fr); }}\n"
        self._group.param.update(options={label: key for key, label, _ in choices}, value=value,
                                 stylesheets=[_PICKER_CSS, grid + pictures])

    @property
    def value(self) -> str:
        return self._group.value

    @value.setter
    def value(self, key: str) -> None:
        if key in self._keys:
            self._group.value = key

    def _picked(self, event) -> None:
        if event.new is not None and event.new != event.old:
            self._on_pick(event.new)

    def __panel__(self):
        return self._group


# Buttons become picture tiles: the picture fills the tile, the name sits in a
# strip at its foot (small, but the picture is what a learner recognises).
_PICKER_CSS = f"""
.bk-btn-group {{ display: grid; gap: 6px; }}
.bk-btn-group > .bk-btn {{
  height: 58px; min-width: 0; border-radius: 6px !important; margin: 0 !important;
  background-size: cover; background-position: center; background-repeat: no-repeat;
  border: 2px solid {CSS_BORDER} !important; color: transparent; font-size: 1px; box-shadow: none;
}}
.bk-btn-group > .bk-btn.bk-active {{ border: 4px solid #0877bd !important; }}
.bk-btn-group > .bk-btn:hover {{ border-color: #5aa7dc !important; }}
"""
