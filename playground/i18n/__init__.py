"""Words on screen, through gettext: English and Ukrainian catalogues.

Mark every user-visible message where it is shown with `_("…")`, and where it is
defined far from where it is shown (tables of labels) with `N_("…")`, then pass it
through `_()` when drawing. Never assemble a message from fragments: use one
message with named placeholders, `_("Epoch {epoch}").format(epoch=n)`.
"""
from __future__ import annotations

import functools
import gettext
from pathlib import Path

LANGUAGES = ("en", "uk")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "playground"


@functools.cache
def translation(language: str) -> gettext.NullTranslations:
    """The compiled catalogue for `language` (English falls back to the messages themselves)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    """The language of the session being served (English outside a session)."""
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` in the current session's language."""
    return translation(current_language()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalogues without translating it yet."""
    return message
