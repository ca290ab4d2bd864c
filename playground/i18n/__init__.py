"""Words on screen, through gettext: English and Ukrainian catalogues, one language per session.

Mark every user-visible message where it is shown with `_("…")`, and where it is
defined far from where it is shown (tables of labels) with `N_("…")`, then pass it
through `_()` when drawing. Never assemble a message from fragments: use one
message with named placeholders, `_("Epoch {epoch}").format(epoch=n)`.
Numbers a reader sees are written by `playground.i18n.numbers` (0,016 in Ukrainian), and the
course's Ukrainian terms are fixed in `glossary.toml` (tests/test_glossary.py checks the catalogue).

The catalogues are `locale/<lang>/LC_MESSAGES/playground.po`; the install compiles
them to `.mo` (setup.py). The language of a served session is kept per Bokeh
document, so two learners in two languages share one server process; outside a
session (the CLI, tests) `use_language` sets it for the current context.
"""
from __future__ import annotations

import contextvars
import functools
import gettext
import sys
import weakref
from pathlib import Path

LANGUAGES = ("en", "uk")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "playground"

_context_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
_document_language: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.cache
def translation(language: str) -> gettext.NullTranslations:
    """The compiled catalogue for `language` (English falls back to the messages themselves)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _current_document():
    # Only a served page has a document; the CLI never imports Panel for this.
    panel = sys.modules.get("panel")
    return panel.state.curdoc if panel is not None else None


def current_language() -> str:
    """The language of the session being served, or of this context (English by default)."""
    chosen = _context_language.get()
    if chosen is not None:
        return chosen
    doc = _current_document()
    if doc is not None:
        return _document_language.get(doc, DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def set_session_language(language: str) -> None:
    """Make `language` the language of the session being served (its Bokeh document)."""
    doc = _current_document()
    if doc is not None:
        _document_language[doc] = language


def use_language(language: str) -> contextvars.Token:
    """Set the language for this context (CLI, tests); returns a token for `reset_language`."""
    return _context_language.set(language)


def reset_language(token: contextvars.Token) -> None:
    _context_language.reset(token)


def pick_language(requested: str | None, accept_language: str | None) -> tuple[str, bool]:
    """The session's language from `?lang=` or else the browser's Accept-Language header.

    Returns (language, rejected): an unknown `?lang=` value falls back to the browser's
    choice, and `rejected` says the caller should show `unknown_language_notice`.
    """
    if requested:
        code = requested.strip().lower()[:2]
        if code in LANGUAGES:
            return code, False
    browser = DEFAULT_LANGUAGE
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            browser = code
            break
    return browser, bool(requested)


def unknown_language_notice(value: str, language: str) -> str:
    """The notice for a `?lang=` value we do not have (plain text: the caller escapes it)."""
    return _("Unknown language {value}: the page stays in {language}.").format(
        value=repr(value[:40]), language=LANGUAGE_NAMES[language])


def _(message: str) -> str:
    """`message` in the current session's language."""
    return translation(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n` in the current language (Ukrainian has three)."""
    return translation(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogues without translating it yet."""
    return message


LANGUAGE_NAMES = {"en": "English", "uk": "українська"}
