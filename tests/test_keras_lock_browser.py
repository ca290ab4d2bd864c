"""`?hide=keras` takes the Keras card off the page; `?lock=keras` shows it with its import greyed out."""
from __future__ import annotations

import pytest

from test_dense_browser import open_app

pytestmark = pytest.mark.browser

CARD = "Keras: export and import"


def test_hide_keras_takes_the_card_away_and_lock_keras_greys_out_its_import(page, app_url):
    open_app(page, app_url, "?hide=keras")
    page.get_by_role("button", name="Advanced", exact=True).wait_for(timeout=30_000)   # the card beside it is there
    assert page.get_by_role("button", name=CARD, exact=True).count() == 0   # (with ?lock= below, it is there)
    assert page.locator(".nn-import-keras input[type=file]").is_hidden()

    open_app(page, app_url, "?lock=keras")
    page.get_by_role("button", name=CARD, exact=True).click()
    upload = page.locator(".nn-import-keras input[type=file]")
    upload.wait_for(state="attached", timeout=30_000)
    assert upload.is_disabled()
    assert page.get_by_role("button", name="⬇ Network (.keras)", exact=True).is_enabled()   # exports stay
    assert page.errors == []
