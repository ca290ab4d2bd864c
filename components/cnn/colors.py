"""Colour scales of the CNN explainer, and the colour ranges they are stretched over.

Activations use a red–white–blue scale centred on zero (red negative, blue
positive), weights a separate orange–white–purple scale, input pixels greys
(0 white, 1 black: ink on paper, readable on a projector). Every range is
symmetric around zero for activations and weights, so white always means 0.
"""
from __future__ import annotations

import numpy as np

from playground.components.cnn.layer_facts import LayerFacts
from playground.theme import (ACTIVATION_STOPS, CELL_TEXT_ON_DEEP, CELL_TEXT_ON_PALE, CHANNEL_COLOURS,
                              INPUT_STOPS, WEIGHT_STOPS)

N_SHADES = 255  # odd, so the middle shade is exactly the colour of zero


def _interpolate(stops: list[str], n: int = N_SHADES) -> list[str]:
    """`n` hex colours evenly interpolated through `stops` (hex strings)."""
    rgb = np.array([[int(s[i:i + 2], 16) for i in (1, 3, 5)] for s in stops], float)
    at = np.linspace(0, len(stops) - 1, n)
    lo = np.minimum(at.astype(int), len(stops) - 2)
    frac = (at - lo)[:, None]
    mixed = np.rint(rgb[lo] * (1 - frac) + rgb[lo + 1] * frac).astype(int)
    return ["#%02x%02x%02x" % tuple(c) for c in mixed]


ACTIVATION_PALETTE = _interpolate(list(ACTIVATION_STOPS))
WEIGHT_PALETTE = _interpolate(list(WEIGHT_STOPS))
INPUT_PALETTE = _interpolate(list(INPUT_STOPS))
# R, G and B, each from white to its own colour.
CHANNEL_PALETTES = tuple(_interpolate([INPUT_STOPS[0], colour]) for colour in CHANNEL_COLOURS)


def hex_colors(values: np.ndarray, limit: float, palette: list[str], low: float | None = None) -> np.ndarray:
    """The palette colour of each value, for HTML cells.

    The scale runs over [-limit, limit] (or [low, limit] when `low` is given);
    values outside it take the end colours.
    """
    values = np.asarray(values, float)
    lo = -limit if low is None else low
    span = (limit - lo) or 1.0
    idx = np.clip(np.rint((values - lo) / span * (len(palette) - 1)), 0, len(palette) - 1)
    return np.asarray(palette, dtype=object)[np.nan_to_num(idx).astype(int)]


def text_color(values: np.ndarray, limit: float, low: float | None = None) -> np.ndarray:
    """Black or white text, whichever reads on the cell colour of each value."""
    values = np.asarray(values, float)
    lo = -limit if low is None else low
    span = (limit - lo) or 1.0
    t = (values - lo) / span  # 0..1 along the scale
    if low is None:
        dark = np.abs(t - 0.5) > 0.36  # both ends of a diverging scale are dark
    else:
        dark = t > 0.55  # the greys: high values are dark
    return np.where(dark, CELL_TEXT_ON_DEEP, CELL_TEXT_ON_PALE)


def symmetric_limit(values: np.ndarray) -> float:
    """max |value|, never 0 (an all-zero map is drawn white, not divided by zero)."""
    m = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    return m if m > 0 and np.isfinite(m) else 1.0


def module_ids(facts: list[LayerFacts]) -> list[int]:
    """Group layers into CNN Explainer's modules: the input; each conv…pool block; the head.

    A block runs from the first layer after the input (or after a block's end)
    up to and including the next layer that ends a block. The head (Flatten and
    everything after it) is one module.
    """
    ids, current, in_head = [], 0, False
    for layer in facts:
        if layer.is_input:
            ids.append(0)
            current = 1
            continue
        if layer.in_head and not in_head:
            in_head = True
            if ids and ids[-1] == current:  # the block before has layers: start a new module
                current += 1
        ids.append(current)
        if layer.ends_block and not in_head:
            current += 1
    return ids


def unit_limits(outputs: list[np.ndarray], facts: list[LayerFacts], mode: str) -> list[np.ndarray]:
    """The colour limit of every unit: one array per layer, shape (C,) for maps, (1,) for vectors.

    `mode` is "unit" (each neuron its own max |a|), "module" (shared inside a
    conv…pool block) or "global" (shared by every layer but the input, which
    keeps its own pixel range).
    """
    if mode not in ("unit", "module", "global"):
        raise ValueError(f"colour range must be 'unit', 'module' or 'global', not {mode!r}")
    per_unit = []
    for out in outputs:
        a = np.abs(np.asarray(out, np.float32))
        m = a.reshape(-1, a.shape[-1]).max(axis=0) if a.ndim == 3 else np.array([a.max() if a.size else 0.0])
        per_unit.append(np.where((m > 0) & np.isfinite(m), m, 1.0).astype(np.float32))
    if mode == "unit":
        return per_unit
    if mode == "module":
        groups = module_ids(facts)
    else:
        groups = [0 if layer.is_input else 1 for layer in facts]
    limits = []
    for i in range(len(facts)):
        shared = max(float(per_unit[j].max()) for j in range(len(facts)) if groups[j] == groups[i])
        limits.append(np.full_like(per_unit[i], shared))
    return limits
