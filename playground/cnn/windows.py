"""Window maths: which input cells an output cell of a windowed layer reads, in Keras's conventions.

Every windowed layer (convolution, pooling; element-wise steps read a 1×1
window) computes its output sizes, its padding, the input window behind an
output cell and the animation's next cell here, and nowhere else.

Conventions: images and feature maps are channels-last ``(H, W, C)`` without a
batch axis. Padding is Keras's: ``"valid"`` (no padding) or ``"same"`` (output
size ceil(in / stride), zero padding split with the extra row/column at the
bottom/right). A window geometry is ``(window, strides, padding)``, as a layer
kind gives it (`playground.cnn.kinds`). Pure numpy: no Panel, no Keras.
"""
from __future__ import annotations

import math

import numpy as np

Pair = tuple[int, int]
Window = tuple[Pair, Pair, str]   # (window, strides, padding)


def as_pair(value) -> Pair:
    """A Keras size or stride (an int, or a pair) as a pair of ints."""
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def output_size(in_size: int, window: int, stride: int = 1, padding: str = "valid") -> int:
    """Keras's output length along one axis (0 when the window does not fit)."""
    if padding == "valid":
        return max((in_size - window) // stride + 1, 0)
    if padding == "same":
        return math.ceil(in_size / stride)
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")


def padding_amounts(in_size: int, window: int, stride: int, padding: str) -> Pair:
    """(before, after) padding along one axis; TensorFlow puts an odd extra row/column after."""
    if padding == "valid":
        return 0, 0
    total = max((output_size(in_size, window, stride, padding) - 1) * stride + window - in_size, 0)
    return total // 2, total - total // 2


def padding_before(in_size: int, window: int, stride: int = 1, padding: str = "valid") -> int:
    """Rows (or columns) of padding Keras adds before the input along one axis."""
    return padding_amounts(in_size, window, stride, padding)[0]


def _window_origin(in_hw: Pair, row: int, col: int, window: Pair, strides: Pair, padding: str) -> Pair:
    """(top, left) of the window behind output cell (row, col), in input cells (negative on padding)."""
    (ih, iw), (kh, kw), (sh, sw) = in_hw, window, strides
    oh, ow = output_size(ih, kh, sh, padding), output_size(iw, kw, sw, padding)
    if not (0 <= row < oh and 0 <= col < ow):
        raise IndexError(f"output cell ({row}, {col}) is outside the {oh}×{ow} output")
    return row * sh - padding_before(ih, kh, sh, padding), col * sw - padding_before(iw, kw, sw, padding)


def input_window(in_hw: Pair, row: int, col: int, window: Pair,
                 strides: Pair = (1, 1), padding: str = "valid") -> tuple[int, int, int, int]:
    """The input cells read for output cell (row, col): ``(row0, col0, h, w)``.

    The rectangle is clipped to the input, so with ``"same"`` padding a border
    cell's window is smaller than the kernel (the rest is padding).
    """
    (ih, iw), (kh, kw), strides = as_pair(in_hw), as_pair(window), as_pair(strides)
    top, left = _window_origin((ih, iw), row, col, (kh, kw), strides, padding)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + kh, ih), min(left + kw, iw)
    return r0, c0, r1 - r0, c1 - c0


def padded_window(x: np.ndarray, row: int, col: int, window: Pair, strides: Pair,
                  padding: str, fill: float) -> np.ndarray:
    """The (kh, kw, C) slice of `x` behind output cell (row, col), padding cells = `fill`."""
    ih, iw = x.shape[:2]
    (kh, kw), strides = as_pair(window), as_pair(strides)
    top, left = _window_origin((ih, iw), row, col, (kh, kw), strides, padding)
    out = np.full((kh, kw) + x.shape[2:], fill, dtype=x.dtype)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + kh, ih), min(left + kw, iw)
    out[r0 - top:r1 - top, c0 - left:c1 - left] = x[r0:r1, c0:c1]
    return out


def all_windows(x: np.ndarray, window: Pair, strides: Pair, padding: str, fill: float) -> np.ndarray:
    """All windows of `x` (H, W, C) as an (oh, ow, C, kh, kw) view, padding cells = `fill`."""
    (kh, kw), (sh, sw) = as_pair(window), as_pair(strides)
    ih, iw = x.shape[:2]
    oh, ow = output_size(ih, kh, sh, padding), output_size(iw, kw, sw, padding)
    if oh == 0 or ow == 0:
        raise ValueError(f"a {kh}×{kw} window does not fit a {ih}×{iw} input with padding {padding!r}")
    (pt, pb), (pl, pr) = padding_amounts(ih, kh, sh, padding), padding_amounts(iw, kw, sw, padding)
    if pt or pb or pl or pr:
        x = np.pad(x, ((pt, pb), (pl, pr), (0, 0)), constant_values=fill)
    view = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(0, 1))
    return view[::sh, ::sw][:oh, :ow]


# --------------------------------------------------------------------------
# A layer's window geometry, as the step-through views move it.

def window_of(geometry: Window, in_hw: Pair, row: int, col: int) -> tuple[int, int, int, int]:
    """The input cells (row0, col0, h, w) behind output cell (row, col)."""
    window, strides, padding = geometry
    return input_window(in_hw, row, col, window, strides, padding)


def padding_mask(geometry: Window, in_hw: Pair, row: int, col: int) -> np.ndarray | None:
    """(kh, kw) True where the window behind (row, col) lies on padding; None when it never does."""
    window, strides, padding = geometry
    if padding == "valid":
        return None
    r0, c0, h, w = window_of(geometry, in_hw, row, col)
    top, left = _window_origin(tuple(in_hw), row, col, as_pair(window), as_pair(strides), padding)
    mask = np.ones(as_pair(window), bool)
    mask[r0 - top:r0 - top + h, c0 - left:c0 - left + w] = False
    return mask if mask.any() else None


def output_cell_for_input(geometry: Window, in_hw: Pair, out_hw: Pair, row: int, col: int) -> Pair:
    """The output cell whose window starts nearest to input cell (row, col), clipped to the output.

    Used when the user points at the input map: the window moves so that it
    covers (or starts at) the cell pointed at.
    """
    (kh, kw), (sh, sw), padding = geometry
    (ih, iw), (oh, ow) = in_hw, out_hw
    r = (row + padding_before(ih, kh, sh, padding)) // sh
    c = (col + padding_before(iw, kw, sw, padding)) // sw
    return int(np.clip(r, 0, oh - 1)), int(np.clip(c, 0, ow - 1))


def next_cell(row: int, col: int, out_hw: Pair, steps: int = 1) -> Pair:
    """The window position `steps` cells on in the animation: along the row, then down, then back
    to the start."""
    oh, ow = out_hw
    row, col = divmod((row * ow + col + steps) % (oh * ow), ow)
    return int(row), int(col)
