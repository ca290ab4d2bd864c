"""The class view in a real browser: three students train, the teacher's wall follows them.

One `playground serve --teacher-key` server; the wall's tiles appear, update while the
students train and show the solved marker; a wrong or missing key gets a refusal with
nothing of the class; a hostile name stays inert text; the key never reaches a student.
"""
from __future__ import annotations

import sys
from urllib.parse import quote

import time

import pytest
from playwright.sync_api import expect

from browser_support import DENSE_READY, ROOT, free_port, serving
from playground.classroom.roster import clean_name

pytestmark = pytest.mark.browser

KEY = "chalk-K3y-7q"
HOSTILE = ('"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
           "\u202e\u2066\u200b\u200d" + "y" * 10_000)


@pytest.fixture(scope="module")
def class_server():
    port = free_port()
    log_path = ROOT / ".pytest_cache" / "classroom-serve.log"
    log_path.parent.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "playground.cli", "serve", "--port", str(port), "--address", "127.0.0.1",
           "--num-procs", "1", "--teacher-key", KEY]
    with open(log_path, "w") as log, serving(cmd, f"http://127.0.0.1:{port}/teacher", log):  # not /app: no student
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def tabs(browser):
    """Opens tabs (each in a context of its own, as separate devices); all closed after the test,
    so no student of one test trains on through the next."""
    contexts = []

    def open_tab(errors: list, frames: list | None = None, width=1280, height=720):
        page = new_page(browser, errors, frames, width, height)
        contexts.append(page.context)
        return page

    yield open_tab
    for context in contexts:
        context.close()


def new_page(browser, errors: list, frames: list | None = None, width=1280, height=720):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    if frames is not None:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    return page


def wait_until(condition, timeout_s: float = 30) -> None:
    deadline = time.time() + timeout_s
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def tile(wall, name: str, inner: str = ""):
    """The wall's tile of the student `name` (or an element inside it)."""
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return wall.locator(f".nn-wall-tile[data-student={quoted}] {inner}".strip())


def tile_epoch(wall, name: str) -> int:
    text = tile(wall, name, ".nn-tile-numbers").inner_text()
    return int(text.split("·")[0].replace("Epoch", "").replace(",", "").strip())


def test_the_wall_follows_three_students(tabs, class_server):
    errors, frames = [], []
    wall = tabs(errors, width=1920, height=1080)
    wall.goto(f"{class_server}/teacher?key={KEY}")
    wall.locator(".nn-wall-download").wait_for(timeout=60_000)

    hostile = clean_name(HOSTILE)
    students = {}
    for name, lesson in (("Ann", "task3"), ("Bob", "task1"), (HOSTILE, "task3")):
        page = tabs(errors, frames)
        page.goto(f"{class_server}/app?name={quote(name)}&lesson={lesson}")
        page.wait_for_function(DENSE_READY, timeout=90_000)
        students[clean_name(name)] = page

    # The tiles appear, one per student, with the hostile name as inert, shortened text.
    tiles = wall.locator(".nn-wall-tile")
    tiles.nth(2).wait_for(timeout=30_000)
    assert tiles.count() == 3
    assert tile(wall, hostile, ".nn-tile-name").inner_text() == hostile
    assert len(hostile) == 40 and "\u202e" not in hostile and "\u200b" not in hostile
    assert wall.locator(".nn-wall script, .nn-wall img:not(.nn-tile-map)").count() == 0
    assert wall.evaluate("() => window.__pwned") is None
    assert "x1,x2 → 4,2 → 1 (tanh)" in tile(wall, "Ann").inner_text()

    for page in students.values():
        page.keyboard.press(" ")        # Play

    # The tiles update while the students train (at least once a second), then Ann's is solved.
    first = tile_epoch(wall, "Bob")
    tile(wall, "Bob", ".nn-tile-numbers").filter(
        has_not_text=f"Epoch {first:,} ").wait_for(timeout=30_000)
    assert tile_epoch(wall, "Bob") > first
    tile(wall, "Ann", ".nn-tile-solved").wait_for(timeout=90_000)
    assert "Solved at epoch" in tile(wall, "Ann", ".nn-tile-solved").inner_text()
    assert tile(wall, "Ann", "img.nn-tile-map").get_attribute("src").startswith(
        "data:image/png;base64,")

    # Filtered by lesson: task1 shows Bob alone.
    wall.locator(".nn-wall-lesson select").select_option("task1")
    tiles.filter(has_text="Ann").wait_for(state="detached", timeout=10_000)
    assert [t.get_attribute("data-student") for t in tiles.all()] == ["Bob"]

    # A student who leaves is greyed.
    students["Bob"].context.close()
    wall.locator('.nn-wall-tile.nn-tile-left[data-student="Bob"]').wait_for(timeout=60_000)

    # The key never reached a student's page, URL or websocket.
    for page in students.values():
        if not page.is_closed():
            assert KEY not in page.url and KEY not in page.content()
    assert frames and not any(KEY in f for f in frames)
    assert not errors, errors


@pytest.mark.parametrize("query", ["?key=wrong", "", "?key=" + KEY[:-1]])
def test_a_wrong_or_missing_key_is_refused_and_shows_no_one(tabs, class_server, query):
    errors = []
    student = tabs(errors)
    student.goto(f"{class_server}/app?name=Zed")
    student.wait_for_function(DENSE_READY, timeout=90_000)
    wall = tabs(errors)
    wall.goto(f"{class_server}/teacher{query}")
    wall.get_by_text("needs the teacher key").wait_for(timeout=60_000)
    assert wall.locator(".nn-wall-tile, .nn-wall-download").count() == 0
    assert "Zed" not in wall.content()
    assert not errors, errors


HEADER_APP = """
import panel as pn
from playground.serve.progress import class_notice, name_field, projection_view
pn.Column(*[piece for piece in (name_field(), class_notice(), projection_view()) if piece is not None]).servable()
"""


def test_the_name_is_kept_and_send_to_all_reaches_every_student(tabs, tmp_path):
    """The header's pieces for a class (mounted here in a page of their own, as the shell mounts them):
    the name is asked once, kept in the browser and set by a link; *Send to all* reaches every student;
    *Project* mirrors a student on the projector only, with or without the name."""
    import os

    from playground.classroom.store import open_store

    app = tmp_path / "names.py"
    app.write_text(HEADER_APP)
    port = free_port()
    store_dir = tmp_path / "class"
    env = {**os.environ, "NN_PLAYGROUND_CLASS_STORE": str(store_dir), "NN_PLAYGROUND_PRESENT_KEY": KEY}
    cmd = [sys.executable, "-m", "panel", "serve", str(app), str(ROOT / "playground" / "classroom" / "teacher.py"),
           "--port", str(port), "--address", "127.0.0.1",
           "--allow-websocket-origin", f"127.0.0.1:{port}"]
    errors = []
    with open(tmp_path / "serve.log", "w") as log, serving(cmd, f"http://127.0.0.1:{port}/names", log, env=env):
        store = open_store(str(store_dir))

        def names() -> set[str]:
            return {r.name for r in store.all() if r.left is None}

        page = tabs(errors)
        page.goto(f"http://127.0.0.1:{port}/names")
        field = page.locator(".nn-student-name input")
        field.wait_for(timeout=60_000)
        assert field.input_value() == "" and field.get_attribute("placeholder") == "Your name (optional)"
        field.fill("  Olha\u200b\u202e  ")
        field.press("Enter")
        page.wait_for_function("() => localStorage.getItem('nn-playground-name') === 'Olha'", timeout=30_000)
        expect(field).to_have_value("Olha")
        wait_until(lambda: "Olha" in names())
        page.reload()                     # the same browser: the name is kept, nothing is asked
        expect(page.locator(".nn-student-name input")).to_have_value("Olha", timeout=60_000)
        wait_until(lambda: sum(r.name == "Olha" for r in store.all()) == 2)   # this session is Olha too
        page.goto(f"http://127.0.0.1:{port}/names?name={quote('Petro<b>')}")   # a teacher's named link
        page.wait_for_function("() => localStorage.getItem('nn-playground-name') === 'Petro<b>'", timeout=30_000)
        expect(page.locator(".nn-student-name input")).to_have_value("Petro<b>")
        wait_until(lambda: "Petro<b>" in names())

        # Send to all: every open student page offers the lesson; a bad text is refused with a line.
        other = tabs(errors)
        other.goto(f"http://127.0.0.1:{port}/names?name=Ivan")
        expect(other.locator(".nn-student-name input")).to_have_value("Ivan", timeout=60_000)
        wall = tabs(errors)
        wall.goto(f"http://127.0.0.1:{port}/teacher?key={KEY}")
        send = wall.locator(".nn-wall-send-text input")
        send.fill("javascript:alert(1)")
        send.press("Enter")
        wall.locator(".nn-wall-send button").click()
        wall.get_by_text("Not sent").wait_for(timeout=30_000)
        send.fill("task2")
        send.press("Enter")
        wall.locator(".nn-wall-send button").click()
        wall.get_by_text("Sent to all").wait_for(timeout=30_000)
        for student in (page, other):
            link = student.locator("a.nn-class-open")
            link.wait_for(timeout=30_000)
            assert link.get_attribute("href") == "/app?lesson=task2" and link.get_attribute("target") == "_blank"
            assert "task2" in student.locator(".nn-class-notice span").first.inner_text()

        # Project: the projector's session mirrors Ivan; the students' pages have no mirror at all.
        students = len(store.all())
        projector = tabs(errors)
        projector.goto(f"http://127.0.0.1:{port}/names?present={KEY}")
        tile(wall, "Ivan", ".nn-tile-project").click()
        heading = projector.locator(".nn-projection h2")
        expect(heading).to_have_text("Ivan", timeout=30_000)
        # Large enough to read from the back of a room (the projector is 1920×1080; the tests' tab is smaller).
        font_px = "e => parseFloat(getComputedStyle(e).fontSize)"
        assert heading.evaluate(font_px) >= 48
        assert projector.locator(".nn-mirror-numbers").evaluate(font_px) >= 30
        expect(projector.locator(".nn-mirror-numbers")).to_have_text("Epoch 0 · test loss –")
        assert len(store.all()) == students       # the projector is no student: not on the wall
        assert projector.locator(".nn-student-name").count() == 0
        assert projector.locator(".nn-projection-link").get_attribute("href").startswith("/app?")
        wall.locator(".nn-wall-show-name input").uncheck()
        tile(wall, "Petro<b>", ".nn-tile-project").click()
        expect(heading).to_have_text("A student's run", timeout=30_000)
        expect(projector.locator(".nn-projection-back button")).to_be_visible()
        for student in (page, other):
            assert student.locator(".nn-projection, .nn-projection-back").count() == 0
        projector.locator(".nn-projection-back button").click()      # Back to mine
        expect(projector.locator(".nn-projection h2")).to_be_hidden(timeout=30_000)
    assert not errors, errors
