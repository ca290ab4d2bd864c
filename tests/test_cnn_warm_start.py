"""The CNN warm-up starts with the server that `playground serve` runs (issue 24: the first CNN page on a
fresh server), before any page is opened."""
from __future__ import annotations

import shlex
import subprocess
import sys

import pytest

pytestmark = pytest.mark.keras


def test_playground_serve_warms_the_cnn_page_up_before_any_page_is_opened(tmp_path):
    from browser_support import free_port, serving, wait_for_log
    from playground.cnn.warmup import DONE_LINE

    port = free_port()
    out = subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--port", str(port), "--num-procs", "1",
                          "--dry-run"], capture_output=True, text=True, timeout=60, check=True).stdout
    cmd = shlex.split(out.strip().splitlines()[-1])
    setup = cmd[cmd.index("--setup") + 1]
    assert setup.endswith("playground/cnn/warm_start.py")
    # The command as `playground serve` runs it; nothing but the readiness poll asks for a page, and
    # that poll gets only the HTML: no page is on screen to start the warm-up the old way.
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log, serving(cmd, f"http://127.0.0.1:{port}/app", log):
        assert wait_for_log(log_path, DONE_LINE, timeout_s=300), log_path.read_text()[-2000:]
