"""The hyperparameter playground: input size, padding, kernel size, stride → output size.

`conv_fit` is the rule; `HyperparamsView` draws the padded input, the sliding
window and the output grid, and says clearly when a combination does not fit.
"""
from __future__ import annotations

from dataclasses import dataclass

import panel as pn
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from playground.components.cnn.cells import bokeh_pane
from playground.components.cnn.theming import ThemedFigure
from playground.i18n import _
from playground.i18n.numbers import format_number
from playground.theme import CNN_INK, CNN_TEXT, CNN_WINDOW_FILL, HYPERPARAM_COLOURS

WIDTH, HEIGHT = 720, 400


@dataclass(frozen=True)
class ConvFit:
    """What a square convolution with these hyperparameters gives."""

    padded: int          # n + 2p
    output: int          # output size (0 when the kernel does not fit at all)
    fits: bool           # the kernel covers the padded input exactly
    message: str         # why it does not fit ('' when it does)
    formula: str         # the output-size arithmetic, written out


def conv_fit(n: int, k: int, p: int, s: int) -> ConvFit:
    """Output size of a k×k, stride s convolution over an n×n input with padding p.

    It fits when k ≤ n + 2p and (n + 2p − k) is divisible by s; otherwise the
    message says which rule is broken (Keras would silently drop the last
    rows/columns in the second case).
    """
    if min(n, k, s) < 1 or p < 0:
        raise ValueError(_("input size, kernel size and stride must be ≥ 1 and padding ≥ 0"))
    padded = n + 2 * p
    if k > padded:
        return ConvFit(padded, 0, False,
                       _("The {k}×{k} kernel is larger than the padded input ({padded}×{padded}): "
                         "there is no place to put it. Use a smaller kernel or more padding.").format(
                           k=k, padded=padded),
                       f"{n} + 2·{p} − {k} = {padded - k} < 0")
    span = padded - k
    out = span // s + 1
    formula = f"({n} + 2·{p} − {k}) / {s} + 1 = {span} / {s} + 1"
    if span % s:
        left = span % s
        return ConvFit(padded, out, False,
                       _("(n + 2p − k) = {span} is not divisible by the stride {s}: the window does not "
                         "fit evenly, and the last {left} row(s) and column(s) of the padded input (red) "
                         "are never read. Change the stride, padding or kernel size.").format(
                           span=span, s=s, left=left),
                       _("{formula} = {value}, rounded down to {out}").format(
                           formula=formula, value=format_number(span / s + 1, 2), out=out))
    return ConvFit(padded, out, True, "", formula + f" = {out}")


class HyperparamsView(ThemedFigure, pn.viewable.Viewer):
    """Padded input with the animated window on the left, the output grid on the right."""

    def __init__(self, controls: list, width: int = WIDTH, height: int = HEIGHT):
        super().__init__()
        self._width, self._height = width, height
        self.cells = ColumnDataSource(dict(x=[], y=[], size=[], color=[], line=[]))
        self.window = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        fig = figure(width=width, height=height, toolbar_location=None, tools="",
                     x_range=Range1d(0, width), y_range=Range1d(0, height), min_border=0,
                     outline_line_color=None)
        fig.axis.visible = False
        fig.grid.visible = False
        fig.rect("x", "y", "size", "size", source=self.cells, fill_color="color", line_color="line")
        fig.rect("x", "y", "w", "h", source=self.window, fill_alpha=0.25, fill_color=CNN_WINDOW_FILL,
                 line_color=CNN_INK, line_width=3)
        fig.text("x", "y", text="text", source=self.labels, text_font_size="16px", text_align="center",
                 text_baseline="middle", text_color=CNN_TEXT)
        self.figure = fig
        self._summary = pn.pane.Markdown("", css_classes=["cnn-hp-summary"],
                                         styles={"font-size": "18px"}, width=420)
        self._warning = pn.pane.Alert("", alert_type="danger", visible=False, css_classes=["cnn-hp-warning"],
                                      sizing_mode="stretch_width", styles={"font-size": "16px"})
        self._controls = controls
        self._fit: ConvFit | None = None
        self._geometry = None
        self._step = 0
        self._layout = pn.Row(
            pn.Column(pn.pane.Markdown("## " + _("Convolution hyperparameters"), margin=(0, 10)),
                      *controls, self._summary, self._warning, width=440),
            bokeh_pane(fig, "cnn-hyperparams"),
        )

    def __panel__(self):
        return self._layout

    @property
    def fit(self) -> ConvFit | None:
        return self._fit

    def set_theme(self, name: str) -> None:
        super().set_theme(name)
        if self._fit is not None:   # the cells' fills are per theme
            self.show(*self._shown)

    def show(self, n: int, p: int, k: int, s: int) -> None:
        """Redraw for new hyperparameters and restart the window at the top left."""
        self._shown = (n, p, k, s)
        colours = HYPERPARAM_COLOURS[self.theme]
        fit = conv_fit(n, k, p, s)
        self._fit, self._step = fit, 0
        padded = fit.padded
        cell = min(28.0, (self._width / 2 - 40) / padded, (self._height - 70) / padded)
        x_in, x_out = 20.0, self._width / 2 + 20
        top = self._height - 50
        cells = dict(x=[], y=[], size=[], color=[], line=[])
        covered = (fit.output - 1) * s + k if fit.output else 0
        for r in range(padded):
            for c in range(padded):
                is_pad = r < p or c < p or r >= p + n or c >= p + n
                missed = fit.output and (r >= covered or c >= covered)
                cells["x"].append(x_in + (c + 0.5) * cell)
                cells["y"].append(top - (r + 0.5) * cell)
                cells["size"].append(cell)
                cells["color"].append(colours["missed" if missed else ("padding" if is_pad else "input")])
                cells["line"].append(colours["padding_line" if is_pad else "input_line"])
        for r in range(fit.output):
            for c in range(fit.output):
                cells["x"].append(x_out + (c + 0.5) * cell)
                cells["y"].append(top - (r + 0.5) * cell)
                cells["size"].append(cell)
                cells["color"].append(colours["output"])
                cells["line"].append(colours["output_line"])
        labels = dict(x=[x_in + padded * cell / 2, x_out + max(fit.output, 1) * cell / 2],
                      y=[self._height - 22] * 2,
                      text=[(_("input {n}×{n} + padding {p}") if p else _("input {n}×{n}")).format(n=n, p=p),
                            _("output {m}×{m}").format(m=fit.output) if fit.output else _("no output")])
        self._geometry = dict(cell=cell, x_in=x_in, x_out=x_out, top=top, k=k, s=s)
        with pn.io.hold():
            self.cells.data, self.labels.data = cells, labels
            self._summary.object = _("**Output size** = (n + 2p − k) / s + 1") + f"  \n= {fit.formula}"
            self._warning.object = _("**Does not fit.** {reason}").format(reason=fit.message) if not fit.fits else ""
            self._warning.visible = not fit.fits
            self._draw_window()

    def advance(self) -> None:
        """Move the window one step (row by row), wrapping at the end."""
        if self._fit and self._fit.output:
            self._step = (self._step + 1) % (self._fit.output ** 2)
            self._draw_window()

    def _draw_window(self) -> None:
        g, fit = self._geometry, self._fit
        if not fit.output:
            self.window.data = dict(x=[], y=[], w=[], h=[])
            return
        r, c = divmod(self._step, fit.output)
        cell, k, s = g["cell"], g["k"], g["s"]
        self.window.data = dict(
            x=[g["x_in"] + (c * s + k / 2) * cell, g["x_out"] + (c + 0.5) * cell],
            y=[g["top"] - (r * s + k / 2) * cell, g["top"] - (r + 0.5) * cell],
            w=[k * cell, cell], h=[k * cell, cell])
