"""Formula views: the real numbers of one step, as HTML grids a projector can show.

Each function returns an HTML string; `FormulaView` shows it. Numbers are
text in the DOM (3 decimals, at least 16 px), each grid cell coloured with the
same scale as the maps. Stable CSS classes (``cnn-formula-window``,
``cnn-formula-kernel``, ``cnn-formula-products``, ``cnn-formula-output`` …)
name every part, so tests and users' style sheets can find them.
"""
from __future__ import annotations

import numpy as np
import panel as pn

from playground.components.cnn.colors import (ACTIVATION_PALETTE, INPUT_PALETTE, WEIGHT_PALETTE, hex_colors,
                                              symmetric_limit, text_color)
from playground.components.safe_text import escape
from playground.i18n import _
from playground.i18n.numbers import decimal_sign, format_share
from playground.theme import CNN_FORMULA_CSS, CSS_INK

MINUS = "\u2212"



def fmt(value: float, digits: int = 3) -> str:
    """A number as the views print it: fixed decimals, a true minus sign and the language's decimal
    sign (0,125 in Ukrainian)."""
    text = f"{float(value):.{digits}f}"
    if text.startswith("-"):
        text = MINUS + text[1:]
        if float(text[1:]) == 0:
            text = text[1:]  # "−0.000" reads as a bug
    return text.replace(".", decimal_sign())


def grid_html(values: np.ndarray, css: str, palette: list[str], limit: float,
              low: float | None = None, pad_mask: np.ndarray | None = None,
              best: tuple[int, int] | None = None) -> str:
    """A (h, w) table of numbers on their colours; `pad_mask` cells say "pad"."""
    values = np.asarray(values, float)
    colors = hex_colors(values, limit, palette, low)
    inks = text_color(values, limit, low)
    pad_title = escape(_("padding"))
    rows = []
    for r in range(values.shape[0]):
        cells = []
        for c in range(values.shape[1]):
            if pad_mask is not None and pad_mask[r, c]:
                cells.append(f'<td class="pad" title="{pad_title}">0</td>')
                continue
            cls = ' class="best"' if best == (r, c) else ""
            cells.append(f'<td{cls} style="background:{colors[r, c]};color:{inks[r, c]}">'
                         f'{fmt(values[r, c])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="cnn-grid {css}">' + "".join(rows) + "</table>"


def _block(inner: str, caption: str) -> str:
    return f'<div>{inner}<div class="caption">{caption}</div></div>'


def _number(value: float, css: str, limit: float, result: bool = False) -> str:
    color = hex_colors([value], limit, ACTIVATION_PALETTE)[0]
    ink = text_color([value], limit)[0]
    cls = f"num {css}" + (" result" if result else "")
    return f'<span class="{cls}" style="background:{color};color:{ink}">{fmt(value)}</span>'


def _root(kind: str, body: str, **data) -> str:
    attrs = " ".join(f'data-{k.replace("_", "-")}="{escape(v)}"' for k, v in data.items())
    return f'<div class="cnn-formula cnn-formula-{kind}" {attrs}>{body}</div>'


def conv_formula_html(layer: str, neuron: int, row: int, col: int, in_channel: int,
                      window: np.ndarray, kernel: np.ndarray, products: np.ndarray,
                      channel_sums: np.ndarray, bias: float, output: float,
                      pad_mask: np.ndarray | None = None, input_is_image: bool = False,
                      input_range: tuple[float, float] = (0.0, 1.0),
                      limits: tuple[float, float, float] | None = None) -> str:
    """Window × kernel = products for one input channel, then Σ channels + bias = output.

    `window`, `kernel`, `products` are that channel's (kh, kw) slices;
    `channel_sums` (c_in,) the sum of products of every input channel.
    `limits` = (input, weight, output) colour limits over the whole maps, so the
    colours do not change meaning as the window moves; products use
    input × weight. Without them each grid is coloured by its own range.
    """
    in_lim, w_lim, lim = limits if limits else (symmetric_limit(window), symmetric_limit(kernel),
                                                symmetric_limit(np.r_[np.ravel(channel_sums), bias, output]))
    if input_is_image:
        win = grid_html(window, "cnn-formula-window", INPUT_PALETTE, input_range[1], low=input_range[0],
                        pad_mask=pad_mask)
        in_lim = max(abs(input_range[0]), abs(input_range[1]))
    else:
        win = grid_html(window, "cnn-formula-window", ACTIVATION_PALETTE, in_lim, pad_mask=pad_mask)
    ker = grid_html(kernel, "cnn-formula-kernel", WEIGHT_PALETTE, w_lim)
    prod = grid_html(products, "cnn-formula-products", ACTIVATION_PALETTE, in_lim * w_lim)
    c_in = len(channel_sums)
    first = (
        '<div class="row">'
        + _block(win, escape(_("input window, channel {c}").format(c=in_channel))) + '<span class="op">×</span>'
        + _block(ker, escape(_("kernel, channel {c}").format(c=in_channel))) + '<span class="op">=</span>'
        + _block(prod, escape(_("products")))
        + '<span class="op">→ Σ</span>'
        + _number(channel_sums[in_channel], "cnn-formula-channel-sum", lim)
        + "</div>"
    )
    chips = []
    for i, s in enumerate(channel_sums):
        cur = " current" if i == in_channel else ""
        color = hex_colors([s], lim, ACTIVATION_PALETTE)[0]
        ink = text_color([s], lim)[0]   # the cell's own ink: the theme's text can vanish on a pale chip
        chips.append(f'<span class="chip{cur}" data-channel="{i}" style="background:{color};color:{ink}">'
                     f'{fmt(s)}</span>')
    joined = '<span class="op">+</span>'.join(chips)
    label = escape(_("sum of the channel's products:") if c_in == 1
                 else _("Σ over the {n} input channels:").format(n=c_in))
    bias_word = escape(_("bias"))
    second = (
        f'<div class="row"><span class="note">{label}</span></div>'
        f'<div class="row cnn-formula-channel-sums">{joined}'
        f'<span class="op">+</span><span class="note">{bias_word}</span>'
        + _number(bias, "cnn-formula-bias", lim)
        + '<span class="op">=</span>'
        + _number(output, "cnn-formula-output", lim, result=True)
        + "</div>"
    )
    return _root("conv", first + second, layer=layer, neuron=neuron, row=row, col=col,
                 channel=in_channel)


def relu_formula_html(layer: str, neuron: int, row: int, col: int, x: float, y: float,
                      linear: bool = False, limit: float | None = None) -> str:
    """max(0, x) = y for one cell (or y = x for a linear activation); `limit` is the map's colour limit."""
    lim = limit or symmetric_limit(np.array([x, y]))
    inp = _number(x, "cnn-formula-input", lim)
    out = _number(y, "cnn-formula-output", lim, result=True)
    if linear:
        label = escape(_("linear:"))
        body = f'<div class="row"><span class="note">{label}</span> {inp}<span class="op">=</span>{out}</div>'
    else:
        note = escape(_("Negative inputs become 0; positive ones pass unchanged."))
        body = (f'<div class="row"><span class="note">ReLU:</span><span class="op">max(</span>'
                f'<span class="num">0</span><span class="op">,</span>{inp}<span class="op">)</span>'
                f'<span class="op">=</span>{out}</div>'
                f'<div class="row note">{note}</div>')
    return _root("relu", body, layer=layer, neuron=neuron, row=row, col=col)


def pool_formula_html(layer: str, neuron: int, row: int, col: int, window: np.ndarray,
                      argmax: tuple[int, int], value: float, limit: float | None = None) -> str:
    """max of the pool window = output, the winning cell outlined; `limit` is the map's colour limit."""
    pad = np.isnan(window)
    lim = limit or symmetric_limit(np.nan_to_num(window))
    win = grid_html(np.nan_to_num(window), "cnn-formula-window", ACTIVATION_PALETTE, lim,
                    pad_mask=pad if pad.any() else None, best=tuple(argmax))
    body = ('<div class="row"><span class="op">max</span>'
            + _block(win, escape(_("{h}×{w} window").format(h=window.shape[0], w=window.shape[1])))
            + '<span class="op">=</span>'
            + _number(value, "cnn-formula-output", lim, result=True) + "</div>"
            '<div class="row note">' + escape(_("Max-pooling keeps the largest value of each window.")) + "</div>")
    return _root("pool", body, layer=layer, neuron=neuron, row=row, col=col)


def dropout_formula_html(layer: str, neuron: int, row: int, col: int, x: float, y: float, rate: float,
                         limit: float | None = None) -> str:
    """Dropout at inference: y = x, with what it does while training said in words."""
    lim = limit or symmetric_limit(np.array([x, y]))
    label = escape(_("Dropout at inference:"))
    note = escape(_("The explainer shows the model as it predicts, where Dropout passes every value unchanged. "
                  "While training, it sets a random {share} of the values to 0 and multiplies the rest "
                  "by 1/(1 − {rate}).").format(share=format_share(rate, 0), rate=fmt(rate, 2)))
    body = (f'<div class="row"><span class="note">{label}</span>'
            + _number(x, "cnn-formula-input", lim) + '<span class="op">=</span>'
            + _number(y, "cnn-formula-output", lim, result=True) + "</div>"
            f'<div class="row note">{note}</div>')
    return _root("dropout", body, layer=layer, neuron=neuron, row=row, col=col)


def batchnorm_formula_html(layer: str, channel: int, row: int, col: int, x: float, mean: float,
                           variance: float, epsilon: float, gamma: float, beta: float, y: float,
                           limit: float | None = None) -> str:
    """BatchNormalization at inference for one value: γ · (x − μ) / √(σ² + ε) + β = y."""
    lim = limit or symmetric_limit(np.array([x, y]))
    std = float(np.sqrt(np.float32(variance) + np.float32(epsilon)))
    normalised = (x - mean) / std

    def term(symbol, value, css, digits=3):
        # One symbol with its value, kept together when the row wraps.
        shown = value if isinstance(value, str) else fmt(value, digits)
        return (f'<span style="white-space:nowrap"><span class="note">{symbol} =</span> '
                f'<span class="num {css}">{shown}</span></span>')

    note = escape(_("y = γ · (x − μ) / √(σ² + ε) + β, with the moving mean μ and variance σ² of channel "
                  "{channel} learned in training").format(channel=channel))
    body = (
        f'<div class="row note">{note}</div>'
        '<div class="row"><span style="white-space:nowrap"><span class="note">x =</span> '
        + _number(x, "cnn-formula-input", lim) + "</span>"
        + term("μ", mean, "cnn-formula-mean") + term("σ²", variance, "cnn-formula-variance", 4)
        + term("ε", f"{epsilon:g}", "cnn-formula-epsilon") + term("γ", gamma, "cnn-formula-gamma")
        + term("β", beta, "cnn-formula-beta") + "</div>"
        '<div class="row"><span class="note">(x − μ) / √(σ² + ε) =</span>'
        f'<span class="num cnn-formula-normalised">{fmt(normalised)}</span></div>'
        f'<div class="row"><span class="note">y =</span><span class="num">{fmt(gamma)}</span>'
        f'<span class="op">·</span><span class="num">{fmt(normalised)}</span><span class="op">+</span>'
        f'<span class="num">{fmt(beta)}</span><span class="op">=</span>' + _number(y, "cnn-formula-output", lim, result=True) + "</div>"
    )
    return _root("batchnorm", body, layer=layer, neuron=channel, row=row, col=col)


def average_formula_html(layer: str, neuron: int, row: int, col: int, window: np.ndarray, value: float,
                         limit: float | None = None, whole_map: bool = False) -> str:
    """The mean of a pooling window (NaN cells are padding, left out) = output.

    `whole_map`: the window is a channel's whole map (global average pooling).
    """
    pad = np.isnan(window)
    n = int((~pad).sum())
    lim = limit or symmetric_limit(np.nan_to_num(window))
    h, w = window.shape
    caption = _("the whole {h}×{w} map").format(h=h, w=w) if whole_map else _("{h}×{w} window").format(h=h, w=w)
    if window.size <= 36:
        shown = _block(grid_html(np.nan_to_num(window), "cnn-formula-window", ACTIVATION_PALETTE, lim,
                                 pad_mask=pad if pad.any() else None), escape(caption))
    else:   # a big map: its grid would not fit the pane; the sum and the count say the same
        shown = f'<span class="note">{escape(caption)}</span>'
    if whole_map:
        note = escape(_("Global average pooling keeps the mean of each channel's whole map."))
    else:
        note = escape(_("Average pooling keeps the mean of each window (padding cells are not counted)."))
    total = float(np.nansum(window, dtype=np.float64))
    mean = escape(_("mean"))
    body = (f'<div class="row"><span class="op">{mean}</span>{shown}<span class="op">=</span>'
            f'<span class="num cnn-formula-sum">{fmt(total)}</span><span class="op">/</span>'
            f'<span class="num cnn-formula-count">{n}</span><span class="op">=</span>'
            + _number(value, "cnn-formula-output", lim, result=True) + "</div>"
            f'<div class="row note">{note}</div>')
    return _root("average", body, layer=layer, neuron=neuron, row=row, col=col)


def flatten_formula_html(layer: str, source: str, shape_hwc: tuple[int, int, int],
                         row: int, col: int, channel: int, index: int, value: float) -> str:
    """Which cell of which channel lands at which index of the flat vector."""
    h, w, c = shape_hwc
    lim = symmetric_limit(np.array([value]))
    cell = _("{source}[row <b>{row}</b>, column <b>{col}</b>, channel <b>{channel}</b>]").format(
        source=escape(source), row=row, col=col, channel=channel)
    rule = escape(_("index = (row × width + column) × channels + channel = "
                  "({row} × {w} + {col}) × {c} + {channel} = {index}").format(
        row=row, w=w, col=col, c=c, channel=channel, index=index))
    order = escape(_("Row by row, and inside each pixel all {c} channels in turn ({h}×{w}×{c} = {n} values).").format(
        c=c, h=h, w=w, n=h * w * c))
    body = (
        f'<div class="row"><span class="note">{cell}</span>'
        '<span class="op">→</span>'
        f'<span class="note">{escape(layer)}[<b class="cnn-formula-index">{index}</b>]</span>'
        '<span class="op">=</span>' + _number(value, "cnn-formula-output", lim, result=True) + "</div>"
        f'<div class="row note">{rule}</div>'
        f'<div class="row note">{order}</div>'
    )
    return _root("flatten", body, layer=layer, row=row, col=col, channel=channel, index=index)


def softmax_html(layer: str, class_names: list[str], logits: np.ndarray, shifted: np.ndarray,
                 exps: np.ndarray, total: float, probabilities: np.ndarray, selected: int) -> str:
    """Logits → exp(logit − max) → divided by their sum = probabilities, one row per class."""
    best = int(np.argmax(probabilities))
    rows = []
    for i, name in enumerate(class_names):
        cls = ' class="best"' if i == best else ""
        cur = f' style="outline:2px solid {CSS_INK}"' if i == selected else ""
        bar = f'<span class="bar" style="width:{max(1.0, 90 * float(probabilities[i])):.0f}px"></span>'
        rows.append(
            f'<tr{cls}{cur} data-class="{i}"><td style="text-align:left">{escape(name)}</td>'
            f'<td class="cnn-softmax-logit">{fmt(logits[i])}</td>'
            f'<td class="cnn-softmax-shifted">{fmt(shifted[i])}</td>'
            f'<td class="cnn-softmax-exp">{fmt(exps[i], 4)}</td>'
            f'<td class="cnn-softmax-prob">{fmt(probabilities[i], 4)}</td>'
            f'<td style="text-align:left">{bar}</td></tr>')
    head = ('<tr><th style="text-align:left">' + escape(_("class")) + "</th><th>" + escape(_("logit z"))
            + "</th><th>z − max</th><th>exp(z − max)</th><th>" + escape(_("probability")) + "</th><th></th></tr>")
    sel = int(selected)
    note = escape(_("probability = exp(z − max z) / Σ exp(z − max z); subtracting the largest logit changes "
                  "nothing but keeps exp from overflowing."))
    body = (
        f'<div class="row note">{note}</div>'
        f'<div class="row"><span class="note">{escape(class_names[sel])}:</span>'
        f'<span class="num">exp({fmt(shifted[sel])}) = {fmt(exps[sel], 4)}</span><span class="op">/</span>'
        f'<span class="num cnn-softmax-total">{fmt(total, 4)}</span><span class="op">=</span>'
        f'<span class="num result">{fmt(probabilities[sel], 4)}</span></div>'
        f'<table class="cnn-softmax">{head}{"".join(rows)}</table>'
    )
    return _root("softmax", body, layer=layer, neuron=sel)


def dense_formula_html(layer: str, neuron: int, inputs: np.ndarray, weights: np.ndarray,
                       bias: float, output: float, top: int = 6) -> str:
    """A dense neuron: Σ inputs × weights + bias, with its largest terms written out."""
    terms = np.asarray(inputs, float) * np.asarray(weights, float)
    order = np.argsort(-np.abs(terms))[:top]
    lim = symmetric_limit(np.concatenate([terms[order], [bias, output]]))
    chips = "".join(
        f'<span class="chip" data-index="{i}">x[{i}]·w = {fmt(inputs[i])}·{fmt(weights[i])} = {fmt(terms[i])}</span>'
        for i in order)
    rule = escape(_("output {neuron} = Σ over {n} inputs of input × weight + bias; the {k} largest terms:").format(
        neuron=neuron, n=len(terms), k=len(order)))
    all_terms, bias_word = escape(_("all terms:")), escape(_("bias"))
    body = (
        f'<div class="row note">{rule}</div>'
        f'<div class="row">{chips}</div>'
        f'<div class="row"><span class="note">{all_terms}</span>'
        + _number(float(terms.sum()), "cnn-formula-sum", lim)
        + f'<span class="op">+</span><span class="note">{bias_word}</span>' + _number(bias, "cnn-formula-bias", lim)
        + '<span class="op">=</span>' + _number(output, "cnn-formula-output", lim, result=True) + "</div>"
    )
    return _root("dense", body, layer=layer, neuron=neuron)


class FormulaView(pn.viewable.Viewer):
    """An HTML pane that shows one formula at a time."""

    def __init__(self, width: int = 620, **kwargs):
        super().__init__()
        self._pane = pn.pane.HTML("", width=width, stylesheets=[CNN_FORMULA_CSS],
                                  css_classes=["cnn-formula-pane"], **kwargs)

    def show(self, html_text: str) -> None:
        """Replace the formula shown."""
        self._pane.object = html_text

    def __panel__(self):
        return self._pane
