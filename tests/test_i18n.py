"""The catalogues: every marked message has a Ukrainian translation, compiled by the install."""
import re
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


def test_numbers_use_the_decimal_sign_of_the_language():
    import math
    import random
    from decimal import Decimal

    from playground.i18n.numbers import format_number, format_share

    rng = random.Random(7)
    for value in [rng.uniform(-50, 50) for _ in range(200)] + [0.0, 1.0, 0.016, 12345.678, 3.86e118, -1.7e308]:
        for decimals in (0, 1, 3, 4):
            # Python's decimal formatting of the float's shortest repr, with a point
            reference = f"{Decimal(repr(value)):.{decimals}f}"
            assert format_number(value, decimals, "en") == reference
            assert format_number(value, decimals, "uk") == reference.replace(".", ",")
    assert format_number(0.016, 3, "uk") == "0,016" and "," not in format_number(12345.678, 3, "uk").split(",")[0]
    assert format_share(0.975, 1, "en") == "97.5%" and format_share(0.975, 1, "uk") == "97,5%"
    assert [format_number(v, 3, "uk") for v in (math.nan, math.inf, -math.inf)] == ["NaN", "∞", "−∞"]
    token = use_language("uk")      # by default, the language of the session
    try:
        assert format_number(2.5, 1) == "2,5"
    finally:
        reset_language(token)
    assert format_number(2.5, 1) == "2.5"


def test_built_in_class_names_and_the_input_label_are_translated():
    from playground.datasets.tiny_imagenet_samples import CLASS_NAMES

    catalogue = ukrainian()
    token = use_language("uk")
    try:
        shown = [_(name) for name in (*CLASS_NAMES, "input")]
    finally:
        reset_language(token)
    assert len(set(shown)) == len(CLASS_NAMES) + 1
    for english, ukrainian_name in zip((*CLASS_NAMES, "input"), shown):
        assert ukrainian_name == catalogue[english].string != english
        assert all("а" <= ch <= "я" or ch in "іїєґ' " for ch in ukrainian_name.lower()), ukrainian_name
    assert [_(name) for name in CLASS_NAMES] == list(CLASS_NAMES)    # English outside


def test_the_notices_of_a_bad_link_on_the_dense_page_are_translated():
    from playground.dense.settings import DenseSettings

    query = {"activation": "bogus", "zzz": "1", "problem": "regression", "dataset": "circle"}
    english = DenseSettings.from_query(query)[1]
    token = use_language("uk")
    try:
        notices = DenseSettings.from_query(query)[1]
    finally:
        reset_language(token)
    assert len(notices) == len(english) == 3
    catalogue = {m: t.string for m, t in ukrainian().items()}
    for message in ("Ignored {name}={value}: {reason}", "Unknown setting {name} ignored.",
                    "problem={problem} does not fit dataset={dataset}; using {using}."):
        start = catalogue[message].split("{")[0]
        assert any(n.startswith(start) for n in notices), (start, notices)
    assert not set(notices) & set(english)
    # The reasons too, not only the frame around them: no English, no Python's own words.
    token = use_language("uk")
    try:
        reasons = DenseSettings.from_query({"activation": "bogus", "seed": "x", "features": "x1,x1",
                                            "learning_rate": "nan"})[1]
    finally:
        reset_language(token)
    for english_words in ("choose from", "expected", "invalid literal", "listed more than once"):
        assert not any(english_words in n for n in reasons), reasons
    assert any("очікується ціле число" in n for n in reasons) and any("виберіть із" in n for n in reasons)


@pytest.mark.browser
def test_the_ukrainian_dense_page_writes_decimal_commas(page, app_url):
    from test_dense_browser import column, open_app

    open_app(page, app_url, "?lang=uk&hidden=1")
    page.keyboard.press("ArrowRight")       # one epoch: the readouts hold numbers
    page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '1'", timeout=20_000)
    readouts = page.evaluate("() => Array.from(Bokeh.documents[0].get_model_by_name('loss-numbers').data.text)")
    numbers = [t for t in readouts if re.search(r"\d", t)]
    assert numbers and all(re.fullmatch(r"\d+,\d{3}|точн\. \d+,\d%", t) for t in numbers), readouts
    # A link's tooltip (drawn by the browser) writes its weight with a comma too.
    box = page.locator(".nn-network").bounding_box()
    link = page.evaluate("""() => { const d = Bokeh.documents[0].get_model_by_name('links').data;
        return [Array.from(d.xs[0]), Array.from(d.ys[0])]; }""")
    mid = len(link[0]) // 2
    page.mouse.move(box["x"] + link[0][mid], box["y"] + box["height"] - link[1][mid])
    weight = float(column(page, "links", "w")[0])
    shown = f"{weight:.3f}".replace(".", ",")
    page.get_by_text(shown, exact=True).first.wait_for(timeout=20_000)
    assert not page.errors


DECIMAL_POINT = re.compile(r"(?<![\w.{])\d+\.\d+(?![\w.}])")   # 0.03, not {x:.1f} nor 1.2.3


def decimal_points(po) -> list[str]:
    with open(po, "rb") as f:
        return [m.string for m in read_po(f) if m.id
                for text in (m.string if isinstance(m.string, tuple) else (m.string,))
                if text and DECIMAL_POINT.search(re.sub(r"\{[^}]*\}", "", text))]


def test_ukrainian_texts_write_decimals_with_a_comma(tmp_path):
    assert decimal_points(PO) == []
    planted = tmp_path / "planted.po"
    planted.write_text(PO.read_text(encoding="utf-8").replace("Тестова втрата 0,016", "Тестова втрата 0.016", 1),
                       encoding="utf-8")
    assert len(decimal_points(planted)) == 1


@pytest.mark.keras
def test_the_cnn_page_speaks_ukrainian_numbers_and_class_names():
    """Issue 20: the CNN views write a decimal comma, and a built-in model's class names and the
    overview's input column are in the page's language (an uploaded model's names stay its own)."""
    from playground.cnn.model_choice import ModelChoice
    from playground.components.cnn.formula import fmt

    token = use_language("uk")
    try:
        assert fmt(0.125) == "0,125" and fmt(-1.5, 2) == "\u22121,50"
        choice = ModelChoice()
        choice.use("tiny-imagenet")
        assert choice.class_names[0] == "рятувальний човен" and "коала" in choice.class_names
        assert "рятувальний човен" in choice.sample_names          # the thumbnails' captions too
    finally:
        reset_language(token)
    assert fmt(0.125) == "0.125" and ModelChoice(key="tiny-imagenet").class_names[0] == "lifeboat"
