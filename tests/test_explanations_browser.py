"""First-visit callouts, the explanations below the page, and help tooltips by hover and by tap."""
from __future__ import annotations

import pytest

from test_dense_browser import open_app

pytestmark = pytest.mark.browser

NOTES = ".nn-callout"


def visible_notes(page) -> list[str]:
    return [n.get_attribute("data-key") for n in page.locator(NOTES).all() if n.is_visible()]


def test_callouts_appear_once_and_stay_dismissed_after_reload(page, app_url):
    open_app(page, app_url)
    # A short tour: one note at a time, each dismissed note remembered by the browser.
    page.wait_for_function(f"() => document.querySelectorAll('{NOTES}').length === 1", timeout=20_000)
    assert visible_notes(page) == ["features"]
    assert page.locator(NOTES).inner_text().startswith("1/4")
    page.locator(f"{NOTES}[data-key=features] .nn-callout-ok").click()
    assert visible_notes(page) == ["neuron"]
    page.reload()
    open_app(page, app_url)
    page.wait_for_function(f"() => document.querySelectorAll('{NOTES}').length === 1", timeout=20_000)
    assert visible_notes(page) == ["neuron"]
    page.locator(f"{NOTES}[data-key=neuron] .nn-callout-ok").click()
    page.locator(f"{NOTES}[data-key=link] .nn-callout-ok").click()
    assert visible_notes(page) == ["output"]
    # Each sits beside what it names: the output's note left of the map.
    page.wait_for_timeout(500)
    box = page.locator(f"{NOTES}[data-key=output]").bounding_box()
    grid = page.locator(".nn-decision-map").first.bounding_box()
    assert box["x"] + box["width"] <= grid["x"] and grid["y"] <= box["y"] + box["height"] / 2 <= grid["y"] + grid["height"]

    page.reload()
    open_app(page, app_url)
    page.wait_for_function(f"() => document.querySelectorAll('{NOTES}').length === 1", timeout=20_000)
    page.locator(f"{NOTES}[data-key=output] .nn-callout-all").click()
    assert visible_notes(page) == []
    page.reload()
    open_app(page, app_url)
    page.wait_for_timeout(1500)            # the notes would be drawn by now
    assert page.locator(NOTES).count() == 0
    assert not page.errors


def test_a_note_does_not_block_what_lies_under_it(page, app_url):
    open_app(page, app_url)
    note = page.locator(NOTES)
    note.wait_for(timeout=20_000)
    box = note.bounding_box()
    # The text of a note lets clicks through to the page (only its buttons take them).
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [box["x"] + 20, box["y"] + 10])
    assert "nn-callout" not in hit


@pytest.mark.parametrize("lang, heading, colours", [
    ("en", "What is a neural network?", "What the colours mean"),
    ("uk", "Що таке нейронна мережа?", "Що означають кольори"),
])
def test_the_explanations_are_below_the_page(page, app_url, lang, heading, colours):
    open_app(page, app_url, f"?lang={lang}")
    section = page.get_by_text(heading, exact=True)
    section.scroll_into_view_if_needed()
    assert section.is_visible() and page.get_by_text(colours, exact=True).is_visible()
    # Below the views, not over them.
    assert section.bounding_box()["y"] > page.locator(".nn-decision-map").first.bounding_box()["y"] + 280


def test_a_tooltip_shows_on_hover(page, app_url):
    open_app(page, app_url)
    page.locator(".nn-help-noise").hover()
    page.get_by_text("How far the points scatter from the clean pattern.").wait_for(timeout=10_000)
    # A field's own "?" (in its label) too.
    page.mouse.move(2, 2)
    page.get_by_text("Learning rate", exact=True).locator("..").locator(".bk-description").hover()
    page.get_by_text("How big a step the weights take against the gradient each batch.").wait_for(timeout=10_000)


def test_a_tooltip_shows_on_tap(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        open_app(page, app_url, "?lang=uk")
        page.locator(".nn-help-noise").tap()
        tip = page.get_by_text("Наскільки далеко точки розкидані від чистого візерунка.")
        tip.wait_for(timeout=10_000)
        page.wait_for_timeout(800)
        assert tip.is_visible()            # pinned: it stays after the tap, until a tap elsewhere
        page.get_by_text("nn-playground", exact=True).tap()       # a tap elsewhere closes it
        tip.wait_for(state="hidden", timeout=10_000)
    finally:
        context.close()
