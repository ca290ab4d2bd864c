"""The dense page's view pieces and wiring, without a browser: what they send is the model's numbers."""
from __future__ import annotations

import io

import numpy as np
import pytest

from playground.components.dense.dataset_picker import png_bytes, scatter_thumbnail
from playground.components.dense.loss_chart import MAX_POINTS, LossChart
from playground.components import live_updates
from playground.components.dense.network_diagram import THUMB_CELLS, NetworkDiagram, atlas, link_width, thumbnails
from playground.components.palettes import (CLASS_SHADES, GAP, SHADES, class_codes, class_confidence, class_palette,
                                            class_mapper, code_mapper, diverging_colours, diverging_palette, shade_codes)
from playground.dense.page import DensePage
from playground.i18n import reset_language, use_language


def test_thumbnails_are_block_means():
    grids = np.random.default_rng(1).normal(size=(3, 100, 100)).astype(np.float32)
    small = thumbnails(grids)
    assert small.shape == (3, 25, 25) and small.dtype == np.float32
    np.testing.assert_allclose(small[2, 7, 11], grids[2, 28:32, 44:48].mean(), rtol=1e-5)


def test_atlas_places_each_thumbnail_top_aligned_with_transparent_gaps():
    a = np.full((2, THUMB_CELLS, THUMB_CELLS), 1, np.uint8)
    b = np.full((1, THUMB_CELLS, THUMB_CELLS), 2, np.uint8)
    b[0, 0, 0] = 3                                       # bottom-left cell of b's only node
    image = atlas([a, b], row_pitch=30, col_pitch=40, rows=2)
    assert image.shape == (30 + THUMB_CELLS, 40 + THUMB_CELLS) and image.dtype == np.uint8
    top = image.shape[0] - THUMB_CELLS                   # row 0 is the bottom of the picture
    assert (image[top:, :THUMB_CELLS] == 1).all() and (image[:THUMB_CELLS, :THUMB_CELLS] == 1).all()
    assert image[top, 40] == 3 and (image[top:, 40:] == 2).sum() == THUMB_CELLS ** 2 - 1
    assert (image[:top, 40:] == GAP).all()              # column b has one node: the rest is empty
    assert (image[THUMB_CELLS:top, :] == GAP).all()     # the gap between a's two nodes


def test_shade_numbers_give_the_colours_of_the_minus_one_to_one_scale():
    """The byte sent per cell, coloured by its mapper, is the colour the value has on the scale."""
    values = np.concatenate([np.linspace(-1.5, 1.5, 3001), [-1.0, 0.0, 1.0]]).astype(np.float32)
    codes = shade_codes(values)
    assert codes.dtype == np.uint8 and codes.max() == SHADES - 1 and codes.min() == 0
    mapper, palette = code_mapper(diverging_palette(), "#000000"), diverging_palette()
    # Bokeh's rule for a value v: palette[floor((v − low) / (high − low) · N)], clamped.
    keys = np.clip(np.floor((codes - mapper.low) / (mapper.high - mapper.low) * len(palette)), 0, len(palette) - 1)
    assert [palette[int(k)] for k in keys] == diverging_colours(values)   # the points' own colouring
    assert shade_codes(np.array([-np.inf, np.inf])).tolist() == [0, SHADES - 1]     # a diverging run's ±∞
    assert shade_codes(np.array([np.nan]))[0] == GAP and GAP > mapper.high   # NaN: the mapper's `beyond` colour


def test_class_shade_numbers_follow_the_class_and_its_confidence():
    probs = np.random.default_rng(0).dirichlet(np.ones(4), size=(6, 6)).transpose(2, 0, 1)
    codes = class_codes(probs)
    assert codes.dtype == np.uint8 and codes.max() < 4 * CLASS_SHADES <= len(class_palette(4))
    assert (codes // CLASS_SHADES == probs.argmax(axis=0)).all()
    np.testing.assert_array_equal(codes % CLASS_SHADES, np.floor(class_confidence(probs) % 1 * CLASS_SHADES))
    assert (class_codes(probs, discretize=True) % CLASS_SHADES == CLASS_SHADES - 1).all()
    # The legend names each class in the middle of its shades, in the session's language.
    token = use_language("uk")
    try:
        _mapper, ticker, labels = class_mapper(4)
    finally:
        reset_language(token)
    assert [labels[t] for t in ticker.ticks] == ["клас 0", "клас 1", "клас 2", "клас 3"]
    assert [int(t) // CLASS_SHADES for t in ticker.ticks] == [0, 1, 2, 3]


def test_png_thumbnail_round_trips_through_a_real_decoder():
    from PIL import Image

    points = np.array([[-6.0, -6.0], [5.9, 5.9], [0.0, 0.0]])
    img = scatter_thumbnail(points, ["#ff0000", "#00ff00", "#0000ff"], size=16)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(img))).convert("RGB"))
    np.testing.assert_array_equal(decoded, img)
    assert tuple(img[-1, 0]) == (255, 0, 0)             # (−6, −6) is bottom left
    assert tuple(img[0, -1]) == (0, 255, 0)             # (6, 6) is top right


def test_palettes():
    palette = diverging_palette()
    assert len(palette) == SHADES and palette[0] == "#f59322" and palette[-1] == "#0877bd"
    probs = np.random.default_rng(0).dirichlet(np.ones(4), size=(6, 6)).transpose(2, 0, 1)
    values = class_confidence(probs)
    assert (values.astype(int) == probs.argmax(axis=0)).all() and values.max() < 4
    assert np.allclose(class_confidence(probs, discretize=True) % 1, 0.999)


def test_diagram_links_follow_the_engine_weight_order():
    diagram = NetworkDiagram(width=520, height=440)
    labels = ["a", "b", "c"]
    diagram.set_structure(labels, np.zeros((3, 100, 100)), used_inputs=[2, 0], hidden=[3], n_outputs=1)
    assert diagram.links == [(0, i, j) for i in range(2) for j in range(3)] + [(1, i, 0) for i in range(3)]
    assert diagram.link_names((0, 0, 1)) == "c → neuron 2 of layer 1"   # input 0 of the network is feature "c"
    weights = [np.arange(6.0).reshape(2, 3), np.array([[-1.0], [0.5], [7.0]])]
    alive = [np.ones((2, 3), bool), np.array([[True], [False], [True]])]
    grids = [np.zeros((3, 100, 100)), np.zeros((1, 100, 100))]
    diagram.show_state(grids, weights, [np.zeros(3), np.array([0.25])], alive)
    w = diagram.link_source.data["w"]
    assert w == [0, 1, 2, 3, 4, 5, -1, 0, 7]            # the dead link shows as 0
    assert diagram.link_source.data["width"] == pytest.approx(link_width(np.array(w), diagram.link_scale).tolist(),
                                                              abs=1e-4)
    assert link_width(np.array([0.0, 5.0, 9.0]), 2.0).tolist() == [3.0, 20.0, 20.0]
    assert diagram.bias_source.data["b"] == [0, 0, 0, 0.25]


@pytest.fixture
def clock(monkeypatch):
    """The clock that live updates read, moved by hand."""
    now = [100.0]
    monkeypatch.setattr(live_updates.time, "perf_counter", lambda: now[0])
    return now


def test_live_updates_go_at_most_every_period_and_other_updates_always(clock):
    updates = live_updates.LiveUpdates()
    assert updates.due(live=True)                                # the first: sent
    clock[0] = 100.0 + 0.5 * live_updates.PERIOD_S
    assert not updates.due(live=True)                            # too soon
    assert updates.due(live=False)                               # a frame at a stop: always
    clock[0] += 0.5 * live_updates.PERIOD_S
    assert not updates.due(live=True)                            # the period counts from the last one sent
    clock[0] += 0.51 * live_updates.PERIOD_S
    assert updates.due(live=True)


def test_live_frames_leave_the_links_out_between_periods(clock):
    diagram = NetworkDiagram(width=520, height=440)
    diagram.set_structure(["a", "b"], np.zeros((2, 100, 100)), used_inputs=[0, 1], hidden=[2], n_outputs=1)
    grids = [np.zeros((2, 100, 100)), np.zeros((1, 100, 100))]

    def show(w: float, b: float, live: bool) -> tuple[float, float]:
        weights = [np.full((2, 2), w), np.full((2, 1), w)]
        diagram.show_state(grids, weights, [np.zeros(2), np.array([b])], live=live)
        return diagram.link_source.data["w"][0], diagram.bias_source.data["b"][-1]

    assert show(0.5, 0.1, live=True) == (0.5, 0.1)
    clock[0] += 0.5 * live_updates.PERIOD_S
    assert show(0.75, 0.2, live=True) == (0.5, 0.2)         # too soon: the links wait, the rest goes
    assert show(-1.0, 0.4, live=False) == (-1.0, 0.4)       # a paused or stepped frame is exact at once
    # The links are the figure's lower canvas; what changes at every frame draws over them.
    levels = {r.data_source.name: r.level for r in diagram.figure.renderers}
    assert levels.pop("links") == "glyph" and set(levels.values()) == {"overlay"}


def test_live_frames_leave_the_loss_curves_out_between_periods_but_not_the_numbers(clock):
    chart = LossChart()
    history = {"train_loss": [1.0], "test_loss": [0.9], "train_accuracy": [], "test_accuracy": []}
    chart.show(history, 0, live=True)
    for epoch, loss in ((1, 0.8), (2, 0.7)):
        history["train_loss"].append(loss)
        history["test_loss"].append(loss)
        chart.show(history, epoch, live=True)
    assert list(chart.source.data["epoch"]) == [0] and chart.numbers.texts[2] == "0.700"
    clock[0] += live_updates.PERIOD_S
    chart.show(history, 2, live=True)
    assert list(chart.source.data["epoch"]) == [0, 2] and chart.figure.x_range.end == 10
    history["train_loss"].append(0.6)
    history["test_loss"].append(0.6)
    chart.show(history, 3)                                   # at a stop: at once
    assert list(chart.source.data["epoch"]) == [0, 2, 3]
    chart.show({k: v[:1] for k, v in history.items()}, 0, live=True)    # a reset: redrawn at once
    assert list(chart.source.data["epoch"]) == [0]


def test_loss_chart_thins_a_long_history_and_keeps_the_last_point():
    chart = LossChart()
    history = {"train_loss": [1.0], "test_loss": [1.0], "train_accuracy": [], "test_accuracy": []}
    chart.show(history, 0)
    for epoch in range(1, MAX_POINTS + 5):
        history["train_loss"].append(1.0 / epoch)
        history["test_loss"].append(2.0 / epoch)
        chart.show(history, epoch)
    epochs = np.asarray(chart.source.data["epoch"])
    assert len(epochs) < MAX_POINTS and epochs[-1] == MAX_POINTS + 4
    assert chart.numbers.texts[1:3] == ["Test loss", f"{2.0 / (MAX_POINTS + 4):.3f}"]


def test_pages_are_independent_and_follow_the_reset_rules():
    one, two = DensePage(), DensePage()
    for _ in range(3):
        one.step()
    assert (one.trainer.epoch, two.trainer.epoch) == (3, 0)
    one.settings.learning_rate = 0.1          # not a reset
    assert one.trainer.epoch == 3 and two.settings.learning_rate == 0.03
    one.settings.hidden = [3]                 # a reset: new network, epoch 0
    assert one.trainer.epoch == 0 and one.trainer.network.widths == [2, 3, 1]
    assert len(one.diagram.nodes) == 7 + 3 + 1 and two.trainer.network.widths == [2, 4, 2, 1]


def test_a_typed_weight_reaches_the_network():
    page = DensePage()
    page._pick_link((1, 2, 0))
    assert page.controls.weight_editor.visible
    page.controls.weight_input.value = 2.5
    assert page.trainer.network.weights[1][2, 0] == 2.5


def test_divergence_is_shown_and_reset_recovers():
    page = DensePage()
    page.settings.param.update(dataset="reg-plane", activation="relu", learning_rate=10.0, hidden=[8, 8, 8])
    for _ in range(50):
        page.step()
        if page.trainer.diverged:
            break
    assert page.trainer.diverged
    assert page.decision_map._alert.visible and "diverged" in page.decision_map._alert.text
    assert page.controls.play_button.disabled
    page.playing = True                        # cannot play a diverged run
    assert not page.playing
    page.reset()
    assert not page.trainer.diverged and not page.decision_map._alert.visible and page.trainer.epoch == 0


def test_shortcuts_step_and_reset():
    page = DensePage()
    page.shortcut("step")
    page.shortcut("step")
    assert page.trainer.epoch == 2
    weights = page.trainer.network.weights[0].copy()
    page.shortcut("reset")
    assert page.trainer.epoch == 0 and page.settings.seed == 1
    assert not np.allclose(weights, page.trainer.network.weights[0])   # new random weights, as the original


def test_a_frame_sends_its_heatmap_first_and_the_legend_has_its_own_colour_mapper():
    """The heatmap carries the number the browser echoes, so it leads the frame's changes; a colour
    bar sharing the image's mapper would lay the map out again in the browser at every frame."""
    from bokeh.document import Document

    page = DensePage()
    doc = Document()
    doc.add_root(page.decision_map.figure)
    doc.add_root(page.diagram.figure)
    changed = []
    doc.on_change(lambda event: changed.append(getattr(event.model, "name", None)))
    page._draw_frame()
    assert changed[0] == "decision-grid"
    assert {"node-images", "links"} <= set(changed)
    dm = page.decision_map
    for classes in (None, 3):
        dm.set_classes(classes)
        image, legend = dm._image.glyph.color_mapper, dm._colour_bar.color_mapper
        assert image is not legend
        assert (list(image.palette), image.low, image.high) == (list(legend.palette), legend.low, legend.high)
