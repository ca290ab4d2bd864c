"""The CNN page's colours come from playground/theme.py, and its figure inks have a dark-theme twin."""
from __future__ import annotations

import re
from pathlib import Path

from playground import theme

ROOT = Path(__file__).resolve().parents[1]
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def test_no_hex_colour_in_cnn_view_code():
    files = [*(ROOT / "components" / "cnn").rglob("*.py"), *(ROOT / "playground" / "cnn").rglob("*.py")]
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if HEX.search(line.split(" # ")[0]) and not line.lstrip().startswith("#")]
    assert not found, found


def test_every_cnn_figure_ink_turns_light_in_the_dark_theme():
    inks = [theme.CNN_INK, theme.CNN_TEXT, theme.CNN_MUTED, theme.CNN_FRAME, theme.CNN_LINK]
    for ink in inks:
        dark = theme.themed(ink, "dark")
        assert dark != ink and dark in theme.THEMES["dark"].values(), ink
        assert theme.themed(ink, "light") == ink


def test_the_hyperparameter_cells_have_both_themes():
    light, dark = theme.HYPERPARAM_COLOURS["light"], theme.HYPERPARAM_COLOURS["dark"]
    assert light.keys() == dark.keys() and all(light[k] != dark[k] for k in light)


def test_the_hyperparameter_view_redraws_its_cells_for_the_theme():
    from playground.components.cnn.hyperparameters import HyperparamsView

    view = HyperparamsView([])
    view.show(7, 1, 3, 2)
    light = set(view.cells.data["color"])
    view.set_theme("dark")
    dark = set(view.cells.data["color"])
    assert light <= set(theme.HYPERPARAM_COLOURS["light"].values())
    assert dark <= set(theme.HYPERPARAM_COLOURS["dark"].values()) and len(dark) == len(light)
    assert view.fit.output == 4            # (7 + 2 − 3) / 2 + 1: the same layout, recoloured
