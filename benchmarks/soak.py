"""Soak: the server's memory while learners come and go for a long time (issue 10: "memory stays flat").

`--seats` learners at a time, each a Bokeh client session on the dense page of a real
`playground serve` (the same simulated learner as benchmarks/classroom_load.py): it
connects, presses Play, trains for 10-40 s, closes, and the seat's next learner
connects. The server's resident memory is sampled every `--every` seconds. At the end
it prints the series, its summary (first, last, min, max, the trend of the second half
in MB per hour) and the errors in the server log.

    .venv/bin/python benchmarks/soak.py [--minutes 20] [--seats 6] [--every 20]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import app_error_lines  # noqa: E402  (the tests' reading of a server log)
from classroom_load import Learner, know_the_page_models, playground_server, process_tree, rss_mb  # noqa: E402


def seat(url: str, until: float, counts: dict, lock: threading.Lock, rng: random.Random) -> None:
    """One seat in the classroom: learner after learner until `until`."""
    while time.time() < until - 5:
        try:
            learner = Learner(url)
            with lock:
                counts["opened"] += 1
            learner.run_until(min(until, time.time() + rng.uniform(10, 40)), [])
            with lock:
                counts["closed"] += 1
                counts["epochs"] += learner.record.epochs[-1][1] if learner.record.epochs else 0
        except Exception as e:     # noqa: BLE001 - counted and reported, the soak goes on
            with lock:
                counts["failed"] += 1
                counts["last_error"] = f"{type(e).__name__}: {e}"
        time.sleep(rng.uniform(1, 3))


def trend_mb_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per hour."""
    xs, ys = [s for s, _ in samples], [m for _, m in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return 3600 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--seats", type=int, default=6, help="learners connected at a time")
    parser.add_argument("--every", type=float, default=20, help="seconds between memory samples")
    args = parser.parse_args()
    know_the_page_models()     # a client reads the page only if it knows every model in it

    counts = {"opened": 0, "closed": 0, "failed": 0, "epochs": 0, "last_error": ""}
    lock = threading.Lock()
    samples: list[tuple[float, float]] = []
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log, playground_server(1, log) as (url, pid):
        start = time.time()
        until = start + args.minutes * 60
        print(f"server RSS at start: {rss_mb(process_tree(pid)):.0f} MB; {args.seats} seats for {args.minutes:g} min",
              flush=True)
        seats = [threading.Thread(target=seat, args=(url, until, counts, lock, random.Random(i)), daemon=True)
                 for i in range(args.seats)]
        for t in seats:
            t.start()
            time.sleep(1.0)
        while time.time() < until:
            time.sleep(args.every)
            mb = rss_mb(process_tree(pid))
            samples.append((time.time() - start, mb))
            print(f"  {samples[-1][0] / 60:5.1f} min  RSS {mb:6.0f} MB  sessions opened {counts['opened']}"
                  f"  closed {counts['closed']}  failed {counts['failed']}", flush=True)
        for t in seats:
            t.join(timeout=60)
        time.sleep(25)      # Bokeh discards the last closed sessions (15 s unused, checked every 5 s)
        after = rss_mb(process_tree(pid))
        log.seek(0)
        errors = app_error_lines(log.read())

    mbs = [m for _, m in samples]
    second_half = samples[len(samples) // 2:]
    print(f"\nsessions: {counts['opened']} opened, {counts['closed']} closed, {counts['failed']} failed"
          f"{' (' + counts['last_error'] + ')' if counts['failed'] else ''}; {counts['epochs']:,} epochs trained")
    print(f"RSS (MB): first {mbs[0]:.0f}, last {mbs[-1]:.0f}, min {min(mbs):.0f}, max {max(mbs):.0f},"
          f" median {statistics.median(mbs):.0f}; 25 s after the last learner left: {after:.0f}")
    print(f"trend over the second half: {trend_mb_per_hour(second_half):+.1f} MB/hour")
    print(f"errors in the server log: {len(errors)}")
    for line in errors[:10]:
        print("  " + line)


if __name__ == "__main__":
    main()
