"""The explanations under the dense page: headed sections of text, side by side where the screen is wide.

The view draws the texts it is given (already translated); it escapes them, so a text
may hold quotes or angle brackets. The colour scale of the whole page is shown once,
as a legend above the sections.
"""
from __future__ import annotations

import panel as pn

from playground.components.safe_text import escape
from playground.theme import BLUE, CSS_GRID, CSS_SURFACE, CSS_TEXT, GREY, ORANGE


class Explanations(pn.viewable.Viewer):
    """`sections`: (key, heading, paragraphs); `legend`: labels of the colour scale's −, 0 and + ends."""

    def __init__(self, title: str, sections: list[tuple[str, str, list[str]]], legend: tuple[str, str, str]):
        super().__init__()
        swatches = "".join(
            f"<span class='nn-swatch'><i style='background:{colour}'></i>{escape(label)}</span>"
            for colour, label in zip((ORANGE, GREY, BLUE), legend))
        cells = "".join(
            f"<section id='nn-explain-{escape(key)}'><h3>{escape(heading)}</h3>"
            + "".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs) + "</section>"
            for key, heading, paragraphs in sections)
        html = (f"<div class='nn-explain'><h2>{escape(title)}</h2><div class='nn-legend'>{swatches}</div>"
                f"<div class='nn-explain-grid'>{cells}</div></div>")
        self._pane = pn.pane.HTML(html, sizing_mode="stretch_width", margin=(18, 10, 30, 10),
                                  stylesheets=[_CSS], css_classes=["nn-explanations"], name="explanations")

    def __panel__(self):
        return self._pane


_CSS = f"""
:host {{ color: {CSS_TEXT}; border-top: 2px solid {CSS_GRID}; }}
h2 {{ font-size: 22px; margin: 14px 0 6px; }}
h3 {{ font-size: 19px; margin: 4px 0 6px; }}
p {{ font-size: 17px; line-height: 1.45; margin: 0 0 8px; max-width: 62ch; }}
.nn-explain-grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 10px 28px; }}
section {{ background: {CSS_SURFACE}; border-radius: 8px; padding: 10px 14px; }}
.nn-legend {{ display: flex; gap: 22px; font-size: 17px; margin: 0 0 12px; flex-wrap: wrap; }}
.nn-swatch {{ display: inline-flex; align-items: center; gap: 8px; }}
.nn-swatch i {{ display: inline-block; width: 34px; height: 18px; border-radius: 4px; border: 1px solid {CSS_GRID}; }}
"""
