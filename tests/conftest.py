"""Shared fixtures: a real `panel serve` of the app and a real headless Chromium.

Browser tests skip, with the reason, when no Chromium is installed (CI installs
Debian's `chromium`; `playwright install` cannot download browsers here).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Serve playground/app.py with `panel serve` on a free loopback port."""
    port = _free_port()
    log = open(ROOT / ".pytest_cache" / "panel-serve.log", "w") if (ROOT / ".pytest_cache").is_dir() \
        else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "serve", str(ROOT / "playground" / "app.py"),
         "--port", str(port), "--address", "127.0.0.1",
         "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/app"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("panel serve did not come up")
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


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
        # The background-networking flags keep Chromium from dialling out: this
        # machine has no internet, and the app must not need it.
        b = pw.chromium.launch(executable_path=exe, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ])
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
