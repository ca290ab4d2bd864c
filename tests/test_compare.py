"""Two runs from the same start: the same data, initial weights and batch order, one setting changed;
the page's "Run again from the same start" and "Pin this run"; `playground train --compare`."""
import json

import numpy as np
import pytest

from playground.cli import main
from playground.dense.compare import changed_settings, parse_change, pin, same_start_trainers
from playground.dense.settings import DenseSettings


def test_the_same_start_with_nothing_changed_gives_bit_identical_curves():
    settings = DenseSettings(dataset="spiral", hidden=[8, 8], shuffle=True, batch_size=7)   # a shuffled order too
    first, second = same_start_trainers(settings, {"optimizer": "sgd"})
    first.step(40), second.step(40)
    assert first.history["test_loss"] == second.history["test_loss"]
    assert first.history["train_loss"] == second.history["train_loss"]
    assert all(np.array_equal(a, b) for a, b in zip(first.network.weights, second.network.weights))


@pytest.mark.parametrize("change", [{"optimizer": "adam"}, {"learning_rate": "0.3"}, {"activation": "relu"},
                                    {"regularization": "l2", "reg_rate": "0.01"}, {"batch_size": "1"}])
def test_one_changed_setting_differs_from_the_same_initial_weights(change):
    first, second = same_start_trainers(DenseSettings(dataset="xor"), change)
    assert all(np.array_equal(a, b) for a, b in zip(first.network.weights, second.network.weights))
    assert np.array_equal(first.train.points, second.train.points)       # the same data
    assert first.history["test_loss"][0] == second.history["test_loss"][0] or "activation" in change
    first.step(20), second.step(20)
    assert first.history["test_loss"][-1] != second.history["test_loss"][-1]


def test_a_change_is_parsed_and_checked():
    assert parse_change("optimizer=adam&hidden=8,8") == {"optimizer": "adam", "hidden": "8,8"}
    for bad in ("optimizer", "=adam", "", "&"):
        with pytest.raises(ValueError):
            parse_change(bad)
    with pytest.raises(ValueError, match="unknown setting"):
        changed_settings(DenseSettings(), {"bogus": "1"})
    with pytest.raises(ValueError, match="same start"):
        changed_settings(DenseSettings(), {"seed": "3"})
    with pytest.raises(ValueError):
        changed_settings(DenseSettings(), {"optimizer": "nadam"})


def test_cli_compare_trains_both_runs_from_the_same_start(capsys):
    assert main(["train", "--dataset", "spiral", "--layers", "8,8,8,8", "--activation", "relu", "--lr", "0.003",
                 "--epochs", "120", "--compare", "optimizer=adam", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    sgd, adam = report["runs"]
    assert report["change"] == {"optimizer": "adam"} and report["same_start"]
    assert sgd["settings"]["optimizer"] == "sgd" and adam["settings"]["optimizer"] == "adam"
    assert sgd["test_loss_history"][0] == adam["test_loss_history"][0]   # the same untrained network
    assert adam["solved_at"] is not None and sgd["solved_at"] is None    # Adam gets there, SGD crawls
    assert main(["train", "--epochs", "5", "--compare", "learning_rate=0.3"]) == 0
    out = capsys.readouterr().out
    assert "with learning_rate=0.3" in out and out.count("test loss") >= 3


def test_cli_compare_refuses_a_bad_change_in_one_line(capsys):
    assert main(["train", "--epochs", "1", "--compare", "seed=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("playground: error: --compare") and len(err.strip().splitlines()) == 1


def test_the_page_runs_again_from_the_same_start_and_pins_a_run():
    from playground.dense.page import DensePage

    page = DensePage()
    page.trainer.step(30)
    before = list(page.trainer.history["test_loss"])
    page.pin_run()
    page.run_again()
    assert page.trainer.epoch == 0 and page.settings.seed == 0
    page.trainer.step(30)
    assert page.trainer.history["test_loss"] == before            # bit-identical
    # The pinned run's curves are drawn dashed in the chart, and its map beside the big one.
    pinned = page.chart.pinned_source.data
    assert np.allclose(pinned["test_loss"], np.float32(before)) and len(pinned["epoch"]) == 31
    assert page.pinned_map.visible
    page.unpin_run()
    assert len(page.chart.pinned_source.data["epoch"]) == 0 and not page.pinned_map.visible


def test_a_pinned_run_is_a_copy_and_names_what_changed():
    from playground.dense.trainer import Trainer

    trainer = Trainer(DenseSettings())
    trainer.step(3)
    ghost = pin(trainer, np.zeros((4, 4)))
    trainer.step(3)
    assert len(ghost.epochs) == 4 and ghost.test_loss[-1] == np.float32(trainer.history["test_loss"][3])
    now = {**trainer.settings.to_query(), "optimizer": "adam", "discretize": "1"}
    assert ghost.differences(now) == {"optimizer": ("sgd", "adam")}


def test_the_pinned_map_names_the_setting_changed_since():
    from playground.dense.page import DensePage

    page = DensePage()
    page.trainer.step(5)
    page.pin_run()
    assert "Now changed" not in page.pinned_map.caption.object
    page.settings.optimizer = "adam"
    assert "optimizer: sgd → adam" in page.pinned_map.caption.object
