"""The dense page's sizes for a window, checked without a browser (the browser tests measure the result)."""
import pytest

from playground.components.dense.loss_chart import LossChart
from playground.dense.layout import (DATA_COLUMN, FEATURES_WIDTH, PAGE_MARGIN, PHONE, SCROLLBAR, TABLET, WIDE,
                                     layout_sizes, window_mode)
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
@pytest.mark.parametrize("window", [(1366, 768), (360, 740)])
def test_the_loss_header_fits_at_the_narrowest_layout(language, window):
    token = use_language(language)
    try:
        chart = LossChart(width=layout_sizes(*window).output_width, height=90)
        history = {"train_loss": [0.5, 0.123456], "test_loss": [0.5, 0.1234], "train_accuracy": [0.5, 0.996],
                   "test_accuracy": [0.5, 0.999]}
        chart.show(history, 1)
        texts = chart.numbers.texts
        shown = "99,9%" if language == "uk" else "99.9%"     # Ukrainian writes a decimal comma
        assert shown in texts[3] and chart.numbers.fits(texts)   # the accuracy is not cut off
    finally:
        reset_language(token)


NARROW = [(360, 740), (390, 844), (768, 1024), (900, 700), (1024, 768)]


@pytest.mark.parametrize("width,height", NARROW)
@pytest.mark.parametrize("columns", [4, 8])
def test_a_narrow_window_fits_the_map_and_boxes_the_network(width, height, columns):
    s = layout_sizes(width, height, columns=columns)
    assert s.mode == window_mode(width) and s.mode in (PHONE, TABLET)
    usable = width - 2 * PAGE_MARGIN - (0 if s.mode == PHONE else SCROLLBAR)
    beside = s.output_width + 20 + s.network_width + 20 if s.beside else max(s.output_width, s.network_width + 20)
    assert beside <= usable                                  # no sideways scrolling of the page
    assert s.network_width > 0 and s.diagram_width >= 78 * columns  # the diagram's labels keep their room,
    if s.mode == PHONE:                                      # in a box that scrolls sideways if need be
        assert not s.beside and s.output_width >= 0.8 * width     # the map across the phone
    assert s.map_side >= 0.35 * min(width, height)


def test_the_modes_by_width():
    assert [window_mode(w) for w in (360, 599, 600, 1099, 1100, 2560)] == [PHONE, PHONE, TABLET, TABLET, WIDE, WIDE]
    assert layout_sizes(1024, 768).beside and not layout_sizes(768, 1024).beside   # landscape: side by side


@pytest.mark.parametrize("width,height", [(1100, 3000), (1100, 600), (5000, 400), (300, 300)])
def test_extreme_windows_give_positive_sizes(width, height):
    s = layout_sizes(width, height)          # a figure's width below 0 would raise in Bokeh (a resize error)
    assert min(s.map_side, s.output_width, s.chart_height, s.diagram_width, s.diagram_height) > 0
