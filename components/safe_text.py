"""The one way text reaches HTML: escaped here, and nowhere else.

File names, layer names, URL values and exception texts all come from the user
(a model file names its own layers). Anything that puts such a value into an
HTML or Markdown pane goes through `safe_text` (shortened, then escaped) or
`inert_line` (the same, on one line). Our own texts written into HTML (headings,
tutorial titles) go through `escape`, so that a translation with a "<" stays text.
A test (tests/test_layering.py) checks that no other module escapes HTML itself.
"""
from __future__ import annotations

import html

MAX_CHARS = 200     # a notice echoes a value, it does not reprint a 5000-character one


def escape(value: object, quote: bool = True) -> str:
    """`value` as inert HTML text, whole (markup characters escaped; quotes too unless `quote` is False)."""
    return html.escape(str(value), quote=quote)


def safe_text(value: object, limit: int = MAX_CHARS) -> str:
    """`value` as inert HTML text: at most `limit` characters (… marks a cut), every markup character escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def inert_line(value: object, limit: int | None = None) -> str:
    """A user string (file, layer name, error text) as one line of escaped HTML text."""
    line = " ".join(str(value).split())
    return safe_text(line) if limit is None else safe_text(line, limit)
