"""Teacher links: `hide=` / `lock=` parsed and built, round trips through the real settings parser."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from playground.dense.settings import DenseSettings, query_names
from playground.dense.share import ACTIONS, CONTROLS, TeacherView, parse_view, share_link, share_query, without_view


def test_hide_and_lock_names_are_read_in_any_order_with_spaces_and_repeats():
    view, notices = parse_view({"hide": " noise, batch_size ,noise", "lock": "learning_rate"})
    assert view.hidden == {"noise", "batch_size"}
    assert view.locked == {"learning_rate"}
    assert view.frozen == {"noise", "batch_size", "learning_rate"}
    assert notices == []


def test_no_hide_or_lock_freezes_nothing():
    view, notices = parse_view({"noise": "10"})
    assert view == TeacherView() and not view.frozen and notices == []


def test_unknown_names_get_one_notice_each_and_the_known_ones_still_apply():
    view, notices = parse_view({"hide": "noise,<script>alert(1)</script>", "lock": "speed"})
    assert view.hidden == {"noise"} and view.locked == frozenset()
    assert len(notices) == 2
    assert "<script>alert(1)</script>" in notices[0] and "hide" in notices[0]
    assert "'speed'" in notices[1] and "epochs_per_frame" in notices[1]   # the notice lists the real names


def test_a_flood_of_names_is_cut_with_one_notice():
    view, notices = parse_view({"hide": ",".join(["bogus"] * 500)})
    assert view.hidden == frozenset()
    assert len(notices) == len(CONTROLS) + 1


def test_hidden_wins_over_locked():
    view, _notices = parse_view({"hide": "noise", "lock": "noise,seed"})
    assert view.hidden == {"noise"} and view.locked == {"seed"}


def test_every_control_name_is_a_setting_of_the_page_or_an_action():
    assert set(CONTROLS) - ACTIONS <= set(query_names())
    assert not ACTIONS & set(query_names()) and ACTIONS <= set(CONTROLS)


def test_allowed_drops_frozen_settings_only():
    view = TeacherView(frozenset({"noise"}), frozenset({"learning_rate"}))
    assert view.allowed({"noise": "30", "learning_rate": "1", "dataset": "xor"}) == {"dataset": "xor"}


def test_without_view_leaves_the_settings():
    assert without_view({"hide": "noise", "lock": "seed", "noise": "5"}) == {"noise": "5"}


def test_share_query_lists_names_in_the_dialogs_order():
    query = share_query({"noise": "5"}, TeacherView(frozenset({"noise", "dataset"}), frozenset({"seed"})))
    assert query == {"noise": "5", "hide": "dataset,noise", "lock": "seed"}


def test_share_link_round_trips_through_the_settings_and_the_view():
    settings, _ = DenseSettings.from_query({"dataset": "spiral", "noise": "25", "hidden": "8,8,8", "features": "x1,x2,sinx1"})
    view = TeacherView(frozenset({"noise", "batch_size"}), frozenset({"learning_rate", "hidden"}))
    link = share_link("http://127.0.0.1:5006/app?page=dense&noise=0#activation=relu", settings.to_query(), view)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == ("http", "127.0.0.1:5006", "/app", "")
    assert "hide=noise,batch_size" in parts.query     # commas stay readable in a link a teacher pastes
    query = dict(parse_qsl(parts.query))
    again, notices = DenseSettings.from_query(without_view(query))
    assert notices == []
    assert again.to_query() == settings.to_query()
    assert parse_view(query) == (view, [])


def test_a_link_with_nothing_hidden_has_no_view_keys():
    link = share_link("http://host/app", {"noise": "5"}, TeacherView())
    assert link == "http://host/app?noise=5"
