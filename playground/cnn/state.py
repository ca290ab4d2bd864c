"""Everything the CNN explainer page remembers for one session, with bounds."""
from __future__ import annotations

import param

from playground.cnn.pace import SPEEDS
from playground.i18n import N_


class CnnState(param.Parameterized):
    """The CNN page's settings. Widgets are made from these parameters; views follow them."""

    sample = param.Integer(default=0, bounds=(-1, None),
                           doc="Which held-out sample is shown (one per class); -1 while an upload or drawing is")
    layer = param.String(default="", doc="Name of the selected layer trace; '' when none is selected")
    neuron = param.Integer(default=0, bounds=(0, None), doc="Selected neuron (channel, or class) of that layer")
    in_channel = param.Integer(default=0, bounds=(0, None),
                               doc="Input channel whose window the convolution formula spells out")
    row = param.Integer(default=0, bounds=(0, None), doc="Window position: output row")
    col = param.Integer(default=0, bounds=(0, None), doc="Window position: output column")
    color_range = param.Selector(default="module", objects=["unit", "module", "global"],
                                 doc="Colour range per neuron, per conv…pool module, or over the whole network")
    show_details = param.Boolean(default=False, doc="Show layer shapes and colour legends")
    playing = param.Boolean(default=False, doc="The sliding-window animation is running")
    speed = param.Selector(default="4", objects=list(SPEEDS),
                           doc="The window's pace: windows a second, or 'sweep' (a whole map in 15 s)")

    # The hyperparameter playground (independent of the model).
    # Their labels are gettext messages: the page translates them when it makes the sliders.
    hp_input = param.Integer(default=7, bounds=(3, 12), label=N_("Input size"))
    hp_padding = param.Integer(default=0, bounds=(0, 3), label=N_("Padding"))
    hp_kernel = param.Integer(default=3, bounds=(1, 7), label=N_("Kernel size"))
    hp_stride = param.Integer(default=1, bounds=(1, 4), label=N_("Stride"))
    hp_playing = param.Boolean(default=True, doc="The hyperparameter window animation is running")
