"""What the step-through views need on top of `explain`: window geometry and sample conversion.

A window geometry is ``(window, strides, padding)``, as a layer kind gives it
(`playground.cnn.kinds`); element-wise steps read a 1×1 window. Pure numpy
(plus Pillow through `prepare_image`); no Panel, no Keras.
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from playground.cnn.explain import input_window, padding_before
from playground.datasets.image_input import prepare_image

Window = tuple[tuple[int, int], tuple[int, int], str]   # (window, strides, padding)


def window_of(geometry: Window, in_hw: tuple[int, int], row: int, col: int) -> tuple[int, int, int, int]:
    """The input cells (row0, col0, h, w) behind output cell (row, col)."""
    window, strides, padding = geometry
    return input_window(in_hw, row, col, window, strides, padding)


def padding_mask(geometry: Window, in_hw: tuple[int, int], row: int, col: int) -> np.ndarray | None:
    """(kh, kw) True where the window behind (row, col) lies on padding; None when it never does."""
    (kh, kw), (sh, sw), padding = geometry
    if padding == "valid":
        return None
    r0, c0, h, w = window_of(geometry, in_hw, row, col)
    ih, iw = in_hw
    top = row * sh - padding_before(ih, kh, sh, padding)
    left = col * sw - padding_before(iw, kw, sw, padding)
    mask = np.ones((kh, kw), bool)
    mask[r0 - top:r0 - top + h, c0 - left:c0 - left + w] = False
    return mask if mask.any() else None


def output_cell_for_input(geometry: Window, in_hw: tuple[int, int], out_hw: tuple[int, int],
                          row: int, col: int) -> tuple[int, int]:
    """The output cell whose window starts nearest to input cell (row, col), clipped to the output.

    Used when the user points at the input map: the window moves so that it
    covers (or starts at) the cell pointed at.
    """
    (kh, kw), (sh, sw), padding = geometry
    (ih, iw), (oh, ow) = in_hw, out_hw
    r = (row + padding_before(ih, kh, sh, padding)) // sh
    c = (col + padding_before(iw, kw, sw, padding)) // sw
    return int(np.clip(r, 0, oh - 1)), int(np.clip(c, 0, ow - 1))


def next_cell(row: int, col: int, out_hw: tuple[int, int]) -> tuple[int, int]:
    """The next window position of the animation: along the row, then down, then back to the start."""
    oh, ow = out_hw
    col += 1
    if col >= ow:
        col, row = 0, row + 1
    if row >= oh:
        row = 0
    return row, col


def samples_for_shape(images: list[np.ndarray], shape: tuple[int, int, int]) -> list[np.ndarray]:
    """Dataset samples converted to another model input shape, as an upload would be.

    Each image goes through `prepare_image` (shorter side resized, centre
    crop, channel conversion) without inversion. Images already of `shape`
    are returned as they are.
    """
    out = []
    for img in images:
        img = np.asarray(img, np.float32)
        if img.shape == tuple(shape):
            out.append(img)
            continue
        pixels = np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)
        pil = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels)
        buffer = io.BytesIO()
        pil.save(buffer, format="PNG")
        out.append(prepare_image(buffer.getvalue(), shape, invert=False))
    return out
