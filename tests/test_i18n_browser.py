"""The language of a served page: from ?lang=, else the browser's, with a switch in the header."""
from __future__ import annotations

import pytest

from test_dense_browser import open_app

pytestmark = pytest.mark.browser


def shows(page, text: str, timeout: float = 20_000) -> None:
    """Wait until `text` is on screen (Playwright's text locators pierce Panel's shadow roots)."""
    page.get_by_text(text).first.wait_for(timeout=timeout)


def absent(page, text: str) -> bool:
    return page.get_by_text(text).count() == 0


def test_ukrainian_from_the_url_and_english_by_default(page, app_url):
    open_app(page, app_url, "?lang=uk")
    shows(page, "Клавіші")
    shows(page, "Повнозв'язна мережа")
    open_app(page, app_url, "?lang=en")
    shows(page, "Keys:")
    assert absent(page, "Клавіші")
    assert not page.errors


def test_the_browser_language_is_followed(browser, app_url):
    context = browser.new_context(locale="uk-UA", viewport={"width": 1366, "height": 768})
    try:
        pg = context.new_page()
        open_app(pg, app_url)
        shows(pg, "Клавіші")
    finally:
        context.close()


def test_an_unknown_language_gets_a_notice_and_the_page_works(page, app_url):
    open_app(page, app_url, "?lang=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    shows(page, "Unknown language")
    shows(page, "Keys:")
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    page.keyboard.press("ArrowRight")      # one epoch: the page still trains
    page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '1'", timeout=20_000)
    assert not page.errors


def test_the_header_switch_reloads_the_page_in_the_other_language(page, app_url):
    open_app(page, app_url, "?lang=en&theme=dark")
    page.locator(".nn-language select").select_option(label="українська")
    page.wait_for_url("**lang=uk**", timeout=20_000)
    shows(page, "Клавіші")
    assert "theme=dark" in page.url       # the rest of the state survives the switch
