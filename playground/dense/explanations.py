"""The texts under the dense page: what a neural network is and how to read what the page shows.

Our own words for what TF Playground explains below its app. Each section is a heading
and paragraphs, marked with `N_()` and translated where they are drawn, so a teacher
reads the same text in English or in Ukrainian.
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import N_


@dataclass(frozen=True)
class Section:
    key: str                       # the section's anchor in the page (nn-explain-<key>)
    title: str                     # N_() marked
    paragraphs: tuple[str, ...]    # N_() marked, plain text


TITLE = N_("How to read this page")

SECTIONS: tuple[Section, ...] = (
    Section("network", N_("What is a neural network?"), (
        N_("A neural network is a function with many adjustable numbers, the weights. Each neuron takes a "
           "weighted sum of its inputs, adds its own number (the bias) and passes the result through an "
           "activation function, a simple bend such as tanh or ReLU."),
        N_("Neurons are stacked in layers: the inputs on the left, hidden layers in the middle and the output "
           "on the right. Training shows the network examples, measures how wrong it is (the loss) and nudges "
           "every weight a little in the direction that makes the loss smaller. That is gradient descent; the "
           "learning rate sets the size of each nudge."),
        N_("Here the examples are points on a plane. The network sees a point's coordinates and learns to "
           "say which class it belongs to, or which number it should have."),
    )),
    Section("colours", N_("What the colours mean"), (
        N_("Blue means a positive value, orange a negative one, and light grey is close to zero. The same "
           "scale is used everywhere on the page."),
        N_("Data: blue points belong to one class, orange points to the other (in regression the colour is the "
           "point's value). Points with a white outline are training data; with a dark outline, test data."),
        N_("Neurons: each small square shows what that neuron outputs for every point of the plane: blue where "
           "it is positive, orange where it is negative."),
        N_("Weights: a blue link has a positive weight, an orange link a negative one. The thicker the link, "
           "the larger the weight. The little square at a neuron's lower left is its bias."),
    )),
    Section("diagram", N_("How to read the diagram"), (
        N_("Read it from left to right. The input features are the point's coordinates X₁ and X₂, and values "
           "made from them, such as X₁² or sin(X₁). Click a feature to switch it on or off."),
        N_("The first hidden layer can only draw straight or gently bent boundaries; each following layer "
           "combines the pictures of the layer before into more complex shapes."),
        N_("Hover over a neuron to see its picture large in the output map. Hover over a link to read its "
           "weight; click it to type a new one. The + and − buttons add and remove layers and neurons."),
    )),
    Section("map", N_("How to read the output map"), (
        N_("The large square is the network's answer for every point of the plane: blue where it says "
           "\"blue class\", orange where it says \"orange class\". Paler colours mean the network is less sure."),
        N_("The points are the data drawn on top. A good network has blue points on a blue background and "
           "orange points on an orange one. \"Discretize output\" shows the hard boundary without shades."),
    )),
    Section("curves", N_("How to read the curves"), (
        N_("The chart above the map shows the loss over the epochs: the dark line is the test loss, the grey "
           "line the training loss. An epoch is one pass over all the training points."),
        N_("Both falling together means the network is learning. If the training loss keeps falling while the "
           "test loss stalls or rises, the network memorises the training points instead of the pattern: "
           "that is overfitting. More data, less noise, fewer neurons or regularization help."),
        N_("A loss that jumps around or shoots up usually means the learning rate is too high."),
    )),
)

# The first-visit callouts on the diagram and the map: key -> text (the anchors are the page's).
CALLOUTS: dict[str, str] = {
    "features": N_("Inputs: click a feature to switch it on or off."),
    "neuron": N_("A neuron: its picture is its output over the whole plane. Hover over it to see it large."),
    "link": N_("A link: blue is a positive weight, orange a negative one, thicker is larger. Click it to edit."),
    "output": N_("The network's answer for every point of the plane. Press ▶ Play and watch it learn."),
}
CALLOUT_OK = N_("Got it")
CALLOUT_HIDE_ALL = N_("Hide all tips")
# The colour scale's three ends, shown as a legend above the sections.
LEGEND = (N_("orange: negative (−1)"), N_("grey: about zero"), N_("blue: positive (+1)"))
