"""A teacher's `hide=keras` / `lock=keras` takes the Keras card away and the server refuses its import.

The browser only hides or greys out the card; a forged websocket message still sets the upload's
value on the server. These tests set it there, as such a message does, and check that nothing changed.
"""
from __future__ import annotations

import param
import pytest

from playground.dense import page as dense_page
from playground.dense.share import parse_view, share_query


def _page(monkeypatch, query: dict[str, str]):
    monkeypatch.setattr(dense_page, "session_query", lambda: dict(query))
    return dense_page.DensePage()


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory) -> bytes:
    """A real .keras of the page's default shape (2 inputs, 4 and 2 hidden, 1 output), weights all 0.25."""
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2, activation="tanh"), keras.layers.Dense(1, activation="tanh")],
                             name="playground_x1_x2")
    for w in model.weights:
        w.assign(w.numpy() * 0 + 0.25)
    path = tmp_path_factory.mktemp("keras") / "m.keras"
    model.save(path)
    return path.read_bytes()


def _forge_upload(page, data: bytes) -> None:
    """What a forged websocket message does: set the (hidden or disabled) FileInput's value on the server."""
    upload = page.keras.view.upload
    with param.edit_constant(upload):
        upload.param.update(filename="m.keras", value=data)


def _weights(page):
    return [w.copy() for w in page.trainer.network.weights]


def _card(page):
    return next(c for c in page._data_column if getattr(c, "title", None) == "Keras: export and import")


def test_keras_is_a_control_a_link_can_hide_and_lock():
    view, notices = parse_view({"hide": "keras", "lock": "noise"})
    assert notices == [] and view.hidden == {"keras"} and view.frozen == {"keras", "noise"}
    assert share_query({}, view) == {"hide": "keras", "lock": "noise"}


@pytest.mark.parametrize("key", ["hide", "lock"])
def test_a_hidden_or_locked_keras_card_refuses_a_forged_import(monkeypatch, keras_file, key):
    page = _page(monkeypatch, {key: "keras"})
    try:
        assert page.keras.view.upload.disabled
        assert _card(page).visible is (key == "lock") and page.keras.view.shown is (key == "lock")
        before = _weights(page)
        _forge_upload(page, keras_file)
        assert all((a == b).all() for a, b in zip(before, page.trainer.network.weights))
        assert "Keras import closed" in page.notices[-1] and "\n" not in page.notices[-1]
    finally:
        page.loop.close()


def test_without_the_lock_the_same_forged_import_loads(monkeypatch, keras_file):
    """The control: the same upload on an open page changes the weights (so the tests above could fail)."""
    page = _page(monkeypatch, {"lock": "noise"})
    try:
        assert not page.keras.view.upload.disabled and _card(page).visible
        _forge_upload(page, keras_file)
        assert all((w == 0.25).all() for w in page.trainer.network.weights), page.notices[-1]
        assert page.notices[-1].startswith("Loaded m.keras")
    finally:
        page.loop.close()
