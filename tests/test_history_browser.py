"""The page behaves like a web page (issue 20, items 3 and 4): Back, Forward and a reload show what the
address says, and what a click opens comes into view."""
import pytest

from browser_support import DENSE_READY
from test_layout_browser import BOX, settled_box

pytestmark = pytest.mark.browser

CNN_READY = "() => !!document.querySelector('html[data-fitted]')"


def on_page(page, name: str) -> None:
    """Wait until the page `name` ("dense" or "cnn") is on screen, and the other is not."""
    if name == "dense":
        page.wait_for_function(DENSE_READY, timeout=60_000)
        page.locator(".nn-decision-map").first.wait_for(state="visible", timeout=60_000)
        assert page.locator(".cnn-overview").count() == 0 or not page.locator(".cnn-overview").first.is_visible()
    else:
        page.locator(".cnn-overview").first.wait_for(state="visible", timeout=90_000)
        assert not page.locator(".nn-decision-map").first.is_visible()


def test_back_forward_and_reload_show_what_the_address_says(page, app_url):
    page.goto(app_url + "?dataset=xor")
    on_page(page, "dense")
    # Switching pages is a history entry.
    page.get_by_text("CNN explainer", exact=True).click()
    page.wait_for_function("() => location.search.includes('page=cnn')")
    on_page(page, "cnn")
    page.go_back()
    page.wait_for_function("() => !location.search.includes('page=cnn')")
    on_page(page, "dense")
    assert "dataset=xor" in page.url
    page.go_forward()
    page.wait_for_function("() => location.search.includes('page=cnn')")
    on_page(page, "cnn")
    page.reload()
    on_page(page, "cnn")
    # Choosing a lesson is one too: Back leaves it, Forward brings it back.
    page.go_back()
    on_page(page, "dense")
    page.locator(".nn-lesson-menu select").select_option(label="Task 2: XOR")
    page.wait_for_function("() => new URLSearchParams(location.search).get('lesson') === 'task2'")
    page.locator(".nn-lesson-menu select").select_option(label="Task 1: the circle")
    page.wait_for_function("() => new URLSearchParams(location.search).get('lesson') === 'task1'")
    page.go_back()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lesson') === 'task2'")
    on_page(page, "dense")
    assert page.locator(".nn-lesson-menu select").input_value() == "Task 2: XOR"
    page.reload()
    on_page(page, "dense")
    assert page.locator(".nn-lesson-menu select").input_value() == "Task 2: XOR"
    assert page.errors == []


def test_the_share_dialog_comes_into_view_when_opened(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(app_url)
        page.wait_for_function(DENSE_READY, timeout=60_000)
        settled_box(page, ".nn-decision-map")
        page.locator(".nn-share-button button, .nn-share-button .bk-btn").first.click()
        page.locator(".nn-share-dialog").first.wait_for(state="visible")
        page.wait_for_function("() => document.documentElement.dataset.revealed !== undefined", timeout=20_000)
        left, top, w, h = settled_box(page, ".nn-share-dialog")
        assert 0 <= top < 768 / 2, top             # its top in the upper half of the window
    finally:
        context.close()


def test_a_cnn_detail_view_comes_into_view_when_a_neuron_is_clicked(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(app_url + "?page=cnn")
        page.locator(".cnn-overview").first.wait_for(timeout=90_000)
        left, top, w, h = settled_box(page, ".cnn-overview")
        # The first conv layer's first neuron: the second column of units, its top unit.
        units = page.evaluate("""() => { const u = [...Bokeh.documents[0].all_models].find(
            m => m.data && m.data.channel && m.data.layer && m.data.label);
            const i = u.data.layer.findIndex(l => l === 1); return [u.data.x[i], u.data.y[i]]; }""")
        page.mouse.click(left + units[0], top + h - units[1])
        page.locator(".cnn-detail-title").first.wait_for(state="visible", timeout=30_000)
        page.wait_for_function("() => (document.documentElement.dataset.revealed || '').includes('cnn-detail-title')",
                               timeout=30_000)
        _l, title_top, _w, _h = settled_box(page, ".cnn-detail-title")
        assert 0 <= title_top < 768 / 2, title_top
        assert page.evaluate("() => window.scrollY") > 0       # the page moved to it
    finally:
        context.close()
