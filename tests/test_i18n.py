"""The catalogues: every marked message has a Ukrainian translation, compiled by the install."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from playground import i18n
from playground.i18n import _, pick_language, reset_language, unknown_language_notice, use_language

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "playground" / "i18n" / "locale" / "uk" / "LC_MESSAGES" / "playground.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def marked_messages() -> set[str]:
    found = set()
    for folder in ("playground", "components", "datasets"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, keywords=KEYWORDS, comment_tags=()):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def ukrainian() -> dict:
    with PO.open("rb") as f:
        return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in read_po(f) if m.id}


def test_every_marked_message_has_a_ukrainian_translation():
    catalogue = ukrainian()
    messages = marked_messages()
    assert "Unknown language {value}: the page stays in {language}." in messages
    missing = sorted(m for m in messages if m not in catalogue or catalogue[m].fuzzy
                     or not all(catalogue[m].string if isinstance(catalogue[m].string, tuple)
                                else [catalogue[m].string]))
    assert not missing, f"untranslated: {missing}"


def test_translations_keep_every_placeholder():
    import string

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    def forms(value):
        return value if isinstance(value, tuple) else (value,)

    bad = [m.id for m in ukrainian().values()
           if any(s and fields(s) != fields(forms(m.id)[-1]) for s in forms(m.string))]
    assert not bad


def test_the_install_compiled_the_catalogue():
    message = "Unknown language {value}: the page stays in {language}."
    token = use_language("uk")
    try:
        assert _(message) == ukrainian()[message].string != message
    finally:
        reset_language(token)
    assert _(message) == message    # English outside


@pytest.mark.parametrize("requested, header, expected, noticed", [
    ("uk", None, "uk", False),
    ("EN", "uk-UA,uk;q=0.9", "en", False),
    (None, "uk-UA,uk;q=0.9,en;q=0.8", "uk", False),
    (None, "de-DE,de;q=0.9", "en", False),
    (None, None, "en", False),
    ("klingon", "uk", "uk", True),
    ("<script>", None, "en", True),
])
def test_language_comes_from_the_url_then_the_browser(requested, header, expected, noticed):
    language, rejected = pick_language(requested, header)
    assert language == expected
    assert rejected == noticed
    if rejected:   # the notice names the value; the shell escapes it like every notice
        assert repr(requested) in unknown_language_notice(requested, language)


def test_two_sessions_keep_their_own_language():
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    first, second = Document(), Document()
    message = "Unknown language {value}: the page stays in {language}."
    with set_curdoc(first):
        i18n.set_session_language("uk")
    with set_curdoc(second):
        i18n.set_session_language("en")
    with set_curdoc(first):
        assert _(message) != message
    with set_curdoc(second):
        assert _(message) == message


def test_no_message_literal_hides_inside_an_f_string():
    # Babel cannot see `{_("…")}` inside an f-string on Python 3.11: such a message would
    # never reach the catalogue and stay English on a Ukrainian page.
    import re

    pattern = re.compile(r"""f(["']).*?\{(_|N_|ngettext)\(\s*["']""")
    hidden = [f"{path.relative_to(ROOT)}:{n}" for folder in ("playground", "components", "datasets")
              for path in (ROOT / folder).rglob("*.py")
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not hidden


def test_no_message_is_defined_twice_in_the_catalogue():
    # Helpers append to the .po and git merges it by union, which can bring one msgid twice;
    # Babel keeps one of them silently, GNU msgfmt refuses the whole file.
    seen, duplicates = set(), []
    context, msgid, field = "", None, None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgctxt "):
            context, field = line[8:], "msgctxt"
        elif line.startswith("msgid "):
            msgid, field = line[6:], "msgid"
        elif line.startswith('"') and field == "msgid":
            msgid += line
        elif line.startswith(("msgid_plural", "msgstr")) and field == "msgid":
            entry = (context, msgid)
            if entry in seen:
                duplicates.append(msgid)
            seen.add(entry)
            context, field = "", None
    assert len(seen) > 100 and not duplicates, duplicates
