"""The dense page's controls: widgets made from `DenseSettings`, and the columns that hold them.

The widgets write the settings directly (`from_param`); the buttons' actions and
the weight field are wired by the page.
"""
from __future__ import annotations

import functools

import numpy as np
import panel as pn
import param

from playground.components.canvas_text import CanvasText, Slot
from playground.components.dense.dataset_picker import DatasetPicker, scatter_thumbnail
from playground.components.dense.decision_map import point_colours
from playground.components.palettes import CSS_TEXT
from playground.datasets.features import FEATURES
from playground.datasets.playground_data import DATASETS, generate
from playground.dense.advanced_controls import AdvancedControls
from playground.dense.pace import SpeedControl
from playground.dense.settings import LEARNING_RATES, REG_RATES, DenseSettings, datasets_for
from playground.dense.teaching import advanced_with_help, help_icon, with_help
from playground.i18n import N_, _
from playground.theme import SWITCH_CSS

ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": N_("Sigmoid"), "linear": N_("Linear"),
                     "leaky_relu": "Leaky ReLU", "elu": "ELU", "swish": "Swish"}
OPTIMIZER_LABELS = {"sgd": N_("SGD (classic)"), "momentum": N_("Momentum"), "adam": "Adam", "rmsprop": "RMSprop"}


def _number_label(v: float) -> str:
    return np.format_float_positional(v, trim="-")


@functools.cache
def _dataset_picture(name: str) -> np.ndarray:
    """A small picture of data set `name` (noise 0, seed 0): the same for every session."""
    data = generate(name, 0, seed=0, n_classes=3)
    return scatter_thumbnail(data.points, point_colours(data.labels, data.kind))


def picker_choices(problem: str) -> list[tuple[str, str, np.ndarray]]:
    """(key, label, picture) of every data set for `problem`."""
    return [(name, _(DATASETS[name].label), _dataset_picture(name)) for name in datasets_for(problem)]


class DenseControls:
    """Every widget of the dense page; `playing` is the page's parameter the play button toggles."""

    def __init__(self, settings: DenseSettings, playing: param.Boolean, present: param.Boolean, on_pick):
        s = settings.param
        self.play_button = pn.widgets.Toggle.from_param(playing, label=_("▶ Play"), color="primary",
                                                        width=120, height=48, stylesheets=[_BIG_BUTTON_CSS],
                                                        css_classes=["nn-play"])
        self.step_button = pn.widgets.Button(label=_("Step"), width=84, height=48,
                                             stylesheets=[_BIG_BUTTON_CSS])
        self.reset_button = pn.widgets.Button(label=_("Reset"), width=112, height=48, stylesheets=[_BIG_BUTTON_CSS])
        # In the shell's header, beside the theme switch: present mode changes the whole screen.
        self.present_button = pn.widgets.Toggle.from_param(present, label=_("⊡ Present"), width=128, height=40,
                                                           margin=(8, 10), stylesheets=[SWITCH_CSS],
                                                           css_classes=["nn-present"])
        self.epoch_counter = CanvasText([Slot(0, 11, 15, True), Slot(0, 36, 30, True)], width=120, height=52,
                                        name="epoch-counter")
        select = dict(width=136, margin=(0, 6), stylesheets=[_CONTROL_CSS])
        self.learning_rate = pn.widgets.Select.from_param(
            s.learning_rate, label=_("Learning rate"), options={_number_label(v): v for v in LEARNING_RATES},
            **dict(select, width=196))    # "Швидкість навчання" and its "?" are wider than a select
        self.activation = pn.widgets.Select.from_param(
            s.activation, label=_("Activation"), options={_(ACTIVATION_LABELS.get(k, k)): k for k in s.activation.objects},
            **select)
        self.regularization = pn.widgets.Select.from_param(
            s.regularization, label=_("Regularization"), options={_("None"): "none", "L1": "l1", "L2": "l2"}, **select)
        self.reg_rate = pn.widgets.Select.from_param(
            s.reg_rate, label=_("Reg. rate"), options={_number_label(v): v for v in REG_RATES}, **select)
        self.problem = pn.widgets.Select.from_param(
            s.problem, label=_("Problem type"), options={_("Classification"): "classification", _("Regression"): "regression"},
            **dict(select, width=172))   # "Classification" whole, beside the select's arrow

        slider = dict(throttled=True, sizing_mode="stretch_width", stylesheets=[_CONTROL_CSS])
        self.train_ratio = pn.widgets.IntSlider.from_param(s.train_ratio, label=_("Training data (%)"), step=10, **slider)
        self.noise = pn.widgets.IntSlider.from_param(s.noise, label=_("Noise"), step=5, **slider)
        # Data that goes wrong on purpose: wrong labels, and one class made rare.
        self.label_noise = pn.widgets.IntSlider.from_param(s.label_noise, label=_("Wrong labels (%)"), step=5, **slider)
        self.class_keep = pn.widgets.IntSlider.from_param(s.class_keep, label=_("One class kept (%)"), step=5, **slider)
        self.batch_size = pn.widgets.IntSlider.from_param(s.batch_size, label=_("Batch size"), **slider)
        self.regenerate_button = pn.widgets.Button(label=_("Regenerate"), sizing_mode="stretch_width", height=40,
                                                   stylesheets=[_CONTROL_CSS])
        self.picker = DatasetPicker(picker_choices(settings.problem), settings.dataset, on_pick)
        self.dataset_label = pn.pane.HTML("", margin=(2, 5), stylesheets=[CAPTION_CSS])

        wide = dict(sizing_mode="stretch_width", stylesheets=[_CONTROL_CSS])
        self.optimizer = pn.widgets.Select.from_param(
            s.optimizer, label=_("Optimizer"), options={_(OPTIMIZER_LABELS.get(k, k)): k for k in s.optimizer.objects}, **wide)
        self.loss = pn.widgets.Select.from_param(
            s.loss, label=_("Loss (two classes)"), options={_("Squared error (classic)"): "squared",
                                                           _("Cross-entropy"): "cross_entropy"}, **wide)
        self.n_classes = pn.widgets.IntSlider.from_param(s.n_classes, label=_("Classes (multi-class sets)"),
                                                         throttled=True, **wide)
        self.seed = pn.widgets.IntInput.from_param(s.seed, label=_("Random seed (weights)"), **wide)
        # Beside Play, always visible: the pace is what a class watches (pace.py).
        self.speed = SpeedControl(settings, **dict(select, width=124))
        # On/off settings are toggle buttons: a big target whose whole label is clickable.
        toggle = dict(height=38, stylesheets=[_CONTROL_CSS, _TOGGLE_CSS])
        self.shuffle = pn.widgets.Toggle.from_param(s.shuffle, label=_("Reshuffle every epoch"),
                                                    sizing_mode="stretch_width", **toggle)
        self.show_test = pn.widgets.Toggle.from_param(s.show_test_data, label=_("Show test data"), width=158, **toggle)
        self.discretize = pn.widgets.Toggle.from_param(s.discretize, label=_("Discretize output"), width=158, **toggle)
        self.features = pn.widgets.CheckButtonGroup.from_param(
            s.features, options={f.label: key for key, f in FEATURES.items()}, orientation="vertical",
            width=92, height=0, margin=0, label="", stylesheets=[_FEATURE_CSS])

        self.advanced = AdvancedControls(settings, _CONTROL_CSS, _TOGGLE_CSS)

        self.weight_input = pn.widgets.FloatInput(label="", width=110, step=0.1, format="0.000",
                                                  stylesheets=[_CONTROL_CSS], margin=(0, 6),
                                                  css_classes=["nn-weight-input"])
        self.weight_label = pn.pane.HTML("", margin=(6, 4), stylesheets=[CAPTION_CSS])
        self.weight_editor = pn.Row(self.weight_label, self.weight_input, visible=False, margin=0)

    def show_playing(self, playing: bool) -> None:
        self.play_button.label = _("❚❚ Pause") if playing else _("▶ Play")

    def run_items(self) -> list:
        """The run buttons, the speed and the epoch: the Play bar, above the views in every window."""
        if not hasattr(self, "_run_items"):      # built once: a piece sits in one place at a time
            self._run_items = [self.reset_button, self.play_button, self.step_button,
                               help_icon(("reset", _("Reset")), ("play", _("▶ Play")), ("step", _("Step"))),
                               self.speed, pn.Column(self.epoch_counter, margin=(0, 10))]
        return self._run_items

    def setting_items(self) -> list:
        """The network's settings: beside the Play bar in a wide window, in a card in a narrow one."""
        return [self.learning_rate, self.activation, self.regularization, self.reg_rate]

    def data_column(self, lessons: pn.viewable.Viewable, keras_files: pn.viewable.Viewable) -> pn.Column:
        """The left column: lessons, the data set and its settings, the advanced settings, Keras files."""
        wide = dict(sizing_mode="stretch_width")
        advanced = pn.Card(self.optimizer, self.loss, with_help(self.n_classes, "n_classes", **wide), self.seed,
                           with_help(self.shuffle, "shuffle", **wide),
                           *advanced_with_help(self.advanced),
                           title=_("Advanced"), collapsed=True, sizing_mode="stretch_width", margin=(8, 0),
                           stylesheets=[_CARD_CSS])
        keras = pn.Card(with_help(keras_files, "keras", **wide), title=_("Keras: export and import"), collapsed=True,
                        sizing_mode="stretch_width", margin=(8, 0), stylesheets=[_CARD_CSS],
                        visible=keras_files.param.shown)   # a teacher's link may hide it (teaching.apply_view)
        return pn.Column(
            # The problem type picks which data sets there are: it heads them (the top row has no room
            # for it beside the speed at 1366 px).
            lessons, with_help(_heading(_("Data")), "dataset"), self.problem, self.picker, self.dataset_label,
            *(with_help(getattr(self, key), key, **wide)
              for key in ("train_ratio", "noise", "label_noise", "class_keep", "batch_size")),
            with_help(self.regenerate_button, "data_seed", **wide), advanced, keras, width=250, margin=(0, 14, 0, 0),
        )

    def map_toggles(self) -> pn.Row:
        return pn.Row(self.show_test, self.discretize,
                      help_icon(("show_test_data", _("Show test data")), ("discretize", _("Discretize output"))),
                      margin=0, styles={"flex-wrap": "wrap"})


def _heading(text: str) -> pn.pane.HTML:
    return pn.pane.HTML(f"<h2>{text}</h2>", margin=(0, 4), stylesheets=[_HEADING_CSS])


_HEADING_CSS = f":host h2 {{ font-size: 18px; text-transform: uppercase; letter-spacing: .06em; margin: 2px 0 6px; color: {CSS_TEXT}; }}"
CAPTION_CSS = f":host {{ font-size: 16px; color: {CSS_TEXT}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}"
_CONTROL_CSS = """
:host { --font-size: 16px; font-size: 16px; }
label, .bk-input-group > label, .bk-slider-title { font-size: 15px; font-weight: 600; }
select.bk-input, input.bk-input { font-size: 17px; height: 36px; }
.bk-btn { font-size: 17px; }
"""
_TOGGLE_CSS = """
.bk-btn { font-size: 16px; }
.bk-btn.bk-active { box-shadow: inset 0 0 0 3px #0877bd; font-weight: 700; }
.bk-btn.bk-active::before { content: "✓ "; }
"""
_BIG_BUTTON_CSS = (":host .bk-btn { font-size: 20px; font-weight: 700; }"
                   # a phone: Reset, Play and Step on one row, each as wide as its word
                   " @media (max-width: 599px) { :host { width: auto !important; margin: 5px 4px !important; }"
                   " :host .bk-btn { padding: 0 14px; } }")
_FEATURE_CSS = """
.bk-btn-group { height: 100%; display: flex; flex-direction: column; justify-content: space-around; }
.bk-btn-group > .bk-btn { flex: 0 0 auto; height: 44px; font-size: 17px; font-weight: 600;
  border-radius: 6px !important; margin: 0 !important; opacity: 0.5; box-shadow: none !important; }
.bk-btn-group > .bk-btn.bk-active { opacity: 1; border: 3px solid #0877bd !important; }
"""
_CARD_CSS = ":host .card-title, :host .card-header { font-size: 17px; }"
