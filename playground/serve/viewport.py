"""The page's <head> for phones and tablets: Panel's page template with a viewport tag.

Panel's base template has no `<meta name="viewport">`, so a phone lays the page out
980 px wide and shrinks it to fit: too small to read, and it scrolls sideways. With the
tag, a phone reports its real width and the page lays itself out for it.
"""
from __future__ import annotations

import panel as pn
from panel.io.resources import parse_template

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
_TEMPLATE = parse_template("{% extends base %}\n{% block postamble %}" + VIEWPORT + "{% endblock %}")


def fit_phones() -> None:
    """Give this session's page the viewport tag (call while the session's document is built)."""
    pn.state.curdoc.template = _TEMPLATE
