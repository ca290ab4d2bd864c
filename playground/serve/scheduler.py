"""Where every learner's training slices run.

Each live page asks `run_slice` to train one slice for its learner and awaits it;
the scheduler decides when the slice runs and how long it may train. Keeping that
decision in one place is what lets a classroom of sessions share the cores fairly.
"""
from __future__ import annotations

import asyncio
from typing import Callable, Hashable

SLICE_BUDGET_S = 0.018      # how long one slice may train (in a worker thread)


async def run_slice(learner: Hashable, work: Callable[[float], None], *, priority: bool = False) -> None:
    """Run `work(budget_s)` for `learner` off the event loop, and wait until it is done.

    `priority` marks the teacher's projected session.
    """
    await asyncio.get_running_loop().run_in_executor(None, work, SLICE_BUDGET_S)
