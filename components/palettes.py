"""Colours of the dense views: TF Playground's orange–grey–blue scale, class colours, themes.

Heatmaps are drawn by Bokeh colour mappers in the browser, so the server sends
numbers (float32), never colours: `diverging_mapper` quantises −1…+1 into the
original's ~30 shades and `class_mapper` encodes "class k with confidence c" as
the number k + c.
"""
from __future__ import annotations

import numpy as np
from bokeh.models import FixedTicker, LinearColorMapper

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


def class_palette(n_classes: int) -> list[str]:
    """For each class, CLASS_SHADES colours from grey (unsure) to the class colour (sure)."""
    return [blend(GREY, CLASS_COLOURS[k], 0.25 + 0.75 * s / (CLASS_SHADES - 1))
            for k in range(n_classes) for s in range(CLASS_SHADES)]


def class_mapper(n_classes: int) -> tuple[LinearColorMapper, FixedTicker, dict[float, str]]:
    """Mapper for `class_confidence` values, plus ticks and labels for its legend."""
    mapper = LinearColorMapper(palette=class_palette(n_classes), low=0.0, high=float(n_classes),
                               nan_color="#000000")
    ticks = [k + 0.5 for k in range(n_classes)]
    return mapper, FixedTicker(ticks=ticks), {t: f"class {k}" for k, t in enumerate(ticks)}


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
