"""TF Playground links (its `state.ts` hash) and this app's own links, mapped onto DenseSettings."""
from __future__ import annotations

import pytest

from browser_support import DENSE_READY

from playground.dense.settings import DenseSettings
from playground.dense.tf_links import settings_from_tf_hash, settings_from_url

# A whole hash as TF Playground writes it (every name, in its order).
FULL = ("#activation=relu&batchSize=17&dataset=spiral&regDataset=reg-plane&learningRate=0.01"
        "&regularizationRate=0.003&noise=15&networkShape=8,8,5&seed=0.51287&showTestData=true"
        "&discretize=false&percTrainData=70&x=true&y=false&xTimesY=true&xSquared=false&ySquared=true"
        "&cosX=false&sinX=true&cosY=false&sinY=false&collectStats=false&problem=classification"
        "&initZero=false&hideText=false&regularization=L2")


def settings_of(hash_: str) -> tuple[DenseSettings, list[str]]:
    query, notices = settings_from_tf_hash(hash_)
    settings, more = DenseSettings.from_query(query)
    assert more == []   # what tf_links hands on always parses
    return settings, notices


def test_a_full_link_sets_every_setting():
    s, notices = settings_of(FULL)
    assert (s.activation, s.batch_size, s.dataset, s.learning_rate) == ("relu", 17, "spiral", 0.01)
    assert (s.regularization, s.reg_rate, s.noise, s.hidden, s.train_ratio) == ("l2", 0.003, 15, [8, 8, 5], 70)
    assert s.features == ["x1", "x2sq", "x1x2", "sinx1"]       # y=false turns off a default feature
    assert (s.show_test_data, s.discretize, s.init_zero, s.problem) == (True, False, False, "classification")
    # Only the seed cannot be honoured (cos and hideText are off).
    assert len(notices) == 1 and "0.51287" in notices[0]


def test_an_empty_hash_is_the_defaults():
    s, notices = settings_of("")
    assert notices == [] and s.to_query() == DenseSettings().to_query()


@pytest.mark.parametrize("reg", ["reg-plane", "reg-gauss"])
def test_regression_uses_reg_dataset_not_dataset(reg):
    s, notices = settings_of(f"problem=regression&dataset=xor&regDataset={reg}")
    assert (s.problem, s.dataset, s.kind) == ("regression", reg, "regression") and notices == []


def test_regression_without_reg_dataset_is_the_plane():
    s, _ = settings_of("#problem=regression")
    assert s.dataset == "reg-plane"


@pytest.mark.parametrize("shape, hidden", [("", []), ("1", [1]), ("3,2", [3, 2]), ("8,8,8,8,8,8", [8] * 6)])
def test_network_shapes(shape, hidden):
    s, notices = settings_of(f"networkShape={shape}")
    assert s.hidden == hidden and notices == []


def test_too_many_layers_or_neurons_keep_the_default_with_a_notice():
    for shape in ("8,8,8,8,8,8,8", "9", "4,x"):
        s, notices = settings_of(f"networkShape={shape}&activation=sigmoid")
        assert s.hidden == [4, 2] and s.activation == "sigmoid"
        assert len(notices) == 1 and "hidden" in notices[0]


def test_booleans_follow_state_ts_false_is_false_anything_else_true():
    s, _ = settings_of("showTestData=1&discretize=yes&initZero=&x=false&sinY=0")
    assert (s.show_test_data, s.discretize, s.init_zero) == (True, True, True)
    assert s.features == ["x2", "sinx2"]   # x off; "0" is not "false", so sinY is on


def test_regularization_none_and_l1():
    assert settings_of("regularization=L1&regularizationRate=0.1")[0].regularization == "l1"
    assert settings_of("regularization=none")[0].regularization == "none"


def test_unknown_names_cos_hide_text_and_hidden_controls_get_notices_and_change_nothing_else():
    s, notices = settings_of("cosX=true&cosY=true&hideText=true&tutorial=dp&collectStats=true"
                             "&noise_hide=true&bogus=3&noise=20")
    assert s.noise == 20 and s.features == ["x1", "x2"]
    text = " ".join(notices)
    for word in ("cosX", "cosY", "hideText", "tutorial", "collectStats", "noise_hide", "bogus"):
        assert word in text
    assert len(notices) == 7


def test_malformed_values_are_dropped_with_a_notice():
    s, notices = settings_of("learningRate=0.05&batchSize=abc&noise=80&activation=swishy&dataset=moon"
                             "&percTrainData=70&problem=classifier")
    assert s.to_query() == DenseSettings(train_ratio=70).to_query()
    assert len(notices) == 6


def test_a_malformed_hash_gives_notices_and_keeps_what_it_can():
    s, notices = settings_of("#&&noise&=3&%ZZ=1&noise=10&networkShape=2")
    assert (s.noise, s.hidden) == (10, [2])
    assert any("malformed" in n for n in notices)


def test_url_of_tf_playground_and_of_this_app():
    query, notices = settings_from_url("https://playground.tensorflow.org/#dataset=xor&networkShape=3&seed=0.1")
    assert query["dataset"] == "xor" and query["hidden"] == "3" and len(notices) == 1
    query, notices = settings_from_url("http://127.0.0.1:5006/app?dataset=gauss&noise=5")
    assert query == {"dataset": "gauss", "noise": "5"} and notices == []
    # Our app with a TF hash: the hash is applied on top of the query.
    query, notices = settings_from_url("http://127.0.0.1:5006/app?noise=5#networkShape=6&activation=linear")
    s = DenseSettings.from_query(query)[0]
    assert (s.noise, s.hidden, s.activation) == (5, [6], "linear") and notices == []


def test_url_with_a_lesson():
    query, notices = settings_from_url("http://host/app?lesson=task4b&noise=5")
    s = DenseSettings.from_query(query)[0]
    assert (s.dataset, s.hidden, s.activation, s.noise) == ("spiral", [8] * 6, "relu", 5) and notices == []
    query, notices = settings_from_url("http://host/app?lesson=nope&noise=5")
    assert query == {"noise": "5"} and len(notices) == 1 and "nope" in notices[0]


@pytest.mark.parametrize("url", ["foo", "http://[x/app?a=1", "https://example.org/app"])
def test_urls_with_no_settings_get_a_notice(url):
    query, notices = settings_from_url(url)
    assert query == {} and len(notices) == 1


# ---- in a real browser -------------------------------------------------------------------



@pytest.mark.browser
def test_a_tf_playground_hash_opens_the_same_state_in_the_browser(page, app_url):
    page.goto(app_url + "#activation=relu&dataset=xor&networkShape=3&learningRate=0.1&seed=0.4&cosX=true")
    page.wait_for_function(DENSE_READY, timeout=60_000)
    page.wait_for_function("() => location.search.includes('activation=relu')", timeout=30_000)
    search = page.evaluate("() => location.search")
    for part in ("dataset=xor", "hidden=3", "learning_rate=0.1"):
        assert part in search
    assert page.get_by_role("combobox", name="Activation").input_value() == "ReLU"
    page.locator("text=cosX").wait_for()            # what it cannot honour is said
    assert page.locator("text=0.4").first.is_visible()
    page.wait_for_function("() => location.hash === ''")   # the query now carries the state
    assert page.errors == []


@pytest.mark.browser
def test_a_lesson_link_applies_the_lesson_and_an_unknown_one_only_a_notice(page, app_url):
    page.goto(app_url + "?lesson=task4b")
    page.wait_for_function(DENSE_READY, timeout=60_000)
    page.locator("text=6 hidden layers").wait_for()
    assert page.get_by_role("combobox", name="Activation").input_value() == "ReLU"
    page.goto(app_url + "?lesson=nope&noise=20")
    page.wait_for_function(DENSE_READY, timeout=60_000)
    page.locator("text=Unknown lesson").wait_for()
    page.locator("text=Noise: 20").wait_for()
    assert page.get_by_role("combobox", name="Activation").input_value() == "Tanh"
    assert page.errors == []
