"""A new learner's walk: the Lessons menu, task 4b, Play, and the solved marker, in both languages."""
from __future__ import annotations

import re

import pytest

from test_dense_browser import open_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang, title, solved", [
    ("en", "Task 4b: the spiral, deep", "Solved at epoch"),
    ("uk", "Завдання 4b: спіраль, глибока мережа", "Розв'язано на епосі"),
])
def test_from_the_lessons_menu_through_task4b_to_solved(page, app_url, lang, title, solved):
    open_app(page, app_url, f"?lang={lang}&epochs_per_frame=100")    # the fastest speed: the lesson keeps it
    page.locator(".nn-lesson-menu select").select_option(label=title)
    # The lesson's network arrives: six hidden layers of 8 ReLU on the spiral.
    page.wait_for_url("**hidden=8%2C8%2C8%2C8%2C8%2C8**", timeout=20_000)
    assert "activation=relu" in page.url and "dataset=spiral" in page.url
    page.keyboard.press(" ")          # Play
    page.locator(".nn-solved").get_by_text(solved).wait_for(timeout=90_000)
    marker = page.locator(".nn-solved").get_by_text(solved).inner_text()
    epoch = int(re.search(r"\d+", marker).group())     # the first number: the epoch (then the loss)
    assert 0 < epoch < 1000
    assert not page.errors
