"""The one way a user-controlled string reaches HTML: shortened, then escaped.

File names, layer names, URL values and exception texts all come from the user
(a model file names its own layers). Anything that puts such a value into an
HTML or Markdown pane goes through `safe_text`.
"""
from __future__ import annotations

from html import escape

MAX_CHARS = 200     # a notice echoes a value, it does not reprint a 5000-character one


def safe_text(value: object, limit: int = MAX_CHARS) -> str:
    """`value` as inert HTML text: at most `limit` characters (… marks a cut), every markup character escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text, quote=True)
