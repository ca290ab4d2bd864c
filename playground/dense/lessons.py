"""The lessons: Lecture 05's tasks and our own, as presets of the dense playground.

A lesson's settings and solution are query dicts in this app's URL names (see
`DenseSettings.to_query`), so the page, `?lesson=ID` links and `playground train --lesson`
all apply them the same way: on top of the defaults, then any explicit setting on top.
Texts are marked with `N_()` and translated with `_()` where they are shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import N_, _
from playground.i18n.numbers import format_number, format_share
from playground.dense.lesson_rules import AnyOf, Earlier, Faster, Has, Is, Reach, Rule, Verdict, needs_step
from playground.dense.settings import DenseSettings

ALL_FEATURES = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"
TARGET = 0.05   # the same "solved" yardstick as the lecture benchmark (bench.TARGET)


@dataclass(frozen=True)
class Question:
    """Asked before Play (predict, then observe): 2–4 choices, the right one, and why (all N_() marked)."""

    text: str
    choices: tuple[str, ...]
    answer: int                # index into `choices`
    why: str


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str                 # N_() marked
    goal: str                  # N_() marked: what to reach, a sentence or two
    tries: str                 # N_() marked: what to try
    settings: dict[str, str]   # query values on top of the defaults
    rule: Rule                 # when it is solved: over the current run and the learner's earlier runs
    rule_text: str             # N_() marked: the rule in words
    held: str                  # N_() marked: what held, for the marker ({epoch}, {loss}, {target}, …)
    epochs: int = 1000         # a sane budget to reach the target (CLI default, tests)
    lecture: str | None = None  # N_() marked: the lecture's own result, where it has one
    solution: dict[str, str] | None = None   # query values on top of `settings`: the solution's step
    solution_text: str | None = None          # N_() marked: that step in a sentence
    counts_neurons: bool = False              # report the neurons used and the fewest that solved it
    question: Question | None = None          # asked before Play; answered after the run
    cause: dict[str, str] | None = None       # a step the learner takes first, to cause the fault the solution fixes

    @property
    def target(self) -> float:
        return self.rule.target

    @property
    def needs_step(self) -> bool:
        """True when the preset alone must never solve it: the learner has to do something."""
        return needs_step(self.rule, DenseSettings.from_query(self.settings)[0].to_query())

    def query(self) -> dict[str, str]:
        return dict(self.settings)

    def solution_query(self) -> dict[str, str] | None:
        return None if self.solution is None else {**self.settings, **self.solution}


# The preset's test loss has to be seen before a changed setting counts.
SEEN = 50
LOSS_HELD = N_("Solved at epoch {epoch}: test loss {loss} ≤ {target}.")

LESSONS: dict[str, Lesson] = {lesson.id: lesson for lesson in [
    # ---- Lecture 05 (lr 0.03, batch 10, ratio 50 %, noise 0: our defaults) ----
    Lesson("task1", N_("Task 1: the circle"),
           N_("Separate the blue circle from the orange ring with X1 and X2 and two hidden layers of 4 and 2 "
              "tanh neurons."),
           N_("Press play and watch the boundary bend into a circle. Then try fewer neurons: how few still work?"),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"},
           Reach(TARGET), N_("Test loss at most 0.05."), LOSS_HELD, epochs=300,
           lecture=N_("Test loss 0.016 at epoch 109."), solution={"hidden": "3"},
           solution_text=N_("Use one hidden layer of 3 neurons: it still bends the boundary into a circle."),
           question=Question(N_("How few neurons in ONE hidden layer still separate the circle?"),
                             (N_("One"), N_("Three"), N_("Eight at least")), 1,
                             N_("Three lines can close a region round the centre; two cannot. One layer of 3 tanh neurons "
                                "solves it."))),
    Lesson("task2", N_("Task 2: XOR"),
           N_("Classify the four quadrants of XOR with the same network."),
           N_("Watch how each first-layer neuron draws one line and the next layer combines them. "
              "Which single feature would solve it alone?"),
           {"dataset": "xor", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"},
           Reach(TARGET), N_("Test loss at most 0.05."), LOSS_HELD, epochs=500,
           lecture=N_("Test loss 0.004 at epoch 223."), solution={"features": "x1x2", "hidden": ""},
           solution_text=N_("Use the single feature X1X2 and no hidden layer: its sign is the XOR."),
           question=Question(N_("Which single feature separates XOR on its own?"), ("X1²", "X1X2", "sin(X1)"), 1,
                             N_("X1·X2 is positive in two opposite quadrants and negative in the other two: its sign is "
                                "the XOR."))),
    Lesson("task3", N_("Task 3: two Gaussian clouds"),
           N_("Separate two Gaussian clouds: the easiest data set."),
           N_("It is solved in a few epochs. Remove the hidden layers: is one straight line enough?"),
           {"dataset": "gauss", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"},
           Reach(TARGET), N_("Test loss at most 0.05."), LOSS_HELD, epochs=100,
           lecture=N_("Solved in about 20 epochs."), solution={"hidden": ""},
           solution_text=N_("Remove every hidden layer: one straight line separates the two clouds."),
           question=Question(N_("Does this data need a hidden layer?"),
                             (N_("Yes"), N_("No: one straight line is enough")), 1,
                             N_("The two clouds lie on either side of a line, and a network without hidden layers draws "
                                "exactly one line."))),
    Lesson("task4", N_("Task 4: the spiral"),
           N_("Try the spiral with X1, X2 and tanh 4-2. The lecture found no solution with this network."),
           N_("Let it run for thousands of epochs and watch the test loss stall. What would you change: "
              "features, neurons or layers?"),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "4,2", "activation": "tanh"},
           Reach(TARGET, when=(AnyOf((Is("features", "!=", "x1,x2"), Is("hidden", "!=", "4,2"),
                                      Is("activation", "!=", "tanh"))),)),
           N_("Test loss at most 0.05 with other features, neurons, layers or activation than the lecture's "
              "X1, X2 and tanh 4-2."),
           N_("Solved at epoch {epoch} with a changed network: test loss {loss} ≤ {target}."), epochs=2000,
           lecture=N_("No solution: test loss 0.439 at epoch 6008."),
           solution={"features": ALL_FEATURES, "hidden": "8"},
           solution_text=N_("Give the network all seven features and one hidden layer of 8 neurons."),
           question=Question(N_("What will the test loss do over thousands of epochs?"),
                             (N_("Fall to almost 0"), N_("Stall well above 0.05"), N_("Blow up")), 1,
                             N_("Six tanh neurons on X1 and X2 cannot bend a boundary round the spiral's arms; more "
                                "features or neurons can."))),
    Lesson("task4a", N_("Task 4a: the spiral with every feature, one layer"),
           N_("Solve the spiral with all seven features and ONE hidden layer. Find the fewest neurons that "
              "still solve it."),
           N_("Start with 8 neurons, then remove one at a time and train again."),
           {"dataset": "spiral", "features": ALL_FEATURES, "hidden": "8", "activation": "tanh"},
           Reach(TARGET, when=(Is("layers", "==", "1"), Is("features", "==", ALL_FEATURES))),
           N_("Test loss at most 0.05 with all seven features and one hidden layer."),
           N_("Solved at epoch {epoch} with {neurons} neurons: test loss {loss} ≤ {target}."), epochs=2000,
           lecture=N_("One layer of 8 tanh neurons: test loss 0.007 at epoch 1014."), counts_neurons=True,
           question=Question(N_("With all seven features, how many neurons does one layer need?"),
                             (N_("Two"), N_("About five to eight"), N_("Sixteen")), 1,
                             N_("The sine features already curve; a handful of neurons combine them into the spiral. In our "
                                "runs 8 always solve it, 5 only from some starts."))),
    Lesson("task4b", N_("Task 4b: the spiral, deep"),
           N_("Solve the spiral from X1 and X2 alone with six hidden layers of 8 ReLU neurons."),
           N_("Watch the deeper layers build ever more curved regions. Then look for the fewest layers that "
              "still solve it."),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "8,8,8,8,8,8", "activation": "relu"},
           Reach(TARGET), N_("Test loss at most 0.05."), LOSS_HELD, epochs=1000,
           lecture=N_("Test loss 0.023 at epoch 605."), solution={"hidden": "8,8,8,8"},
           solution_text=N_("Remove two layers: four layers of 8 ReLU neurons still solve it."),
           question=Question(N_("Will six ReLU layers solve the spiral from X1 and X2 alone?"),
                             (N_("Yes"), N_("No: it needs more features")), 0,
                             N_("Each ReLU layer folds the plane once more; six folds are enough to follow the spiral's "
                                "arms without extra features."))),
    # ---- our own ----
    Lesson("lr-too-high", N_("A learning rate too high"),
           N_("With a learning rate of 3 the steps overshoot: the loss jumps about or the run diverges."),
           N_("Press play and watch the loss jump. Then lower the learning rate step by step until the loss "
              "falls smoothly."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "relu",
            "learning_rate": "3"},
           Reach(TARGET, when=(Is("learning_rate", "<", "3"),),
                 after=Earlier((Is("learning_rate", ">=", "3"),), epochs=SEEN)),
           N_("Test loss at most 0.05 with a learning rate below 3, after a run with learning rate 3 was seen "
              "for at least 50 epochs (or diverged)."),
           N_("Solved at epoch {epoch}: with a smaller learning rate the test loss fell to {loss} ≤ {target}."),
           epochs=300, solution={"learning_rate": "0.03"},
           solution_text=N_("Lower the learning rate to 0.03."),
           question=Question(N_("What will the loss do with a learning rate of 3?"),
                             (N_("Fall fast"), N_("Jump about or blow up"), N_("Stay flat")), 1,
                             N_("Each step overshoots the minimum, and the step back overshoots again: the loss jumps "
                                "instead of falling."))),
    Lesson("overfitting", N_("Overfitting, and L2 as the remedy"),
           N_("Few noisy training points and a large network: the training loss falls, the test loss does not."),
           N_("Show the test data and compare the two curves: the test loss falls, then rises. Then turn on L2 "
              "regularization and train again."),
           {"dataset": "xor", "noise": "50", "train_ratio": "10", "features": ALL_FEATURES,
            "hidden": "8,8,8", "activation": "tanh", "show_test_data": "1"},
           Reach(0.3, when=(Is("regularization", "==", "l2"),),
                 after=Earlier((Is("regularization", "!=", "l2"),), rose=0.03)),
           N_("Test loss at most 0.3 with L2 on, after a run without L2 whose test loss rose above its own "
              "minimum."),
           N_("Solved at epoch {epoch}: with L2 the test loss is {loss} ≤ {target}; without it, it rose from "
              "{before_low} to {before_high}."),
           epochs=1000, solution={"regularization": "l2", "reg_rate": "0.1"},
           solution_text=N_("Turn on L2 regularization with rate 0.1."),
           question=Question(N_("With few noisy training points and no regularization, what will the test loss do?"),
                             (N_("Fall with the training loss"), N_("Fall, then rise"), N_("Stay flat")), 1,
                             N_("The network learns the noise of its few training points, and what it learns beyond the "
                                "pattern makes the test loss rise. L2 keeps the weights small and the boundary smooth."))),
    Lesson("l1", N_("L1 kills links"),
           N_("L1 regularization pushes useless weights to exactly zero: watch the links fade away."),
           N_("Train with all seven features on the circle; which features keep their links? "
              "Raise the rate to 0.03 and see more links die."),
           {"dataset": "circle", "features": ALL_FEATURES, "hidden": "4,2", "activation": "tanh",
            "regularization": "l1", "reg_rate": "0.01"},
           Reach(TARGET, when=(Is("regularization", "==", "l1"),), dead_links=1),
           N_("Test loss at most 0.05 with L1 on and at least one link set to zero."),
           N_("Solved at epoch {epoch}: test loss {loss} ≤ {target}, and L1 has set {dead_links} links to zero."),
           epochs=500, solution={"reg_rate": "0.03"},
           solution_text=N_("Raise the L1 rate to 0.03."),
           question=Question(N_("With L1 on all seven features, which links will survive?"),
                             (N_("All of them"), N_("Mostly those of X1² and X2²"), N_("Mostly those of the sines")), 1,
                             N_("The circle is X1² + X2² below a radius: those features carry the pattern, so L1 keeps "
                                "their links and sets useless ones to zero."))),
    Lesson("activations", N_("Activations"),
           N_("A network of linear neurons is one linear function, however deep: it cannot separate the circle."),
           N_("Train with linear activation, then switch to tanh, then to ReLU: compare how fast and how the "
              "boundaries look. Each switch starts again from the same weights."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "linear"},
           Reach(TARGET, when=(Is("activation", "!=", "linear"),),
                 after=Earlier((Is("activation", "==", "linear"),), epochs=SEEN, same_start=True)),
           N_("Test loss at most 0.05 with a non-linear activation, after a linear run from the same start was "
              "seen for at least 50 epochs."),
           N_("Solved at epoch {epoch}: from the same start, a non-linear activation reached test loss {loss} ≤ "
              "{target}."),
           epochs=300, solution={"activation": "tanh"},
           solution_text=N_("Switch the activation to tanh."),
           question=Question(N_("Can a network of linear neurons separate the circle?"),
                             (N_("Yes, with enough layers"), N_("No, however deep")), 1,
                             N_("Linear layers compose into one linear function: its boundary is a straight line, however "
                                "many layers there are."))),
    Lesson("optimizers", N_("SGD against Adam"),
           N_("Plain SGD crawls on the spiral; Adam adapts the step of every weight."),
           N_("Train with SGD and note the epoch the test loss drops below 0.05. Then switch the optimizer to "
              "Adam: the network starts again from the same weights. Compare the epochs."),
           {"dataset": "spiral", "features": "x1,x2", "hidden": "8,8,8,8", "activation": "relu",
            "learning_rate": "0.003", "optimizer": "sgd"},
           Faster(TARGET, fast=(Is("optimizer", "==", "adam"),), slow=(Is("optimizer", "==", "sgd"),)),
           N_("From the same start, Adam reaches test loss 0.05 in fewer than half of SGD's epochs; both runs "
              "seen."),
           N_("Solved at epoch {epoch}: Adam reached test loss {target} at epoch {epoch}; SGD from the same "
              "start: {slow}."),
           epochs=1000, solution={"optimizer": "adam"},
           solution_text=N_("Switch the optimizer to Adam."),
           question=Question(N_("From the same start, how will Adam compare with plain SGD?"),
                             (N_("Slower"), N_("About the same"), N_("Much faster")), 2,
                             N_("Adam scales each weight's step by its recent gradients, so weights with small gradients "
                                "still move; SGD at this learning rate crawls."))),
    Lesson("zero-init", N_("Why weights start different"),
           N_("With every weight starting at zero, the neurons of a layer get the same updates and stay identical "
              "forever: the network behaves as if each layer had one neuron."),
           N_("Hover over the neurons of a layer after training: they are all the same. Turn zero "
              "initialisation off and train again."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh", "init_zero": "1"},
           Reach(TARGET, when=(Is("init_zero", "==", "0"),),
                 after=Earlier((Is("init_zero", "==", "1"),), epochs=SEEN, same_start=True)),
           N_("Test loss at most 0.05 with random initial weights, after a run from all-zero weights was seen "
              "for at least 50 epochs."),
           N_("Solved at epoch {epoch}: with random initial weights the test loss fell to {loss} ≤ {target}."),
           epochs=300, solution={"init_zero": "0"},
           solution_text=N_("Turn off “Start every weight at 0” (under Advanced)."),
           question=Question(N_("If every weight starts at 0, what happens to the neurons of a layer?"),
                             (N_("They grow apart as training goes on"), N_("They stay identical")), 1,
                             N_("Identical neurons get identical gradients, so nothing ever makes them differ."))),
    Lesson("vanishing", N_("Vanishing gradients in a deep sigmoid network"),
           N_("Six layers of sigmoid neurons hardly learn: each layer multiplies the gradient by at most 0.25, so "
              "the first layers barely move."),
           N_("Press play and watch the loss stay flat and the first layers' links keep their colour. Then keep "
              "the six layers and switch the activation to ReLU or tanh."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "8,8,8,8,8,8", "activation": "sigmoid"},
           Reach(TARGET, when=(Is("activation", "!=", "sigmoid"), Is("layers", ">=", "4")),
                 after=Earlier((Is("activation", "==", "sigmoid"), Is("layers", ">=", "4")), epochs=SEEN,
                               same_start=True)),
           N_("Test loss at most 0.05 with at least four hidden layers and an activation other than sigmoid, "
              "after a deep sigmoid run from the same start was seen for at least 50 epochs."),
           N_("Solved at epoch {epoch}: the same deep network without sigmoid reached test loss {loss} ≤ "
              "{target}."),
           epochs=300, solution={"activation": "relu"},
           solution_text=N_("Keep the six layers and switch the activation to ReLU."),
           question=Question(N_("What will six layers of sigmoid neurons do on the circle?"),
                             (N_("Learn quickly"), N_("Barely learn")), 1,
                             N_("The sigmoid's slope is at most 0.25; through six layers the gradient shrinks to at most "
                                "0.25⁶ of its size, so the first layers hardly change."))),
    Lesson("batch-size", N_("Batch size: one point against the whole set"),
           N_("With the whole training set in one batch the network takes one smooth step per epoch; with a "
              "batch of one point it takes a step after every point: 250 noisy steps per epoch."),
           N_("Play the full batch and watch the smooth, slow curve. Then set the batch size to 1: the network "
              "starts again from the same weights."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh", "batch_size": "250"},
           Faster(TARGET, fast=(Is("batch_size", "==", "1"),), slow=(Is("batch_size", ">=", "250"),)),
           N_("From the same start, batch size 1 reaches test loss 0.05 in fewer than half the epochs of the "
              "full batch; both runs seen."),
           N_("Solved at epoch {epoch}: batch size 1 reached test loss {target} at epoch {epoch}; the full "
              "batch from the same start: {slow}."),
           epochs=300, solution={"batch_size": "1"},
           solution_text=N_("Set the batch size to 1."),
           question=Question(N_("Counted in epochs, which reaches test loss 0.05 first?"),
                             (N_("The full batch"), N_("Batch size 1"), N_("Both at once")), 1,
                             N_("Batch size 1 takes 250 steps per epoch, the full batch one: many small noisy steps get "
                                "there in far fewer epochs."))),
    Lesson("momentum", N_("Momentum against plain SGD"),
           N_("Momentum keeps part of every step: on a long, gentle slope the steps add up and the loss falls "
              "sooner than with plain SGD."),
           N_("Play with plain SGD and note the epoch the test loss drops below 0.05. Then switch the optimizer "
              "to Momentum: the network starts again from the same weights."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "4,2", "activation": "tanh",
            "learning_rate": "0.01", "optimizer": "sgd"},
           Faster(TARGET, fast=(Is("optimizer", "==", "momentum"),), slow=(Is("optimizer", "==", "sgd"),)),
           N_("From the same start, Momentum reaches test loss 0.05 in fewer than half of plain SGD's epochs; "
              "both runs seen."),
           N_("Solved at epoch {epoch}: Momentum reached test loss {target} at epoch {epoch}; plain SGD from "
              "the same start: {slow}."),
           epochs=500, solution={"optimizer": "momentum"},
           solution_text=N_("Switch the optimizer to Momentum."),
           question=Question(N_("From the same start, how will Momentum compare with plain SGD?"),
                             (N_("Slower"), N_("Faster")), 1,
                             N_("Momentum adds up steps that keep the same direction, so on a gentle slope it moves several "
                                "times faster."))),
    # ---- data and networks that go wrong, on purpose ----
    Lesson("label-noise", N_("Wrong labels"),
           N_("A fifth of the training labels are flipped. A big network learns the wrong labels too: its training "
              "loss keeps falling while the test loss (on correct labels) rises, and the boundary grows islands "
              "round the wrong points."),
           N_("Play and compare the two curves, and watch islands appear round single points. Then give the "
              "network less room to learn wrong points (fewer features or neurons, or L2) and train again."),
           {"dataset": "circle", "features": ALL_FEATURES, "hidden": "8,8,8", "activation": "tanh",
            "label_noise": "20", "show_test_data": "1"},
           Reach(0.15, when=(Is("label_noise", ">=", "20"),
                             AnyOf((Is("features", "!=", ALL_FEATURES), Is("neurons", "<", "24"),
                                    Is("regularization", "==", "l2")))),
                 measures=(Has("loss_gap", ">=", 0.1),),
                 after=Earlier((Is("label_noise", ">=", "20"),), rose=0.05)),
           N_("With 20 % wrong labels: test loss at most 0.15 and the training loss at least 0.1 above it, with a "
              "smaller network (fewer features or neurons, or L2), after a run whose test loss rose above its own "
              "minimum."),
           N_("Solved at epoch {epoch}: test loss {loss} ≤ {target}, training loss {train_loss}: the network no "
              "longer learns the wrong labels. The big one's test loss rose from {before_low} to {before_high}."),
           epochs=1000, solution={"features": "x1sq,x2sq", "hidden": ""},
           solution_text=N_("Keep only the features X1² and X2², with no hidden layer: that draws a circle, "
                            "but no islands."),
           question=Question(N_("A fifth of the training labels are wrong. Where will the training loss of a network "
                                "that has learnt the true circle stay?"),
                             (N_("Near 0"), N_("Above the test loss"), N_("At the test loss")), 1,
                             N_("The flipped points lie on the wrong side of the true boundary, so a network that learns "
                                "the circle gets them wrong: its training loss stays high while the test labels are "
                                "right. A training loss falling towards 0 means it is learning the wrong labels."))),
    Lesson("imbalance", N_("A rare class"),
           N_("Only a tenth of the blue class is kept. A network that answers orange everywhere is right on more "
              "than nine test points in ten, and has found no blue point at all."),
           N_("Play and read the accuracy, then the metrics panel under the loss chart: the blue row (+1) has recall "
              "0 %. Then keep all of the blue class and train again: watch the accuracy and the blue recall."),
           {"dataset": "circle", "noise": "30", "features": "x1,x2", "hidden": "4,2", "activation": "tanh",
            "class_keep": "10", "show_test_data": "1"},
           Reach(0.25, when=(Is("class_keep", ">=", "50"),), measures=(Has("minority_recall", ">=", 0.75),),
                 after=Earlier((Is("class_keep", "<=", "20"),), epochs=SEEN,
                               measures=(Has("test_accuracy", ">=", 0.9), Has("minority_recall", "<=", 0.2)))),
           N_("Test recall of the blue class (+1) at least 75 % with at least half of it kept, after a run with a "
              "tenth of it whose test accuracy was at least 90 % while its blue recall was at most 20 %."),
           N_("Solved at epoch {epoch}: blue recall {minority_recall} at test accuracy {test_accuracy}; with a "
              "tenth of the blue class the accuracy was {before_test_accuracy} while its blue recall was "
              "{before_minority_recall}."),
           epochs=300, solution={"class_keep": "100"},
           solution_text=N_("Keep all of the blue class (100 %)."),
           question=Question(N_("Nine points in ten are orange. What can a test accuracy above 90 % not show?"),
                             (N_("Nothing, it is fine"), N_("No blue point found")), 1,
                             N_("Answering orange everywhere is already right on nine points in ten. Only the blue "
                                "class's own recall (its row of the confusion matrix) shows whether any are found."))),
    Lesson("dead-relu", N_("Dead ReLUs"),
           N_("A ReLU neuron whose input is negative on every point outputs 0 everywhere and gets no gradient: it is "
              "dead, and training never brings it back. One step that is too large can kill it."),
           N_("Play at 0.03: every neuron lives. Then set the learning rate to 3 and press “↺ Run again from the "
              "same start”: the diagram marks dead neurons ✕. Lower the rate again: do they come back? Run again "
              "from the same start at 0.03."),
           {"dataset": "circle", "features": "x1,x2", "hidden": "8,8", "activation": "relu"},
           Reach(TARGET, when=(Is("learning_rate", "<", "3"),), measures=(Has("dead_neurons", "==", 0),),
                 after=Earlier((Is("learning_rate", ">=", "3"),), epochs=SEEN, same_start=True,
                               measures=(Has("dead_neurons", ">=", 2),))),
           N_("Test loss at most 0.05 with no dead neuron and a learning rate below 3, after a run from the same "
              "start with learning rate 3 or more in which at least two neurons died."),
           N_("Solved at epoch {epoch}: from the same start with a smaller learning rate, no neuron died and the "
              "test loss fell to {loss} ≤ {target}; at the high rate {before_dead_neurons} died."),
           epochs=300, cause={"learning_rate": "3"}, solution={"learning_rate": "0.03"},
           solution_text=N_("Once neurons have died at learning rate 3, set it back to 0.03 and run again from the "
                            "same start."),
           question=Question(N_("Once a ReLU neuron is dead, what does lowering the learning rate do for it?"),
                             (N_("It comes back to life"), N_("Nothing: restart")), 1,
                             N_("A dead neuron's gradient is 0 on every point, so no learning rate moves its weights: "
                                "it stays dead until the network starts again."))),
]}


def lesson_query(query: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Resolve `lesson=ID` in a query: the lesson's settings, with the query's own settings on top.

    An unknown lesson gives a notice and changes nothing else.
    """
    query = dict(query)
    lesson_id = query.pop("lesson", None)
    if not lesson_id:          # none, or `lesson=` left empty by a page in free play
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


def held_text(lesson: Lesson, verdict: Verdict) -> str:
    """What held, in the session's language (the lesson's `held` sentence with its numbers)."""
    n = verdict.numbers
    words = {key: format_number(n[key], 3) for key in ("loss", "before_low", "before_high") if key in n}
    words["target"] = format_number(n.get("target", lesson.target), None)
    words.update({key: str(n[key]) for key in ("epoch", "dead_links", "neurons", "before_epochs") if key in n})
    words.update({key: str(int(n[key])) for key in ("dead_neurons", "before_dead_neurons") if key in n})
    words.update({key: format_share(n[key]) for key in ("minority_recall", "test_accuracy", "before_minority_recall",
                                                         "before_test_accuracy") if key in n})
    if "loss_gap" in n:     # the training loss, from the gap the rule measured
        words["train_loss"] = format_number(n["loss"] + n["loss_gap"], 3)
    if "slow_trained" in n:
        words["slow"] = (_("epoch {epoch}").format(epoch=n["slow_epoch"]) if n["slow_epoch"] is not None
                         else _("not within {epochs} epochs").format(epochs=n["slow_trained"]))
    return _(lesson.held).format(**words)


def was_solved_text(lesson: Lesson, verdict: Verdict) -> str:
    """The marker once the test loss has risen above the target again."""
    return _("Was solved at epoch {epoch}; the test loss has risen to {loss} since, above {target}.").format(
        epoch=verdict.solved_at, loss=format_number(verdict.numbers.get("loss", float("nan")), 3),
        target=format_number(lesson.target, None))
