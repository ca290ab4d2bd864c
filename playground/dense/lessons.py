"""The lessons: Lecture 05's tasks and our own, as presets of the dense playground.

A lesson's settings and solution are query dicts in this app's URL names (see
`DenseSettings.to_query`), so the page, `?lesson=ID` links and `playground train --lesson`
all apply them the same way: on top of the defaults, then any explicit setting on top.
Texts are marked with `N_()` and translated with `_()` where they are shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from playground.i18n import N_, _
from playground.dense.settings import DenseSettings

ALL_FEATURES = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"
TARGET = 0.05   # the same "solved" yardstick as the lecture benchmark (bench.TARGET)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str                 # N_() marked
    goal: str                  # N_() marked: what to reach, a sentence or two
    tries: str                 # N_() marked: what to try
    settings: dict[str, str]   # query values on top of the defaults
    target: float = TARGET     # solved once the test loss is at or below this
    epochs: int = 1000         # a sane budget to reach the target (CLI default, tests)
    lecture: str | None = None  # N_() marked: the lecture's own result, where it has one
    solution: dict[str, str] | None = field(default=None)   # query values on top of `settings`

    def query(self) -> dict[str, str]:
        return dict(self.settings)

    def solution_query(self) -> dict[str, str] | None:
        return None if self.solution is None else {**self.settings, **self.solution}


LESSONS: dict[str, Lesson] = {lesson.id: lesson for lesson in [
    # ---- Lecture 05 (lr 0.03, batch 10, ratio 50 %, noise 0: our defaults) ----
    Lesson("task1", N_("Task 1: the circle"),
           N_("Separate the blue circle from the orange ring with X1 and X2 and two hidden layers of 4 and 2 "
              "tanh neurons."),
           N_("Press play and watch the boundary bend into a circle. Then try fewer neurons: how few still work?"),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"}, epochs=300,
           lecture=N_("Test loss 0.016 at epoch 109.")),
    Lesson("task2", N_("Task 2: XOR"),
           N_("Classify the four quadrants of XOR with the same network."),
           N_("Watch how each first-layer neuron draws one line and the next layer combines them. "
              "Which single feature would solve it alone?"),
           {"dataset": "xor", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"}, epochs=500,
           lecture=N_("Test loss 0.004 at epoch 223."), solution={"features": "x1x2", "hidden": ""}),
    Lesson("task3", N_("Task 3: two Gaussian clouds"),
           N_("Separate two Gaussian clouds: the easiest data set."),
           N_("It is solved in a few epochs. Remove the hidden layers: is one straight line enough?"),
           {"dataset": "gauss", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"}, epochs=100,
           lecture=N_("Solved in about 20 epochs.")),
    Lesson("task4", N_("Task 4: the spiral"),
           N_("Try the spiral with X1, X2 and tanh 4-2. The lecture found no solution with this network."),
           N_("Let it run for thousands of epochs and watch the test loss stall. What would you change: "
              "features, neurons or layers?"),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"}, epochs=6000,
           lecture=N_("No solution: test loss 0.439 at epoch 6008."),
           solution={"features": ALL_FEATURES, "hidden": "8"}),
    Lesson("task4a", N_("Task 4a: the spiral with every feature, one layer"),
           N_("Solve the spiral with all seven features and ONE hidden layer. Find the fewest neurons that "
              "still solve it."),
           N_("Start with 8 neurons, then remove one at a time and train again."),
           {"dataset": "spiral", "features": ALL_FEATURES, "hidden": "2", "activation": "tanh"}, epochs=2000,
           lecture=N_("One layer of 8 tanh neurons: test loss 0.007 at epoch 1014."),
           solution={"hidden": "8"}),
    Lesson("task4b", N_("Task 4b: the spiral, deep"),
           N_("Solve the spiral from X1 and X2 alone with six hidden layers of 8 ReLU neurons."),
           N_("Watch the deeper layers build ever more curved regions. Then look for the fewest layers that "
              "still solve it."),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "8,8,8,8,8,8", "activation": "relu"},
           epochs=1000, lecture=N_("Test loss 0.023 at epoch 605.")),
    # ---- our own ----
    Lesson("lr-too-high", N_("A learning rate too high"),
           N_("With a learning rate of 3 the steps overshoot: the loss jumps about or the run diverges."),
           N_("Press play, then lower the learning rate step by step until the loss falls smoothly."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "relu",
            "learning_rate": "3"}, epochs=300, solution={"learning_rate": "0.03"}),
    Lesson("overfitting", N_("Overfitting, and L2 as the remedy"),
           N_("Few noisy training points and a large network: the training loss falls, the test loss does not."),
           N_("Show the test data and compare the two curves. Then turn on L2 regularization and train again."),
           {"dataset": "xor", "noise": "50", "train_ratio": "10", "features": ALL_FEATURES,
            "hidden": "8,8,8", "activation": "tanh", "show_test_data": "1"}, target=0.3, epochs=1000,
           solution={"regularization": "l2", "reg_rate": "0.1"}),
    Lesson("l1", N_("L1 kills links"),
           N_("L1 regularization pushes useless weights to exactly zero: watch the links fade away."),
           N_("Train with all seven features on the circle; which features keep their links? "
              "Raise the rate to 0.03 and see more links die."),
           {"dataset": "circle", "features": ALL_FEATURES, "hidden": "4,2", "activation": "tanh",
            "regularization": "l1", "reg_rate": "0.01"}, epochs=500),
    Lesson("activations", N_("Activations"),
           N_("A network of linear neurons is one linear function, however deep: it cannot separate the circle."),
           N_("Train with linear activation, then switch to tanh, then to ReLU: compare how fast and how the "
              "boundaries look."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "linear"}, epochs=300,
           solution={"activation": "tanh"}),
    Lesson("optimizers", N_("SGD against Adam"),
           N_("Plain SGD crawls on the spiral; Adam adapts the step of every weight."),
           N_("Train with SGD and note the epoch the loss drops; reset, switch to Adam and compare."),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "8,8,8,8", "activation": "relu",
            "optimizer": "sgd"}, epochs=1000, solution={"optimizer": "adam", "learning_rate": "0.003"}),
    Lesson("zero-init", N_("Why weights start different"),
           N_("With every weight starting at zero, the neurons of a layer get the same updates and stay identical "
              "forever: the network behaves as if each layer had one neuron."),
           N_("Hover over the neurons of a layer after training: they are all the same. Turn zero "
              "initialisation off and train again."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh", "init_zero": "1"},
           epochs=300, solution={"init_zero": "0"}),
]}


def lesson_query(query: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Resolve `lesson=ID` in a query: the lesson's settings, with the query's own settings on top.

    An unknown lesson gives a notice and changes nothing else.
    """
    query = dict(query)
    lesson_id = query.pop("lesson", None)
    if lesson_id is None:
        return query, []
    lesson = LESSONS.get(lesson_id)
    if lesson is None:
        return query, [_("Unknown lesson {lesson!r}; choose from {lessons}.").format(lesson=lesson_id, lessons=", ".join(LESSONS))]
    return {**lesson.settings, **query}, []


def lesson_settings(lesson_id: str, solution: bool = False) -> DenseSettings:
    """The settings a lesson (or its solution) starts from; KeyError for an unknown id."""
    lesson = LESSONS[lesson_id]
    query = lesson.solution_query() if solution else lesson.query()
    if query is None:
        raise KeyError(f"lesson {lesson_id!r} has no solution")
    settings, notices = DenseSettings.from_query(query)
    assert not notices, notices
    return settings
