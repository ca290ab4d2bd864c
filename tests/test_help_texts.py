"""Every control of the dense page has a help tooltip, in English and in Ukrainian."""
from __future__ import annotations

import pytest

from playground.dense.help_texts import HELP, help_html, help_text, help_tooltip
from playground.dense.settings import query_names
from playground.dense.share import ACTIONS, CONTROLS
from playground.i18n import reset_language, use_language


@pytest.fixture
def ukrainian():
    token = use_language("uk")
    yield
    reset_language(token)


def test_every_setting_a_teacher_can_hide_has_help():
    assert set(CONTROLS) <= set(HELP)


def test_every_help_says_what_the_control_does_and_what_to_try():
    for key, (does, tries) in HELP.items():
        assert does.endswith((".", ")")) and tries.endswith((".", "?")), key
        assert does != tries, key


def test_every_help_is_translated_to_ukrainian(ukrainian):
    for key, (does, tries) in HELP.items():
        text = help_text(key)
        assert does not in text and tries not in text, f"{key}: English text in the Ukrainian tooltip"
        assert "<b>Спробуйте:</b>" in text, key


def test_the_english_help_reads_the_marked_texts():
    does, tries = HELP["noise"]
    assert help_text("noise") == f"<p>{does}</p><p><b>Try:</b> {tries}</p>"


def test_each_widget_gets_its_own_tooltip_model():
    a, b = help_tooltip("noise"), help_tooltip("noise")
    assert a is not b and a.content.html == b.content.html == [help_html("noise")]


def test_every_control_of_the_page_shows_its_help():
    import panel as pn

    from playground.dense.page import DensePage
    from playground.dense.teaching import DESCRIBED, SETTING_WIDGETS, control

    page = DensePage()
    layout = page.__panel__()
    icons = [icon.value.content.html[0] for icon in layout.select(pn.widgets.TooltipIcon)]
    icons += [icon.value.content.html[0] for icon in page.diagram.__panel__().select(pn.widgets.TooltipIcon)]
    described = {key: control(page.controls, attr).description for key, attr in DESCRIBED.items()}
    described["lessons"] = page.lessons.menu.description
    shown = [*icons, *(d for d in described.values() if d)]
    # Every setting has its control on the page (the layers' +/− are the diagram's), and a teacher can hide it.
    assert all(control(page.controls, a) is not None for attrs in SETTING_WIDGETS.values() for a in attrs)
    # (`points` is the drawn data itself, not a control; the Keras card is a control but no setting)
    assert set(SETTING_WIDGETS) | {"hidden"} == set(query_names()) - {"points"} == set(CONTROLS) - ACTIONS
    for key, (does, tries) in HELP.items():
        assert any(does in html and tries in html for html in shown), f"no help shown for {key}"
    # A field's "?" sits in its own label: its help is its own.
    assert all(help_text(key) in described[key] for key in DESCRIBED)
