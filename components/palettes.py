"""Colours of the dense views: TF Playground's orange–grey–blue scale, class colours, themes.

Heatmaps are drawn by Bokeh colour mappers in the browser. The server sends each
cell as one byte, its shade's number in the palette (`shade_codes`, `class_codes`),
never colours and never float32: the original draws ~30 shades, so the byte loses
nothing on screen and the frame is a quarter of the size. `code_mapper` turns the
numbers back into colours; `diverging_mapper` colours plain −1…+1 values (links, biases).
"""
from __future__ import annotations

import numpy as np
from bokeh.models import FixedTicker, LinearColorMapper

from playground.i18n import _
# The colours live in playground.theme (one module for both halves); re-exported here.
from playground.theme import BLUE, CLASS_COLOURS, CSS_BORDER, CSS_TEXT, GREY, ORANGE, THEMES  # noqa: F401

SHADES = 30          # the original quantises its heatmaps to about 30 colours
CLASS_SHADES = 10    # confidence steps per class in the multi-class heatmap


def hex_to_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' -> float array of three 0–255 values."""
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def rgb_to_hex(rgb) -> str:
    r, g, b = (int(round(v)) for v in np.clip(rgb, 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


def blend(a: str, b: str, t: float) -> str:
    """The colour a fraction `t` of the way from `a` to `b`."""
    return rgb_to_hex((1 - t) * hex_to_rgb(a) + t * hex_to_rgb(b))


def diverging_palette(n: int = SHADES) -> list[str]:
    """`n` colours from orange (−1) through grey (0) to blue (+1)."""
    ts = np.linspace(-1.0, 1.0, n)
    return [blend(GREY, ORANGE, -t) if t < 0 else blend(GREY, BLUE, t) for t in ts]


def diverging_colours(values: np.ndarray) -> list[str]:
    """Hex colour of each value on the −1…+1 scale (clamped), for points and marks."""
    palette = diverging_palette()
    idx = np.clip(((np.asarray(values) + 1) / 2 * SHADES).astype(int), 0, SHADES - 1)
    return [palette[i] for i in idx]


def diverging_mapper() -> LinearColorMapper:
    """Colour mapper of the −1…+1 scale; values beyond it take the end colours."""
    palette = diverging_palette()
    return LinearColorMapper(palette=palette, low=-1.0, high=1.0, low_color=palette[0],
                             high_color=palette[-1], nan_color="#000000")


GAP = 255            # a code of no shade: drawn in the mapper's `beyond` colour (a gap, or NaN)


def shade_codes(values: np.ndarray) -> np.ndarray:
    """Values on the −1…+1 scale -> uint8 shade numbers 0…SHADES−1 of `diverging_palette`.

    The shade is the one Bokeh's LinearColorMapper(low=−1, high=1) picks for the value;
    values beyond the scale take the end shades, NaN (a diverged network) becomes GAP.
    """
    with np.errstate(invalid="ignore"):
        shade = np.floor((np.asarray(values, np.float32) + 1) * np.float32(SHADES / 2))
        codes = np.clip(shade, 0, SHADES - 1)
    return np.where(np.isnan(codes), GAP, codes).astype(np.uint8)


def class_codes(probabilities: np.ndarray, discretize: bool = False) -> np.ndarray:
    """(K, H, W) softmax probabilities -> (H, W) uint8 shade numbers of `class_palette`.

    Class k with confidence c (see `class_confidence`) is shade k·CLASS_SHADES + ⌊c·CLASS_SHADES⌋.
    """
    value = class_confidence(probabilities, discretize)
    best = np.floor(value)
    return (best * CLASS_SHADES + np.floor((value - best) * CLASS_SHADES)).astype(np.uint8)


def code_mapper(palette: list[str], beyond: str) -> LinearColorMapper:
    """Colours shade number i as palette[i], and GAP as `beyond`.

    The mapper's range runs half a shade beyond both ends, so that every whole
    number falls in the middle of its colour's interval, clear of rounding.
    """
    return LinearColorMapper(palette=palette, low=-0.5, high=len(palette) - 0.5, low_color=palette[0],
                             high_color=beyond, nan_color=beyond)


def class_palette(n_classes: int) -> list[str]:
    """For each class, CLASS_SHADES colours from grey (unsure) to the class colour (sure)."""
    return [blend(GREY, CLASS_COLOURS[k], 0.25 + 0.75 * s / (CLASS_SHADES - 1))
            for k in range(n_classes) for s in range(CLASS_SHADES)]


def shade_scale(beyond: str = "#000000") -> tuple[LinearColorMapper, FixedTicker, dict[float, str]]:
    """Mapper for `shade_codes`, plus ticks and labels that show the −1…+1 scale in its legend."""
    ticks = [-0.5, (SHADES - 1) / 2, SHADES - 0.5]
    return code_mapper(diverging_palette(), beyond), FixedTicker(ticks=ticks), dict(zip(ticks, ["−1", "0", "1"]))


def class_mapper(n_classes: int) -> tuple[LinearColorMapper, FixedTicker, dict[float, str]]:
    """Mapper for `class_codes`, plus ticks and labels (one per class) for its legend."""
    mapper = code_mapper(class_palette(n_classes), "#000000")
    ticks = [k * CLASS_SHADES + (CLASS_SHADES - 1) / 2 for k in range(n_classes)]
    return mapper, FixedTicker(ticks=ticks), {t: _("class {index}").format(index=k) for k, t in enumerate(ticks)}


def class_confidence(probabilities: np.ndarray, discretize: bool = False) -> np.ndarray:
    """(K, H, W) softmax probabilities -> (H, W) float32 k + c for `class_mapper`.

    k is the most likely class and c in [0, 1) how far its probability is from a
    uniform guess (1/K) towards certainty; `discretize` shows every cell as certain.
    """
    k = probabilities.shape[0]
    best = probabilities.argmax(axis=0)
    if discretize:
        confidence = np.full(best.shape, 0.999)
    else:
        top = probabilities.max(axis=0)
        confidence = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 0.999)
    return np.ascontiguousarray(best + confidence, dtype=np.float32)
