"""A lesson's success rule as data, and its verdict over what the learner did.

A rule looks at the runs of one lesson session, oldest first, the last being the current
one: each run's settings (the URL's names) and its test-loss history. So a rule can ask
what the learner changed ("with L2 on, after a run without L2 whose test loss rose") and
compare two runs from the same start ("Adam reaches the target in under half of SGD's
epochs"), not only whether a loss crossed a line: a loss threshold alone cannot tell
whether the learner did what the lesson teaches.

Pure Python, no Panel: the page, `playground train --lesson` and the tests judge alike.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

# What a run starts from: the same data, the same initial weights and the same batch
# order. Two runs that agree on these (but for the settings a rule compares) differ
# only in what the learner changed.
START = ("dataset", "problem", "noise", "train_ratio", "n_classes", "data_seed", "label_noise", "class_keep",
         "seed", "features", "hidden", "init_zero", "batch_size", "shuffle")
# Settings that change only the picture: changing them mid-run does not start a new stretch.
DISPLAY = frozenset({"show_test_data", "discretize", "epochs_per_frame", "speed"})
MAX_RUNS = 20          # a session keeps this many runs of a lesson (the rules look back over them)
MAX_OBSERVED = 1000    # a run keeps this many changes of its measures

_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
        ">=": operator.ge}


def derived(settings: dict[str, str], name: str) -> str:
    """A setting by name, or one worked out from them: "layers" (hidden layers), "neurons" (in all)."""
    hidden = [int(n) for n in settings.get("hidden", "").split(",") if n]
    if name == "layers":
        return str(len(hidden))
    if name == "neurons":
        return str(sum(hidden))
    return settings.get(name, "")


@dataclass(frozen=True)
class Is:
    """A run's setting compared with a value: `Is("regularization", "==", "l2")`.

    `<`, `<=`, `>` and `>=` compare numbers; `==` and `!=` compare the URL's text.
    """

    name: str
    op: str
    value: str

    def holds(self, settings: dict[str, str]) -> bool:
        have = derived(settings, self.name)
        if self.op in ("==", "!="):
            return _OPS[self.op](have, self.value)
        try:
            return _OPS[self.op](float(have), float(self.value))
        except ValueError:
            return False

    @property
    def names(self) -> frozenset[str]:
        return frozenset({"hidden"} if self.name in ("layers", "neurons") else {self.name})


@dataclass(frozen=True)
class AnyOf:
    """At least one of `conditions` holds."""

    conditions: tuple[Is, ...]

    def holds(self, settings: dict[str, str]) -> bool:
        return any(c.holds(settings) for c in self.conditions)

    @property
    def names(self) -> frozenset[str]:
        return frozenset().union(*(c.names for c in self.conditions))


@dataclass(frozen=True)
class Has:
    """A run's measure compared with a number: `Has("dead_neurons", ">=", 2)`.

    Measures are what the trainer's numbers say beyond the test loss (see `lesson_measures`):
    "dead_neurons", "minority_recall", "test_accuracy", "loss_gap" (training loss − test loss).
    A run that never measured it (NaN or missing) meets no condition on it.
    """

    name: str
    op: str
    value: float

    def holds(self, measures: dict[str, float]) -> bool:
        have = measures.get(self.name, math.nan)
        return not math.isnan(have) and _OPS[self.op](have, self.value)


def _measured(conditions: tuple[Has, ...], measures: dict[str, float]) -> bool:
    return all(c.holds(measures) for c in conditions)


def _all(conditions, settings) -> bool:
    return all(c.holds(settings) for c in conditions)


def _names(*groups) -> frozenset[str]:
    return frozenset().union(*(c.names for group in groups for c in group))


@dataclass(frozen=True)
class Earlier:
    """An earlier run of the session the rule needs: its settings meet `when`, it trained at
    least `epochs` epochs (or diverged), its test loss rose at least `rose` above its own
    minimum (when given), with `same_start` it started where the current run did, and its
    measures met `measures` at some point."""

    when: tuple[Is | AnyOf, ...]
    epochs: int = 1
    rose: float | None = None
    same_start: bool = False
    measures: tuple[Has, ...] = ()     # met at one of its observations (dead neurons seen, accuracy with a recall)


@dataclass(frozen=True)
class Reach:
    """The current run's test loss reaches `target` while its settings meet `when` and its measures
    `measures`, with at least `dead_links` links that L1 set to zero, and only after an `after` run
    when given."""

    target: float
    when: tuple[Is | AnyOf, ...] = ()
    after: Earlier | None = None
    dead_links: int = 0
    measures: tuple[Has, ...] = ()     # the current run's measures meet these now


@dataclass(frozen=True)
class Faster:
    """From the same start, the current run (settings meet `fast`) reaches `target` in fewer
    than `factor` × the epochs an earlier run (settings meet `slow`) needed; a slow run that
    never reached it counts once it trained at least 1/`factor` × the fast run's epochs."""

    target: float
    fast: tuple[Is | AnyOf, ...]
    slow: tuple[Is | AnyOf, ...]
    factor: float = 0.5


Rule = Reach | Faster


@dataclass
class Run:
    """One stretch of training under one set of settings: its settings (URL names) and its history.

    `history` is the trainer's own history dict ("epoch" and "test_loss" lists), held by
    reference: a reset makes a new dict, so the dict names the network's run. A setting
    changed without a reset (the learning rate) starts a new stretch of the same history
    at epoch `start`; the old stretch ends there (`end`).
    """

    settings: dict[str, str]
    history: dict[str, list]
    start: int = 0
    end: int | None = None     # the last epoch of a finished stretch; None while it trains
    dead_links: int = 0
    diverged: bool = False
    # The measures a rule asked for, as observed: the newest last. Equal observations in a row are kept
    # once (counts and shares change seldom), and only the newest MAX_OBSERVED.
    observed: list[dict[str, float]] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def measures(self) -> dict[str, float]:
        """The newest measures ({} if none were taken)."""
        return self.observed[-1] if self.observed else {}

    def observe_measures(self, measures: dict[str, float]) -> None:
        if measures and (not self.observed or self.observed[-1] != measures):
            self.observed.append(measures)
            del self.observed[:-MAX_OBSERVED]

    def points(self) -> list[tuple[int, float]]:
        """(epoch, test loss) of this stretch: after its start (epoch 0 for a run's first stretch)."""
        def compute():
            end = math.inf if self.end is None else self.end
            return [(e, v) for e, v in zip(self.history["epoch"], self.history["test_loss"])
                    if self.start < e <= end or e == self.start == 0]
        return self._cached("points", compute)

    @property
    def trained(self) -> int:
        """Epochs trained in this stretch."""
        last = self.end if self.end is not None else (self.history["epoch"][-1] if self.history["epoch"] else 0)
        return last - self.start

    @property
    def loss(self) -> float:
        """The newest test loss."""
        points = self.points()
        return points[-1][1] if points else math.nan

    def _cached(self, key, compute):
        if self.end is None:        # still training: its numbers change
            return compute()
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def first_at(self, target: float) -> int | None:
        """The first epoch whose test loss is at most `target`, or None."""
        return self._cached(("first", target), lambda: next((e for e, v in self.points() if v <= target), None))

    def rise(self) -> tuple[float, float]:
        """(lowest test loss, highest test loss after it): how far the test loss rose from its minimum."""
        def compute():
            losses = [v if math.isfinite(v) else math.inf for _e, v in self.points()]
            if not losses:
                return math.nan, math.nan
            low = min(range(len(losses)), key=losses.__getitem__)
            return losses[low], max(losses[low:])
        return self._cached("rise", compute)


def same_start(a: dict[str, str], b: dict[str, str], apart: frozenset[str] = frozenset()) -> bool:
    """Whether two runs start alike (data, weights, batch order), but for the settings in `apart`."""
    return all(a.get(k) == b.get(k) for k in START if k not in apart)


@dataclass(frozen=True)
class Verdict:
    """The rule over the runs: `solved_at` is the current run's first epoch at which it held,
    `holds` whether it holds now, `numbers` what held (for the marker's words)."""

    solved_at: int | None = None
    holds: bool = False
    numbers: dict = field(default_factory=dict)


NOT_SOLVED = Verdict()


def _earlier(after: Earlier, current: Run, earlier: list[Run], apart: frozenset[str]) -> Run | None:
    """The newest earlier run that meets `after`."""
    for run in reversed(earlier):
        if not _all(after.when, run.settings):
            continue
        if run.trained < after.epochs and not run.diverged:
            continue
        if after.same_start and not same_start(run.settings, current.settings, apart):
            continue
        if after.rose is not None:
            low, high = run.rise()
            if not high - low >= after.rose:
                continue
        if after.measures and not any(_measured(after.measures, m) for m in run.observed):
            continue
        return run
    return None


def judge(rule: Rule, runs: list[Run]) -> Verdict:
    """The verdict of `rule` on the current run (the last of `runs`), the earlier ones before it."""
    if not runs:
        return NOT_SOLVED
    current, earlier = runs[-1], runs[:-1]
    if isinstance(rule, Reach):
        return _judge_reach(rule, current, earlier)
    return _judge_faster(rule, current, earlier)


def _judge_reach(rule: Reach, current: Run, earlier: list[Run]) -> Verdict:
    if not _all(rule.when, current.settings) or current.dead_links < rule.dead_links:
        return NOT_SOLVED
    if not _measured(rule.measures, current.measures):
        return NOT_SOLVED
    numbers = {"target": rule.target, "loss": current.loss, "dead_links": current.dead_links,
               "neurons": int(derived(current.settings, "neurons")), **current.measures}
    if rule.after is not None:
        before = _earlier(rule.after, current, earlier, _names(rule.when, rule.after.when))
        if before is None:
            return NOT_SOLVED
        low, high = before.rise()
        numbers.update(before_epochs=before.trained, before_low=low, before_high=high)
        met = next((m for m in reversed(before.observed) if _measured(rule.after.measures, m)), {})
        numbers.update({f"before_{name}": value for name, value in met.items()})
    solved = current.first_at(rule.target)
    if solved is None:
        return NOT_SOLVED
    return Verdict(solved, current.loss <= rule.target, {**numbers, "epoch": solved})


def _judge_faster(rule: Faster, current: Run, earlier: list[Run]) -> Verdict:
    if not _all(rule.fast, current.settings):
        return NOT_SOLVED
    fast = current.first_at(rule.target)
    if fast is None:
        return NOT_SOLVED
    apart = _names(rule.fast, rule.slow)
    for run in reversed(earlier):
        if not (_all(rule.slow, run.settings) and same_start(run.settings, current.settings, apart)):
            continue
        slow = run.first_at(rule.target)
        # Epochs counted from each stretch's start; a slow run that never got there counts once it
        # ran long enough to be slower for sure.
        took = fast - current.start
        if (slow is not None and took < rule.factor * (slow - run.start)) or (
                slow is None and took < rule.factor * run.trained):
            return Verdict(fast, current.loss <= rule.target,
                           {"epoch": fast, "target": rule.target, "loss": current.loss,
                            "slow_epoch": slow, "slow_trained": run.trained})
    return NOT_SOLVED


def rule_measures(rule: Rule) -> frozenset[str]:
    """The measures `rule` looks at: what a run has to observe beyond its test loss for it."""
    if isinstance(rule, Faster):
        return frozenset()
    conditions = rule.measures + (rule.after.measures if rule.after is not None else ())
    return frozenset(c.name for c in conditions)


def needs_step(rule: Rule, preset: dict[str, str]) -> bool:
    """Whether the rule can never hold for the lesson's preset alone (the learner must do something)."""
    if isinstance(rule, Faster):
        return True
    return rule.after is not None or not _all(rule.when, preset)


def stalled(run: Run, window: int = 500, band: float = 0.02) -> int | None:
    """The epoch since which the test loss has stayed within `band` of where it is now, once that
    has lasted at least `window` epochs; None while it still moves."""
    points = [(e, v) for e, v in run.points() if math.isfinite(v)]
    if not points:
        return None
    now = points[-1][1]
    since = points[-1][0]
    for e, v in reversed(points):
        if abs(v - now) > band:
            break
        since = e
    return since if points[-1][0] - since >= window else None


class RunLog:
    """The runs of one lesson session: `observe` after every frame; `runs` for `judge`."""

    def __init__(self):
        self.runs: list[Run] = []

    def clear(self) -> None:
        self.runs = []

    def observe(self, settings: dict[str, str], history: dict[str, list], dead_links: int = 0,
                diverged: bool = False, measures: dict[str, float] | None = None) -> Run:
        """Note the current run's state. A new `history` dict is a new run; settings changed
        without a reset start a new stretch of the same run. A stretch that trained nothing
        is replaced, one that trained is kept for the rules to look back on."""
        current = self.runs[-1] if self.runs else None
        epoch = history["epoch"][-1] if history["epoch"] else 0
        if current is None or current.history is not history or _differ(current.settings, settings):
            start = 0 if current is None or current.history is not history else epoch
            if current is not None and current.trained == 0:
                self.runs.pop()
            elif current is not None:
                current.end = epoch if current.history is history else current.trained + current.start
            current = Run(settings, history, start=start)
            self.runs.append(current)
            del self.runs[:-MAX_RUNS]
        current.settings, current.dead_links, current.diverged = settings, dead_links, diverged
        current.observe_measures(measures or {})
        return current

    def fewest_neurons(self, rule: Rule) -> int | None:
        """The fewest neurons of any run in this session that solved `rule`."""
        solved = [int(derived(run.settings, "neurons")) for i, run in enumerate(self.runs)
                  if judge(rule, self.runs[:i + 1]).solved_at is not None]
        return min(solved) if solved else None


def _differ(a: dict[str, str], b: dict[str, str]) -> bool:
    return any(a.get(k) != b.get(k) for k in set(a) | set(b) if k not in DISPLAY)
