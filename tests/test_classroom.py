"""The class view's pieces without a server: names, the CSV, a wall tile, the wall's order and key, the CLI."""
from __future__ import annotations

import base64
import csv
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from playground.classroom import results
from playground.classroom.roster import MAX_NAME, clean_name, default_name
from playground.classroom.store import Progress
from playground.classroom.wall import key_ok, leaderboard, progress_order
from playground.components.classroom.wall_tile import TileTexts, map_png, tile_html
from playground.components.palettes import BLUE, ORANGE, hex_to_rgb
from playground.serve.progress import map_codes, network_text, thin_map

TEXTS = TileTexts(epoch="Epoch {epoch}", loss="test loss {loss}", solved="Solved at epoch {epoch}, after {seconds} s.",
                  left="left", prediction="Prediction: {answer}")


# ---- names ---------------------------------------------------------------------------------

def test_a_name_loses_bidi_and_zero_width_controls_and_is_cut():
    assert clean_name("\u202eAnn\u200b\u200d\u2066a\u2069\ufeff") == "Anna"
    assert clean_name("  Olha \n\t Kovalenko\u2028 ") == "Olha Kovalenko"
    assert len(clean_name("x" * 10_000)) == MAX_NAME
    assert clean_name("<script>alert(1)</script>") == "<script>alert(1)</script>"[:MAX_NAME]  # escaped where shown
    assert clean_name("\u200b\u200b") == ""
    assert default_name(7) == "Student 7"


# ---- results ------------------------------------------------------------------------------

def record(**fields) -> Progress:
    return Progress(**{"student": "s1", "name": "Ann", **fields})


def test_results_csv_holds_each_field_and_escapes_formulas():
    rows = [record(name="=HYPERLINK(\"http://x\")", lesson="task1", solved=True, solved_epoch=109,
                   solved_seconds=12.34, epoch=150, seconds=20.0, test_loss=0.0161, network="x1,x2 → 4,2 → 1 (tanh)",
                   answer="+1 more neurons"),
            record(student="s2", name="@Bob", lesson="task2", epoch=40, seconds=3.0, test_loss=None, answer="-x"),
            record(student="s3", name="Ann, \"the\" first", epoch=5)]
    parsed = list(csv.reader(io.StringIO(results.csv_text(rows))))
    assert parsed[0] == list(results.HEADER)
    assert parsed[1] == ["'=HYPERLINK(\"http://x\")", "task1", "yes", "109", "12.3", "0.0161",
                         "x1,x2 → 4,2 → 1 (tanh)", "'+1 more neurons"]
    assert parsed[2] == ["'@Bob", "task2", "no", "40", "3.0", "", "", "'-x"]
    assert parsed[3][0] == "Ann, \"the\" first"      # quoting survives the round trip
    for row in parsed[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_save_class_appends_rows_under_one_header(tmp_path):
    path = tmp_path / "class.csv"
    results.append_rows(path, [record(solved=True, solved_epoch=3, solved_seconds=1.0)])
    results.append_rows(path, [record(student="s2", name="Bob", solved=True, solved_epoch=9, solved_seconds=2.0)])
    parsed = list(csv.reader(path.open()))
    assert [row[0] for row in parsed] == ["name", "Ann", "Bob"]
    assert [row[3] for row in parsed[1:]] == ["3", "9"]


# ---- the picture and the tile -------------------------------------------------------------------

def test_the_map_picture_keeps_colours_and_orientation():
    grid = np.full((100, 100), -1.0, np.float32)
    grid[50:, :] = 1.0        # the upper half of the plot (y grows with the row) is blue
    grid[0, 0] = np.nan       # a diverged cell: no crash, the middle shade
    small = thin_map(grid)
    side, codes = map_codes(small)
    assert side == 50 and small.shape == (50, 50)
    image = Image.open(io.BytesIO(base64.b64decode(map_png(side, codes).split(",", 1)[1]))).convert("RGB")
    assert image.size == (50, 50)
    # Screen row 0 is the top of the plot: blue there, orange at the bottom.
    assert np.allclose(image.getpixel((25, 0)), hex_to_rgb(BLUE), atol=1)
    assert np.allclose(image.getpixel((25, 49)), hex_to_rgb(ORANGE), atol=1)
    assert map_png(0, "") == "" and map_png(3, "not base64!") == "" and map_png(3, codes) == ""


def tile(**fields) -> str:
    values = dict(student="id1", name="Ann", page="dense", lesson="task1", epoch=1234, test_loss=0.0421,
                  solved_epoch=None, solved_seconds=None, network="x1,x2 → 4,2 → 1 (tanh)", answer="",
                  map_side=0, map_codes="", left=False, texts=TEXTS)
    return tile_html(**{**values, **fields})


def test_a_tile_shows_the_run_and_the_solved_marker():
    html = tile(solved_epoch=109, solved_seconds=12.25, answer="x1x2 alone")
    assert 'class="nn-wall-tile nn-tile-is-solved"' in html and 'data-student="Ann"' in html
    for text in ("Ann", "dense · task1", "Epoch 1,234", "test loss 0.042", "✔ Solved at epoch 109, after 12.2 s.",
                 "x1,x2 → 4,2 → 1 (tanh)", "Prediction: x1x2 alone"):
        assert text in html
    assert "nn-tile-is-solved" not in tile() and "nn-tile-left" in tile(left=True)


def test_a_hostile_name_is_inert_text_in_a_tile():
    name = clean_name('"><img src=x onerror=alert(1)><script>alert(2)</script>\u202e' + "x" * 10_000)
    html = tile(name=name, answer="<b onclick=x>hi</b>", network="<svg/onload=1>")
    assert "<script" not in html and "<img src=x" not in html and "<b " not in html and "<svg" not in html
    assert 'data-student="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' in html
    assert "\u202e" not in html
    assert re.findall(r'data-student="([^"]*)"', html)[0].count("&") > 0


# ---- the wall's order, leaderboard and key -------------------------------------------------------

def test_tiles_sort_by_progress_and_the_leaderboard_ranks_solved_runs():
    a = record(student="a", name="A", lesson="task4a", epoch=900, test_loss=0.2)
    b = record(student="b", name="B", lesson="task4a", epoch=300, test_loss=0.01, solved=True, solved_epoch=250,
               neurons=6, query={"hidden": "6", "seed": "3"})
    c = record(student="c", name="C", lesson="task4a", epoch=800, test_loss=0.02, solved=True, solved_epoch=700,
               neurons=4, query={"hidden": "4", "seed": "1"})
    d = record(student="d", name="D", lesson="task4a", epoch=10, test_loss=0.1, left=1.0)
    e = record(student="e", name="E", lesson="task1", epoch=20, test_loss=0.6)
    assert [r.name for r in sorted([a, b, c, d, e], key=progress_order)] == ["B", "C", "A", "E", "D"]
    assert [r.name for r in leaderboard([a, b, c, d, e], "task4a")] == ["C", "B"]     # the fewest neurons first
    assert [r.name for r in leaderboard([a, b, c, d, e], "task1")] == []
    assert c.link() == "/app?hidden=4&seed=1"


def test_the_wall_key_is_compared_and_needed():
    env = {"NN_PLAYGROUND_PRESENT_KEY": "chalk"}
    assert key_ok("chalk", env)
    assert not key_ok("chal", env) and not key_ok("", env) and not key_ok("chalk ", env) and not key_ok("é", env)
    assert not key_ok("", {}) and not key_ok("anything", {})      # no key set: no wall


def test_network_text():
    assert network_text(["x1", "x2"], [4, 2], 1, "tanh") == "x1,x2 → 4,2 → 1 (tanh)"
    assert network_text(["x1x2"], [], 1, "relu") == "x1x2 → – → 1 (relu)"


# ---- the CLI ---------------------------------------------------------------------------------------

def dry_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--dry-run", *args],
                          capture_output=True, text=True, timeout=120)


def test_serve_lan_prints_the_wall_and_serves_it_with_the_projector_key():
    out = dry_run("--lan").stdout
    key = re.search(r"/teacher\?key=(\S+)", out).group(1)
    assert f"?present={key} " in out and f"NN_PLAYGROUND_PRESENT_KEY={key}" in out
    assert "classroom/teacher.py" in out and "NN_PLAYGROUND_CLASS_STORE=" in out


def test_teacher_key_class_store_and_save_class_reach_the_server(tmp_path):
    out = dry_run("--teacher-key", "chalk", "--class-store", "redis://127.0.0.1:6390/2",
                  "--save-class", str(tmp_path / "r.csv")).stdout
    assert "/teacher?key=chalk" in out and "NN_PLAYGROUND_PRESENT_KEY=chalk" in out
    assert "NN_PLAYGROUND_CLASS_STORE=redis://127.0.0.1:6390/2" in out
    assert f"NN_PLAYGROUND_SAVE_CLASS={tmp_path / 'r.csv'}" in out
    assert not (tmp_path / "r.csv").exists()        # nothing is written until a run is solved


def test_save_class_alone_serves_a_class_with_a_made_up_key(tmp_path):
    out = dry_run("--save-class", str(tmp_path / "r.csv")).stdout
    key = re.search(r"/teacher\?key=(\S+)", out).group(1)
    assert f"NN_PLAYGROUND_PRESENT_KEY={key}" in out and "NN_PLAYGROUND_CLASS_STORE=" in out


def test_a_lone_user_gets_no_class():
    out = dry_run().stdout
    assert "teacher" not in out and "CLASS_STORE" not in out


@pytest.mark.parametrize("args, message", [
    (("--teacher-key", "a", "--present-key", "b"), "one key"),
    (("--class-store", "mysql://x/1"), "unknown store"),
])
def test_bad_class_options_get_one_line(args, message):
    done = dry_run(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
