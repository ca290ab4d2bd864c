"""User-controlled text made safe to echo in plain text (a terminal, a log, a notice before escaping).

`components/safe_text.py` is the one way such text reaches HTML; this module is for the
steps before it that do not depend on HTML: bidirectional-control characters removed (they
can make "gpj.exe" read as "exe.jpg"), and long values cut.
"""
from __future__ import annotations

import re

# The Unicode bidirectional controls: embeddings, overrides, isolates and the marks (LRM, RLM, ALM).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ECHO_CHARS = 80     # an error line names a value, it does not reprint a 100 KB one


def strip_bidi(text: object) -> str:
    """`text` without bidirectional-control characters, so what is shown is what was written."""
    return _BIDI.sub("", str(text))


def echo(value: object, limit: int = ECHO_CHARS) -> str:
    """`value` as one short line for a message: bidi controls and line breaks removed, cut at `limit` (…)."""
    text = " ".join(strip_bidi(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
