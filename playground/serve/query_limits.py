"""A page's URL query that cannot take it down: Panel's query parser, guarded.

Panel reads `pn.state.location.query_params` (and rewrites the address bar through it)
with `panel.util.parse_query`, which calls `int()` on any value of digits: 4,301 digits
or more (`?seed=9…9`), or a digit that is not ASCII (`?seed=²`), raise there and leave a
blank page; a long `[`/`{` value goes to `ast.literal_eval`. The page itself reads the
query as plain strings (and says which values it ignored); here, Panel's parser gets only
values it can take: over-long values are left out, and digit strings it could not turn
into a number are kept as text.
"""
from __future__ import annotations

import functools
from urllib.parse import parse_qsl, urlencode

MAX_VALUE_CHARS = 2000   # the longest setting value (a list of features) is far shorter
MAX_DIGITS = 30          # no setting needs a larger whole number


def _parses_as_int(value: str) -> bool:
    return not value.isdigit() or (value.isascii() and len(value) <= MAX_DIGITS)


def guard(parse_query):
    """`parse_query` that never raises for a value a user typed into the address bar."""
    if getattr(parse_query, "_nn_guarded", False):
        return parse_query

    @functools.wraps(parse_query)
    def guarded(query: str) -> dict:
        pairs = [(k, v) for k, v in parse_qsl(query[1:]) if len(k) + len(v) <= MAX_VALUE_CHARS]
        plain = {k: v for k, v in pairs if not _parses_as_int(v)}
        parsed = parse_query("?" + urlencode([(k, v) for k, v in pairs if k not in plain]))
        parsed.update(plain)
        return parsed

    guarded._nn_guarded = True
    return guarded


def guard_query_parsing() -> None:
    """Make every session's `pn.state.location` parse its query safely; calling it again changes nothing."""
    from panel.io import location

    location.parse_query = guard(location.parse_query)
