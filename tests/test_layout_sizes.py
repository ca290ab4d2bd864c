"""The dense page's sizes for a window, checked without a browser (the browser tests measure the result)."""
import pytest

from playground.components.dense.loss_chart import LossChart
from playground.dense.page import DATA_COLUMN, FEATURES_WIDTH, SCROLLBAR, layout_sizes
from playground.i18n import reset_language, use_language

WINDOWS = [(1366, 768), (1440, 900), (1600, 900), (1920, 1080), (2560, 1080), (2560, 1440)]


@pytest.mark.parametrize("width,height", WINDOWS)
@pytest.mark.parametrize("present", [False, True])
def test_the_views_fit_the_window(width, height, present):
    s = layout_sizes(width, height, present)
    assert s.map_side >= 0.4 * height
    used = 20 + (0 if present else DATA_COLUMN) + 20 + FEATURES_WIDTH + s.diagram_width + s.output_width
    assert used <= width - SCROLLBAR                     # no sideways scrolling
    assert s.diagram_width * s.diagram_height >= 0.18 * width * height
    assert s.output_width >= 380                         # the loss header's room (see below)


def test_present_mode_gives_the_views_more_room():
    for width, height in WINDOWS:
        normal, present = layout_sizes(width, height), layout_sizes(width, height, True)
        assert present.diagram_width > normal.diagram_width and present.map_side >= normal.map_side


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_loss_header_fits_at_the_narrowest_layout(language):
    token = use_language(language)
    try:
        chart = LossChart(width=layout_sizes(1366, 768).output_width, height=90)
        history = {"train_loss": [0.5, 0.123456], "test_loss": [0.5, 0.1234], "train_accuracy": [0.5, 0.996],
                   "test_accuracy": [0.5, 0.999]}
        chart.show(history, 1)
        texts = chart.numbers.texts
        assert "99.9%" in texts[3] and chart.numbers.fits(texts)   # the accuracy is not cut off
    finally:
        reset_language(token)
