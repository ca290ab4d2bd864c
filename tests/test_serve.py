"""Serving a class: the LAN address, the command `playground serve --lan` runs, the student URL's QR code."""
import ipaddress
import re
import shlex
import subprocess
import sys

import segno

from playground.cli import CLASS_PROCS_MAX, lan_address, websocket_max_bytes
from playground.serve.scheduler import cores
from playground.cnn.loading import _MAX_MODEL_BYTES
from playground.components.qr_code import qr_matrix, qr_svg


def svg_matrix(svg: str) -> list[list[int]]:
    """Read the dark modules back out of segno's SVG path (a plain reader, independent of segno's matrix)."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    border = 2
    cells: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([-\d.\s]+)", path):
        nums = [float(v) for v in args.split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        else:   # h: a horizontal run of dark modules on the row at y - 0.5
            run = nums[0] if op == "h" else nums[0] - x
            cells.update((int(y - 0.5) - border, int(x + i) - border) for i in range(int(run)))
            x += run
    size = max(max(r, c) for r, c in cells) + 1
    return [[int((r, c) in cells) for c in range(size)] for r in range(size)]


def test_the_qr_code_shown_is_the_code_of_the_url():
    url = "http://192.168.10.23:5006/app"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<?xml" not in svg
    expected = qr_matrix(url)
    assert svg_matrix(svg) == expected
    assert expected == [list(row) for row in segno.make(url, error="m").matrix]
    assert svg_matrix(qr_svg("http://10.0.0.7:5006/app")) != expected   # another URL, another code


def test_lan_address_is_an_ipv4_address():
    address = ipaddress.IPv4Address(lan_address())
    assert not address.is_unspecified and not address.is_multicast


def test_websocket_limit_lets_the_largest_upload_through():
    # base64 makes 3 bytes into 4; the message around it needs some room too
    assert _MAX_MODEL_BYTES * 4 / 3 < websocket_max_bytes() < _MAX_MODEL_BYTES * 2


def test_serve_lan_dry_run_prints_the_student_url_and_the_command():
    out = subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--lan", "--port", "5123", "--dry-run"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    host = lan_address()
    url = f"http://{host}:5123/app"
    assert f"Students open: {url}" in out
    assert f"NN_PLAYGROUND_STUDENT_URL={url}" in out
    cmd = shlex.split(out.strip().splitlines()[-1])
    assert cmd[1:4] == ["-m", "panel", "serve"] and cmd[4].endswith("playground/app.py")
    # the pages (app.py, then the teacher's wall), then the options in pairs
    first = next(k for k, a in enumerate(cmd) if a.startswith("--"))
    assert any(a.endswith("classroom/teacher.py") for a in cmd[5:first])
    options = list(zip(cmd[first::2], cmd[first + 1::2]))
    assert ("--address", "0.0.0.0") in options and ("--port", "5123") in options
    assert {v for k, v in options if k == "--allow-websocket-origin"} == {
        f"{host}:5123", "localhost:5123", "127.0.0.1:5123"}
    assert ("--websocket-max-message-size", str(websocket_max_bytes())) in options
    # a class gets a process per core (up to CLASS_PROCS_MAX): one process is one core (the GIL)
    procs = min(cores(), CLASS_PROCS_MAX)
    assert dict(options).get("--num-procs", "1") == str(procs)
    one = subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--lan", "--num-procs", "1", "--dry-run"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "--num-procs" not in one


def test_serve_without_lan_stays_on_loopback_and_sets_no_student_url():
    out = subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--dry-run"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Students open" not in out and "NN_PLAYGROUND_STUDENT_URL" not in out
    assert "--address 127.0.0.1" in out and "--num-procs" not in out


def test_the_page_header_carries_the_qr_code_only_when_serving_a_class(monkeypatch):
    from playground.shell import STUDENT_URL_ENV, AppShell

    def header_html() -> str:
        header = AppShell().__panel__()[0]
        return "".join(getattr(o, "object", "") or "" for o in header if getattr(o, "name", "") == "student-url")

    monkeypatch.delenv(STUDENT_URL_ENV, raising=False)
    assert header_html() == ""
    url = "http://192.168.10.23:5006/app"
    monkeypatch.setenv(STUDENT_URL_ENV, url)
    html = header_html()
    assert "192.168.10.23:5006/app" in html and qr_svg(url, scale=2) in html
    monkeypatch.setenv(STUDENT_URL_ENV, "http://x/<script>alert(1)</script>")
    assert "<script>" not in header_html().split("<svg")[0]
