"""Numbers written for a reader: the decimal sign of the session's language (0.016 in English, 0,016 in Ukrainian).

Text a learner reads (loss readouts, notices, cards) formats its numbers here, never with an
f-string's `:.3f`, which always writes a point. Machine-read text (the CLI's JSON, URLs,
Keras programs, CSV files) keeps the point.
"""
from __future__ import annotations

import decimal
import math

from babel.numbers import format_decimal, format_percent, get_decimal_symbol

from playground.i18n import current_language


# Digits Babel's decimal arithmetic may need: the largest float has 309 before the point.
_FLOAT_DIGITS = 330


def _pattern(decimals: int | None) -> str:
    # A CLDR pattern: "0.000" is three decimals, "0.######" up to six, no grouping; Babel puts
    # in the locale's decimal sign.
    if decimals is None:
        return "0.######"
    return "0." + "0" * decimals if decimals > 0 else "0"


def _not_finite(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return None


def format_number(value: float, decimals: int | None = 3, language: str | None = None) -> str:
    """`value` with exactly `decimals` decimals (None: as few as it needs, at most six), in `language`
    (default: the session's)."""
    value = float(value)
    if (text := _not_finite(value)) is not None:
        return text
    with decimal.localcontext() as context:
        context.prec = _FLOAT_DIGITS     # a diverging loss of 1e118 still gets all its digits
        return format_decimal(value, format=_pattern(decimals), locale=language or current_language())


def format_share(value: float, decimals: int = 1, language: str | None = None) -> str:
    """A share (0.975) as a percentage with `decimals` decimals: 97.5% in English, 97,5% in Ukrainian."""
    value = float(value)
    if (text := _not_finite(value)) is not None:
        return text
    with decimal.localcontext() as context:
        context.prec = _FLOAT_DIGITS
        return format_percent(value, format=_pattern(decimals) + "%", locale=language or current_language())


def decimal_sign(language: str | None = None) -> str:
    """The decimal sign of `language` (default: the session's), for numbers the browser formats."""
    return get_decimal_symbol(language or current_language())
