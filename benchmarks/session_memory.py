"""Server memory while learners' tabs open, train and close (a short soak; issue 10).

Each round opens `--tabs` tabs against a real `panel serve`, presses Play in each,
lets them train for 3 s, closes them, waits for Bokeh to discard the sessions, and
prints the server's resident memory. Flat figures mean closed sessions are freed.
It also counts errors in the server log (the goal: none).

    .venv/bin/python benchmarks/session_memory.py [--rounds 4] [--tabs 3]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import CHROMIUM_ARGS, find_chromium, served_app  # noqa: E402


def rss_mb(port: int) -> float:
    """Resident memory of the `panel serve` listening on `port`, in MB."""
    out = subprocess.run(["ps", "-eo", "pid,rss,args"], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if f"--port {port}" in l and "panel serve" in l)
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--tabs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log, served_app(log) as url, \
            sync_playwright() as pw:
        port = int(re.search(r":(\d+)/", url).group(1))
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        print(f"server RSS at start: {rss_mb(port):.0f} MB", flush=True)
        for rnd in range(1, args.rounds + 1):
            for _ in range(args.tabs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(url)
                page.get_by_role("button", name="▶ Play", exact=True).click(timeout=60_000)
                page.wait_for_timeout(3000)
                context.close()
            time.sleep(20)   # Bokeh discards unused sessions after 15 s, checking every 17 s
            print(f"after {rnd * args.tabs} tabs opened, trained 3 s, closed: server RSS {rss_mb(port):.0f} MB",
                  flush=True)
        log.seek(0)
        lines = [l for l in log.read().splitlines() if re.search(r"Traceback|ERROR|Error", l)]
    print(f"errors in the server log: {len(lines)}")
    for line in lines[:10]:
        print("  " + line)


if __name__ == "__main__":
    main()
