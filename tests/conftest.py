"""Shared fixtures: a real `panel serve` of the app and a real headless Chromium.

Browser tests skip, with the reason, when no Chromium is installed (CI installs
Debian's `chromium`; `playwright install` cannot download browsers here).
"""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM_ARGS, ROOT, find_chromium, served_app


@pytest.fixture(scope="session")
def app_url():
    """Serve playground/app.py with `panel serve` on a free loopback port."""
    log_path = ROOT / ".pytest_cache" / "panel-serve.log"
    with open(log_path, "w") if log_path.parent.is_dir() else open(os.devnull, "w") as log, served_app(log) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    exe = find_chromium()
    if exe is None:
        reason = "no Chromium found (install Debian's `chromium`, or set CHROMIUM=/path)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)   # CI installs it: a skip there would hide the browser tests
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageErrors(list):
    """Console errors, page errors and requests that left the machine."""


@pytest.fixture
def page(browser):
    """A fresh 1280×720 tab (the projector size) that records errors and off-machine requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    errors = PageErrors()
    pg.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
          or errors.append(f"off-machine request: {r.url}"))
    pg.errors = errors
    yield pg
    context.close()
