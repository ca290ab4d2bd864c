"""Hostile URL queries: Panel's own query parser (behind `pn.state.location`) never raises once guarded."""
from __future__ import annotations

import pytest
from panel.io.location import Location
from panel.util import parse_query

from playground.serve.query_limits import MAX_VALUE_CHARS, guard, guard_query_parsing

HOSTILE = {
    "4,301 digits": "9" * 4301,
    "a superscript digit": "²",
    "100 KB": "x" * 100_000,
    "a nested list": "[" * 5000,
}


@pytest.mark.parametrize("case", HOSTILE)
def test_panels_own_parser_raises_or_takes_too_long_where_the_guarded_one_does_not(case):
    query = "?seed=" + HOSTILE[case] + "&noise=5&activation=relu"
    parsed = guard(parse_query)(query)
    assert parsed["noise"] == 5 and parsed["activation"] == "relu"     # the good values still parse
    value = parsed.get("seed")
    assert value is None or value == HOSTILE[case]                       # left out, or kept as text
    if case in ("4,301 digits", "a superscript digit"):
        with pytest.raises(ValueError):             # what blanked the page before issue 23
            parse_query(query)


def test_every_session_location_parses_through_the_guard():
    guard_query_parsing()
    guard_query_parsing()       # twice changes nothing
    location = Location(search="?seed=" + "9" * 5000 + "&noise=%C2%B2&lesson=xor")
    assert location.query_params == {"noise": "²", "lesson": "xor"}     # too long: left out; not a number: text
    location.update_query(seed=3, noise=5)     # what the page's URL sync does: the bad values are replaced
    assert location.search == "?lesson=xor&noise=5&seed=3"
    long = Location(search="?hide=" + "y" * (MAX_VALUE_CHARS + 1) + "&noise=1")
    assert long.query_params == {"noise": 1}
