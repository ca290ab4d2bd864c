"""The learner's own data: CSV import (good and bad files), the export round trip, links, faults on purpose."""
import json
import subprocess
import sys

import numpy as np
import pytest

from playground.cli import main
from playground.datasets.csv_data import MAX_POINTS, CsvError, parse_csv, read_csv
from playground.datasets.playground_data import OwnData, generate, split
from playground.dense import keras_io
from playground.dense.data_source import (DataSource, MAX_LINK_POINTS, LINK_STEP, decode_points, encode_points,
                                          load_own)
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer


# ---- good files ---------------------------------------------------------------------------------------

def test_headerless_pm1_labels_are_two_classes_and_stay_put():
    own = parse_csv("1.5,-2,1\n-3,4,-1\n0.5,5.5,1\n")
    assert own.kind == "binary" and own.n_classes == 2 and own.is_test is None
    assert own.points.tolist() == [[1.5, -2], [-3, 4], [0.5, 5.5]] and own.labels.tolist() == [1, -1, 1]
    assert own.scale == 1.0 and own.offset == (0.0, 0.0)


def test_zero_one_labels_become_pm1_and_the_split_column_is_read():
    own = parse_csv("x1,x2,label,split\n1,2,0,train\n3,4,1,TEST\n-2,2,1,train\n")
    assert own.labels.tolist() == [-1, 1, 1] and own.is_test.tolist() == [False, True, False]


def test_class_indices_are_several_classes_and_other_numbers_regression():
    own = parse_csv("\n".join(f"{i % 5},{i % 3},{i % 4}" for i in range(12)))
    assert own.kind == "multiclass" and own.n_classes == 4
    reg = parse_csv("1,1,0.25\n2,2,-1.5\n3,3,7\n")
    assert reg.kind == "regression" and reg.labels.tolist() == [0.25, -1.5, 7]


def test_far_points_are_centred_and_scaled_into_the_map_and_say_by_how_much():
    own = parse_csv("100,200,1\n140,260,-1\n120,230,1\n")
    assert own.scale == pytest.approx(5 / 30) and own.offset == (120.0, 230.0)
    assert np.abs(own.points).max() == pytest.approx(5.0)
    # Undo the stated transform: the file's numbers come back.
    np.testing.assert_allclose(own.points / own.scale + own.offset, [[100, 200], [140, 260], [120, 230]])


# ---- bad files: one line, naming the line ------------------------------------------------------------

BAD = {
    "missing column": ("x1,x2,label\n1,2,1\n3,4\n", 3, "2 value(s)"),
    "text in a number column": ("1,2,1\n3,four,1\n", 2, "'four', not a number"),
    "NaN": ("1,2,1\n3,4,-1\n5,nan,1\n", 3, "finite"),
    "a single class": ("1,2,1\n3,4,1\n5,6,1\n", 3, "every label is 1"),
    "too many points": ("x1,x2,label\n" + "1,2,1\n2,1,-1\n" * (MAX_POINTS // 2 + 1), MAX_POINTS + 2,
                        f"more than {MAX_POINTS} points"),
    "header without label": ("x1,x2,y\n1,2,1\n", 1, "no column label"),
    "bad split": ("1,2,1,train\n3,4,-1,validate\n", 2, "train or test"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_gets_one_line_naming_the_line(case):
    text, line, words = BAD[case]
    with pytest.raises(CsvError) as info:
        parse_csv(text)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"line {line}:") and words in message


def test_a_bad_file_changes_nothing_in_a_session(tmp_path):
    trainer = Trainer(DenseSettings())
    before = trainer.train.points.copy()
    path = tmp_path / "bad.csv"
    path.write_text("1,2,1\n3,4,x\n")
    with pytest.raises(CsvError):
        load_own(trainer, read_csv(path))
    assert trainer.settings.dataset == "circle" and trainer.source.own is None
    np.testing.assert_array_equal(trainer.train.points, before)


# ---- the export round trip ---------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [dict(features=["x1", "x2", "x1sq", "sinx2"]),
                                      dict(dataset="blobs", n_classes=5), dict(dataset="reg-gauss")])
def test_export_csv_reads_back_as_the_same_data(settings, tmp_path):
    t = Trainer(DenseSettings(**settings))
    keras_io.export_csv(t, tmp_path / "data.csv")
    own = read_csv(tmp_path / "data.csv")
    assert own.kind == t.train.kind and own.n_classes == t.train.n_classes and own.scale == 1.0
    np.testing.assert_array_equal(own.points, np.vstack([t.train.points, t.test.points]))
    np.testing.assert_array_equal(own.labels, np.concatenate([t.train.labels, t.test.labels]))
    assert own.is_test.sum() == len(t.test)
    # Trained on, it is the same split (in another order): the same points train, the same test.
    again = Trainer(DenseSettings(**settings))
    load_own(again, own)
    for ours, theirs in ((again.train, t.train), (again.test, t.test)):
        key = np.lexsort(ours.points.T), np.lexsort(theirs.points.T)
        np.testing.assert_array_equal(ours.points[key[0]], theirs.points[key[1]])
        np.testing.assert_array_equal(ours.labels[key[0]], theirs.labels[key[1]])


# ---- the CLI ------------------------------------------------------------------------------------------

def test_cli_trains_on_a_csv_and_reports_its_measures(tmp_path, capsys):
    rng = np.random.default_rng(0)
    pts = rng.uniform(-5, 5, (200, 2))
    rows = [f"{x},{y},{int(x * y > 0)}" for x, y in pts]
    (tmp_path / "mine.csv").write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    assert main(["train", "--data-csv", str(tmp_path / "mine.csv"), "--features", "x1x2", "--epochs", "100",
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["settings"]["dataset"] == "own" and summary["classes"] == [-1, 1]
    assert np.sum(summary["train_confusion"]) == 100 and np.sum(summary["test_confusion"]) == 100
    assert summary["test_accuracy"] > 0.9


def test_cli_bad_csv_exits_2_with_one_line_naming_the_line(tmp_path):
    (tmp_path / "bad.csv").write_text("1,2,1\n3,4,-1\n5,6\n")
    r = subprocess.run([sys.executable, "-m", "playground.cli", "train", "--data-csv", str(tmp_path / "bad.csv")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground: error: bad.csv: line 3:")
    assert str(tmp_path) not in r.stderr   # the file's name, never the server's path


def test_cli_own_dataset_without_a_csv_is_an_error(capsys):
    assert main(["train", "--dataset", "own", "--epochs", "1"]) == 2
    assert "--data-csv" in capsys.readouterr().err


# ---- own data as a data set like the others -------------------------------------------------------------

def own_xor(n=80, seed=0, **kw):
    pts = np.random.default_rng(seed).uniform(-5, 5, (n, 2))
    return OwnData(pts, np.where(pts[:, 0] * pts[:, 1] > 0, 1.0, -1.0), "binary", 2, None, **kw)


def test_noise_moves_copies_of_own_points_and_the_ratio_splits_them():
    own = own_xor()
    kept = own.points.copy()
    t = Trainer(DenseSettings(noise=20, train_ratio=70))
    load_own(t, own)
    assert len(t.train) == 56 and len(t.test) == 24
    np.testing.assert_array_equal(own.points, kept)        # the stored points never move
    moved = np.vstack([t.train.points, t.test.points])
    gap = np.abs(moved[:, None, :] - kept[None]).max(axis=2).min(axis=1)   # to the nearest stored point
    assert 0 < gap.max() <= 5 * 0.2


def test_a_link_without_its_points_stands_in_a_generated_set():
    settings, notices = DenseSettings.from_query({"dataset": "own-multi"})
    assert not notices and settings.kind == "multiclass"
    t = Trainer(settings)
    assert t.source.missing and t.train.kind == "multiclass" and len(t.train) > 0


# ---- links ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_drawn_points_survive_a_link_to_the_step(kind):
    rng = np.random.default_rng(2)
    pts = rng.uniform(-6, 6, (MAX_LINK_POINTS, 2))
    labels = {"binary": rng.choice([-1.0, 1.0], len(pts)), "multiclass": rng.integers(0, 4, len(pts)).astype(float),
              "regression": np.round(rng.uniform(-1, 1, len(pts)), 3)}[kind]
    own = OwnData(pts, labels, kind, {"binary": 2, "multiclass": 4, "regression": 0}[kind], rng.random(len(pts)) < 0.3)
    text = encode_points(own)
    assert len(text) <= 8 * MAX_LINK_POINTS + 2 and text.isascii() and "&" not in text and "=" not in text
    back = decode_points(text)
    assert back.kind == kind and back.n_classes == own.n_classes
    assert np.abs(back.points - pts).max() <= LINK_STEP / 2 + 1e-12
    np.testing.assert_allclose(back.labels, labels, atol=5e-4)
    np.testing.assert_array_equal(back.is_test, own.is_test)


def test_a_link_refuses_too_many_points_and_damaged_text():
    with pytest.raises(ValueError, match="Export CSV"):
        encode_points(own_xor(MAX_LINK_POINTS + 1))
    good = encode_points(own_xor(10))
    for bad in ("", "x2AAAA", good[:-1], good[:2] + "!!!!"):
        with pytest.raises(ValueError):
            decode_points(bad)


# ---- faults on purpose ----------------------------------------------------------------------------------

def test_with_no_faults_the_data_is_the_generated_split_bit_for_bit():
    s = DenseSettings(dataset="spiral", noise=10, data_seed=4)
    train, test = DataSource().make(s)
    ref_train, ref_test = split(generate("spiral", 10, seed=4), 50)
    np.testing.assert_array_equal(train.points, ref_train.points)
    np.testing.assert_array_equal(test.labels, ref_test.labels)


@pytest.mark.parametrize("dataset", ["circle", "blobs", "reg-plane"])
def test_label_noise_flips_that_share_of_training_labels_only_and_is_reproducible(dataset):
    clean = DataSource().make(DenseSettings(dataset=dataset))
    noisy = DataSource().make(DenseSettings(dataset=dataset, label_noise=20))
    again = DataSource().make(DenseSettings(dataset=dataset, label_noise=20))
    other = DataSource().make(DenseSettings(dataset=dataset, label_noise=20, data_seed=1))
    changed = noisy[0].labels != clean[0].labels
    assert changed.sum() == round(0.2 * len(clean[0]))
    np.testing.assert_array_equal(noisy[0].points, clean[0].points)
    np.testing.assert_array_equal(noisy[1].labels, clean[1].labels)      # the test split stays true
    np.testing.assert_array_equal(noisy[0].labels, again[0].labels)
    assert not np.array_equal(other[0].labels, DataSource().make(DenseSettings(dataset=dataset, data_seed=1))[0].labels)
    if dataset == "blobs":   # a flipped class is always another class
        assert set(np.unique(noisy[0].labels[changed])) <= {0.0, 1.0, 2.0}


def test_class_keep_keeps_that_share_of_the_positive_class():
    clean_train, clean_test = DataSource().make(DenseSettings(dataset="gauss"))
    train, test = DataSource().make(DenseSettings(dataset="gauss", class_keep=20))
    for kept, full in ((train, clean_train), (test, clean_test)):
        assert (kept.labels == 1).sum() == round(0.2 * (full.labels == 1).sum())
        assert (kept.labels == -1).sum() == (full.labels == -1).sum()


def test_faults_are_in_the_url_and_the_cli(capsys):
    settings, notices = DenseSettings.from_query({"label_noise": "15", "class_keep": "30"})
    assert not notices and (settings.label_noise, settings.class_keep) == (15, 30)
    assert settings.to_query()["label_noise"] == "15"
    _, notices = DenseSettings.from_query({"label_noise": "80"})
    assert notices and "label_noise" in notices[0]
    assert main(["train", "--dataset", "gauss", "--class-keep", "10", "--label-noise", "5", "--epochs", "1",
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["settings"]["class_keep"] == "10"
    assert np.sum(summary["test_confusion"], axis=1)[1] == round(0.1 * 125)   # the +1 row: 10 % of it


# ---- own data in a link -----------------------------------------------------------------------------------

def test_a_link_with_drawn_points_trains_on_them_and_bad_points_are_a_notice():
    t = Trainer(DenseSettings())
    load_own(t, own_xor(40))
    query = t.settings.to_query()
    assert query["dataset"] == "own" and query["points"]
    settings, notices = DenseSettings.from_query(query)
    assert not notices
    again = Trainer(settings)
    assert not again.source.missing and len(again.train) + len(again.test) == 40
    np.testing.assert_allclose(np.sort(again.train.points[:, 0]), np.sort(t.train.points[:, 0]), atol=LINK_STEP / 2)
    _, notices = DenseSettings.from_query({"dataset": "own", "points": "b2@@@"})
    assert len(notices) == 1 and "points" in notices[0]


def test_over_300_points_leave_the_link_and_say_so(tmp_path):
    from playground.dense.data_import import import_message

    t = Trainer(DenseSettings())
    big = own_xor(MAX_LINK_POINTS + 1)
    load_own(t, big)
    assert t.settings.points == "" and t.settings.dataset == "own"
    assert "CSV" in import_message(big)
