"""Short tutorials for the CNN page's views, one per view, in our own words.

They cover what CNN Explainer's article teaches beside its views: the overview
and the input, convolution (kernels, one per input channel, summed with a bias),
the hyperparameters (padding, kernel size, stride, the output-size rule), ReLU
and why a network needs a non-linearity, max-pooling, flatten, and softmax.
Every text is a gettext message (marked with `N_`, translated when shown), so
the page shows them in the session's language. A paragraph may hold <b>…</b>:
the texts are ours, never user input.
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import N_, _


@dataclass(frozen=True)
class Tutorial:
    """One view's tutorial: a title, a few paragraphs, and things to try on the page."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    try_this: tuple[str, ...]

    def translated(self) -> "Tutorial":
        """The same tutorial in the session's language."""
        return Tutorial(self.key, _(self.title), tuple(_(p) for p in self.paragraphs),
                        tuple(_(t) for t in self.try_this))


TUTORIALS = {t.key: t for t in (
    Tutorial(
        "overview",
        N_("How to read the overview"),
        (N_("A convolutional neural network (CNN) is a stack of layers. Each column of the overview is one "
            "layer, and each small picture in a column is one <b>neuron</b>: the whole map that one filter "
            "produces for this image."),
         N_("The first column is the <b>input</b>: one grey map per channel (a photo has three, red, green "
            "and blue; a digit has one). The last column is the <b>output</b>: one bar per class, the "
            "probability the network gives it."),
         N_("Colours show numbers: <b>blue</b> is positive, <b>red</b> negative, <b>white</b> zero. The "
            "colour range can be shared by one neuron, by a module (the layers up to a pooling) or by the "
            "whole network; a shared range lets you compare neurons.")),
        (N_("Point at a neuron: lines show the neurons of the previous layer it reads."),
         N_("Click a neuron of a convolution layer to see how its map is computed."),
         N_("Switch the colour range between “per neuron” and “global”: which layers have the largest values?")),
    ),
    Tutorial(
        "conv",
        N_("Convolution"),
        (N_("A convolution neuron has a small grid of learned weights, the <b>kernel</b> (here usually 3×3). "
            "The kernel slides over its input; at every position each weight is multiplied by the value under "
            "it, and the products are added up. The sum is one cell of the output map."),
         N_("An input with several channels has a separate kernel for each channel. Each channel gives an "
            "intermediate map; the neuron adds these maps together and adds its <b>bias</b>, one number. So "
            "one neuron of a layer with 10 input channels and 3×3 kernels has 10·9 + 1 = 91 parameters."),
         N_("Training sets the kernels. Early layers learn to respond to simple patterns such as edges and "
            "blobs of colour; later layers combine them into parts of objects. A layer with 10 neurons gives "
            "10 output maps, which are the next layer's channels.")),
        (N_("Point at a cell of the output map: the window moves, and the formula shows the window, the "
            "kernel, their products and the sum."),
         N_("Press ▶ to watch the kernel slide row by row."),
         N_("Find a cell where the output is large: what does the input look like under the window?")),
    ),
    Tutorial(
        "hyperparameters",
        N_("Padding, kernel size and stride"),
        (N_("Three choices, made before training, decide how a convolution moves over its input and how "
            "large its output is. <b>Padding</b> adds a border of zeros around the input, so that the kernel "
            "can also be centred on the edge pixels; with enough padding the output keeps the input's size."),
         N_("The <b>kernel size</b> is the side of the window. A small kernel sees fine detail and has few "
            "weights; stacking several small kernels sees as far as one large kernel, with fewer parameters "
            "and more non-linearity in between. The <b>stride</b> is the step of the window: stride 2 skips "
            "every other position and halves the output."),
         N_("The output side is (n + 2p − k) / s + 1 for an n×n input, padding p, kernel k and stride s. "
            "When the division is not exact, the window does not fit evenly and the last rows and columns "
            "are never read.")),
        (N_("Set the kernel to 3 and change the padding from 0 to 1: the output grows to the input's size."),
         N_("Set the stride to 2 with input 7 and kernel 3, then input 8: which one does not fit?"),
         N_("Make the kernel larger than the input: there is no place to put it.")),
    ),
    Tutorial(
        "relu",
        N_("ReLU, the activation"),
        (N_("ReLU (rectified linear unit) works on each value on its own: it keeps a positive value and "
            "turns a negative one into zero, max(0, x). In the maps, every red cell becomes white and the "
            "blue cells stay."),
         N_("Without an activation, a stack of convolutions would be one big linear function: however deep, "
            "it could only draw straight boundaries. The <b>non-linearity</b> between layers is what lets "
            "the network learn complicated shapes. ReLU is cheap to compute and keeps gradients alive for "
            "positive values, so deep networks train well with it.")),
        (N_("Point at a red cell of the input map: the output is 0."),
         N_("Compare a map before and after ReLU: which parts of the picture does this neuron react to?")),
    ),
    Tutorial(
        "pool",
        N_("Max-pooling"),
        (N_("Pooling makes maps smaller. Max-pooling with a 2×2 window and stride 2 looks at each 2×2 block "
            "and keeps only its largest value, so every map loses three quarters of its cells. It works on "
            "each channel separately and has no weights to learn."),
         N_("A smaller map means fewer computations and fewer parameters in the layers after it. Keeping "
            "the maximum keeps the strongest response, so a feature that moves by a pixel still gives "
            "almost the same output: the network becomes less sensitive to small shifts.")),
        (N_("Point at a cell of the pooled map: the window shows which four values were compared."),
         N_("Press ▶ and watch where the largest value sits in each window.")),
    ),
    Tutorial(
        "flatten",
        N_("Flatten"),
        (N_("The last layer of a classifier is a dense layer: it needs a plain list of numbers, not a stack "
            "of maps. Flatten unrolls the maps into one long vector. Nothing is computed and nothing is "
            "learned; only the order changes."),
         N_("Keras unrolls row by row, and within each pixel it takes every channel in turn. Maps of H×W "
            "pixels with C channels give H·W·C numbers (CNN Explainer's 13×13 maps of ten channels give 1690); "
            "each of them is connected to every output class by its own weight.")),
        (N_("Point at a cell of a map: the line shows where that value lands in the vector."),
         N_("Point at the vector: which map and which pixel did the value come from?")),
    ),
    Tutorial(
        "softmax",
        N_("Softmax, the output"),
        (N_("The output layer first computes one score per class, the <b>logit</b>: the sum of all flattened "
            "values times their weights, plus a bias. Logits can be any numbers, negative too."),
         N_("Softmax turns them into probabilities: it raises e to each logit and divides by the sum of all "
            "these powers, exp(zᵢ) / Σ exp(zⱼ). The results are positive and add up to 1. The exponent "
            "stretches differences, so the largest logit gets most of the probability."),
         N_("During training, the loss (cross-entropy) is small when the true class gets a probability "
            "close to 1. The prediction is the class with the largest probability.")),
        (N_("Compare the logits with the probabilities: a logit only a little larger can win by far."),
         N_("Draw a digit badly on purpose: how sure is the network now?")),
    ),
)}

def tutorial(key: str) -> Tutorial:
    """The tutorial `key` (one of TUTORIALS) in the session's language."""
    return TUTORIALS[key].translated()
