"""A corpus of hostile and careless inputs: each gets one clear line, stays inert text, and breaks nothing.

Every message the CNN page shows for an upload is checked the same way (`assert_inert`):
one line, no markup left but our own <b>/<br>, no traceback, no server path. After each
case the page must still take a good upload. The dense URL and CLI checks follow.
"""
from __future__ import annotations

import io
import json
import re
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from playground.components.safe_text import MAX_CHARS

# ---------------------------------------------------------------- the corpus

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>.png",
    "<script>alert(document.cookie)</script>.png",
    '"><svg onload=alert(1)>.png',
    "x' onmouseover='alert(1)'.png",
    "<iframe src=javascript:alert(1)></iframe>",
    "**bold** [click](javascript:alert(1)).png",
    "&lt;script&gt;alert(1)&lt;/script&gt;.png",   # already escaped once: must not be unescaped
    "line one\nline two <b>.png",
    "../../../../etc/passwd",
    "A" * 5000 + ".png",
    "",
]
OUR_TAGS = re.compile(r"</?b>|<br>")
SERVER_PATHS = ("/tmp/", "/work/", "site-packages", "/home/", "/usr/", "playground-model-")


def assert_inert(html: str) -> None:
    """One short line of text: no markup but our own, no traceback, no server path."""
    assert html, "no message shown"
    assert "\n" not in html, f"more than one line: {html[:300]!r}"
    assert "<" not in OUR_TAGS.sub("", html), f"markup survived: {html[:300]!r}"
    assert "Traceback" not in html and 'File "' not in html, html[:300]
    assert not any(p in html for p in SERVER_PATHS), f"server path shown: {html[:300]!r}"
    assert len(html) < 3 * MAX_CHARS + 600, f"{len(html)} characters"


def png_bytes(size=(40, 30), mode="L") -> bytes:
    from PIL import Image

    rng = np.random.default_rng(0)
    shape = size[::-1] + ((3,) if mode == "RGB" else ())
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, shape, dtype=np.uint8), mode).save(buf, "PNG")
    return buf.getvalue()


def upload(box, name: str, data: bytes) -> str:
    """Upload `data` as `name` through the real FileInput widget; the message shown."""
    box.input.value = None           # so the same bytes twice still count as a new upload
    box.input.filename = name
    box.input.value = data
    assert box.message.visible
    return box.message.object


# ---------------------------------------------------------------- image uploads

IMAGE_CONTENTS = {
    "garbage": b"\x89PNG\r\n\x1a\n this is not really a picture" * 3,
    "text": b"<script>alert(1)</script>",
    "truncated png": png_bytes()[:60],
    "good png": png_bytes(),
}


@pytest.fixture(scope="module")
def cnn_page():
    pytest.importorskip("keras")
    from playground.cnn.page import CnnPage

    return CnnPage()


def assert_page_still_works(page) -> None:
    message = upload(page.uploads.image_upload, "ok.png", png_bytes(mode="RGB"))
    assert page.uploads.image_upload.message.alert_type == "success", message
    assert page._explanation.image.shape == page.choice.input_shape


@pytest.mark.keras
@pytest.mark.parametrize("content", list(IMAGE_CONTENTS))
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda n: repr(n[:24]))
def test_image_upload_messages_are_inert(cnn_page, name, content):
    message = upload(cnn_page.uploads.image_upload, name, IMAGE_CONTENTS[content])
    assert_inert(message)
    assert cnn_page.uploads.image_upload.message.alert_type == ("success" if content == "good png" else "danger")
    if content == "good png":
        assert_inert(cnn_page._prediction.object)        # "your picture <name>" is shown there too
    assert_page_still_works(cnn_page)


@pytest.mark.keras
@pytest.mark.parametrize("name", ["empty.png", "<img src=x onerror=alert(1)>.png", ""])
def test_an_empty_image_says_so(cnn_page, name):
    before = cnn_page._explanation
    message = upload(cnn_page.uploads.image_upload, name, b"")
    assert_inert(message)
    assert "empty" in message and cnn_page.uploads.image_upload.message.alert_type == "danger"
    assert cnn_page._explanation is before
    assert_page_still_works(cnn_page)


@pytest.mark.keras
@pytest.mark.parametrize("name", HOSTILE_NAMES[:4])
def test_an_empty_model_says_so(cnn_page, name):
    before = cnn_page.choice.model
    message = upload(cnn_page.uploads.model_upload, name, b"")
    assert_inert(message)
    assert "empty" in message and cnn_page.choice.model is before


# ---------------------------------------------------------------- model uploads

HOSTILE_LAYER = "<img src=x onerror=alert(1)>"


def _zip(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _saved(model, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("models") / "m.keras"
    model.save(path)
    return path.read_bytes()


def _saved_h5(model, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("models") / "m.h5"
    model.save(path)   # Keras's legacy HDF5 writer, as the course's model.save("model.h5")
    return path.read_bytes()


def _h5_dataset_only(tmp_path_factory) -> bytes:
    import h5py

    path = tmp_path_factory.mktemp("models") / "data.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("<script>alert(1)</script>", data=np.arange(4))
    return path.read_bytes()


def _config_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("config.json"))


def _with_config(data: bytes, config: dict) -> bytes:
    """The same .keras archive with another config.json (weights untouched)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["config.json"] = json.dumps(config)
    return _zip(files)


def _resize_input(config, side: int, old: int):
    """Every 4-D shape in `config` with sides `old - k` gets sides `side - k` (a bigger input, same layers)."""
    if isinstance(config, dict):
        return {k: _resize_input(v, side, old) for k, v in config.items()}
    if isinstance(config, list):
        if len(config) == 4 and config[0] is None and all(isinstance(d, int) for d in config[1:]):
            return [None, side - (old - config[1]), side - (old - config[2]), config[3]]
        return [_resize_input(v, side, old) for v in config]
    return config


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Real .keras files: hostile names, broken archives, models too big to show."""
    keras = pytest.importorskip("keras")
    L = keras.layers
    out = {}
    out["hostile layer names"] = _saved(keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(2, 3, name=HOSTILE_LAYER), L.Flatten(name="<b>flat"),
        L.Dense(10, activation="softmax", name='"><svg onload=alert(1)>')]), tmp_path_factory)
    # (Keras refuses "/" in layer names, so no closing tags here.)
    out["odd but runnable names"] = _saved(keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(2, 3, name="conv.1"), L.Flatten(name="flat.-_"),
        L.Dense(10, activation="softmax", name="9-out")]), tmp_path_factory)
    out["my conv"] = _saved(keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(2, 3, name="my conv"), L.Flatten(),
        L.Dense(10, activation="softmax")]), tmp_path_factory)
    out["hostile layer name (unsupported)"] = _saved(keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(2, 3, name="c"), L.LayerNormalization(name=HOSTILE_LAYER),
        L.Flatten(), L.Dense(10, activation="softmax")]), tmp_path_factory)
    good = _saved(keras.Sequential([keras.Input((30, 30, 3)), L.Conv2D(4, 3, name="conv"),
                                    L.GlobalAveragePooling2D(), L.Dense(10, activation="softmax")]),
                  tmp_path_factory)
    out["3000x3000x3 input"] = _with_config(good, _resize_input(_config_of(good), 3000, 30))
    out["300x20 input"] = _with_config(good, _resize_input(_config_of(good), 300, 30))
    out["67 layers"] = _saved(keras.Sequential([keras.Input((4, 4, 1))] + [L.ReLU() for _ in range(65)]
                                               + [L.Flatten(), L.Dense(2)]), tmp_path_factory)
    out["5.04 M weights"] = _saved(keras.Sequential([keras.Input((200, 200, 3)), L.Flatten(),
                                                     L.Dense(42, activation="softmax")]), tmp_path_factory)
    cfg = _config_of(good)
    cfg["config"]["layers"][1]["class_name"] = "<script>alert(1)</script>"
    out["unknown layer class with markup"] = _with_config(good, cfg)
    out["config.json not JSON"] = _zip({"config.json": "{not json <script>", "metadata.json": "{}"})
    out["config.json a list"] = _zip({"config.json": "[1, 2, 3]"})
    out["no config.json"] = _zip({"<script>.txt": "hello"})
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["model.weights.h5"] = b"\x89HDF\r\n\x1a\n broken weights"
    out["broken weights"] = _zip(files)
    out["plain text"] = b"<script>alert(1)</script>" * 10
    marker = tmp_path_factory.mktemp("marker") / "ran"
    out["h5 lambda marker"] = marker
    code = eval(f"lambda x: x + 0.0 * len(__import__('pathlib').Path({str(marker)!r}).write_text('ran') * '')")
    out["h5 with a Lambda layer"] = _saved_h5(keras.Sequential([
        keras.Input((12, 12, 1)), L.Lambda(code, name=HOSTILE_LAYER), L.Flatten(),
        L.Dense(10, activation="softmax")]), tmp_path_factory)
    marker.unlink()   # building the model ran the code once; loading must not run it again
    whole = _saved_h5(keras.Sequential([keras.Input((12, 12, 1)), L.Conv2D(2, 3), L.Flatten(),
                                        L.Dense(10, activation="softmax")]), tmp_path_factory)
    out["truncated h5"] = whole[: len(whole) // 2]
    out["non-model h5"] = _h5_dataset_only(tmp_path_factory)
    out["h5 with a hostile unsupported layer"] = _saved_h5(keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(2, 3), L.LayerNormalization(name=HOSTILE_LAYER), L.Flatten(),
        L.Dense(10, activation="softmax")]), tmp_path_factory)
    return out


REFUSED = {"hostile layer names": "&lt;img src=x onerror=alert(1)&gt;", "my conv": "&quot;my conv&quot; cannot be run",
           "3000x3000x3 input": "3000×3000×3", "300x20 input": "256×256", "67 layers": "67 layers",
           "5.04 M weights": "5,040,042", "h5 with a Lambda layer": "Lambda layer",
           "truncated h5": "damaged or truncated", "non-model h5": "no model description",
           "h5 with a hostile unsupported layer": "cannot be run by TensorFlow"}


@pytest.mark.keras
@pytest.mark.parametrize("kind", ["hostile layer names", "my conv", "hostile layer name (unsupported)", "3000x3000x3 input", "300x20 input",
                                  "67 layers", "5.04 M weights", "unknown layer class with markup",
                                  "config.json not JSON", "config.json a list", "no config.json",
                                  "broken weights", "plain text", "h5 with a Lambda layer", "truncated h5",
                                  "non-model h5", "h5 with a hostile unsupported layer"])
@pytest.mark.parametrize("name", HOSTILE_NAMES[:3] + HOSTILE_NAMES[-2:], ids=lambda n: repr(n[:24]))
def test_refused_model_uploads_say_one_inert_line_and_keep_the_model(cnn_page, models, kind, name):
    before = cnn_page.choice.model
    message = upload(cnn_page.uploads.model_upload, name, models[kind])
    assert_inert(message)
    assert cnn_page.uploads.model_upload.message.alert_type == "danger"
    assert cnn_page.choice.model is before and "current model stays" in message
    if kind in REFUSED:
        assert REFUSED[kind] in message
    if kind in ("hostile layer name (unsupported)", "h5 with a hostile unsupported layer", "h5 with a Lambda layer"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in message   # named, as text
    assert not models["h5 lambda marker"].exists()   # the Lambda's code never ran
    assert_page_still_works(cnn_page)


@pytest.mark.keras
def test_a_model_with_odd_but_runnable_layer_names_loads_and_shows_them(models):
    from playground.cnn.page import CnnPage

    page = CnnPage()
    message = upload(page.uploads.model_upload, HOSTILE_NAMES[0], models["odd but runnable names"])
    assert page.uploads.model_upload.message.alert_type == "success", message
    assert_inert(message)
    assert_inert(page.uploads.model_info.object)
    assert "conv.1" in page.uploads.model_info.object and "9-out" in page.uploads.model_info.object
    for trace in page._explanation.traces[1:]:
        page.state.param.update(layer=trace.name, neuron=0, row=0, col=0)
        assert_inert(page._detail_title.object)
        assert trace.name in page._detail_title.object
    assert_page_still_works(page)


@pytest.mark.keras
def test_a_huge_input_is_refused_quickly_from_the_config_alone(models):
    from playground.cnn.loading import ModelLoadError, load_model

    data = models["3000x3000x3 input"]
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ModelLoadError) as caught:
        load_model(data)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"\n{len(data) / 1e3:.0f} KB file, 3000×3000×3 input: refused in {seconds * 1e3:.1f} ms, "
          f"peak Python memory {peak / 1e6:.2f} MB")
    assert "3000×3000×3" in str(caught.value)
    # Sanity bounds only (building it takes seconds and gigabytes): the speed goal is the printed figure.
    assert seconds < 5 and peak < 50e6, (seconds, peak)


# ---------------------------------------------------------------- the preflight's own numbers

@pytest.mark.keras
@pytest.mark.parametrize("build", [
    "tinyvgg",
    "strided same conv, pooling, no bias",
    "functional with batch norm",
    "depthwise and separable",
])
def test_count_params_from_the_config_matches_keras(tmp_path, build):
    keras = pytest.importorskip("keras")
    from playground.cnn.loading import default_model_path
    from playground.cnn.preflight import count_params, read_config

    L = keras.layers
    if build == "tinyvgg":
        model = keras.saving.load_model(default_model_path(), compile=False)
    elif build == "strided same conv, pooling, no bias":
        model = keras.Sequential([keras.Input((32, 32, 3)), L.Conv2D(8, 5, strides=2, padding="same"), L.ReLU(),
                                  L.MaxPooling2D(3, strides=2), L.Conv2D(16, (3, 1), use_bias=False),
                                  L.Flatten(), L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])
    elif build == "functional with batch norm":
        i = keras.Input((64, 64, 1))
        x = L.MaxPooling2D()(L.BatchNormalization()(L.Conv2D(4, 3)(i)))
        model = keras.Model(i, L.Dense(3)(L.Flatten()(x)))
    else:
        model = keras.Sequential([keras.Input((20, 20, 3)), L.DepthwiseConv2D(3, depth_multiplier=2),
                                  L.SeparableConv2D(5, 3), L.Flatten(), L.Dense(2)])
    model.save(tmp_path / "m.keras")
    assert count_params(read_config(tmp_path / "m.keras")) == model.count_params()


@pytest.mark.parametrize("config", [
    {}, {"config": None}, {"config": {"layers": "no"}}, {"config": {"layers": [1, "x", None]}},
    {"config": {"layers": [{"class_name": "Conv2D", "config": {"filters": "many", "kernel_size": None}}]}},
    {"config": {"layers": [{"class_name": "Dense", "config": {"units": -5},
                            "build_config": {"input_shape": [None, True]}}]}},
], ids=str)
def test_the_preflight_takes_nonsense_configs_without_crashing(config):
    from playground.cnn.preflight import check_model_size

    check_model_size(config)   # nothing to refuse, nothing raised


def test_the_preflight_refuses_by_config_alone():
    from playground.cnn.loading import ModelLoadError
    from playground.cnn.preflight import check_model_size

    big = {"config": {"layers": [{"class_name": "InputLayer", "config": {"batch_shape": [None, 6000, 6000, 3]}}]}}
    with pytest.raises(ModelLoadError, match="6000×6000×3"):
        check_model_size(big)
    dense = {"config": {"layers": [{"class_name": "Dense", "config": {"units": 10**6},
                                    "build_config": {"input_shape": [None, 10]}}]}}
    with pytest.raises(ModelLoadError, match="11,000,000"):
        check_model_size(dense)


# ---------------------------------------------------------------- Keras's errors as one line

@pytest.mark.parametrize("text, expected", [
    ("Could not load /tmp/playground-model-abc/upload.keras: bad header", "Could not load …: bad header"),
    ('File "/work/main/.venv/lib/python3.11/site-packages/keras/x.py", line 3\nTraceback', 'File "…", line 3'),
    ("Layer my conv at C:\\Users\\me\\model.keras failed", "Layer my conv at … failed"),
    ("first line\n  second line\n  third", "first line"),
    ("ratio 3/4 and a/b stay", "ratio 3/4 and a/b stay"),
    ("", "ValueError"),
    ("x" * 5000, "x" * 299 + "…"),
    ('in user code:\n\n    File "/work/x.py", line 3\n    ValueError: Exception encountered.\n'
     "    \x1b[1m'a b' is not a valid scope name.\x1b[0m\n", "'a b' is not a valid scope name."),
])
def test_one_line_error(text, expected, caplog):
    from playground.cnn.loading import one_line_error

    with caplog.at_level("WARNING", logger="playground.cnn.loading"):
        assert one_line_error(ValueError(text)) == expected
    assert caplog.records and caplog.records[-1].exc_info   # the whole error is in the server log


# ---------------------------------------------------------------- the dense URL and the notices

@pytest.mark.parametrize("raw, says", [
    ("", "at least one"),
    ("x1,x1", "more than once"),
    ("x1,x2,x1,x2", "more than once"),
    ("x1, x1", "more than once"),
    ("<script>alert(1)</script>", "unknown"),
    ("x1,<img src=x onerror=alert(1)>", "unknown"),
    ("x9" * 2500, "unknown"),
])
def test_bad_features_in_the_url_change_nothing_and_get_a_notice(raw, says):
    from playground.dense.settings import DenseSettings
    from playground.shell import AppShell

    default = DenseSettings().features
    settings, notices = DenseSettings.from_query({"features": raw})
    assert settings.features == default
    assert len(notices) == 1 and says in notices[0], notices
    shell = AppShell()
    shell._show_notices(notices)
    assert "<" not in re.sub(r"</?div>", "", shell._notice_text.object)
    assert len(shell._notice_text.object) < 2 * MAX_CHARS + 100


def test_good_features_still_parse():
    from playground.dense.settings import DenseSettings

    settings, notices = DenseSettings.from_query({"features": "x1,x2,sinx1"})
    assert settings.features == ["x1", "x2", "sinx1"] and notices == []


def test_a_5000_character_notice_is_cut_short():
    from playground.dense.settings import DenseSettings
    from playground.shell import AppShell

    _, notices = DenseSettings.from_query({"learning_rate": "<script>" + "9" * 5000, "b" * 5000: "1"})
    assert len(notices) == 2
    shell = AppShell()
    shell._show_notices(notices)
    shown = shell._notice_text.object
    assert shown.count("…") == 2 and len(shown) < 2 * (MAX_CHARS + 60) and "<script" not in shown


# ---------------------------------------------------------------- the CLI

@pytest.mark.parametrize("epochs", ["100001", "999999999", "-1"])
def test_epochs_out_of_range_is_one_line_and_exit_2(epochs, capsys):
    from playground.cli import main

    assert main(["train", "--epochs", epochs]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--epochs" in err and "100000" in err, err


def test_empty_or_duplicated_features_on_the_cli_are_one_line(capsys):
    from playground.cli import main

    for bad in ("", "x1,x1"):
        assert main(["train", "--features", bad, "--epochs", "1"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "features" in err, err


def test_an_export_into_a_missing_folder_fails_at_once_before_training(tmp_path, capsys):
    from playground.cli import main

    start = time.perf_counter()
    # 100,000 epochs would take minutes: the one line comes before any of them.
    assert main(["train", "--epochs", "100000", "--export-keras", str(tmp_path / "no" / "net.keras")]) == 2
    assert time.perf_counter() - start < 30
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "does not exist" in err, err
    assert main(["train", "--epochs", "100000", "--export-keras", str(tmp_path / "net.h5")]) == 2
    assert "ends in .keras" in capsys.readouterr().err


def test_a_100_kb_value_is_not_echoed_whole_and_bidi_controls_are_stripped(capsys):
    from playground.cli import main

    assert main(["train", "--activation", "\u202e" + "x" * 100_000]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and len(err) < 400 and "\u202e" not in err, err[:500]


def test_an_unexpected_failure_is_one_line_not_a_traceback(monkeypatch, capsys):
    import playground.cli as cli

    parser = cli.build_parser()

    def broken(_args):
        raise RuntimeError("boom at /work/secret/path\nsecond line")

    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    args = parser.parse_args(["train"])
    monkeypatch.setattr(parser, "parse_args", lambda argv=None: args)
    args.func = broken
    assert cli.main(["train"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "second line" not in err, err


@pytest.mark.parametrize("flags", [["--address", "0.0.0.0"], ["--address", "192.168.1.20"], ["--lan"]])
def test_a_server_reachable_beyond_loopback_always_has_a_key_and_an_origin_list(flags):
    import shlex
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "playground.cli", "serve", *flags, "--port", "5124", "--dry-run"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "NN_PLAYGROUND_PRESENT_KEY=" in out, out
    cmd = shlex.split(out.strip().splitlines()[-1])
    origins = {v for k, v in zip(cmd, cmd[1:]) if k == "--allow-websocket-origin"}
    assert origins and not any(o.startswith("*") for o in origins), origins


# ---------------------------------------------------------------- in a real browser

@pytest.mark.keras
@pytest.mark.browser
def test_script_in_an_uploaded_file_name_does_not_run_in_the_browser(page, app_url, tmp_path):
    """The name is shown as text and its onerror/onload never fires (headless Chromium)."""
    page.goto(app_url + "?page=cnn")
    page.get_by_text("Your image & model", exact=True).wait_for(timeout=60_000)
    page.get_by_text("Your image & model", exact=True).click()
    name = "<img src=x onerror=window.__pwned=1><svg onload=window.__pwned=2>.png"
    page.locator(".cnn-image-upload-input input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": b"not pixels"}])
    message = page.locator(".cnn-image-upload-message", has_text="<img src=x onerror=window.__pwned=1>")
    message.wait_for(state="visible", timeout=10_000)
    page.screenshot(path=str(tmp_path / "hostile-name.png"))
    page.locator(".cnn-model-upload-input input[type=file]").set_input_files(
        files=[{"name": "empty.keras", "mimeType": "application/octet-stream", "buffer": b""}])
    page.locator(".cnn-model-upload-message", has_text="empty.keras is empty").wait_for(timeout=10_000)
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


# ---------------------------------------------------------------- the CNN page's URL

@pytest.mark.parametrize("name", ["cnn_model", "cnn_sample", "cnn_layer", "cnn_neuron", "cnn_range", "cnn_tab"])
@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "9" * 5000,
                                 "conv_1_1\x00", "１", "-0", "nan"])
def test_a_hostile_cnn_link_value_is_one_inert_notice_and_changes_nothing_else(name, raw):
    from playground.cnn.url_state import CnnView, read_query
    from playground.shell import AppShell

    good = {"cnn_layer": "conv_1_1", "cnn_neuron": "2", "cnn_tab": "input", "cnn_range": "unit"}
    view, notices = read_query({**good, name: raw}, ["tinyvgg_mnist"], 10, {"conv_1_1": 10})
    assert len(notices) == 1 and name in notices[0], notices
    honoured = CnnView(layer="conv_1_1", neuron=2, tab="input", color_range="unit")
    field = {"cnn_model": "model", "cnn_sample": "sample", "cnn_layer": "layer", "cnn_neuron": "neuron",
             "cnn_range": "color_range", "cnn_tab": "tab"}[name]
    # The bad value falls back to the default; a bad layer takes its neuron with it.
    expected = {**honoured.__dict__, field: getattr(CnnView(), field)}
    if field == "layer":
        expected["neuron"] = 0
    assert view.__dict__ == expected
    shell = AppShell()
    shell._show_notices(notices)
    shown = shell._notice_text.object
    assert "<" not in re.sub(r"</?div>", "", shown) and "\n" not in shown
    assert len(shown) < MAX_CHARS + 100
