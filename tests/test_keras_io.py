"""The dense network to Keras and back, checked against Keras itself (real .keras files, safe_mode)."""
import csv
import re
import subprocess
import sys

import numpy as np
import pytest

from playground.dense import keras_io
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

keras = pytest.importorskip("keras")

CASES = {
    "classic": dict(),
    "relu-regression": dict(dataset="reg-plane", features=["x1", "x2", "x1sq", "sinx2"], hidden=[5, 3],
                            activation="relu"),
    "leaky-xent": dict(dataset="xor", activation="leaky_relu", loss="cross_entropy", optimizer="adam",
                       features=["x1x2", "x1"]),
    "swish": dict(dataset="spiral", activation="swish", hidden=[8, 8, 4], features=list(keras_io.FEATURES)),
    "elu-softmax": dict(dataset="spiral-multi", activation="elu", n_classes=4, hidden=[6]),
    "no-hidden": dict(hidden=[], features=["x1sq", "x2sq"]),
    "dropout-wide": dict(dataset="spiral", hidden=[16, 12], wide_layers=True, dropout=0.3, activation="relu",
                         loss="cross_entropy", batch_size=1200, early_stopping=50),
    "leaky-dropout": dict(dataset="xor", activation="leaky_relu", dropout=0.5, hidden=[5, 5]),
}


def trained(epochs=30, **settings) -> Trainer:
    s = DenseSettings(**settings)
    t = Trainer(s)
    t.step(epochs)
    return t


def reference_loss(out: np.ndarray, trainer: Trainer) -> float:
    """The loss written out from REFERENCE.md: mean of ½Σ(out − y)², or cross-entropy."""
    out = out.astype(np.float64)
    labels = trainer.test.labels
    if trainer.network.output == "softmax":
        return float(-np.mean(np.log(out[np.arange(len(labels)), labels.astype(int)])))
    if trainer.network.output == "sigmoid":
        # The probability of the true class; a float32 sigmoid that rounds to 1 is clipped as ours is.
        p_true = np.where(labels > 0, out[:, 0], 1 - out[:, 0])
        return float(-np.mean(np.log(np.clip(p_true, 1e-12, None))))
    return float(np.mean(0.5 * (out[:, 0] - labels) ** 2))


@pytest.mark.parametrize("case", CASES)
def test_export_equals_the_engine_and_the_reported_test_loss(case, tmp_path):
    t = trained(**CASES[case])
    path = tmp_path / "net.keras"
    keras_io.export_keras(t, path)
    model = keras.saving.load_model(path, safe_mode=True)
    x = t._x_test
    ours = t.network.predict(x)
    theirs = np.asarray(model.predict(x.astype(np.float32), verbose=0))
    np.testing.assert_allclose(theirs, ours, rtol=2e-5, atol=2e-6)
    assert reference_loss(theirs, t) == pytest.approx(t.test_loss, rel=1e-5)


def test_export_with_dropout_has_dropout_layers_after_the_hidden_ones(tmp_path):
    t = trained(**CASES["leaky-dropout"])
    keras_io.export_keras(t, tmp_path / "net.keras")
    model = keras.saving.load_model(tmp_path / "net.keras", safe_mode=True)
    kinds = [(type(layer).__name__, getattr(layer, "rate", None)) for layer in model.layers]
    assert kinds == [("Dense", None), ("LeakyReLU", None), ("Dropout", 0.5)] * 2 + [("Dense", None)]
    # In training Keras drops units; at inference (predict) it is the engine's network.
    x = t._x_test.astype(np.float32)
    assert not np.allclose(model(x, training=True), model(x, training=False))
    np.testing.assert_allclose(model.predict(x, verbose=0), t.network.predict(t._x_test), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("case", ["classic", "leaky-xent", "elu-softmax", "relu-regression", "dropout-wide",
                                  "leaky-dropout"])
def test_round_trip_gives_the_same_test_loss(case, tmp_path):
    t = trained(**CASES[case])
    keras_io.export_keras(t, tmp_path / "net.keras")
    # A fresh trainer on the same data but the default shape: the file brings shape, features and weights.
    s = DenseSettings(**{k: v for k, v in CASES[case].items()
                         if k in ("dataset", "n_classes", "optimizer", "wide_layers")})
    changes, (weights, biases) = keras_io.import_keras(tmp_path / "net.keras", max_neurons=s.max_neurons)
    keras_io.apply_import(s, changes)
    assert s.features == t.settings.features and s.hidden == t.settings.hidden
    assert s.dropout == t.settings.dropout
    back = Trainer(s)
    back.load_weights(weights, biases)
    assert back.test_loss == pytest.approx(t.test_loss, rel=1e-5)
    assert back.step(2) == 2 and back.epoch == 2   # and training continues from there


def test_csv_columns_labels_and_split(tmp_path):
    t = trained(epochs=1, dataset="spiral-multi", n_classes=3, features=["x2", "sinx1", "x1", "x1x2"])
    keras_io.export_csv(t, tmp_path / "d.csv")
    rows = list(csv.DictReader(open(tmp_path / "d.csv")))
    assert list(rows[0]) == ["x1", "x2", "sinx1", "x1x2", "label", "split"]
    assert len(rows) == len(t.train) + len(t.test)
    assert [r["split"] for r in rows].count("test") == len(t.test)
    assert {r["label"] for r in rows} == {"0", "1", "2"}
    first = rows[0]
    assert float(first["sinx1"]) == pytest.approx(np.sin(float(first["x1"])))
    assert float(first["x1x2"]) == pytest.approx(float(first["x1"]) * float(first["x2"]))


@pytest.mark.parametrize("case", ["classic", "elu-softmax", "relu-regression", "dropout-wide"])
def test_exported_script_runs_and_evaluates(case, tmp_path):
    t = trained(epochs=1, **CASES[case])
    keras_io.export_csv(t, tmp_path / "d.csv")
    keras_io.export_script(t, tmp_path / "train.py", epochs=3)
    text = (tmp_path / "train.py").read_text()
    assert f"batch_size={t.batch_size}, epochs=3" in text and "learning_rate=0.03" in text
    if t.settings.dropout:
        assert text.count(f"keras.layers.Dropout({t.settings.dropout})") == len(t.settings.hidden)
    if t.settings.early_stopping:
        assert (f'EarlyStopping(monitor="val_loss", patience={t.settings.early_stopping}, restore_best_weights=True)'
                in text and "callbacks=[EpochLine(), stop]" in text)
    run = subprocess.run([sys.executable, str(tmp_path / "train.py"), str(tmp_path / "d.csv")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    loss = re.search(r"test loss (\d+\.\d+)", run.stdout)
    assert loss and 0 < float(loss.group(1)) < 100, run.stdout
    assert ("accuracy" in run.stdout) == (t.settings.kind != "regression"), run.stdout


def _save(model, path):
    model.save(path)
    return path


def test_models_that_do_not_fit_are_refused_with_one_line(tmp_path):
    inp = keras.Input((2,))
    cases = {
        "output is never dropped": keras.Sequential([inp, keras.layers.Dense(4, activation="tanh"),
                                                     keras.layers.Dense(1, activation="tanh"),
                                                     keras.layers.Dropout(0.5)]),
        "one rate": keras.Sequential([inp, keras.layers.Dense(4, activation="tanh"), keras.layers.Dropout(0.5),
                                      keras.layers.Dense(4, activation="tanh"), keras.layers.Dropout(0.2),
                                      keras.layers.Dense(1, activation="tanh")]),
        "BatchNormalization": keras.Sequential([inp, keras.layers.Dense(4, activation="tanh"),
                                                keras.layers.BatchNormalization(),
                                                keras.layers.Dense(1, activation="tanh")]),
        "at most 8 neurons .turn on 16 neurons under Advanced": keras.Sequential(
            [inp, keras.layers.Dense(9, activation="tanh"), keras.layers.Dense(1, activation="tanh")]),
        "slope 0.2": keras.Sequential([inp, keras.layers.Dense(4, activation="leaky_relu"),
                                       keras.layers.Dense(1, activation="tanh")]),
        "output activation": keras.Sequential([inp, keras.layers.Dense(1, activation="relu")]),
        "inputs": keras.Sequential([keras.Input((9,)), keras.layers.Dense(1, activation="tanh")]),
        "2 units with softmax": keras.Sequential([inp, keras.layers.Dense(2, activation="softmax")]),
    }
    for why, model in cases.items():
        with pytest.raises(keras_io.KerasImportError, match=why) as err:
            keras_io.import_keras(_save(model, tmp_path / "m.keras"))
        assert "\n" not in str(err.value)


def test_sixteen_neurons_load_only_under_advanced(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(1, activation="tanh")])
    path = _save(model, tmp_path / "wide.keras")
    with pytest.raises(keras_io.KerasImportError, match="Advanced"):
        keras_io.import_keras(path)
    changes, (weights, _biases) = keras_io.import_keras(path, max_neurons=16)
    assert changes["hidden"] == [16] and weights[0].shape == (2, 16)
    too_wide = _save(keras.Sequential([keras.Input((2,)), keras.layers.Dense(17, activation="tanh"),
                                       keras.layers.Dense(1, activation="tanh")]), tmp_path / "w17.keras")
    with pytest.raises(keras_io.KerasImportError, match="at most 16 neurons"):
        keras_io.import_keras(too_wide, max_neurons=16)


def test_lambda_layer_is_refused_without_running_it(tmp_path):
    marker = str(tmp_path / "ran")

    def touch_marker(v):
        open(marker, "w").close()   # noqa: SIM115 - a side effect that shows the code ran
        return v * 2

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(touch_marker),
                              keras.layers.Dense(1, activation="tanh")])
    path = _save(model, tmp_path / "lambda.keras")
    (tmp_path / "ran").unlink()   # building the model ran it once, here
    with pytest.raises(keras_io.KerasImportError, match="(?i)lambda") as err:
        keras_io.import_keras(path)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "ran").exists()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "playground.cli", "train", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_exports_and_loads_back(tmp_path):
    out = tmp_path / "n.keras"
    first = _cli("--epochs", "20", "--features", "x1,x2,x1sq", "--export-keras", str(out), "--export-csv",
                 str(tmp_path / "d.csv"), "--export-script", str(tmp_path / "t.py"), "--json")
    assert first.returncode == 0, first.stderr[-2000:]
    assert out.stat().st_size > 0 and (tmp_path / "d.csv").exists() and (tmp_path / "t.py").exists()
    again = _cli("--epochs", "0", "--load-keras", str(out), "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    import json

    a, b = json.loads(first.stdout.splitlines()[-1]), json.loads(again.stdout.splitlines()[-1])
    assert b["settings"]["features"] == "x1,x2,x1sq"
    assert b["test_loss"] == pytest.approx(a["test_loss"], rel=1e-5)


def test_export_only_writes_dot_keras(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        keras_io.export_keras(trained(epochs=1), tmp_path / "net.h5")
    assert not (tmp_path / "net.h5").exists()


def test_cli_refuses_a_bad_file_with_exit_2(tmp_path):
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"not a zip at all")
    run = _cli("--epochs", "1", "--load-keras", str(bad))
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("playground: error")]
    assert len(errors) == 1 and "Traceback" not in run.stderr


# ---- the page's Export/Import (KerasExchange), without a browser -----------------------------


def exchange(**settings):
    import threading

    from playground.dense.keras_exchange import KerasExchange

    s = DenseSettings(**settings)
    t = Trainer(s)
    notices, pauses, redraws = [], [], []
    s.param.watch(lambda *events: t.apply({e.name for e in events}), list(s.param)[1:])   # as the page does
    ex = KerasExchange(s, t, threading.RLock(), notify=notices.append, pause=lambda: pauses.append(1),
                       redraw=lambda: redraws.append(1))
    return ex, notices, pauses, redraws


def test_downloads_are_the_files_keras_reads(tmp_path):
    ex, notices, pauses, _redraws = exchange(dataset="xor", hidden=[6, 3], dropout=0.2, early_stopping=10)
    ex.trainer.step(20)
    data = ex.export("keras")
    assert pauses and not notices
    (tmp_path / "n.keras").write_bytes(data)
    model = keras.saving.load_model(tmp_path / "n.keras", safe_mode=True)
    np.testing.assert_allclose(model.predict(ex.trainer._x_test.astype(np.float32), verbose=0),
                               ex.trainer.network.predict(ex.trainer._x_test), rtol=2e-5, atol=2e-6)
    assert ex.export("csv").decode().splitlines()[0] == "x1,x2,label,split"
    script = ex.export("script").decode()
    assert "python train_playground.py DATA.csv" in script and "EarlyStopping" in script


def test_an_upload_brings_its_shape_and_weights(tmp_path):
    source = trained(dataset="xor", hidden=[5, 4], activation="relu", features=["x1", "x2", "x1x2"], dropout=0.1)
    keras_io.export_keras(source, tmp_path / "n.keras")
    ex, notices, _pauses, redraws = exchange(dataset="xor")
    ex.load("my net.keras", (tmp_path / "n.keras").read_bytes())
    assert ex.settings.hidden == [5, 4] and ex.settings.activation == "relu" and ex.settings.dropout == 0.1
    assert ex.trainer.test_loss == pytest.approx(source.test_loss, rel=1e-5) and redraws
    assert notices == ["Loaded my net.keras: training goes on from its weights."]


def test_hostile_uploads_get_one_line_and_change_nothing(tmp_path):
    good = tmp_path / "good.keras"
    keras_io.export_keras(trained(epochs=1), good)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda v: v * 2),
                              keras.layers.Dense(1, activation="tanh")])
    model.save(tmp_path / "lambda.keras")
    (tmp_path / "config.json").write_text("{}")
    import zipfile

    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as z:
        z.write(tmp_path / "config.json", "config.json")
    uploads = {
        "lambda.keras": (tmp_path / "lambda.keras").read_bytes(),
        "cut.keras": good.read_bytes()[: good.stat().st_size // 2],
        "notes.keras": b"just some text, not a model",
        "empty.keras": (tmp_path / "empty.keras").read_bytes(),
        "<b>x</b>.keras": b"PK\x03\x04",
        "multi.keras": (tmp_path / "good.keras").read_bytes(),   # binary model, multi-class data set
    }
    for name, data in uploads.items():
        ex, notices, _pauses, redraws = exchange(dataset="spiral-multi" if name == "multi.keras" else "circle",
                                                 hidden=[3])
        before = [w.copy() for w in ex.trainer.network.weights]
        ex.load(name, data)
        assert len(notices) == 1 and "\n" not in notices[0] and str(tmp_path) not in notices[0], (name, notices)
        assert notices[0].startswith(("cannot load", "the model", "layer")), notices[0]
        assert ex.settings.hidden == [3] and not redraws
        for w0, w1 in zip(before, ex.trainer.network.weights):
            np.testing.assert_array_equal(w0, w1)
        assert ex.trainer.step(1) == 1    # and the session keeps working
