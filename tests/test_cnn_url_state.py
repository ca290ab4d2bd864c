"""The CNN page's state in the URL: a link reproduces the view, and bad values only add notices."""
from __future__ import annotations

import pytest

from playground.cnn.url_state import COLOR_RANGES, TABS, UPLOADED, CnnView, read_query, to_query

MODELS = ["tinyvgg_mnist", "tinyvgg_rgb"]
LAYERS = {"input": 1, "conv_1_1": 10, "relu_1_1": 10, "flatten": 160, "output": 10}


def read(query: dict[str, str]) -> tuple[CnnView, list[str]]:
    return read_query(query, MODELS, 10, LAYERS)


def test_no_cnn_names_give_the_default_view_and_no_notice():
    assert read({}) == (CnnView(), [])
    # The shell's and the dense page's names are not the CNN page's business.
    assert read({"page": "cnn", "theme": "dark", "lang": "uk", "learning_rate": "3", "features": "<b>"}) \
        == (CnnView(), [])


@pytest.mark.parametrize("view", [
    CnnView(model="tinyvgg_rgb", sample=7, layer="conv_1_1", neuron=9, color_range="global", tab="input"),
    CnnView(sample=0, layer="flatten", neuron=159, color_range="unit", tab="hyperparameters"),
    CnnView(layer="output", neuron=3),
    CnnView(),
])
def test_a_written_view_reads_back_the_same(view):
    query = to_query(view, MODELS[0])
    assert all(name.startswith("cnn_") for name in query)
    back, notices = read(query)
    assert notices == []
    # The default model is written by name and reads back as "the default".
    assert back == CnnView(**{**view.__dict__, "model": "" if view.model == MODELS[0] else view.model})


def test_an_uploaded_image_is_marked_and_said_on_reading():
    query = to_query(CnnView(sample=-1, layer="conv_1_1", neuron=2), MODELS[0])
    assert query["cnn_sample"] == UPLOADED
    view, notices = read(query)
    assert view.sample == 0 and view.layer == "conv_1_1" and view.neuron == 2
    assert len(notices) == 1 and "image" in notices[0]


def test_an_uploaded_model_is_marked_and_said_on_reading():
    query = to_query(CnnView(model=UPLOADED, tab="input"), MODELS[0])
    assert query["cnn_model"] == UPLOADED
    view, notices = read(query)
    assert view.model == "" and view.tab == "input"
    assert len(notices) == 1 and "model" in notices[0]


GOOD = {"cnn_model": "tinyvgg_rgb", "cnn_sample": "4", "cnn_layer": "relu_1_1", "cnn_neuron": "6",
        "cnn_range": "unit", "cnn_tab": "hyperparameters"}
EXPECTED = CnnView(model="tinyvgg_rgb", sample=4, layer="relu_1_1", neuron=6, color_range="unit",
                   tab="hyperparameters")


@pytest.mark.parametrize("name, raw, field", [
    ("cnn_model", "resnet50", "model"),
    ("cnn_sample", "10", "sample"),          # ten samples: 0…9
    ("cnn_sample", "-1", "sample"),
    ("cnn_sample", "1e3", "sample"),
    ("cnn_sample", "9" * 400, "sample"),
    ("cnn_neuron", "10", "neuron"),          # relu_1_1 has ten neurons
    ("cnn_neuron", " ", "neuron"),
    ("cnn_range", "Global", "color_range"),
    ("cnn_tab", "2", "tab"),
])
def test_each_bad_value_gets_one_notice_and_changes_nothing_else(name, raw, field):
    view, notices = read({**GOOD, name: raw})
    assert len(notices) == 1 and name in notices[0], notices
    assert getattr(view, field) == getattr(CnnView(), field)
    others = {k: v for k, v in EXPECTED.__dict__.items() if k != field}
    assert {k: v for k, v in view.__dict__.items() if k != field} == others


def test_an_unknown_layer_drops_its_neuron_with_one_notice():
    view, notices = read({**GOOD, "cnn_layer": "conv_9_9"})
    assert len(notices) == 1 and "cnn_layer" in notices[0]
    assert view.layer == "" and view.neuron == 0 and view.tab == "hyperparameters"


def test_a_neuron_is_checked_against_its_own_layer():
    assert read({"cnn_layer": "flatten", "cnn_neuron": "159"})[0].neuron == 159
    assert read({"cnn_layer": "conv_1_1", "cnn_neuron": "159"})[1]


def test_an_unknown_cnn_name_is_said():
    view, notices = read({**GOOD, "cnn_zoom": "2"})
    assert view == EXPECTED and len(notices) == 1 and "cnn_zoom" in notices[0]


def test_every_choice_reads():
    for tab in TABS:
        assert read({"cnn_tab": tab}) == (CnnView(tab=tab), [])
    for colour_range in COLOR_RANGES:
        assert read({"cnn_range": colour_range}) == (CnnView(color_range=colour_range), [])


def test_the_dense_page_leaves_cnn_names_alone():
    from playground.dense.settings import DenseSettings

    settings, notices = DenseSettings.from_query(to_query(EXPECTED, MODELS[0]))
    assert notices == [] and settings.to_query() == DenseSettings().to_query()


def test_the_page_applies_a_link_and_writes_it_back():
    pytest.importorskip("keras")
    from playground.cnn.page import CnnPage

    page = CnnPage()
    page._apply_link({"cnn_sample": "3", "cnn_layer": "conv_1_2", "cnn_neuron": "4", "cnn_range": "global",
                      "cnn_tab": "hyperparameters"})
    assert page.notices == []
    assert (page.state.sample, page.state.layer, page.state.neuron, page.state.color_range) == \
        (3, "conv_1_2", 4, "global")
    assert page._tabs.active == TABS.index("hyperparameters")
    # What is drawn follows: the conv view and its tutorial, for neuron 4.
    assert page._views["conv"].visible and page.tutorial.key == "conv"
    assert "conv_1_2" in page._detail_title.object and "4" in page._detail_title.object
    # A bad link on a fresh page: notices, and the page shows its defaults.
    fresh = CnnPage()
    fresh._apply_link({"cnn_layer": "nope", "cnn_neuron": "2", "cnn_tab": "<script>"})
    assert len(fresh.notices) == 2 and fresh.state.layer == "" and fresh._tabs.active == 0


# ---------------------------------------------------------------- in a real browser

@pytest.mark.browser
def test_a_link_opens_the_same_view_and_the_url_follows_the_learner(page, app_url):
    page.goto(app_url + "?page=cnn&cnn_sample=3&cnn_layer=conv_1_2&cnn_neuron=4&cnn_range=unit")
    page.locator('.cnn-formula-conv[data-layer="conv_1_2"][data-neuron="4"]').wait_for(timeout=90_000)
    page.locator(".cnn-detail-title", has_text="conv_1_2, neuron 4.").wait_for()
    page.locator(".cnn-prediction", has_text="Prediction: 3 ").wait_for()
    assert "bk-active" in page.locator(".cnn-color-range button", has_text="per neuron").get_attribute("class")
    page.locator(".cnn-tutorial [data-tutorial='conv']").wait_for()

    # The learner changes tab, colour range and neuron: the address follows each change.
    page.get_by_text("Hyperparameters", exact=True).click()
    page.wait_for_function("location.search.includes('cnn_tab=hyperparameters')", timeout=10_000)
    page.locator(".cnn-hp-tutorial [data-tutorial='hyperparameters']").wait_for()
    page.get_by_text("Explainer", exact=True).click()
    page.locator(".cnn-color-range button", has_text="global").click()
    page.wait_for_function("location.search.includes('cnn_range=global')"
                           " && location.search.includes('cnn_tab=explainer')", timeout=10_000)
    page.locator(".cnn-samples").first.wait_for()
    from playground.components.cnn.input import sample_position

    thumbs = page.locator(".cnn-samples").first.bounding_box()
    x, y = sample_position(7)
    page.mouse.click(thumbs["x"] + x, thumbs["y"] + y)
    page.wait_for_function("location.search.includes('cnn_sample=7')", timeout=10_000)

    # The address now reproduces the screen in a new tab.
    link = page.url
    assert "cnn_layer=conv_1_2" in link and "cnn_neuron=4" in link
    again = page.context.new_page()
    again.goto(link)
    again.locator('.cnn-formula-conv[data-layer="conv_1_2"][data-neuron="4"]').wait_for(timeout=60_000)
    again.locator(".cnn-prediction", has_text="Prediction: 7 ").wait_for()
    assert "bk-active" in again.locator(".cnn-color-range button", has_text="global").get_attribute("class")
    again.close()


@pytest.mark.browser
def test_a_bad_link_value_is_a_notice_and_the_rest_is_honoured(page, app_url):
    page.goto(app_url + "?page=cnn&cnn_layer=conv_1_2&cnn_neuron=4&cnn_tab=%3Cimg%20src%3Dx%3E")
    page.locator('.cnn-formula-conv[data-layer="conv_1_2"][data-neuron="4"]').wait_for(timeout=90_000)
    notice = page.get_by_text("Ignored cnn_tab='<img src=x>'")
    notice.wait_for(timeout=10_000)
    assert page.locator("img[src=x]").count() == 0
