"""The fair training scheduler: round-robin turns, fairness, the teacher's priority, an adapting budget,
failures kept to their learner, slices dropped when a session goes."""
from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import pytest

from own_thread import run_async
from playground.serve import scheduler as server_scheduler
from playground.serve.scheduler import MAX_BUDGET_S, MIN_BUDGET_S, Budget, Scheduler, is_presenting


def busy(seconds: float) -> None:
    """Hold the GIL for `seconds`, as a slice of small-network training does (mostly Python)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class Gate:
    """A first slice that holds the only worker until opened, so that a queue can build up behind it."""

    def __init__(self):
        self.entered, self.opened = threading.Event(), threading.Event()

    def __call__(self, budget_s: float) -> None:
        self.entered.set()
        self.opened.wait(10)


async def block_pool(scheduler: Scheduler) -> tuple[Gate, asyncio.Task]:
    gate = Gate()
    task = asyncio.create_task(scheduler.run_slice("gate", gate))
    while not gate.entered.is_set():
        await asyncio.sleep(0.001)
    return gate, task


def recorder(log: list, name: str, budgets: list | None = None):
    def work(budget_s: float) -> None:
        log.append(name)
        if budgets is not None:
            budgets.append(budget_s)
    return work


def test_learners_take_turns_round_robin_each_in_the_order_it_asked():
    async def main():
        scheduler = Scheduler(workers=1)
        gate, gate_task = await block_pool(scheduler)
        ran: list[str] = []
        tasks = [asyncio.create_task(scheduler.run_slice(learner, recorder(ran, f"{learner}{i}")))
                 for learner, count in (("a", 3), ("b", 2), ("c", 1)) for i in range(count)]
        await asyncio.sleep(0.01)
        assert scheduler.waiting == 6 and ran == []
        gate.opened.set()
        assert await asyncio.gather(gate_task, *tasks) == [True] * 7
        scheduler.shutdown()
        return ran

    assert run_async(main) == ["a0", "b0", "c0", "a1", "b1", "a2"]


def test_thirty_learners_on_two_workers_get_equal_shares_even_against_a_greedy_one():
    rounds = 12
    order: list[str] = []

    async def learner(scheduler, name, parallel=1):
        async def one_loop():
            while order.count(name) < rounds:
                await scheduler.run_slice(name, lambda budget_s: (order.append(name), busy(0.003)))
        await asyncio.gather(*(one_loop() for _ in range(parallel)))

    async def main():
        scheduler = Scheduler(workers=2)
        await asyncio.gather(*(learner(scheduler, f"l{i}") for i in range(30)),
                             learner(scheduler, "greedy", parallel=8))      # eight slices always waiting
        scheduler.shutdown()

    run_async(main)
    # While the class asks, the greedy learner gets a turn per round like everyone else (its
    # queued slices run on after the class has finished). A learner a little late in asking
    # again may miss a round's turn by one; nobody gets a second turn in a round otherwise.
    during = Counter(order[:31 * (rounds - 1)])
    assert set(during) == {f"l{i}" for i in range(30)} | {"greedy"}
    assert rounds - 3 <= min(during.values()) and max(during.values()) <= rounds - 1 + 1, during


def test_the_teachers_session_goes_first_with_the_full_budget():
    async def main():
        scheduler = Scheduler(workers=1, budget=Budget())
        scheduler.budget.seconds = 0.004         # a busy class: small slices
        gate, gate_task = await block_pool(scheduler)
        ran, budgets = [], []
        tasks = [asyncio.create_task(scheduler.run_slice(f"s{i}", recorder(ran, f"s{i}", budgets)))
                 for i in range(5)]
        tasks.append(asyncio.create_task(scheduler.run_slice("teacher", recorder(ran, "teacher", budgets),
                                                             priority=True)))
        await asyncio.sleep(0.01)
        gate.opened.set()
        await asyncio.gather(gate_task, *tasks)
        scheduler.shutdown()
        return ran, budgets

    ran, budgets = run_async(main)
    assert ran == ["teacher", "s0", "s1", "s2", "s3", "s4"]
    assert budgets[0] == MAX_BUDGET_S and budgets[1:] == [0.004] * 5


def test_the_budget_settles_where_every_learners_turn_comes_in_time():
    # An independent model of a busy server: a round of n learners takes n × (budget + cost)
    # on one core (the GIL). The budget must settle where that round equals the target.
    for n, cost in ((30, 0.002), (10, 0.003), (50, 0.0005)):
        budget = Budget(target_s=0.12)
        for _ in range(60):                   # 60 rounds of the class
            turn = n * (budget.seconds + cost)
            for _ in range(n):
                budget.observe(turn, n)
        expected = 0.12 / n - cost
        assert budget.seconds == pytest.approx(max(expected, MIN_BUDGET_S), rel=0.1), (n, cost)
        assert n * (budget.seconds + cost) <= 0.12 * 1.1 or budget.seconds == MIN_BUDGET_S


def test_a_quiet_class_gets_the_full_budget_back():
    budget = Budget(target_s=0.12)
    for _ in range(30 * 30):
        budget.observe(0.6, 30)               # overloaded: down it goes
    assert budget.seconds == MIN_BUDGET_S
    for _ in range(200):
        budget.observe(0.03, 2)               # two learners left, turns come quickly
    assert budget.seconds == MAX_BUDGET_S


def test_the_real_scheduler_shrinks_slices_when_thirty_learners_keep_it_busy():
    async def main():
        scheduler = Scheduler(workers=2)
        stop = asyncio.Event()

        async def learner(name):
            while not stop.is_set():
                await scheduler.run_slice(name, busy)     # trains its whole budget, holding the GIL
                await asyncio.sleep(0.025)                # the live loop's pause between slices

        tasks = [asyncio.create_task(learner(f"l{i}")) for i in range(30)]
        await asyncio.sleep(4)
        stop.set()
        await asyncio.gather(*tasks)
        scheduler.shutdown()
        return scheduler.budget

    budget = run_async(main)
    # 30 × 40 ms would make each turn come every ~1.2 s (one core's worth of Python);
    # the budget must have come down well below that.
    assert budget.seconds < MAX_BUDGET_S / 2


def test_a_failing_slice_fails_for_its_learner_only_and_the_scheduler_goes_on():
    def broken(budget_s):
        raise ValueError("boom")

    async def main():
        scheduler = Scheduler(workers=2)
        ran: list[str] = []
        results = await asyncio.gather(
            scheduler.run_slice("bad", broken), *(scheduler.run_slice(f"s{i}", recorder(ran, f"s{i}")) for i in range(4)),
            return_exceptions=True)
        again = await scheduler.run_slice("bad", recorder(ran, "bad again"))
        scheduler.shutdown()
        return results, again, ran, scheduler

    results, again, ran, scheduler = run_async(main)
    assert isinstance(results[0], ValueError) and results[1:] == [True] * 4
    assert again is True and sorted(ran) == ["bad again", "s0", "s1", "s2", "s3"]
    assert scheduler._running == 0 and scheduler.waiting == 0


def test_a_slice_whose_session_went_is_dropped_unrun():
    async def main():
        scheduler = Scheduler(workers=1)
        gate, gate_task = await block_pool(scheduler)
        ran: list[str] = []
        session_open = {"a": True, "b": True}
        a = asyncio.create_task(scheduler.run_slice("a", recorder(ran, "a"), wanted=lambda: session_open["a"]))
        b = asyncio.create_task(scheduler.run_slice("b", recorder(ran, "b"), wanted=lambda: session_open["b"]))
        c = asyncio.create_task(scheduler.run_slice("c", recorder(ran, "c")))
        await asyncio.sleep(0.01)
        session_open["a"] = False            # the tab closed while its slice waited
        c.cancel()                           # the live loop's task went with its session
        await asyncio.sleep(0.01)
        assert scheduler.waiting == 2
        gate.opened.set()
        results = await asyncio.gather(gate_task, a, b)
        with pytest.raises(asyncio.CancelledError):
            await c
        scheduler.shutdown()
        return results, ran, scheduler

    results, ran, scheduler = run_async(main)
    assert results == [True, False, True] and ran == ["b"]
    assert scheduler.waiting == 0 and scheduler._running == 0


def test_slices_left_running_when_an_event_loop_closed_do_not_hold_the_next_loops_workers():
    """A loop that ends mid-slice (a test's `asyncio.run`, a server restarting its loop) never
    hears back from that slice; the next loop must still get every worker."""
    async def leave_slices_running():
        for i in range(server_scheduler.shared().workers):
            asyncio.create_task(server_scheduler.run_slice(f"left{i}", lambda budget_s: time.sleep(0.3)))
        await asyncio.sleep(0.05)          # they are running; the loop now ends under them

    async def train_once():
        return await asyncio.wait_for(server_scheduler.run_slice("next", lambda budget_s: None), timeout=0.2)

    run_async(leave_slices_running)
    assert run_async(train_once) is True


def test_present_marks_the_teachers_session_only_with_the_servers_key():
    assert not is_presenting({}, {})
    assert is_presenting({"present": ""}, {})                     # no key: this machine's own server
    key = {"NN_PLAYGROUND_PRESENT_KEY": "k3y"}
    assert is_presenting({"present": "k3y"}, key)
    assert not is_presenting({"present": ""}, key) and not is_presenting({"present": "guess"}, key)
    assert not is_presenting({"lesson": "k3y"}, key)


def test_serve_sets_the_teachers_key_and_prints_the_projector_url():
    import re
    import subprocess
    import sys

    def dry_run(*flags):
        return subprocess.run([sys.executable, "-m", "playground.cli", "serve", "--dry-run", *flags],
                              capture_output=True, text=True, timeout=60, check=True).stdout

    out = dry_run("--lan", "--port", "5123")
    key = re.search(r"NN_PLAYGROUND_PRESENT_KEY=(\S+)", out).group(1)
    assert len(key) >= 8 and f"http://localhost:5123/app?present={key}" in out
    assert is_presenting({"present": key}, {"NN_PLAYGROUND_PRESENT_KEY": key})
    assert re.search(r"NN_PLAYGROUND_PRESENT_KEY=(\S+)", dry_run("--lan")).group(1) != key    # a new one each time
    assert "NN_PLAYGROUND_PRESENT_KEY=chalk" in dry_run("--present-key", "chalk")
    assert "PRESENT" not in dry_run()       # on this machine only: ?present alone will do


def test_waiting_slices_of_one_cohort_run_as_one_job_and_each_learner_takes_its_turn():
    joint_runs: list[tuple[list, float]] = []
    cohort = server_scheduler.Cohort("shape A", lambda learners, budget_s: joint_runs.append((learners, budget_s)))
    other = server_scheduler.Cohort("shape B", lambda learners, budget_s: joint_runs.append((learners, budget_s)))

    async def main():
        scheduler = Scheduler(workers=1)
        gate, gate_task = await block_pool(scheduler)
        ran: list[str] = []
        tasks = [asyncio.create_task(scheduler.run_slice(name, recorder(ran, name), cohort=c))
                 for name, c in (("a", cohort), ("b", other), ("c", cohort), ("d", None), ("e", cohort))]
        tasks.append(asyncio.create_task(   # the teacher's slice is never joined: it has its own budget
            scheduler.run_slice("teacher", recorder(ran, "teacher"), priority=True, cohort=cohort)))
        await asyncio.sleep(0.01)
        gate.opened.set()
        results = await asyncio.gather(gate_task, *tasks)
        turns = {name: scheduler._learners[name].turn for name in "abcde"}
        scheduler.shutdown()
        return results, ran, turns

    results, ran, turns = run_async(main)
    assert results == [True] * 7
    # the teacher first, alone; then a's cohort as one job (a, c, e); b alone (its cohort has one
    # waiting learner, so it runs its own work); d alone
    assert ran == ["teacher", "b", "d"]
    assert [learners for learners, _ in joint_runs] == [["a", "c", "e"]]
    assert joint_runs[0][1] == MAX_BUDGET_S          # a quiet class: the longest slice, joint or not
    assert len({turns["a"], turns["c"], turns["e"]}) == 3 and turns["a"] < turns["b"] < turns["d"]


def test_a_joint_job_gets_a_budget_that_gives_its_learners_a_lone_learners_epochs():
    """A job of k learners trains each at about k^(-2/3) of a lone slice's cost per epoch
    (cohort_speed.py), so it gets k^(1/3) budgets, never over the longest slice."""
    budgets: dict[int, float] = {}
    cohort = server_scheduler.Cohort("k", lambda learners, budget_s: budgets.__setitem__(len(learners), budget_s))

    async def main(n: int, seconds: float):
        scheduler = Scheduler(workers=1)
        scheduler.budget.seconds = seconds
        gate, gate_task = await block_pool(scheduler)
        alone: list[float] = []
        tasks = [asyncio.create_task(scheduler.run_slice(f"l{i}", recorder([], f"l{i}", alone), cohort=cohort))
                 for i in range(n)]
        await asyncio.sleep(0.01)
        gate.opened.set()
        await asyncio.gather(gate_task, *tasks)
        scheduler.shutdown()
        return alone

    assert run_async(lambda: main(1, 0.004)) == [0.004]          # alone: its own work, the budget
    for k in (2, 8):
        run_async(lambda: main(k, 0.004))
        assert budgets[k] == pytest.approx(0.004 * k ** (1 / 3))
    run_async(lambda: main(8, 0.030))                              # 2 × 30 ms would pass the longest slice
    assert budgets[8] == MAX_BUDGET_S


def test_a_failing_joint_slice_fails_for_each_of_its_learners_and_the_scheduler_goes_on():
    def broken(learners, budget_s):
        raise ValueError("boom")

    async def main():
        scheduler = Scheduler(workers=1)
        gate, gate_task = await block_pool(scheduler)
        cohort = server_scheduler.Cohort("k", broken)
        tasks = [asyncio.create_task(scheduler.run_slice(n, recorder([], n), cohort=cohort)) for n in "xyz"]
        await asyncio.sleep(0.01)
        gate.opened.set()
        results = await asyncio.gather(gate_task, *tasks, return_exceptions=True)
        again = await scheduler.run_slice("x", recorder([], "x"))
        scheduler.shutdown()
        return results, again, scheduler

    results, again, scheduler = run_async(main)
    assert results[0] is True and all(isinstance(r, ValueError) for r in results[1:])
    assert again is True and scheduler._running == 0 and scheduler.waiting == 0


def test_a_cohort_slice_whose_session_went_is_not_joined():
    joint_runs: list[list] = []
    cohort = server_scheduler.Cohort("k", lambda learners, budget_s: joint_runs.append(learners))

    async def main():
        scheduler = Scheduler(workers=1)
        gate, gate_task = await block_pool(scheduler)
        open_ = {"p": True, "q": False, "r": True}
        tasks = [asyncio.create_task(scheduler.run_slice(n, recorder([], n), cohort=cohort,
                                                         wanted=lambda n=n: open_[n])) for n in "pqr"]
        await asyncio.sleep(0.01)
        gate.opened.set()
        results = await asyncio.gather(gate_task, *tasks)
        scheduler.shutdown()
        return results

    assert run_async(main) == [True, True, False, True]
    assert joint_runs == [["p", "r"]]


def test_a_cohort_runs_one_job_at_a_time_while_other_learners_use_the_other_worker():
    """On two workers a small group of a cohort must not come round again and again while a
    large group of the same cohort trains: it waits, and joins the next job instead."""
    running: list[str] = []
    overlaps: list[set] = []
    lock = threading.Lock()

    def joint(learners, budget_s):
        with lock:
            running.append("cohort")
            overlaps.append(set(running))
        time.sleep(0.02)
        with lock:
            running.remove("cohort")

    def solo(name):
        def work(budget_s):
            with lock:
                running.append(name)
                overlaps.append(set(running))
            time.sleep(0.02)
            with lock:
                running.remove(name)
        return work

    cohort = server_scheduler.Cohort("k", joint)

    async def main():
        scheduler = Scheduler(workers=2)
        counts = Counter()

        async def learner(name, rounds, cohort_):
            for _ in range(rounds):
                await scheduler.run_slice(name, solo(name), cohort=cohort_)
                counts[name] += 1

        await asyncio.gather(*(learner(f"c{i}", 8, cohort) for i in range(5)), learner("other", 8, None))
        scheduler.shutdown()
        return counts

    counts = run_async(main)
    assert all(n == 8 for n in counts.values())
    # never two jobs of the cohort at once (a lone member runs its own work, named after it)
    for names in overlaps:
        assert sum(1 for n in names if n == "cohort" or n.startswith("c")) <= 1
    assert any("other" in names and len(names) == 2 for names in overlaps), "the other worker was used"


def test_a_full_cohort_job_takes_the_learners_whose_turn_is_longest_ago(monkeypatch):
    """With more learners of a cohort waiting than one job holds, every learner gets its turn
    as often as the others (the joined ones are not always the first few to have come)."""
    monkeypatch.setattr(server_scheduler, "MAX_COHORT", 3)
    cohort = server_scheduler.Cohort("k", lambda learners, budget_s: time.sleep(0.002))

    async def main():
        scheduler = Scheduler(workers=1)
        counts, playing = Counter(), [True]

        async def learner(name):
            while playing[0]:
                await scheduler.run_slice(name, lambda budget_s: time.sleep(0.002), cohort=cohort)
                counts[name] += 1

        tasks = [asyncio.create_task(learner(f"l{i}")) for i in range(7)]
        await asyncio.sleep(0.3)
        seen = dict(counts)
        playing[0] = False
        await asyncio.gather(*tasks)
        scheduler.shutdown()
        return seen

    seen = run_async(main)
    assert len(seen) == 7 and max(seen.values()) <= 1.2 * min(seen.values()), seen


# ---- a heavy network's slice is bounded (issue 23) ------------------------------------------

def heavy_trainer(**extra):
    """The costliest network the page allows: 6 layers of 16, batch 1 (an epoch is 450 mini-batches)."""
    from playground.dense.settings import DenseSettings
    from playground.dense.trainer import Trainer

    return Trainer(DenseSettings(**{"dataset": "spiral", "hidden": [16] * 6, "wide_layers": True, "batch_size": 1,
                                    "train_ratio": 90, **extra}))


def test_a_slice_whose_budget_is_spent_trains_one_part_of_an_epoch_not_a_whole_one():
    from playground.dense.trainer import PART_BATCHES

    trainer = heavy_trainer()
    assert len(trainer.train) == 450
    # A budget already spent: before issue 23 this trained a whole epoch (450 batches) regardless.
    assert trainer.train_for(0.0, 10) == 0
    assert trainer.progress == (0, PART_BATCHES)
    for _ in range(3):
        trainer.train_for(0.0, 10)
    assert trainer.progress == (0, 4 * PART_BATCHES)      # each slice moves on by one part


@pytest.mark.parametrize("extra", [dict(), dict(batch_size=7, dropout=0.3, optimizer="adam"),
                                   dict(batch_size=1000, hidden=[3])])
def test_an_epoch_trained_in_parts_equals_the_whole_epoch_bit_for_bit(extra):
    import numpy as np

    whole, parts = heavy_trainer(**extra), heavy_trainer(**extra)
    whole.step(3)
    slices = 0
    while parts.epoch < 3:
        parts.train_for(0.0, 1)     # the smallest slices: one part each
        slices += 1
    assert parts.progress == (3, 0) and whole.epoch == 3
    for a, b in zip(whole.network.weights + whole.network.biases, parts.network.weights + parts.network.biases):
        assert np.array_equal(a, b)
    assert whole.history["train_loss"] == parts.history["train_loss"]
    if extra.get("batch_size", 1) < 450:
        assert slices > 3                   # the epochs really were cut into parts
    parts.step(1)                           # a whole step after parts: the same as ever
    whole.step(1)
    assert np.array_equal(whole.network.weights[0], parts.network.weights[0])


def test_three_heavy_learners_leave_a_light_one_its_turns_and_its_epochs():
    """On one worker, each heavy learner's slice ends within a part of its budget, so the light learner's
    turn comes every fourth slice and trains many epochs per turn (counted, not timed)."""
    from playground.dense.settings import DenseSettings
    from playground.dense.trainer import Trainer

    heavies = [heavy_trainer(seed=i) for i in range(3)]
    light = Trainer(DenseSettings())
    turns: list[str] = []
    ended_mid_epoch: list[bool] = []      # each heavy slice: did it stop inside an epoch (at a part's end)?

    def work(name, trainer):
        def slice_(budget_s: float) -> None:
            turns.append(name)
            trainer.train_for(budget_s, 10**6)
            if name.startswith("heavy"):
                ended_mid_epoch.append(trainer.progress[1] > 0)
        return slice_

    async def learner(name, trainer, slices):
        for _ in range(slices):
            await scheduler.run_slice(name, work(name, trainer))

    async def main():
        await asyncio.gather(*(learner(f"heavy{i}", t, 12) for i, t in enumerate(heavies)),
                             learner("light", light, 12))

    scheduler = Scheduler(workers=1)
    run_async(main)
    scheduler.shutdown()
    # Round-robin: the light learner ran once in every four slices while all four were waiting.
    assert Counter(turns) == {"heavy0": 12, "heavy1": 12, "heavy2": 12, "light": 12}
    assert all("light" in turns[i:i + 4] for i in range(0, 44, 4))
    # A heavy slice stops where its budget runs out, inside an epoch, not at the end of one: on a slow
    # machine within its first epoch, on a fast one after some. (An epoch of 450 batches is far longer
    # than the 8 batches of a part, so a slice that ends at an epoch's end is the rare exception.)
    assert sum(ended_mid_epoch) >= 0.8 * len(ended_mid_epoch) == 0.8 * 36
    assert light.epoch >= 12


def test_the_present_key_leaves_the_address_bar_once_used():
    from panel.io.location import Location

    from playground.serve.scheduler import PRESENT_KEY_ENV, hide_present_key

    location = Location(search="?present=s3cret&dataset=xor")
    hide_present_key(location, {})                 # no key on this server: nothing to hide
    assert location.search == "?present=s3cret&dataset=xor"
    hide_present_key(location, {PRESENT_KEY_ENV: "s3cret"})
    assert location.search == "?present=&dataset=xor" and "s3cret" not in location.search
    assert is_presenting({"present": ""}, {PRESENT_KEY_ENV: "s3cret"}) is False   # a reload is a plain page
    hide_present_key(None, {PRESENT_KEY_ENV: "s3cret"})   # no location (a test page): nothing happens
