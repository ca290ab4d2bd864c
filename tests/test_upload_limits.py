"""Hostile model archives are refused before Keras unpacks or builds them, and leave nothing in TMPDIR.

Each hostile case runs the dense Import (`keras_io.import_bytes`, what the page and the CLI call) in a
fresh process with its own TMPDIR, so that the test can see the peak memory of the load, whether
Keras was even imported, and every file the load left behind.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from playground.serve.upload_limits import (
    DENSE, ArchiveLimits, ArchiveRefused, check_config, checked_keras_archive, layer_count_and_depth)
from playground.serve.user_text import echo, strip_bidi


def _config(n_dense: int) -> dict:
    layers = [{"module": "keras.layers", "class_name": "InputLayer",
               "config": {"batch_shape": [None, 2], "dtype": "float32", "name": "input_layer"}}]
    layers += [{"module": "keras.layers", "class_name": "Dense",
                "config": {"name": f"dense_{i}", "units": 2, "activation": "tanh", "use_bias": True}}
               for i in range(n_dense)]
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": layers}}


def _archive(members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def thousand_layers() -> bytes:
    return _archive({"config.json": json.dumps(_config(1000)).encode(), "metadata.json": b"{}",
                     "model.weights.h5": b""}, zipfile.ZIP_DEFLATED)


def packed_gib(path: Path) -> None:
    """A .keras whose weights member unpacks to 1 GiB of zeros, about 1 MB on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("config.json", json.dumps(_config(1)))
        zf.writestr("metadata.json", "{}")
        with zf.open("model.weights.h5", "w", force_zip64=True) as member:
            zeros = bytes(1 << 22)
            for _ in range(256):
                member.write(zeros)


def _real_keras_archive(tmp_path: Path) -> bytes:
    """A real dense model saved by Keras, in a subprocess (this test process stays free of TensorFlow)."""
    path = tmp_path / "real.keras"
    code = textwrap.dedent(f"""
        import os; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import keras
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                                  keras.layers.Dense(1, activation="tanh")], name="playground_x1_x2")
        model.save({str(path)!r})
    """)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=300)
    return path.read_bytes()


def bad_crc_with_assets(real: bytes) -> bytes:
    """The real archive plus assets (so Keras would unpack it into mkdtemp), a later member's bytes damaged."""
    with zipfile.ZipFile(io.BytesIO(real)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["assets/a.txt"] = b"a" * 1000
    members["assets/zz.bin"] = bytes(600_000)    # the big one, last: its CRC will not match
    data = bytearray(_archive(members))
    tail = data.rindex(bytes(1000))             # inside the last member's stored zeros
    data[tail] = 1
    return bytes(data)


_LOAD = textwrap.dedent("""
    import json, sys
    from playground.dense import keras_io
    def status_mb(field):   # VmRSS now, VmHWM the peak (getrusage's would count the forking parent's)
        line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
        return int(line.split()[1]) / 1024
    data = open(sys.argv[1], "rb").read()
    base = status_mb("VmRSS")
    try:
        keras_io.import_bytes("upload.keras", data)
        message = None
    except keras_io.KerasImportError as exc:
        message = str(exc)
    print(json.dumps({"message": message, "keras": "keras" in sys.modules,
                      "grown_mb": status_mb("VmHWM") - base}))
""")


# The same, through the CNN page's loader (its upload and `playground cnn explain --model`).
_LOAD_CNN = (_LOAD.replace("from playground.dense import keras_io", "from playground.cnn import loading")
             .replace('keras_io.import_bytes("upload.keras", data)', "loading.load_model(data)")
             .replace("keras_io.KerasImportError", "loading.ModelLoadError"))


def load_in_a_fresh_process(path: Path, tmp_path: Path, script: str = _LOAD) -> tuple[dict, list[str]]:
    """Run the dense import (or `script`) on `path` with TMPDIR set to an empty folder: (its report, what
    TMPDIR holds after)."""
    tmpdir = tmp_path / "TMPDIR"
    tmpdir.mkdir()
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmpdir), "TF_CPP_MIN_LOG_LEVEL": "3", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=600,
                         env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    left = sorted(str(p.relative_to(tmpdir)) for p in tmpdir.rglob("*"))
    return report, left


def _assert_one_line(message: str | None) -> str:
    assert message, "the hostile file was loaded"
    assert "\n" not in message and len(message) < 300, message
    assert "Traceback" not in message and "/tmp" not in message and "TMPDIR" not in message, message
    return message


def test_a_thousand_dense_layers_are_refused_before_keras_is_imported(tmp_path):
    path = tmp_path / "deep.keras"
    path.write_bytes(thousand_layers())
    assert path.stat().st_size < 20_000
    report, left = load_in_a_fresh_process(path, tmp_path)
    assert "1001 layers" in _assert_one_line(report["message"])     # 1,000 Dense and the InputLayer
    assert not report["keras"], "Keras was imported: the model was refused too late"
    assert left == []


def test_a_gibibyte_packed_into_a_megabyte_is_refused_before_decompression(tmp_path):
    path = tmp_path / "packed.keras"
    packed_gib(path)
    assert path.stat().st_size < 8_000_000
    report, left = load_in_a_fresh_process(path, tmp_path)
    message = _assert_one_line(report["message"])
    assert "model.weights.h5" in message and "1073.7 MB" in message, message
    assert report["grown_mb"] < 100, f"+{report['grown_mb']:.0f} MB"     # it was 1 GB before issue 23
    assert not report["keras"] and left == []


def test_a_bad_crc_in_an_archive_with_assets_leaves_nothing_in_tmpdir(tmp_path):
    real = _real_keras_archive(tmp_path)
    path = tmp_path / "bad-crc.keras"
    path.write_bytes(bad_crc_with_assets(real))
    with zipfile.ZipFile(path) as zf:        # the damage is real: zipfile itself finds it
        assert zf.testzip() == "assets/zz.bin"
    report, left = load_in_a_fresh_process(path, tmp_path)
    assert left == [], f"left behind in TMPDIR: {left}"
    _assert_one_line(report["message"])


def test_the_cnn_loader_refuses_packed_and_damaged_archives_and_leaves_nothing(tmp_path):
    """The CNN page's upload (50 MB allowed) goes through the same checks: a packed GiB is refused before
    it is unpacked, a damaged archive leaves no folder behind, and a good one still loads."""
    packed = tmp_path / "packed.keras"
    packed_gib(packed)
    report, left = load_in_a_fresh_process(packed, tmp_path, _LOAD_CNN)
    assert "1073.7 MB" in _assert_one_line(report["message"]) and report["grown_mb"] < 300
    assert left == []
    damaged = tmp_path / "bad-crc.keras"
    damaged.write_bytes(bad_crc_with_assets(_real_keras_archive(tmp_path)))
    (tmp_path / "TMPDIR").rename(tmp_path / "TMPDIR-1")
    report, left = load_in_a_fresh_process(damaged, tmp_path, _LOAD_CNN)
    _assert_one_line(report["message"])
    assert left == [], f"left behind in TMPDIR: {left}"


def test_a_good_model_loads_through_the_checks_and_leaves_nothing_in_tmpdir(tmp_path):
    path = tmp_path / "good.keras"
    path.write_bytes(_real_keras_archive(tmp_path))
    report, left = load_in_a_fresh_process(path, tmp_path)
    assert report["message"] is None and report["keras"]
    assert left == []


@pytest.mark.parametrize("case, says", [
    ("not a zip", "not a .keras file"),
    ("too many members", "at most 16"),
    ("no config", "no config.json"),
    ("no weights", "no weights file"),
    ("json nested 100,000 deep", "not a model description"),
    ("config not json", "not a model description"),
    ("models in models", "nests models 3 deep"),
    ("huge config", "config.json in the archive is"),
])
def test_each_hostile_archive_is_one_line_and_leaves_nothing(case, says, tmp_path, monkeypatch):
    weights = {"model.weights.h5": b""}
    nested = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Sequential", "config": {"layers": [
                {"class_name": "Dense", "config": {"units": 1}}]}}]}}]}}
    data = {
        "not a zip": b"PK\x03\x04 not really",
        "too many members": _archive({f"f{i}": b"" for i in range(17)}),
        "no config": _archive(weights),
        "no weights": _archive({"config.json": b"{}"}),
        "json nested 100,000 deep": _archive({"config.json": b"[" * 100_000, **weights}),
        "config not json": _archive({"config.json": b"\xff\xfe<script>", **weights}),
        "models in models": _archive({"config.json": json.dumps(nested).encode(), **weights}),
        "huge config": _archive({"config.json": b" " * 300_000 + b"{}", **weights}, zipfile.ZIP_DEFLATED),
    }[case]
    tmpdir = tmp_path / "TMPDIR"
    tmpdir.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmpdir))
    with pytest.raises(ArchiveRefused, match=says) as caught:
        with checked_keras_archive(data, DENSE):
            pytest.fail("a hostile archive was let through")
    _assert_one_line(str(caught.value))
    assert list(tmpdir.iterdir()) == []


def test_the_clean_copy_holds_only_what_keras_reads_and_goes_when_the_block_ends(tmp_path, monkeypatch):
    tmpdir = tmp_path / "TMPDIR"
    tmpdir.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmpdir))
    data = _archive({"config.json": json.dumps(_config(2)).encode(), "metadata.json": b"{}",
                     "model.weights.h5": b"", "assets/x.txt": b"x"})
    with pytest.raises(ArchiveRefused, match="weights file in the archive is damaged"):   # b"" is no HDF5
        with checked_keras_archive(data, DENSE):
            pass
    assert list(tmpdir.iterdir()) == []


def test_layer_count_and_depth_follow_nested_models_without_recursion():
    assert layer_count_and_depth(_config(5)) == (6, 1)      # the InputLayer and 5 Dense
    deep: dict = {"class_name": "Dense", "config": {}}
    for _ in range(5000):                                   # deeper than Python's recursion limit
        deep = {"class_name": "Sequential", "config": {"layers": [deep]}}
    assert layer_count_and_depth(deep) == (5000, 5000)
    with pytest.raises(ArchiveRefused, match="nests models 1 deep"):
        check_config(json.dumps(_config(3)).encode(), ArchiveLimits(max_depth=0))


def test_bidi_controls_are_stripped_and_long_values_cut():
    spoof = "photo\u202egnp.exe"          # shows as "photoexe.png"
    assert strip_bidi(spoof) == "photognp.exe"
    assert strip_bidi("a\u2066b\u2069c\u200fd") == "abcd"
    line = echo("x" * 100_000 + "\n<b>")
    assert len(line) == 80 and line.endswith("…") and "\n" not in line


def test_the_upload_limit_holds_under_a_plain_panel_serve():
    """Bokeh's default is 20 MB; the app raises every new websocket's limit to the largest upload's message."""
    from bokeh.server.views.ws import WSHandler

    from playground.serve.upload_limits import MAX_UPLOAD_BYTES, WEBSOCKET_MAX_BYTES
    from playground.serve.websocket import take_messages_up_to

    class Handler:                                  # what Tornado's property reads: the application's settings
        settings = {"websocket_max_message_size": 20 * 1024 * 1024}

    take_messages_up_to(WEBSOCKET_MAX_BYTES)
    assert WSHandler.max_message_size.fget(Handler()) == WEBSOCKET_MAX_BYTES > MAX_UPLOAD_BYTES * 4 // 3
    Handler.settings = {"websocket_max_message_size": 10 * WEBSOCKET_MAX_BYTES}   # `playground serve`'s, larger
    assert WSHandler.max_message_size.fget(Handler()) == 10 * WEBSOCKET_MAX_BYTES
