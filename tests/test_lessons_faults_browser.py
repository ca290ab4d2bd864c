"""The fault lessons in the lesson list, on a phone (390×844, touch, Ukrainian) and at 1366×768 (English):
listed, chosen, and their card (goal, rule, question with its choices) fits with nothing cut and no sideways
scrolling."""
from __future__ import annotations

import pytest

from test_layout_browser import SCROLL, TEXTS

pytestmark = pytest.mark.browser

IDS = ["label-noise", "imbalance", "dead-relu"]
TITLES = {"en": ["Wrong labels", "A rare class", "Dead ReLUs"], "uk": ["Хибні мітки", "Рідкісний клас", "Мертві ReLU"]}


@pytest.mark.parametrize("width, height, touch, lang", [(390, 844, True, "uk"), (1366, 768, False, "en")])
def test_the_fault_lessons_fit_the_lesson_list(browser, app_url, width, height, touch, lang):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=touch, has_touch=touch)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(app_url + f"?lang={lang}")
        menu = page.locator(".nn-lesson-menu select")
        menu.wait_for(state="attached", timeout=60_000)
        if touch:   # on a phone the lessons sit in a folded card
            page.get_by_text("Урок і дані").first.click()
        menu.wait_for(timeout=30_000)
        options = menu.locator("option").all_inner_texts()
        assert all(title in options for title in TITLES[lang])
        for lesson_id, title in zip(IDS, TITLES[lang]):
            menu.select_option(label=title)
            page.wait_for_url(f"**lesson={lesson_id}**", timeout=30_000)
            page.locator(".nn-choice-1").get_by_role("button").wait_for(timeout=30_000)
            scroll_width, client_width = page.evaluate(SCROLL)
            assert scroll_width <= client_width
            cut = [t["text"] for t in page.evaluate(TEXTS) if t["cut"]]
            assert cut == [], (title, cut)
            box = menu.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= width
        assert errors == []
    finally:
        context.close()
