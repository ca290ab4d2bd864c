"""The help tooltip of every control of the dense page: what it does, and one thing to try.

Keys are the setting a control changes (its URL name) or, for buttons that change no
setting, the action. `help_tooltip(key)` makes the Bokeh tooltip that a widget's
`description` or a "?" icon shows: on hover, and pinned by a click or a tap (touch screens).
"""
from __future__ import annotations

from bokeh.models import Tooltip
from bokeh.models.dom import HTML

from playground.i18n import N_, _

# key -> (what it does, one thing to try); both marked for translation.
HELP: dict[str, tuple[str, str]] = {
    "play": (N_("Starts and pauses training. Each frame trains several epochs and redraws everything."),
             N_("Press Space instead of clicking: it works anywhere on the page.")),
    "step": (N_("Trains exactly one epoch, then stops, so you can see what one pass over the data changes."),
             N_("Step ten times at the start of a run and watch the first links change colour.")),
    "reset": (N_("Starts over from new random weights; the data stays the same."),
              N_("Reset a few times on the spiral: does every start reach the same loss?")),
    "learning_rate": (N_("How big a step the weights take against the gradient each batch."),
                      N_("Set it to 3 or 10 and watch the loss jump up instead of going down.")),
    "activation": (N_("The function every hidden neuron applies to its weighted sum."),
                   N_("Pick Linear on the circle: without a bend no network can draw a ring.")),
    "regularization": (N_("A penalty on big weights: L1 pushes weights to exactly zero, L2 keeps them all small."),
                       N_("Choose L1 with rate 0.01 and watch unneeded links fade away.")),
    "reg_rate": (N_("How strong the regularization penalty is compared with the loss."),
                 N_("Raise it step by step until the network can no longer fit the data.")),
    "problem": (N_("Classification sorts points into classes; regression predicts a number for each point."),
                N_("Switch to regression and compare the output map with the points' colours.")),
    "dataset": (N_("The data the network learns from. Blue points are one class (or high values), orange the other."),
                N_("Pick the spiral: the hardest set for a small network.")),
    "train_ratio": (N_("The share of points used for training; the rest are test points the network never learns from."),
                    N_("Use 10 % with noise 50: the training loss falls, the test loss does not.")),
    "noise": (N_("How far the points scatter from the clean pattern."),
              N_("Raise the noise to 50 and see the boundary try to chase single points.")),
    "label_noise": (N_("The share of training points whose class is flipped: labels that are simply wrong."),
                    N_("Flip a fifth of the labels and watch the test loss: does the network learn the wrong labels too?")),
    "class_keep": (N_("How much of one class is kept: all of it at 100, a rare class at 10."),
                   N_("Keep a tenth of the blue points: the accuracy stays high, but what does the recall say?")),
    "batch_size": (N_("How many points are averaged for one weight update."),
                   N_("Compare batch 1 with batch 30: which loss curve is smoother?")),
    "data_seed": (N_("Draws new points from the same distribution; the network keeps its weights."),
                  N_("Regenerate during training and see whether the boundary still fits.")),
    "features": (N_("The inputs the network sees: X₁ and X₂ are the point's position, the rest are made from them."),
                 N_("On the circle, use only X₁² and X₂²: no hidden layer is needed at all.")),
    "hidden": (N_("Add or remove hidden layers (+/− at the top) and neurons in each layer (+/− above a column)."),
               N_("Remove every hidden layer: what shapes can the output still draw?")),
    "weight": (N_("Click a link to type its weight by hand."),
               N_("Set one weight to 0 and see which part of the output changes.")),
    "optimizer": (N_("How the gradient becomes a step: plain SGD, with momentum, or adaptive (Adam, RMSprop)."),
                  N_("On the spiral, compare SGD with Adam at the same learning rate.")),
    "loss": (N_("What the network minimises for two classes: squared error (as TF Playground) or cross-entropy."),
             N_("Switch to cross-entropy and compare how fast the test loss falls.")),
    "n_classes": (N_("How many classes the multi-class data sets have."),
                  N_("Pick Gaussian blobs with 5 classes and count the colours in the output.")),
    "seed": (N_("The random seed of the starting weights: the same seed gives the same run."),
             N_("Note a seed that trains well and share it with the link.")),
    "dropout": (N_("During training, switches off this share of the hidden neurons at random in every batch."),
                N_("With noise 50 and a big network, compare the test loss with dropout 0 and 0.3.")),
    "early_stopping": (N_("Stops training when the test loss has not improved for this many epochs, "
                          "and goes back to the best weights."),
                       N_("Set 50 on the overfitting lesson and see at which epoch it stops.")),
    "wide_layers": (N_("Allows up to 16 neurons in each hidden layer instead of 8."),
                    N_("Give the spiral one layer of 16 neurons: is width enough?")),
    "init_zero": (N_("Starts every weight at zero instead of at random."),
                  N_("Turn it on and train: why do all neurons of a layer stay alike?")),
    "keras": (N_("Downloads the network as a Keras model, the data as CSV and a Keras program that trains the "
                       "same network; Import loads a .keras model back."),
                    N_("Download the program and the data and run it: python train_playground.py "
                       "playground-data.csv.")),
    "shuffle": (N_("Mixes the order of the training points before every epoch."),
                N_("Turn it on with batch size 1 and compare the loss curve.")),
    "epochs_per_frame": (N_("How many epochs are trained between two drawings of the page."),
                         N_("Set it to 1 to watch every single epoch, slowly.")),
    "show_test_data": (N_("Shows the test points on the output map, with dark outlines."),
                       N_("Turn it on with a small training share and look where the test points fall.")),
    "discretize": (N_("Shows only the sign of the output: each point gets a hard class, no shades."),
                   N_("Turn it on to see the exact boundary the network draws.")),
    "lessons": (N_("Ready-made tasks: each sets up the page and tells you what to reach."),
                N_("Start with Task 1 and press play.")),
    "share": (N_("Builds a link to this exact state; a teacher can hide or lock controls for the class."),
              N_("Hide the noise and batch size, then open the link in a new tab.")),
}


def help_text(key: str, title: str | None = None) -> str:
    """The tooltip's HTML in the session's language (our own texts: no user input), under `title` if given."""
    does, tries = HELP[key]
    label = _("Try")
    head = f"<b>{title}:</b> " if title else ""
    return f"<p>{head}{_(does)}</p><p><b>{label}:</b> {_(tries)}</p>"


def help_html(*controls: str | tuple[str, str]) -> str:
    """The help of one control (its key), or of a row of them ((key, title) pairs), sized for a projector."""
    parts = [help_text(c) if isinstance(c, str) else help_text(*c) for c in controls]
    return f"<div style='font-size: 16px; line-height: 1.35'>{''.join(parts)}</div>"


def help_tooltip(*controls: str | tuple[str, str]) -> Tooltip:
    """A new Bokeh tooltip with `help_html(*controls)`, for a "?" icon (a model lives in one document)."""
    return Tooltip(content=HTML(help_html(*controls)), position="right", stylesheets=[_TOOLTIP_CSS])


# Large enough for a projector; wraps instead of running off the screen.
_TOOLTIP_CSS = ":host { max-width: 320px; white-space: normal; }"
