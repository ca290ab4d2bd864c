"""The pace of live training: named speeds, the original's one epoch per frame by default, and
slow motion, which trains one mini-batch per frame and is the same training as a whole epoch."""
import asyncio

import numpy as np

from own_thread import run_async
from playground.dense.live_loop import LiveLoop
from playground.dense.pace import SLOW_MOTION, SLOW_MOTION_S, SPEEDS, SpeedControl, speed_name
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer
from test_live_loop import LoopHost, until


def test_the_default_is_the_originals_pace_and_old_links_show_their_nearest_speed():
    assert DenseSettings().epochs_per_frame == SPEEDS["normal"] == 1
    assert [speed_name(v) for v in (0, 1, 2, 5, 10, 20, 50, 100)] == [
        "slow", "normal", "normal", "fast", "fast", "fast", "fastest", "fastest"]
    # An old link's number still parses (and plays at exactly that number of epochs per frame).
    settings, notices = DenseSettings.from_query({"epochs_per_frame": "20"})
    assert settings.epochs_per_frame == 20 and notices == []
    assert DenseSettings.from_query({"epochs_per_frame": "0"})[0].epochs_per_frame == SLOW_MOTION


def test_the_speed_menu_sets_the_setting_and_follows_it():
    settings = DenseSettings(epochs_per_frame=20)
    control = SpeedControl(settings)
    assert control.menu.value == "fast"
    control.menu.value = "slow"
    assert settings.epochs_per_frame == SLOW_MOTION
    settings.epochs_per_frame = 100
    assert control.menu.value == "fastest"
    control.menu.value = "normal"
    assert settings.epochs_per_frame == 1


def test_slow_motion_is_one_mini_batch_per_frame_and_the_same_training_as_an_epoch():
    from playground.dense.page import DensePage

    page = DensePage()
    reference = Trainer(DenseSettings.from_query(page.settings.to_query())[0])   # the same start
    batches = len(page.trainer.train) // page.trainer.batch_size               # 250 points, 10 a batch
    for i in range(batches - 1):
        page._slow_motion_frame()
        assert page.trainer.epoch == 0          # an epoch counts once all its batches have gone
    page._slow_motion_frame()
    assert page.trainer.epoch == 1 and len(page.trainer.history["test_loss"]) == 2
    reference.step(1)
    for ours, theirs in zip(page.trainer.network.weights, reference.network.weights):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(page.trainer.history["test_loss"], reference.history["test_loss"], rtol=1e-12)
    # The batch's points are ringed on the map.
    assert page.decision_map.batch_source.data["x"].size == page.trainer.batch_size


def test_the_live_loop_in_slow_motion_draws_a_batch_at_a_time_with_a_pause_between():
    async def scenario():
        trainer = Trainer(DenseSettings(epochs_per_frame=SLOW_MOTION))
        host, steps = LoopHost(), []

        def batch_step() -> int:
            steps.append(asyncio.get_running_loop().time())
            return len(steps)

        loop = LiveLoop(trainer, host, draw=lambda: 0, diverged=lambda: None, batch_step=batch_step)
        loop.play()
        await until(lambda: len(steps) >= 1)
        loop.frame_taken(1)
        await until(lambda: len(steps) >= 3, timeout=10)
        loop.frame_taken(3)
        loop.pause()
        gaps = np.diff(steps)
        assert (gaps >= SLOW_MOTION_S * 0.9).all()      # time to see each batch
        assert trainer.epoch == 0                       # no slice trained whole epochs meanwhile
    run_async(scenario)
