"""The headless trainer, run as a user would: the `playground` console script."""
import json
import subprocess
import sys

import pytest

from playground.cli import main


def playground(*args):
    return subprocess.run([sys.executable, "-m", "playground.cli", *args], capture_output=True, text=True, timeout=120)


def test_train_json_defaults_solve_the_circle():
    r = playground("train", "--epochs", "150", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    for key in ("epochs", "train_loss", "test_loss", "solved_at", "seconds", "epochs_per_second"):
        assert key in summary
    assert summary["epochs"] == 150 and summary["classic"]
    assert summary["solved_at"] is not None and summary["test_loss"] < 0.05
    assert summary["settings"]["hidden"] == "4,2" and summary["settings"]["learning_rate"] == "0.03"


def test_flags_reach_the_network(capsys):
    assert main(["train", "--dataset", "spiral", "--features", "x1,x2,sinx1", "--layers", "",
                 "--activation", "relu", "--epochs", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["settings"]["features"] == "x1,x2,sinx1" and summary["settings"]["hidden"] == ""
    assert summary["epochs"] == 2


@pytest.mark.parametrize("args", [
    ["--lr", "fast"], ["--layers", "4,x"], ["--dataset", "mnist"], ["--noise", "80"],
    ["--regularization", "l3"], ["--bogus"], ["--epochs", "-3"], ["--features", "x3"],
])
def test_bad_flags_give_one_line_and_exit_2(args):
    r = playground("train", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: error:")


def test_divergence_is_reported_not_raised(capsys):
    assert main(["train", "--dataset", "reg-plane", "--lr", "10", "--epochs", "50", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["diverged"] is True and summary["test_loss"] is None and summary["epochs"] < 50


def test_bench_speed_runs_and_reports_both_networks():
    r = playground("bench", "speed", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(rows) == 2 and rows[0]["case"].startswith("default") and rows[1]["case"].startswith("spiral")
    assert all(row["epochs_per_second"] > 0 and row["grid_ms_median"] > 0 for row in rows)
