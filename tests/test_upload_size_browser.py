"""Upload boxes refuse a file over their limit in the browser, before a byte of it is sent.

A real oversize file (80 MB: over the websocket's limit, so before the check such an upload
closed the connection and left a dead page) is chosen in a real headless Chromium. The box
shows one line, the file never reaches the server (no FileInput in the browser's document holds
it, and the server's log has no error), and the session keeps working. A file within the limit
still goes through, so the check is not simply refusing everything.
"""
from __future__ import annotations

import os

import pytest

from browser_support import ROOT, app_error, served_app
from test_dense_browser import button, open_app

pytestmark = pytest.mark.browser

OVERSIZE = 80_000_000


@pytest.fixture(scope="module")
def logged_app():
    """A `panel serve` of its own, so that its log holds this module's requests only."""
    log_path = ROOT / ".pytest_cache" / "upload-size-serve.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log, served_app(log) as url:
        yield url, log_path


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """An 80 MB file on disk (sparse: its size is real, its blocks are not written)."""
    path = tmp_path_factory.mktemp("big") / "huge.keras"
    with open(path, "wb") as f:
        f.truncate(OVERSIZE)
    assert os.path.getsize(path) == OVERSIZE
    return path


def _sent_files(page) -> list[str]:
    """File names that the FileInputs in the browser's document hold (what Bokeh sends); there are two or more."""
    names = page.evaluate("""() => Array.from(Bokeh.documents[0].all_models)
        .filter((m) => m.constructor.__name__ === "FileInput")
        .map((m) => { try { return m.filename || ""; } catch (unset) { return ""; } })""")   # Bokeh: unset until chosen
    assert len(names) >= 2, names
    return [name for name in names if name]


def _epoch(page) -> str:
    return page.evaluate("() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1]")


def test_an_oversize_keras_or_csv_file_is_refused_unsent_and_the_page_keeps_working(page, logged_app, big_file,
                                                                                   tmp_path):
    url, log_path = logged_app
    open_app(page, url)
    page.get_by_text("Keras: export and import", exact=True).click()
    page.locator(".nn-import-keras input[type=file]").set_input_files(str(big_file))
    refusal = page.locator(".nn-upload-refused", has_text="huge.keras is 80 MB, more than the 5 MB this box takes")
    refusal.wait_for(state="visible", timeout=30_000)
    assert "\n" not in refusal.inner_text()
    assert _sent_files(page) == []

    csv_big = tmp_path / "points.csv"
    csv_big.write_text("x1,x2,label\n" + "0.5,0.5,1\n" * 120_000)       # 1.2 MB of good points: over 1 MB
    csv_box = page.locator(".nn-import-csv input[type=file]")
    csv_box.set_input_files(str(csv_big))
    page.locator(".nn-upload-refused", has_text="points.csv is 1.2 MB, more than the 1 MB").wait_for(timeout=30_000)
    assert _sent_files(page) == []

    # Within the limit, the same box sends the file and the page takes it; its refusal line goes.
    small = tmp_path / "few.csv"
    small.write_text("x1,x2,label\n1,1,1\n-1,-1,-1\n1,-1,1\n-1,1,-1\n")
    csv_box.set_input_files(str(small))
    page.get_by_text("Imported 4 points").wait_for(timeout=30_000)
    assert page.locator(".nn-upload-refused", has_text="points.csv").is_hidden()

    # The websocket is alive: a step trains and is drawn.
    button(page, "Step").click()
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '1'",
                           timeout=30_000)
    assert page.errors == []
    assert app_error(log_path.read_text(errors="replace")) is None


@pytest.mark.keras
def test_an_oversize_picture_or_model_on_the_cnn_page_is_refused_unsent(page, logged_app, big_file, tmp_path):
    url, log_path = logged_app
    page.goto(url + "?page=cnn")
    page.locator(".cnn-overview").first.wait_for(timeout=120_000)
    page.get_by_text("Your image & model", exact=True).click()
    photo = tmp_path / "photo.png"
    with open(photo, "wb") as f:
        f.truncate(OVERSIZE)
    page.locator(".cnn-image-upload-input input[type=file]").set_input_files(str(photo))
    page.locator(".nn-upload-refused", has_text="photo.png is 80 MB, more than the 10.5 MB").wait_for(timeout=30_000)
    page.locator(".cnn-model-upload-input input[type=file]").set_input_files(str(big_file))
    page.locator(".nn-upload-refused", has_text="huge.keras is 80 MB, more than the 52.4 MB").wait_for(timeout=30_000)
    assert _sent_files(page) == []

    # The session is alive: a picture within the limit is sent, decoded and answered.
    page.locator(".cnn-image-upload-input input[type=file]").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"these are not pixels"}])
    page.locator(".cnn-image-upload-message", has_text="notes.png cannot be used").wait_for(timeout=30_000)
    assert page.errors == []
    assert app_error(log_path.read_text(errors="replace")) is None
