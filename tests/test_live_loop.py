"""The live loop on its own: a real trainer and the real scheduler, on a plain asyncio loop.

`LoopHost` stands where the Bokeh document stands in the app: it runs callbacks on
the event loop and says whether a browser is attached. The "browser" is the test
itself, which takes (acknowledges) frames when it chooses to.
"""
import asyncio
import time

import numpy as np

from own_thread import run_async
from playground.dense import live_loop
from playground.dense.live_loop import ACK_TIMEOUT_S, LiveLoop
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer


class LoopHost:
    def __init__(self):
        self.browser = True          # a tab is attached
        self.session = True          # the session exists (next_tick raises once it is gone)
        self.loops = 0
        self.tick_delay = 0.0        # Bokeh runs a next-tick callback once it has the document lock

    def connected(self) -> bool:
        return self.browser

    def next_tick(self, callback) -> None:
        if not self.session:
            raise RuntimeError("session destroyed")
        if self.tick_delay:
            asyncio.get_running_loop().call_later(self.tick_delay, callback)
        else:
            asyncio.get_running_loop().call_soon(callback)

    def start(self, loop) -> None:
        self.loops += 1
        asyncio.ensure_future(loop())


class Page:
    """What the page does for the loop: draws frames (numbered) and pauses when training diverges."""

    def __init__(self, speed: int = 10, **settings):
        self.trainer = Trainer(DenseSettings(epochs_per_frame=speed, **settings))
        self.host = LoopHost()
        self.frames: list[int] = []       # the epoch each drawn frame showed
        self.loop = LiveLoop(self.trainer, self.host, draw=self.draw, diverged=self.loop_pause)

    def draw(self) -> int:
        self.frames.append(self.trainer.epoch)
        return len(self.frames)

    def loop_pause(self) -> None:
        self.loop.pause()

    def take_frame(self) -> None:
        self.loop.frame_taken(len(self.frames))


async def until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def settle() -> None:
    """Long enough for a slice in flight to end and its follow-up to run."""
    await asyncio.sleep(0.25)


def test_playing_trains_and_pausing_stops_training():
    async def scenario():
        page = Page(speed=5)
        page.loop.play()
        for _ in range(3):                     # the browser takes every frame: training goes on
            await until(lambda: page.frames and page.loop.pending is not None)
            page.take_frame()
            await until(lambda: page.loop.pending is not None)
        assert page.trainer.epoch >= 10
        page.loop.pause()
        await settle()
        stopped = page.trainer.epoch
        page.take_frame()
        await asyncio.sleep(0.3)
        assert page.trainer.epoch == stopped and not page.loop.playing
    run_async(scenario)


def test_one_frame_in_flight_and_training_waits_for_the_browser():
    async def scenario():
        page = Page(speed=5)
        page.loop.play()
        await until(lambda: len(page.frames) == 1)
        await asyncio.sleep(ACK_TIMEOUT_S / 2)          # the browser has not taken frame 1
        assert len(page.frames) == 1
        # "Speed" is epochs per frame: a frame's worth is trained, then it waits.
        assert page.trainer.epoch == page.frames[0] + 5
        page.take_frame()                               # taken: the next frame goes at once
        assert len(page.frames) == 2 and page.frames[1] == page.frames[0] + 5
        assert page.loop.pending == 2
        page.take_frame()
        page.loop.frame_taken(1)                        # a late echo of an old frame changes nothing
        await until(lambda: len(page.frames) == 3)
        assert page.frames == sorted(page.frames) and page.host.loops == 1
        page.loop.pause()
    run_async(scenario)


def test_a_taken_frame_wakes_the_waiting_loop_at_once(monkeypatch):
    """Training for the next frame starts when the browser takes a frame, not at the next look."""
    monkeypatch.setattr(live_loop, "IDLE_PERIOD_S", 60.0)     # a loop that only looked again would stall

    async def scenario():
        page = Page(speed=5)
        page.loop.play()
        for k in range(1, 4):
            # Frame k is sent and the next frame's worth is trained: the loop now waits.
            await until(lambda: len(page.frames) == k and page.trainer.epoch == page.frames[-1] + 5)
            await settle()
            assert page.trainer.epoch == page.frames[-1] + 5
            page.take_frame()                            # sends frame k+1 and wakes the loop
        await until(lambda: page.trainer.epoch == page.frames[-1] + 5)
        page.loop.pause()
    run_async(scenario)


def test_the_next_frames_worth_trains_while_the_browser_takes_a_frame(monkeypatch):
    """A frame drawn after the loop found nothing to train (the page draws on its next tick)
    wakes the loop, which trains on while the browser applies the frame."""
    monkeypatch.setattr(live_loop, "IDLE_PERIOD_S", 60.0)     # a loop that only looked again would stall

    async def scenario():
        page = Page(speed=5)
        page.host.tick_delay = 0.02
        page.loop.play()
        await until(lambda: len(page.frames) == 1 and page.trainer.epoch == page.frames[0] + 5, timeout=5)
        assert page.loop.pending == 1           # the browser has not taken frame 1: training went on anyway
        page.loop.pause()
    run_async(scenario)


def test_the_least_time_between_partial_frames_grows_at_the_top_speeds():
    assert live_loop.partial_frame_s(1) == live_loop.partial_frame_s(10) == live_loop.PARTIAL_FRAME_S
    assert live_loop.partial_frame_s(50) == live_loop.PARTIAL_FRAME_S
    assert live_loop.partial_frame_s(100) == 2 * live_loop.PARTIAL_FRAME_S     # 5 frames/s at the top speed


def test_a_frame_short_of_its_epochs_waits_its_interval():
    """At a high speed the browser is ready long before a frame's worth is trained: frames
    then go every `partial_frame_s(speed)`, not whenever the browser is ready (drawing costs
    far more than training)."""
    async def scenario():
        page = Page(speed=100, hidden=[8, 8, 8])
        times: list[float] = []
        draw = page.draw
        page.loop._draw = lambda: (times.append(time.perf_counter()), draw())[1]
        page.loop.play()

        async def browser():            # takes every frame at once
            while page.loop.playing:
                page.take_frame()
                await asyncio.sleep(0.002)
        asyncio.ensure_future(browser())
        await until(lambda: len(page.frames) >= 6, timeout=20)
        page.loop.pause()
        epochs = [page.frames[0], *(b - a for a, b in zip(page.frames, page.frames[1:]))]
        for held, gap in zip(epochs[1:], np.diff(times)):
            assert 0 < held <= 100
            assert held == 100 or gap >= live_loop.partial_frame_s(100)
    run_async(scenario)


def test_the_page_has_its_turn_before_the_next_slice_takes_the_trainer():
    """A slice started before the page's turn after the last one would hold the trainer while
    the page waited to draw; in the app, that wait stops the server's event loop."""
    async def scenario():
        # Partial frames: after a frame is due there is still training to do.
        page = Page(speed=100, hidden=[8, 8, 8])
        page.host.tick_delay = 0.02         # Bokeh runs a next-tick callback once it has the document
        trainer_free: list[bool] = []
        after = page.loop._after_slice

        def page_turn(done):
            free = page.loop.lock.acquire(blocking=False)     # held by a slice's thread: False
            if free:
                page.loop.lock.release()
            trainer_free.append(free)
            after(done)

        page.loop._after_slice = page_turn
        page.loop.play()
        for _ in range(5):                  # the browser takes each frame
            await until(lambda: page.loop.pending is not None)
            page.take_frame()
        page.loop.pause()
        await settle()
        assert len(trainer_free) >= 4 and all(trainer_free)
    run_async(scenario)


def test_an_unanswered_frame_is_followed_after_the_ack_timeout():
    async def scenario():
        page = Page(speed=3)
        page.loop.play()
        await until(lambda: len(page.frames) == 1)
        await until(lambda: len(page.frames) == 2, timeout=ACK_TIMEOUT_S + 5)   # a lost echo does not stall it
        page.loop.pause()
    run_async(scenario)


def test_a_closed_tab_ends_the_loop_and_the_page_is_not_touched_again():
    async def scenario():
        page = Page(speed=3)
        page.loop.play()
        await until(lambda: len(page.frames) == 1)
        page.host.browser = False                       # the tab went without a word
        page.take_frame()
        await settle()
        assert not page.loop.alive
        drawn, epoch = len(page.frames), page.trainer.epoch
        page.loop.frame_taken(drawn)
        await asyncio.sleep(0.3)
        assert (len(page.frames), page.trainer.epoch) == (drawn, epoch)
    run_async(scenario)


def test_a_destroyed_session_ends_the_loop():
    async def scenario():
        page = Page(speed=100)
        page.loop.play()
        await until(lambda: page.trainer.epoch > 0)
        page.host.session = False                       # Bokeh discarded the session mid-slice
        await settle()
        assert not page.loop.alive
        epoch = page.trainer.epoch
        await asyncio.sleep(0.3)
        assert page.trainer.epoch == epoch
        page.loop.close()
        page.loop.play()                                # a closed loop never starts again
        await asyncio.sleep(0.1)
        assert page.trainer.epoch == epoch and page.host.loops == 1
    run_async(scenario)


def test_a_hidden_tab_suspends_training_and_shown_again_resumes():
    async def scenario():
        page = Page(speed=100)
        page.loop.play()
        await until(lambda: page.trainer.epoch > 0)
        page.loop.tab_hidden()
        await settle()
        stopped, drawn = page.trainer.epoch, len(page.frames)
        page.take_frame()
        await asyncio.sleep(0.3)
        assert page.trainer.epoch == stopped and len(page.frames) == drawn and page.loop.playing
        assert page.loop.tab_shown()                    # resumed, since it was playing
        await until(lambda: page.trainer.epoch > stopped)
        page.loop.pause()
        page.loop.tab_hidden()
        assert not page.loop.tab_shown()                # paused stays paused
    run_async(scenario)


def test_a_diverging_run_pauses_itself():
    async def scenario():
        page = Page(speed=1, dataset="reg-plane", activation="relu", learning_rate=10.0, hidden=[8, 8, 8])
        page.loop.play()

        async def browser():
            while page.loop.playing:
                page.take_frame()
                await asyncio.sleep(0.005)
        asyncio.ensure_future(browser())
        await until(lambda: not page.loop.playing, timeout=20)
        assert page.trainer.diverged
    run_async(scenario)


def test_a_class_on_one_network_shape_trains_in_joint_slices_each_as_it_would_alone(monkeypatch):
    """Twelve learners playing the same shape of network (their own data, seeds and rates)
    on one worker: their slices join (dense/cohort.py), and each network is still exactly
    the one its trainer would have trained alone for as many epochs."""
    joint: list[int] = []
    real = LiveLoop.train_together

    def counting(loops, budget_s):
        joint.append(len(loops))
        real(loops, budget_s)

    monkeypatch.setattr(LiveLoop, "train_together", staticmethod(counting))
    variants = [dict(seed=i, data_seed=i, learning_rate=(0.03, 0.1, 0.01)[i % 3],
                     dataset=("circle", "xor", "gauss", "spiral")[i % 4]) for i in range(12)]
    solo = Page(speed=3, optimizer="adam")      # a network that cannot stack plays beside them

    async def scenario():
        from playground.serve import scheduler
        monkeypatch.setattr(scheduler, "_scheduler", scheduler.Scheduler(workers=1))
        monkeypatch.setattr(scheduler, "_scheduler_loop", asyncio.get_running_loop())
        pages = [Page(speed=3, **v) for v in variants]
        for page in pages + [solo]:
            page.loop.play()
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and min(p.trainer.epoch for p in pages + [solo]) < 30:
            for page in pages + [solo]:
                if page.loop.pending is not None:
                    page.take_frame()
            await asyncio.sleep(0.005)
        for page in pages + [solo]:
            page.loop.pause()
        await settle()
        return pages

    pages = run_async(scenario)
    assert min(p.trainer.epoch for p in pages + [solo]) >= 30
    assert joint and max(joint) > 1, "the class's slices must have joined"
    for page, v in zip(pages, variants):
        alone = Trainer(DenseSettings(epochs_per_frame=3, **v))
        alone.step(page.trainer.epoch)
        for a, b in zip(page.trainer.network.weights + page.trainer.network.biases,
                        alone.network.weights + alone.network.biases):
            assert np.array_equal(a, b)
        assert page.trainer.history["test_loss"] == alone.history["test_loss"]
