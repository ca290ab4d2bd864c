"""The course's words: the Ukrainian texts use the glossary's term for each concept.

playground/i18n/glossary.toml fixes the term (зміщення for bias, швидкість навчання for the
learning rate, …) and lists the variants it rules out. A variant under `never` is wrong in
any Ukrainian text; one under `not_for` is wrong only where the English says the concept
(«зсув» is a shift: fine for pooling, wrong for a bias or a stride).
"""
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "playground" / "i18n" / "glossary.toml"
PO = ROOT / "playground" / "i18n" / "locale" / "uk" / "LC_MESSAGES" / "playground.po"
CODE_FOLDERS = ("playground", "components", "datasets", "tests", "scripts", "benchmarks")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LETTER = r"[\w'’ʼ]"


def phrase(pattern: str) -> re.Pattern:
    """A glossary phrase as a regex: words match from their start; "*" is any ending."""
    words = []
    for word in pattern.split():
        stem = re.escape(word.rstrip("*"))
        words.append(f"(?<!{LETTER}){stem}" + (f"{LETTER}*" if word.endswith("*") else f"(?!{LETTER})"))
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def load_glossary(path: Path = GLOSSARY) -> dict:
    with path.open("rb") as f:
        concepts = tomllib.load(f)
    return {name: {key: [phrase(p) for p in entry[key]] if key != "term" else entry[key]
                   for key in ("english", "term", "uses", "never", "not_for")}
            for name, entry in concepts.items()}


def english_words(msgid: str) -> str:
    # Placeholders ({bias}) and markup are not words the reader sees.
    return re.sub(r"\{[^}]*\}|<[^>]*>", " ", msgid)


def pairs(po: Path):
    """(English, Ukrainian) for every translated form in the catalogue."""
    with po.open("rb") as f:
        for message in read_po(f):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                if text:
                    yield " ".join(ids), text


def catalogue_violations(glossary: dict, po: Path = PO) -> list[str]:
    found = []
    for english, ukrainian in pairs(po):
        words = english_words(english)
        for name, concept in glossary.items():
            said = any(p.search(words) for p in concept["english"])
            ruled_out = concept["never"] + (concept["not_for"] if said else [])
            for variant in ruled_out:
                if hit := variant.search(ukrainian):
                    found.append(f"{name}: «{hit.group()}» in {ukrainian!r}")
    return found


def missing_terms(glossary: dict, po: Path = PO) -> list[str]:
    return [f"{name}: {english!r} -> {ukrainian!r} does not say «{concept['term']}»"
            for english, ukrainian in pairs(po) for name, concept in glossary.items()
            if any(p.search(english_words(english)) for p in concept["english"])
            and not any(p.search(ukrainian) for p in concept["uses"])]


def code_violations(glossary: dict, folders=CODE_FOLDERS, root: Path = ROOT) -> list[str]:
    # Ukrainian text outside the catalogue has no English beside it: only `never` applies.
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if path == Path(__file__):     # this file plants the variants on purpose
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not CYRILLIC.search(line):
                    continue
                for name, concept in glossary.items():
                    for variant in concept["never"]:
                        if hit := variant.search(line):
                            found.append(f"{path.relative_to(root)}:{n}: {name}: «{hit.group()}»")
    return found


def example(pattern: str, ending: str = "у") -> str:
    """A word the pattern matches: the stem with an ending where it allows one."""
    return " ".join(w.rstrip("*") + (ending if w.endswith("*") else "") for w in pattern.split())


GLOSSARY_TERMS = load_glossary()


def test_the_glossary_fixes_the_lecture_notes_terms():
    terms = {name: concept["term"] for name, concept in GLOSSARY_TERMS.items()}
    for name, term in {"bias": "зміщення", "learning_rate": "швидкість навчання", "loss": "функція втрат",
                       "epoch": "епоха", "overfitting": "перенавчання", "convolution": "згортка",
                       "kernel": "ядро"}.items():
        assert terms[name].startswith(term)
    with GLOSSARY.open("rb") as f:
        raw = tomllib.load(f)
    assert "зсув*" in raw["bias"]["not_for"] and "зсув*" in raw["stride"]["not_for"]
    assert "темп* навчання" in raw["learning_rate"]["never"]


def test_the_catalogue_uses_no_ruled_out_variant():
    assert not catalogue_violations(GLOSSARY_TERMS)


def test_every_translation_of_a_concept_says_its_term():
    assert not missing_terms(GLOSSARY_TERMS)


def test_ukrainian_text_in_the_code_uses_no_ruled_out_variant():
    assert not code_violations(GLOSSARY_TERMS)


def test_a_planted_variant_in_the_catalogue_is_flagged(tmp_path):
    planted = tmp_path / "playground.po"
    shutil.copy(PO, planted)
    text = planted.read_text(encoding="utf-8")
    # Bias called «зсув» in one place, and the learning rate «темп навчання» in another.
    original = 'msgstr "зміщення"'
    assert original in text
    text = text.replace(original, 'msgstr "зсув"', 1)
    text = text.replace("Швидкість навчання", "Темп навчання", 1)
    planted.write_text(text, encoding="utf-8")
    found = catalogue_violations(GLOSSARY_TERMS, planted)
    assert any(f.startswith("bias: «зсув»") for f in found), found
    assert any(f.startswith("learning_rate: «Темп навчання»") for f in found), found
    assert any(f.startswith("bias:") for f in missing_terms(GLOSSARY_TERMS, planted))


@pytest.mark.parametrize("name", sorted(GLOSSARY_TERMS))
def test_every_ruled_out_variant_is_caught_and_the_term_is_not(name, tmp_path):
    with GLOSSARY.open("rb") as f:
        entry = tomllib.load(f)[name]
    english = example(entry["english"][0], "")
    term = example(entry["uses"][0], "")
    lines = [f'msgid "About the {english}."\nmsgstr "Про {term}."\n']
    lines += [f'msgid "About the {english}."\nmsgstr "Про {example(v)}."\n' for v in entry["never"] + entry["not_for"]]
    # A `not_for` variant is fine where the English is about something else.
    lines += [f'msgid "About something else."\nmsgstr "Про {example(v)}."\n' for v in entry["not_for"]]
    po = tmp_path / "planted.po"
    po.write_text("\n".join(f"{line.replace('About', f'About {i}:')}" for i, line in enumerate(lines)),
                  encoding="utf-8")
    found = {f.split(" in ", 1)[1] for f in catalogue_violations(GLOSSARY_TERMS, po) if f.startswith(f"{name}:")}
    assert len(found) == len(entry["never"]) + len(entry["not_for"]), found
    assert not [m for m in missing_terms(GLOSSARY_TERMS, po) if m.startswith(f"{name}:") and "Про " + term in m]


def test_a_planted_variant_in_the_code_is_flagged(tmp_path):
    (tmp_path / "tests").mkdir()
    variant = example("темп* навчання")
    (tmp_path / "tests" / "test_planted.py").write_text(
        f'def test_x():\n    assert "{variant}" != "швидкість навчання"\n', encoding="utf-8")
    found = code_violations(GLOSSARY_TERMS, ("tests",), tmp_path)
    assert found == ["tests/test_planted.py:2: learning_rate: «темпу навчання»"]
