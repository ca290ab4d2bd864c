"""The CNN page's tutorials: one per view, in both languages, and what they claim is what Keras does."""
from __future__ import annotations

import numpy as np
import pytest

from playground.cnn.kinds import KINDS
from playground.cnn.tutorials import TUTORIALS, tutorial
from playground.components.cnn.tutorial_card import TutorialCard, tutorial_html
from playground.i18n import reset_language, use_language

VIEWS = ("conv", "relu", "pool", "flatten", "softmax", "hyperparameters")


def test_every_view_of_the_page_has_its_tutorial():
    assert set(VIEWS) <= set(TUTORIALS)
    # Every layer kind names a tutorial that exists; the kinds that have a view of their own get its tutorial.
    tutorials = {name: kind.tutorial for name, kind in KINDS.items()}
    assert all(key in TUTORIALS for key in tutorials.values()), tutorials
    assert tutorials["conv"] == "conv" and tutorials["pool"] == "pool" and tutorials["linear"] == "relu"
    assert tutorials["dropout"] == "overview"
    for t in TUTORIALS.values():
        assert t.title and len(t.paragraphs) >= 2 and t.try_this, t.key


@pytest.mark.parametrize("key", sorted(TUTORIALS))
def test_each_tutorial_reads_in_ukrainian(key):
    english = tutorial(key)
    token = use_language("uk")
    try:
        ukrainian = tutorial(key)
    finally:
        reset_language(token)
    for en, uk in zip((english.title, *english.paragraphs, *english.try_this),
                      (ukrainian.title, *ukrainian.paragraphs, *ukrainian.try_this)):
        assert uk != en and any("а" <= ch <= "я" for ch in uk.lower()), en
        assert uk.count("<b>") == en.count("<b>") == uk.count("</b>")


def test_the_card_shows_the_text_and_keeps_its_state():
    card = TutorialCard("cnn-tutorial")
    t = tutorial("conv")
    card.show(t.key, t.title, t.paragraphs, t.try_this)
    body = card._body.object
    assert body == tutorial_html(t.paragraphs, t.try_this)
    assert body.count("<p>") == len(t.paragraphs) and body.count("<li>") == len(t.try_this)
    card._card.collapsed = True
    p = tutorial("pool")
    card.show(p.key, p.title, p.paragraphs, p.try_this)
    assert card.key == "pool" and card.collapsed      # the learner closed it: it stays closed


def test_the_output_size_rule_in_the_tutorial_is_the_one_the_widget_computes():
    from playground.components.cnn.hyperparameters import conv_fit

    assert "(n + 2p − k) / s + 1" in " ".join(tutorial("hyperparameters").paragraphs)
    # The "try this" cases: padding 1 keeps 7×7 with a 3×3 kernel; stride 2 fits 7 but not 8.
    assert conv_fit(7, 3, 1, 1).output == 7 and conv_fit(7, 3, 0, 1).output == 5
    assert conv_fit(7, 3, 0, 2).fits and not conv_fit(8, 3, 0, 2).fits
    assert conv_fit(3, 5, 0, 1).output == 0


def test_the_parameter_count_in_the_convolution_tutorial_is_keras_s():
    keras = pytest.importorskip("keras")
    assert "10·9 + 1 = 91" in " ".join(tutorial("conv").paragraphs)
    layer = keras.layers.Conv2D(1, 3)
    layer.build((None, 8, 8, 10))
    assert layer.count_params() == 91


def test_flatten_order_in_the_tutorial_is_keras_s():
    keras = pytest.importorskip("keras")
    assert "row by row, and within each pixel it takes every channel in turn" in tutorial("flatten").paragraphs[1]
    h, w, c = 2, 3, 4
    maps = np.arange(h * w * c, dtype=np.float32).reshape(1, h, w, c)
    flat = np.asarray(keras.layers.Flatten()(maps))[0]
    row, col, ch = 1, 2, 3
    assert flat[(row * w + col) * c + ch] == maps[0, row, col, ch]


def test_softmax_as_the_tutorial_says_matches_keras():
    keras = pytest.importorskip("keras")
    z = np.array([2.0, 1.0, -1.0], np.float32)
    mine = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(mine, np.asarray(keras.activations.softmax(z[None]))[0], rtol=1e-6)
    assert mine.sum() == pytest.approx(1.0) and mine[0] > 0.7   # a logit 1 larger takes most of it
