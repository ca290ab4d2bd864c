"""The worst inputs of issue 23 against one real server while a class of simulated learners trains.

The learners are benchmarks/classroom_load.py's (Bokeh client sessions on the dense page that
press Play and acknowledge every frame). While they train, an attacker's session runs each
hostile case in turn; for each case it prints:
  - the server's peak RSS above what it held just before the case (all its processes);
  - the longest gap between two frames of any learner during the case (a stalled event loop
    or a starved scheduler shows here);
  - the bytes left in the server's TMPDIR (a folder of its own) after the case;
  - what the attacker's page said (its last notice), cut short.

Goals (issue 23): no case above +500 MB, no gap over 0.5 s, 0 bytes left. The first row, no case at
all, is the class alone: the gaps a busy machine makes anyway. The second opens one page and nothing
else: every other case opens a page of its own first, so this is the page's share of their gaps.
TMPDIR counts bytes beyond what the server held there before the first case.

    .venv/bin/python benchmarks/hostile_load.py [--learners 10] [--settle 3]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from browser_support import free_port, serving  # noqa: E402
from classroom_load import (Learner, _client_process, know_the_page_models, process_tree, rss_mb,  # noqa: E402
                            warm_server)
import test_upload_limits as archives  # noqa: E402  (the tests' hostile archives, made the same way)


def hostile_files(folder: Path) -> dict[str, bytes]:
    """The hostile .keras uploads, by case name."""
    packed = folder / "packed.keras"
    archives.packed_gib(packed)
    real = archives._real_keras_archive(folder)
    return {"1,000 Dense layers (.keras)": archives.thousand_layers(),
            "1 GiB packed into 1 MB (.keras)": packed.read_bytes(),
            "bad CRC with assets (.keras)": archives.bad_crc_with_assets(real)}


class Sampler:
    """The server's RSS, sampled every 20 ms in a thread: the peak since `reset`."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(process_tree(self.pid)))
            time.sleep(0.02)

    def reset(self) -> float:
        now = rss_mb(process_tree(self.pid))
        self.peak = now
        return now

    def stop(self) -> None:
        self._stop.set()


def tmpdir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def attacker_notice(learner: Learner) -> str:
    """The attacker's page's notice about the case (from the page's HTML, tags and escapes taken out), cut short."""
    import html
    import re

    for model in learner.session.document.models:
        text = html.unescape(re.sub(r"<[^>]+>", " ", str(getattr(model, "text", "") or "")))
        for word in ("cannot load", "Ignored ", "The teacher's link keeps", "Loaded "):
            if word in text:
                return " ".join(text[text.index(word):].split())[:110]
    return "(no notice)"


def pump(learner: Learner, seconds: float) -> None:
    """Apply the server's patches for `seconds` (sending what the attacker changed)."""
    learner.loop.call_later(seconds, learner.session.close)
    learner.loop.run_sync(learner._pump)


def upload(url: str, name: str, data: bytes, wait_s: float) -> str:
    learner = Learner(url)
    doc = learner.session.document
    box = next(m for m in doc.models if type(m).__name__ == "FileInput" and "nn-import-keras" in (m.css_classes or []))

    def send() -> None:
        # As the browser does: these are read-only in Python, so the change is made and announced by hand.
        for attr, value in (("filename", name), ("mime_type", "application/octet-stream"),
                            ("value", base64.b64encode(data).decode())):
            old = box._property_values.get(attr)
            box._property_values[attr] = value
            doc.callbacks.notify_change(box, attr, old, value)

    learner.loop.add_callback(send)
    pump(learner, wait_s)
    return attacker_notice(learner)


def open_page(url: str, query: dict[str, str], wait_s: float) -> str:
    try:
        learner = Learner(url, query=query)
    except Exception as exc:     # noqa: BLE001 - a refused connection is this case's outcome
        return f"page did not open: {type(exc).__name__}"
    pump(learner, wait_s)
    return f"page open ({len(learner.session.document.roots)} roots); {attacker_notice(learner)}"


def heavy_player(url: str, wait_s: float) -> str:
    """A learner who plays the costliest network the page allows: 6×16 wide layers, batch 1."""
    learner = Learner(url, query={"hidden": ",".join(["16"] * 6), "wide_layers": "1", "batch_size": "1",
                                  "train_ratio": "90", "dataset": "spiral"})
    learner.loop.add_callback(learner.press_play)
    pump(learner, wait_s)
    return f"heavy learner got {len(learner.record.frames)} frames in {wait_s:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds each case is watched after it is sent")
    args = parser.parse_args()
    know_the_page_models()
    from playground.cli import build_parser, serve_command

    work = Path(tempfile.mkdtemp(prefix="hostile-load-"))
    server_tmp = work / "TMPDIR"
    server_tmp.mkdir()
    files = hostile_files(work)
    port = free_port()
    cmd, extra = serve_command(build_parser().parse_args(["serve", "--port", str(port), "--num-procs", "1"]))
    url = f"http://127.0.0.1:{port}/app"
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; learners: {args.learners}")
    log = open(work / "server.log", "w")
    with serving(cmd, url, log, env={**os.environ, **extra, "TMPDIR": str(server_tmp)}) as proc:
        warm_server(url, work / "server.log", 1)     # TensorFlow's import for the CNN page is over before the cases
        ctx = multiprocessing.get_context("fork")
        connected, manager, results = ctx.Value("i", 0), ctx.Manager(), ctx.Queue()
        plan = manager.dict(stop_at=0, steps_from=0, steps=1)
        client = ctx.Process(target=_client_process, args=(url, args.learners, connected, plan, results))
        client.start()
        while connected.value < args.learners:
            time.sleep(0.1)
        cases = [("nothing (the class alone)", lambda: time.sleep(args.settle) or "-"),
                 ("a new page, nothing else", lambda: open_page(url, {}, args.settle))]
        cases += [(name, lambda n=name: upload(url, n, files[n], args.settle)) for name in files]
        cases += [("?seed= 4,301 digits", lambda: open_page(url, {"seed": "9" * 4301}, args.settle)),
                  ("100 KB query string", lambda: open_page(url, {"lesson": "x" * 100_000}, args.settle)),
                  ("a 6×16 network at batch 1, playing", lambda: heavy_player(url, 4 * args.settle))]
        budget = 8.0 + 2 * args.settle + sum(4 * args.settle if "6×16" in n else args.settle + 15 for n, _ in cases)
        plan.update(steps_from=time.time() + budget - 2, stop_at=time.time() + budget)
        sampler = Sampler(proc.pid)
        time.sleep(5)        # the class is playing
        already = {str(p.relative_to(server_tmp)): p.stat().st_size for p in server_tmp.rglob("*") if p.is_file()}
        print(f"in TMPDIR before the cases (the server's own): {already or 'nothing'}")
        windows = []
        for name, run in cases:
            before = sampler.reset()
            start = time.time()
            outcome = run()
            time.sleep(0.5)      # a worker's clean-up after the page was answered
            windows.append((name, start, time.time(), sampler.peak - before,
                            tmpdir_bytes(server_tmp) - sum(already.values()), outcome))
        sampler.stop()
        records, errors = results.get(timeout=budget + 120)
        client.join()
        manager.shutdown()
    print(f"\n{'case':40s} {'peak RSS':>10s} {'longest gap':>12s} {'TMPDIR':>9s}  what the page said")
    for name, start, end, grown, left, outcome in windows:
        gaps = [b - a for r in records for a, b in zip(r.frames, r.frames[1:]) if start <= b <= end + 0.5]
        print(f"{name:40s} {grown:+8.0f} MB {max(gaps, default=float('nan')):10.2f} s {left:7d} B  {outcome}")
    if errors:
        print(f"client errors: {errors[:3]}")
    print(f"(server log: {work / 'server.log'})")


if __name__ == "__main__":
    main()
