"""Measures beyond the loss, under the loss chart: a confusion matrix with per-class precision, recall
and F1 (classification), or RMSE and R² (regression).

The view only formats the dict `playground.dense.metrics.run_metrics` returns. While training plays it
follows at most twice a second (a table re-laid out at every frame would cost the browser more than the
numbers are worth); a frame at a stop shows the exact numbers at once.
"""
from __future__ import annotations

import math

import panel as pn
from bokeh.models import Div

from playground.components.live_updates import LiveUpdates
from playground.components.palettes import CSS_TEXT
from playground.components.safe_text import safe_text
from playground.i18n import _
from playground.i18n.numbers import decimal_sign, format_number

PERIOD_S = 0.5     # at most twice a second while playing


def _share(value: float | None, sign: str = ".") -> str:
    # format_share's rounding, without a Babel call per cell (a frame's budget is a few ms)
    return "–" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%".replace(".", sign)


def _number(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else format_number(value)


def _class_name(label: int, binary: bool) -> str:
    """Two classes are named by their sign (as the map's colours), several by their index."""
    return ("+1" if label > 0 else "−1") if binary else str(label)


def metrics_html(metrics: dict) -> str:
    """The panel's HTML for `metrics`: the test split's confusion matrix with its per-class scores (the
    training split's when there are no test points, as with drawn data), or the regression figures."""
    if "test_rmse" in metrics:
        return ("<table class='nn-metrics'><tr><th></th><th>{train}</th><th>{test}</th></tr>"
                "<tr><th>RMSE</th><td>{a}</td><td>{b}</td></tr><tr><th>R²</th><td>{c}</td><td>{d}</td></tr></table>"
                ).format(train=_("Training"), test=_("Test"), a=_number(metrics["train_rmse"]),
                         b=_number(metrics["test_rmse"]), c=_number(metrics["train_r2"]), d=_number(metrics["test_r2"]))
    binary, sign = metrics["classes"] == [-1, 1], decimal_sign()
    classes = [_class_name(c, binary) for c in metrics["classes"]]
    split = "test" if sum(map(sum, metrics["test_confusion"])) else "train"
    cm = metrics[f"{split}_confusion"]
    biggest = max(1, max(max(row) for row in cm))
    head = "".join(f"<th>{safe_text(c)}</th>" for c in classes)
    rows = []
    scores = zip(classes, cm, metrics[f"{split}_precision"], metrics[f"{split}_recall"], metrics[f"{split}_f1"])
    for i, (name, row, p, r, f) in enumerate(scores):
        cells = "".join(f"<td class='{'hit' if i == j else 'miss'}' style='--share:{count / biggest:.2f}'>{count}</td>"
                        for j, count in enumerate(row))
        rows.append(f"<tr><th>{safe_text(name)}</th>{cells}<td class='score'>{_share(p, sign)}</td>"
                    f"<td class='score'>{_share(r, sign)}</td><td class='score'>{_share(f, sign)}</td></tr>")
    title = _("Test: rows true class, columns predicted") if split == "test" else \
        _("Training: rows true class, columns predicted")
    precision, recall = _("Precision"), _("Recall")
    return (f"<div class='nn-metrics-title'>{title}</div><table class='nn-metrics'><tr><th></th>{head}"
            f"<th>{precision}</th><th>{recall}</th><th>F1</th></tr>{''.join(rows)}</table>")


class MetricsPanel(pn.viewable.Viewer):
    """One Bokeh Div; `due(live)` says whether a frame should recompute the metrics, `show` shows them."""

    def __init__(self, width: int = 300):
        super().__init__()
        self._updates = LiveUpdates(PERIOD_S)
        # A plain Bokeh Div, not a Panel HTML pane: setting its text is one property change, where
        # the pane re-processes itself (most of this panel's cost per update).
        self.div = Div(text="", width=width, stylesheets=[_CSS], css_classes=["nn-metrics-panel"])
        self.shown: dict | None = None     # the metrics on screen (the tests read them)
        self._key: tuple | None = None     # what the text on screen was made from

    def due(self, live: bool) -> bool:
        """Whether a frame should recompute and show the metrics (always at a stop; twice a second live)."""
        return self._updates.due(live)

    def show(self, metrics: dict) -> None:
        self.shown = metrics
        # The table is made from the confusion matrices alone (the scores follow from them), or the regression
        # figures, in the session's language: once a run settles its counts rarely change, and then neither
        # the HTML nor the message to the browser need making again.
        key = (_("Precision"), *(str(metrics.get(k)) for k in ("classes", "train_confusion", "test_confusion",
                                                                "train_rmse", "test_rmse", "train_r2", "test_r2")))
        if key == self._key:
            return
        self._key = key
        html = metrics_html(metrics)
        if html != self.div.text:
            self.div.text = html

    def resize(self, width: int) -> None:
        self.div.width = width

    def __panel__(self):
        return pn.pane.Bokeh(self.div, margin=(4, 4))


# Kept with the component for now: the theme module is being restructured (see the report).
_CSS = f"""
:host {{ font-size: 14px; color: {CSS_TEXT}; }}
.nn-metrics-title {{ font-size: 13px; margin-bottom: 2px; }}
table.nn-metrics {{ border-collapse: collapse; font-variant-numeric: tabular-nums; }}
table.nn-metrics th, table.nn-metrics td {{ padding: 1px 6px; text-align: right; }}
table.nn-metrics td.hit {{ background: rgba(8, 119, 189, calc(0.15 + 0.5 * var(--share))); }}
table.nn-metrics td.miss {{ background: rgba(245, 147, 34, calc(0.6 * var(--share))); }}
table.nn-metrics td.score {{ color: {CSS_TEXT}; opacity: .85; }}
"""
