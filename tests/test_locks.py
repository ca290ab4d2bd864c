"""A teacher's `lock=` and `hide=` hold on the server: whatever sets a held setting, it is set back."""
from __future__ import annotations

import param
import pytest

from playground.dense import page as dense_page
from playground.dense.settings import DenseSettings
from playground.dense.teaching import SETTING_WIDGETS, control
from playground.serve.locks import held, hold


def locked_page(monkeypatch, query: dict[str, str]):
    monkeypatch.setattr(dense_page, "session_query", lambda: dict(query))
    return dense_page.DensePage()


def test_a_held_setting_is_put_back_before_other_watchers_see_it():
    s = DenseSettings(learning_rate=0.03)
    undone, seen = [], []
    hold(s, ["learning_rate", "hidden"], refused=undone.append)
    s.param.watch(lambda *events: seen.append((s.learning_rate, list(s.hidden))), ["learning_rate", "hidden", "noise"])
    s.learning_rate = 10
    s.param.update(hidden=[8, 8, 8], noise=20)
    assert s.learning_rate == 0.03 and s.hidden == [4, 2] and s.noise == 20     # the free one changed
    assert undone == [["learning_rate"], ["hidden"]]
    assert all(value == (0.03, [4, 2]) for value in seen)    # no watcher ever saw 10 or [8, 8, 8] as current
    assert held(s) == {"learning_rate", "hidden"} and held(DenseSettings()) == frozenset()


@pytest.mark.parametrize("name, forged", [
    ("learning_rate", 10.0), ("activation", "relu"), ("epochs_per_frame", 50), ("seed", 7), ("batch_size", 1),
    ("noise", 50), ("features", ["x1", "x2", "x1sq"]),
])
def test_a_locked_or_hidden_widget_changed_over_the_websocket_changes_nothing(monkeypatch, name, forged):
    for key in ("lock", "hide"):
        page = locked_page(monkeypatch, {key: name})
        before = getattr(page.settings, name)
        widget = control(page.controls, SETTING_WIDGETS[name][0])
        # What a forged websocket message does: set the disabled widget's value on the server.
        # (A slider's browser sends `value_throttled` too, which Panel marks constant for Python.)
        with param.edit_constant(widget):
            widget.param.update(value=forged, **({"value_throttled": forged} if "value_throttled" in widget.param
                                                 else {}))
        assert getattr(page.settings, name) == before, (key, name)
        assert page.trainer.settings is page.settings and getattr(page.trainer.settings, name) == before
        assert any("keeps" in notice for notice in page.notices), (key, page.notices)
        page.loop.close()


def test_a_lesson_and_a_keras_import_cannot_change_a_locked_shape(monkeypatch, tmp_path):
    keras = pytest.importorskip("keras")
    page = locked_page(monkeypatch, {"hide": "hidden", "lock": "learning_rate"})
    page.apply_query({"hidden": "8,8,8", "learning_rate": "3"})
    assert page.settings.hidden == [4, 2] and page.settings.learning_rate == 0.03

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                              keras.layers.Dense(1, activation="tanh")], name="playground_x1_x2")
    model.save(tmp_path / "m.keras")
    weights = [w.copy() for w in page.trainer.network.weights]
    page.keras.load("m.keras", (tmp_path / "m.keras").read_bytes())
    assert page.settings.hidden == [4, 2]
    assert "hidden" in page.notices[-1] and "keeps" in page.notices[-1] and "\n" not in page.notices[-1]
    assert all((a == b).all() for a, b in zip(weights, page.trainer.network.weights))
    page.loop.close()
