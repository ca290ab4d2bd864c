"""The headless trainer, run as a user would: the `playground` console script."""
import json
import re
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


def test_a_setting_ignored_with_a_notice_is_not_an_error(capsys):
    url = "https://playground.tensorflow.org/#activation=bogus&learningRate=0.1&noise=0"
    assert main(["train", "--url", url, "--epochs", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        "playground: note: Ignored activation='bogus': choose from relu, tanh, sigmoid, linear, leaky_relu, elu, swish"]
    settings = json.loads(out.strip().splitlines()[-1])["settings"]
    assert settings["learning_rate"] == "0.1" and settings["activation"] == "tanh"   # the rest of the link holds


@pytest.mark.parametrize("url", ["http://[bad", "http://example.org/app"])
def test_a_link_with_nothing_to_use_is_an_error(url, capsys):
    assert main(["train", "--url", url, "--epochs", "2"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: error: --url:")


# What TensorFlow's native code prints: absl's "I0000 00:00:… file.cc:12]" lines and its banner.
TF_NATIVE_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d|absl::InitializeLog|oneDNN custom operations", re.M)


def test_export_keras_prints_no_tensorflow_log_lines_unless_verbose(tmp_path):
    quiet = playground("train", "--epochs", "2", "--json", "--export-keras", str(tmp_path / "quiet.keras"))
    assert quiet.returncode == 0 and (tmp_path / "quiet.keras").stat().st_size > 0, quiet.stderr
    assert quiet.stderr == ""
    # --verbose lets them through: the check above would see them (TensorFlow prints its oneDNN
    # note on every x86 CPU).
    loud = playground("--verbose", "train", "--epochs", "2", "--json", "--export-keras", str(tmp_path / "loud.keras"))
    assert loud.returncode == 0 and TF_NATIVE_LINE.search(loud.stderr), loud.stderr


def test_the_exported_keras_program_prints_one_line_per_epoch(tmp_path):
    script, data = tmp_path / "train_playground.py", tmp_path / "data.csv"
    r = playground("train", "--epochs", "2", "--json", "--export-script", str(script), "--export-csv", str(data))
    assert r.returncode == 0, r.stderr
    run = subprocess.run([sys.executable, str(script), str(data)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.strip().splitlines()
    epochs = [line for line in lines if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/2", "2/2"], run.stdout
    assert all(re.search(r" loss \d+\.\d{4}", line) for line in epochs), run.stdout
    assert lines[:2] == epochs and lines[2].startswith("test loss"), run.stdout   # then the evaluation
