"""Students' names: what a student types (or a teacher's link carries) made fit to show.

A name is hostile input: it reaches the wall, the projector and a spreadsheet. Here it
loses every control and formatting character (bidi overrides and isolates, zero-width
joiners, line breaks) and is cut to `MAX_NAME`; HTML escaping happens where it is shown
(components/safe_text.py), CSV escaping in results.py.
"""
from __future__ import annotations

import unicodedata

from playground.i18n import _

MAX_NAME = 40       # a name on a wall tile, not an essay
# Unicode categories dropped from a name: controls (Cc), formatting (Cf: bidi controls,
# zero-width characters, the BOM), separators of lines and paragraphs, unassigned and private use.
_DROPPED = {"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"}


MAX_ANSWER = 300    # a student's answer to a lesson's question


def clean_text(raw: object, limit: int) -> str:
    """`raw` as one line of plain text: no control or invisible formatting characters, spaces
    collapsed, at most `limit` characters."""
    text = unicodedata.normalize("NFC", str(raw))
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _DROPPED)
    return " ".join(text.split())[:limit].strip()


def clean_name(raw: object) -> str:
    """`raw` as a display name (see `clean_text`), at most MAX_NAME characters."""
    return clean_text(raw, MAX_NAME)


def default_name(number: int) -> str:
    """The name of a student who gave none: "Student 7"."""
    return _("Student {number}").format(number=number)
