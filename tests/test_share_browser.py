"""Teacher links in a real browser: hidden controls are gone and their settings hold; the dialog builds the link."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from test_dense_browser import button, open_app

from playground.dense.share import parse_view, without_view

pytestmark = pytest.mark.browser


def url_query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def wait_query(page, name: str, value: str) -> None:
    page.wait_for_function("([n, v]) => new URLSearchParams(location.search).get(n) === v", arg=[name, value],
                           timeout=20_000)


def test_a_hidden_control_is_absent_and_its_setting_holds(page, app_url):
    open_app(page, app_url, "?noise=25&hide=noise,batch_size,hidden&lock=learning_rate")
    # Hidden: no noise or batch size slider, no +/− for the layers; locked: the learning rate is greyed out.
    assert page.get_by_text("Noise: 25").is_hidden() and page.get_by_text("Batch size: 10", exact=True).is_hidden()
    assert page.get_by_text("Training data (%): 50").is_visible()          # what is not hidden stays
    assert all(plus.is_hidden() for plus in button(page, "+").all())
    assert page.get_by_role("combobox", name="Learning rate").is_disabled()
    assert not page.get_by_role("combobox", name="Activation").is_disabled()

    # A lesson that sets noise 50 keeps the teacher's 25 (and its other settings still apply).
    page.locator(".nn-lesson-menu select").select_option(label="Overfitting, and L2 as the remedy")
    wait_query(page, "dataset", "xor")
    query = url_query(page)
    assert query["noise"] == "25" and query["train_ratio"] == "10" and query["learning_rate"] == "0.03"
    assert query["hide"] == "noise,batch_size,hidden" and query["lock"] == "learning_rate"

    # A TF Playground hash cannot change them either.
    page.evaluate("() => { location.hash = 'noise=40&learningRate=1&activation=relu'; }")
    wait_query(page, "activation", "relu")
    query = url_query(page)
    assert query["noise"] == "25" and query["learning_rate"] == "0.03"
    assert not page.errors


def test_reset_keeps_a_locked_seed(page, app_url):
    open_app(page, app_url, "?seed=7&lock=seed")
    page.keyboard.press("r")                      # the Reset shortcut would draw the next seed
    button(page, "Reset").click()
    page.wait_for_timeout(1500)
    assert url_query(page)["seed"] == "7"
    assert page.locator(".nn-share-button").count() == 1


def test_unknown_names_get_an_escaped_notice(page, app_url):
    open_app(page, app_url, "?hide=noise,%3Cb%3Ebold%3C/b%3E")
    notice = page.get_by_text("<b>bold</b>", exact=False)
    notice.first.wait_for(timeout=20_000)              # shown as text: the markup did not become bold
    assert "no such control" in notice.first.inner_text()
    assert page.get_by_text("Noise:").is_hidden()


def test_the_dialog_builds_the_link_to_the_current_state(page, app_url):
    open_app(page, app_url, "?dataset=spiral&noise=10")
    page.get_by_role("combobox", name="Activation").select_option("ReLU")    # the URL now holds every setting
    wait_query(page, "activation", "relu")
    page.locator(".nn-share-button").get_by_role("button").click()
    page.locator(".nn-share-hide").get_by_text("Noise", exact=True).click()
    page.locator(".nn-share-hide").get_by_text("Batch size", exact=True).click()
    page.locator(".nn-share-lock").get_by_text("Learning rate", exact=True).click()
    area = page.locator(".nn-share-link textarea")
    page.wait_for_function("(el) => el.value.includes('lock=learning_rate')", arg=area.element_handle(),
                           timeout=20_000)
    link = area.input_value()
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == app_url
    assert "hide=noise,batch_size" in parts.query
    query = dict(parse_qsl(parts.query))
    assert without_view(query) == {k: v for k, v in url_query(page).items() if k not in ("page", "theme", "lang")}
    view, notices = parse_view(query)
    assert view.hidden == {"noise", "batch_size"} and view.locked == {"learning_rate"} and not notices

    # The link does what it says: opened, the noise slider is gone and the spiral is there.
    page.goto(link)
    page.wait_for_function("() => document.documentElement.dataset.shortcuts === 'on'", timeout=60_000)
    wait_query(page, "dataset", "spiral")
    assert page.get_by_text("Noise:").is_hidden()
    assert page.get_by_role("combobox", name="Learning rate").is_disabled()
    assert not page.errors
