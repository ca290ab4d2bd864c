"""A server shared by a class: tabs closing mid-frame log no error, an upload never stalls other sessions."""
from __future__ import annotations

import asyncio
import gc
import logging
import re
import sys
import threading
import time
from pathlib import Path

import pytest
from tornado.websocket import WebSocketClosedError

from browser_support import served_app
from playground.serve.closed_tabs import quiet_closed_tabs

ROOT = Path(__file__).resolve().parents[1]
ERRORS = re.compile(r"Traceback|ERROR|Error|exception")


def _orphaned_failure(exc: BaseException, caplog) -> list[logging.LogRecord]:
    """Run a task that fails with `exc` and that nobody awaits; return what asyncio logged for it."""
    async def fail():
        raise exc

    async def main():
        quiet_closed_tabs()
        asyncio.ensure_future(fail())
        await asyncio.sleep(0.01)
        gc.collect()        # the orphaned task is reported when it is collected

    caplog.clear()
    with caplog.at_level(logging.INFO):
        asyncio.run(main())
    return [r for r in caplog.records if r.name in ("asyncio", "playground.serve.closed_tabs")]


def test_a_write_to_a_closed_tab_is_one_info_line_and_other_failures_stay_errors(caplog):
    closed = _orphaned_failure(WebSocketClosedError(), caplog)
    assert [(r.levelname, r.name) for r in closed] == [("INFO", "playground.serve.closed_tabs")]
    assert not any(r.exc_info for r in closed)
    other = _orphaned_failure(ValueError("a real bug"), caplog)
    assert [(r.levelname, r.name) for r in other] == [("ERROR", "asyncio")]
    assert "a real bug" in repr(other[0].exc_info[1])


def test_tabs_closing_mid_training_log_no_error(tmp_path):
    """Six learners (Bokeh clients that ack frames as the browser does) close in the middle of training."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import panel  # noqa: F401  (the client must know Panel's models)
    import playground.shell  # noqa: F401
    from classroom_load import Learner

    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log, served_app(log) as url:
        for round_ in range(2):
            learners = [Learner(url) for _ in range(3)]
            now = time.time()
            # each closes at its own moment, while frames are on their way
            threads = [threading.Thread(target=l.run_until, args=(now + 1.5 + 0.37 * i, [])) for i, l in
                       enumerate(learners)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert all(l.record.frames for l in learners), round_
        time.sleep(2.0)
        text = log_path.read_text()
    assert text.count("live loop ended") == 6, text[-3000:]
    assert ERRORS.search(text) is None, text[-3000:]
