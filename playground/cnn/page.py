"""The CNN explainer page: TinyVGG (or the user's model) from the overview down to every multiplication.

The page wires things together: `CnnState` holds the session's settings,
`ModelChoice` the model shown with its class names and samples, `Uploads` the
learner's own picture, drawing and model; `explain` computes the numbers, each
layer's kind (`playground.cnn.kinds`) its step, and the components in
`playground.components.cnn` draw them. Importing this module imports Keras;
the shell imports it only when the CNN page is first opened.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import panel as pn
import param

from playground.cnn.catalogue import BUILT_IN, DEFAULT_MODEL
from playground.cnn.explain import explain as explain_image
from playground.cnn.kinds import OUTPUT, Selection, kind_of
from playground.cnn.model_choice import ModelChoice
from playground.cnn.pace import SPEEDS, TICK_MS, WindowClock, windows_per_second
from playground.cnn.state import CnnState
from playground.cnn.train_tab import TrainTab
from playground.cnn.tutorials import tutorial
from playground.cnn.uploads import Uploads
from playground.cnn.url_state import TABS, TRAINED, UPLOADED, CnnView, read_query, to_query
from playground.cnn.windows import next_cell
from playground.components.cnn.cells import Ticker
from playground.components.cnn.colors import unit_limits
from playground.components.cnn.conv import ConvView
from playground.components.cnn.flatten import FlattenView
from playground.components.cnn.formula import FormulaView
from playground.components.cnn.hyperparameters import HyperparamsView
from playground.components.cnn.input import SamplePicker
from playground.components.cnn.logit_weights import LogitWeightsView
from playground.components.cnn.overview import Overview, drawn_layers, overview_size
from playground.components.cnn.pair import PairView
from playground.components.cnn.tutorial_card import TutorialCard
from playground.components.safe_text import inert_line
from playground.i18n import N_, _
from playground.i18n.numbers import format_number
from playground.page import Page
from playground.theme import (CNN_BUTTONS_CSS, CNN_CHECKBOX_CSS, CNN_SELECT_CSS, CNN_SLIDER_CSS, CNN_TABS_CSS, FIXED_SIZE,
                              NO_FLOOR, SCROLL_BOX, WRAP)

EXPLAINER_TAB, HYPERPARAMS_TAB, INPUT_TAB, TRAIN_TAB = 0, 1, 2, 3

# Under the overview until a neuron is chosen; then the chosen layer's kind gives the hint.
NO_SELECTION_HINT = N_("**Click a neuron** in the overview to see how it is computed: a convolution, ReLU, "
                       "pooling or normalisation map, the flatten column or an output class. Hover a neuron to "
                       "see what it reads.")


# Colour-range choices as the learner reads them; the state keeps the short names.
COLOR_RANGE_LABELS = {"unit": N_("per neuron"), "module": N_("per module"), "global": N_("global")}


class CnnPage(Page):
    """The CNN explainer: pick an image, see every layer, step through any neuron."""

    notices = param.List(default=[], doc="messages for the page shell's notice area (bad link values)")

    def __init__(self, **params):
        super().__init__(**params)
        self.state = CnnState()
        # The model shown, its class names and samples: a built-in model (see cnn/catalogue.py)
        # or the learner's upload.
        self.choice = ModelChoice()
        self._explanation = None
        self._source = ""

        # The views.
        self.samples = SamplePicker(self._pick_sample)
        self.overview = Overview(self._select)
        self.conv_view = ConvView(self._pick_cell)
        self.pair_view = PairView(self._pick_cell)
        self.flatten_view = FlattenView(self._pick_cell)
        self.formula = FormulaView(width=560)
        s = self.state.param
        self.hyperparams = HyperparamsView([
            pn.widgets.IntSlider.from_param(s.hp_input, name=_(s.hp_input.label), width=400, stylesheets=[CNN_SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_padding, name=_(s.hp_padding.label), width=400, stylesheets=[CNN_SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_kernel, name=_(s.hp_kernel.label), width=400, stylesheets=[CNN_SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_stride, name=_(s.hp_stride.label), width=400, stylesheets=[CNN_SLIDER_CSS]),
            pn.widgets.Checkbox.from_param(s.hp_playing, label=_("Animate the window"), stylesheets=[CNN_CHECKBOX_CSS]),
        ])
        self.uploads = Uploads(self.choice, show_own=self._show_own, use_upload=self._use_upload,
                               renamed=lambda: self._show_image(self._explanation.image, self._source))
        self._model_choice = pn.widgets.Select(name=_("Model"), options=self.choice.options(),
                                               value=self.choice.key, width=460, css_classes=["cnn-model-choice"],
                                               stylesheets=[CNN_SELECT_CSS], margin=(0, 10, 6, 10))
        self._model_choice.param.watch(self._choose_model, "value")

        # Small widgets and text.
        # HTML panes, not Markdown: they show file and layer names, escaped with inert_line (one line).
        self._prediction = pn.pane.HTML("", css_classes=["cnn-prediction"], margin=(4, 10, 0, 10),
                                            styles={"font-size": "19px"})
        self._play = pn.widgets.Toggle.from_param(s.playing, label=_("▶ Play"), color="primary",
                                                  width=120, css_classes=["cnn-play"], stylesheets=[CNN_BUTTONS_CSS])
        self._detail_title = pn.pane.HTML(_markdown_bold(_(NO_SELECTION_HINT)), css_classes=["cnn-detail-title"],
                                              sizing_mode="stretch_width", styles={"font-size": "16px"},
                                              margin=(0, 10))
        self._speed = pn.widgets.RadioButtonGroup.from_param(
            s.speed, options={_(label): key for key, label in SPEEDS.items()}, css_classes=["cnn-speed"],
            stylesheets=[CNN_BUTTONS_CSS], margin=(5, 10))
        self._play_row = pn.Row(self._play, self._speed, visible=False, styles=WRAP)
        self.logits_view = LogitWeightsView()
        # The detail views a layer kind can draw into (`Kind.show_detail`, `Kind.show_cell`).
        self._detail_views = SimpleNamespace(conv=self.conv_view, pair=self.pair_view, flatten=self.flatten_view,
                                             logits=self.logits_view)
        # Each view sits in its own Column, shown or hidden as a whole (a Bokeh pane's own
        # `visible` is synced back from its figure and does not stick).
        self._views = {"conv": pn.Column(self.conv_view, visible=False),
                       "pair": pn.Column(self.pair_view, visible=False),
                       "flatten": pn.Column(self.flatten_view, visible=False),
                       "logits": pn.Column(self.logits_view, visible=False)}

        # A short tutorial beside the step-through view, and one beside the hyperparameter playground.
        self.tutorial = TutorialCard("cnn-tutorial", width=560)
        self.hp_tutorial = TutorialCard("cnn-hp-tutorial")
        self.hp_tutorial.show(*_tutorial_parts(tutorial("hyperparameters")))

        self._ticker = Ticker(self._tick, period_ms=TICK_MS)
        self._clock = WindowClock()     # keeps the window to the chosen speed however long a redraw takes
        self._hp_ticker = Ticker(self.hyperparams.advance, period_ms=600)
        # Training TinyVGG here (the Train tab); its model joins the chooser, with the epoch slider.
        self.train_tab = TrainTab(self._on_training, self._on_trained_weights, self._show_held_out,
                                  self._training_seen, self._upload_architecture)
        self._hidden = False          # the browser tab is hidden: nothing is redrawn for it
        self._switch_to_trained = False   # show the new training's model as soon as it has weights
        self._epoch_row = pn.Row(self.train_tab.epoch_slider, visible=False, margin=0)
        self._tabs = self._build_layout()
        s.watch(self._on_selection, ["layer", "neuron", "row", "col", "in_channel"])
        s.watch(lambda e: self._render_overview(), ["color_range", "show_details"])
        s.watch(self._on_sample, ["sample"])
        s.watch(self._on_playing, ["playing"])
        s.watch(self._on_hyperparams, ["hp_input", "hp_padding", "hp_kernel", "hp_stride"])
        s.watch(lambda e: self._sync_hp_ticker(), ["hp_playing"])
        self._tabs.param.watch(self._on_tab, "active")

        self._on_hyperparams()
        self.uploads.describe()
        self.samples.show(self.choice.samples, self.choice.sample_names, 0)
        self._show_image(self.choice.samples[0], "")
        self._apply_link(_session_query())
        s.watch(lambda *_events: self._sync_url(), ["sample", "layer", "neuron", "color_range"])
        self.choice.param.watch(lambda *_events: self._sync_url(), ["key"])
        self._tabs.param.watch(lambda _event: self._sync_url(), "active")
        self._sync_url()

    # ------------------------------------------------------------------ layout

    def _build_layout(self) -> pn.Tabs:
        s = self.state.param
        options = pn.Column(
            self._model_choice,
            self._epoch_row,
            self._prediction,
            pn.Row(pn.pane.Markdown(_("Colour range:"), margin=(4, 4, 0, 10), styles={"font-size": "16px"}),
                   pn.widgets.RadioButtonGroup.from_param(
                       s.color_range, options={_(label): key for key, label in COLOR_RANGE_LABELS.items()},
                       css_classes=["cnn-color-range"], stylesheets=[CNN_BUTTONS_CSS], margin=(2, 10)),
                   pn.widgets.Checkbox.from_param(s.show_details, name=_("Show details"), css_classes=["cnn-details"],
                                                  stylesheets=[CNN_CHECKBOX_CSS], margin=(10, 10, 0, 20)),
                   styles=WRAP),
            styles=SCROLL_BOX,
        )
        # Rows wrap where the window is narrower than their pieces (a tablet, a phone): the detail
        # views go under the one clicked, and wide pictures scroll inside boxes of their own, never the page.
        explainer = pn.Column(
            pn.Row(pn.Column(self.samples, margin=0, styles=SCROLL_BOX), options, styles=WRAP),
            pn.Column(self.overview, margin=0, styles=SCROLL_BOX, css_classes=["cnn-overview-box"]),
            self._detail_title,
            pn.Row(pn.Column(*self._views.values(), styles=SCROLL_BOX),
                   pn.Column(self._play_row, self.formula, self.tutorial, styles=SCROLL_BOX), styles=WRAP),
            sizing_mode="stretch_width", styles=NO_FLOOR,
        )
        for fig in (self.overview.figure, self.samples.figure):
            fig.styles = FIXED_SIZE
        hyperparameters = pn.Column(self.hyperparams, self.hp_tutorial, styles=SCROLL_BOX)
        return pn.Tabs((_("Explainer"), explainer), (_("Hyperparameters"), hyperparameters),
                       (_("Your image & model"), pn.Column(self.uploads, styles=SCROLL_BOX)),
                       (_("Train"), self.train_tab), css_classes=["cnn-tabs"],
                       stylesheets=[CNN_TABS_CSS], sizing_mode="stretch_width", styles=NO_FLOOR)

    def __panel__(self):
        return self._tabs


    # ------------------------------------------------------------------ showing an image

    def _show_image(self, image: np.ndarray, source: str) -> None:
        """Run `image` through the model and redraw everything that depends on it."""
        self._explanation = explain_image(self.choice.model, image, self.choice.class_names)
        self._source = source
        names = {t.name for t in self._explanation.traces}
        with pn.io.hold():
            if self.state.layer and self.state.layer not in names:
                self.state.param.update(layer="", neuron=0, row=0, col=0, in_channel=0)
            self._render_overview()
            self._render_prediction()
            self._render_detail()

    def _render_overview(self) -> None:
        e = self._explanation
        traces = e.traces
        facts = self._facts()
        outputs = [t.output for t in traces]
        self.overview.show([t.name for t in traces], facts, outputs,
                           unit_limits(outputs, facts, self.state.color_range), e.probabilities,
                           e.class_names, details=self.state.show_details,
                           input_range=self._input_range(), range_mode=self.state.color_range)
        self._outline_selection()

    def _facts(self) -> list:
        """What the overview needs to know about each trace, as its kind states it."""
        return [kind_of(t).facts for t in self._explanation.traces]

    def _input_range(self) -> tuple[float, float]:
        image = self._explanation.image
        return min(0.0, float(image.min())), max(1.0, float(image.max()))

    def _render_prediction(self) -> None:
        e = self._explanation
        text = _("Prediction: <b>{name}</b> ({percent} %)").format(
            name=inert_line(e.predicted_name), percent=format_number(100 * e.probabilities[e.predicted], 1))
        self._prediction.object = text + (f" · {inert_line(self._source)}" if self._source else "")

    def _outline_selection(self) -> None:
        index = self._selected_index()
        if index is None:
            self.overview.select(None)
            return
        shown = drawn_layers(self._facts())
        if index not in shown:  # a final dense merged into the output column
            index = shown[-1]
        self.overview.select(index, self.state.neuron)

    # ------------------------------------------------------------------ selection

    def _selected_index(self) -> int | None:
        for i, t in enumerate(self._explanation.traces):
            if t.name == self.state.layer:
                return i
        return None

    def _is_output(self, index: int) -> bool:
        return index >= drawn_layers(self._facts())[-1]

    def _kind(self, index: int):
        """The layer kind that explains trace `index` (the output column is explained by its softmax)."""
        return OUTPUT if self._is_output(index) else kind_of(self._explanation.traces[index])

    def _selection(self, index: int) -> Selection:
        st = self.state
        return Selection(self._explanation.traces[index], index, self._explanation, st.neuron, st.row, st.col,
                         st.in_channel, self._input_range())

    def _windowed(self, index: int) -> bool:
        """True for a map step whose output cells read an input window (conv, ReLU, pool…): it animates."""
        trace = self._explanation.traces[index]
        return (trace.output.ndim == 3 and not self._is_output(index)
                and self._kind(index).window(trace) is not None)

    def _select(self, index: int, channel: int) -> None:
        """A neuron was clicked in the overview."""
        trace = self._explanation.traces[index]
        if trace.output.ndim == 1 and not self._is_output(index):
            channel = int(np.argmax(trace.output))  # a strip: start at its most active neuron
        self.state.param.update(layer=trace.name, neuron=channel, **self._first_cell(index, channel))
        self.reveal(".cnn-detail-title")     # the detail view opens under the overview

    def _first_cell(self, index: int, neuron: int) -> dict:
        """Where the window of a newly selected neuron opens: where there is signal (a conv's blank
        corner shows only 0.000 products); for a flatten position, the map cell that lands there."""
        sel = Selection(self._explanation.traces[index], index, self._explanation, neuron,
                        input_range=self._input_range())
        return self._kind(index).first_cell(sel)

    def _on_selection(self, *events) -> None:
        changed = {e.name for e in events}
        if changed & {"layer", "neuron"}:
            self._render_detail()
        else:
            self._render_window()

    def _render_detail(self) -> None:
        """Show the view for the selected neuron and draw its maps."""
        e, st = self._explanation, self.state
        index = self._selected_index()
        kind = None if index is None else self._kind(index)
        visible = None if index is None else kind.show_detail(self._detail_views, self._selection(index))
        with pn.io.hold():
            for key, pane in self._views.items():
                pane.visible = key == visible
            windowed = index is not None and self._windowed(index)
            self._play_row.visible = windowed
            if not windowed and st.playing:
                st.playing = False
            title = _markdown_bold(_(kind.hint) if kind is not None else _(NO_SELECTION_HINT))
            if index is not None and index > 0:
                title = _("<b>{layer}</b>, neuron {k}. ").format(layer=inert_line(e.traces[index].name),
                                                               k=st.neuron) + title
            self._detail_title.object = title
            self.tutorial.show(*_tutorial_parts(tutorial(kind.tutorial if kind is not None else "overview")))
            self._outline_selection()
            self._render_window()

    def _render_window(self) -> None:
        """Move the window to (row, col) and write out its numbers."""
        st = self.state
        index = self._selected_index()
        if index is None:
            self.formula.show("")
            return
        kind, sel = self._kind(index), self._selection(index)
        row, col, in_ch = kind.clamp(sel)
        if (row, col, in_ch) != (st.row, st.col, st.in_channel):
            st.param.update(row=row, col=col, in_channel=in_ch)  # re-enters with valid values
            return
        with pn.io.hold():
            self.formula.show(kind.show_cell(self._detail_views, sel))

    def _pick_cell(self, role: str, channel: int, row: int, col: int, tapped: bool) -> None:
        """The user pointed at a cell of a step-through map: move the window there."""
        index = self._selected_index()
        if index is None:
            return
        update = self._kind(index).pick(self._selection(index), role, channel, row, col)
        self.state.param.update(playing=False, **update)

    # ------------------------------------------------------------------ animation

    def _visible(self) -> bool:
        """True while the explainer tab of this page is what the user sees."""
        if self._tabs.active != EXPLAINER_TAB:
            return False
        location = pn.state.location
        page = location.query_params.get("page") if location is not None else None
        return page in (None, "cnn")

    def _on_playing(self, event) -> None:
        self._play.label = _("❚❚ Pause") if event.new else _("▶ Play")
        if event.new:
            self._clock.restart()
            self._ticker.start()
        else:
            self._ticker.stop()

    def _tick(self) -> None:
        index = self._selected_index()
        if index is None or not self._visible() or not self._windowed(index):
            self.state.playing = False
            return
        out_hw = self._explanation.traces[index].output.shape[:2]
        steps = self._clock.due(windows_per_second(self.state.speed, out_hw[0] * out_hw[1]))
        if steps:
            row, col = next_cell(self.state.row, self.state.col, out_hw, steps)
            self.state.param.update(row=row, col=col)

    def resize(self, width: int, height: int) -> None:
        """The overview grows with the window (a phone scrolls it sideways)."""
        self.overview.resize(*overview_size(width, height))
        self.train_tab.resize(width, height)

    def set_theme(self, name: str) -> None:
        """Light or dark figures (the HTML views follow the theme's CSS variables by themselves)."""
        for view in (self.overview, self.conv_view, self.pair_view, self.flatten_view, self.hyperparams,
                     self.samples, self.uploads.drawing, self.logits_view):
            view.set_theme(name)
        self.train_tab.set_theme(name)

    def shortcut(self, action: str) -> None:
        """The shell's keys: "play" (Space) toggles the animation, "step" (→) moves the window
        one cell, "reset" (R) puts it back at the top left."""
        index = self._selected_index()
        if index is None or not self._windowed(index):
            return
        if action == "play":
            self.state.playing = not self.state.playing
        elif action == "step":
            self.state.playing = False
            trace = self._explanation.traces[index]
            row, col = next_cell(self.state.row, self.state.col, trace.output.shape[:2])
            self.state.param.update(row=row, col=col)
        elif action == "reset":
            self.state.param.update(playing=False, row=0, col=0)

    def _on_tab(self, event) -> None:
        if event.new != EXPLAINER_TAB:
            self.state.playing = False
        self._sync_hp_ticker()
        if event.new in (EXPLAINER_TAB, TRAIN_TAB) and self.train_tab.training is not None:
            self.train_tab.poll(force=True)    # catch up on what trained while this tab was not seen

    def _sync_hp_ticker(self) -> None:
        if self.state.hp_playing and self._tabs.active == HYPERPARAMS_TAB:
            self._hp_ticker.start()
        else:
            self._hp_ticker.stop()

    # ------------------------------------------------------------------ the link

    def _layer_sizes(self) -> dict[str, int]:
        """Each layer a link may select → its number of neurons (channels, values or classes)."""
        return {t.name: int(t.output.shape[-1]) for t in self._explanation.traces}

    def _apply_link(self, query: dict[str, str]) -> None:
        """Show what a link asks for; each value it cannot honour becomes a notice and changes nothing."""
        models = [DEFAULT_MODEL, *(key for key in BUILT_IN if key != DEFAULT_MODEL)]
        view, notices = read_query(query, models, len(self.choice.samples), self._layer_sizes())
        if view.model and view.model != self.choice.key:
            self._model_choice.value = view.model       # the watcher shows that model
            # Its samples and layers are what the rest of the link refers to.
            view, notices = read_query(query, models, len(self.choice.samples), self._layer_sizes())
        with pn.io.hold():
            if view.sample != self.state.sample:
                self.state.sample = view.sample      # the watcher shows it
            self.state.color_range = view.color_range
            if view.layer:
                index = [t.name for t in self._explanation.traces].index(view.layer)
                self.state.param.update(layer=view.layer, neuron=view.neuron,
                                        **self._first_cell(index, view.neuron))
            self._tabs.active = TABS.index(view.tab)
        self.notices = notices

    def _sync_url(self) -> None:
        """Write what is on screen into the URL's query, so that the address is a link to it."""
        loc = pn.state.location
        if loc is None:
            return
        st = self.state
        view = CnnView(model=self.choice.link_value, sample=st.sample, layer=st.layer, neuron=st.neuron,
                       color_range=st.color_range, tab=TABS[self._tabs.active])
        loc.update_query(**to_query(view, DEFAULT_MODEL))

    def _on_hyperparams(self, *_events) -> None:
        s = self.state
        self.hyperparams.show(s.hp_input, s.hp_padding, s.hp_kernel, s.hp_stride)

    # ------------------------------------------------------------------ inputs

    def _pick_sample(self, i: int) -> None:
        if i == self.state.sample:
            self._on_sample()
        else:
            self.state.sample = i

    def _on_sample(self, *_events) -> None:
        i = self.state.sample
        if 0 <= i < len(self.choice.samples):
            self.samples.choose(i)
            self._show_image(self.choice.samples[i], "")

    def _show_own(self, image: np.ndarray, source: str) -> None:
        """Show an uploaded or drawn image (no sample is selected meanwhile)."""
        with pn.io.hold():
            self.state.param.update(sample=-1)
            self.samples.choose(None)
            self._show_image(image, source)
            self._tabs.active = EXPLAINER_TAB

    def _use_upload(self) -> None:
        """A model was uploaded and read (kept in `choice.uploaded`): offer it in the chooser and show it."""
        self._model_choice.options = self.choice.options()
        self.train_tab.offer_architecture(self._upload_architecture() is not None)
        if self._model_choice.value == UPLOADED:
            self._use_model(UPLOADED)
        else:
            self._model_choice.value = UPLOADED    # the watcher switches to it

    def _choose_model(self, event) -> None:
        self._use_model(event.new)

    def _use_model(self, key: str) -> None:
        """Show built-in model `key` (or "upload": the learner's), with its samples and class names."""
        if key == TRAINED:
            self.choice.trained_epoch = self.train_tab.epoch      # the epoch the slider shows
        self.choice.use(key)
        self._epoch_row.visible = key == TRAINED
        self.uploads.model_changed()
        with pn.io.hold():
            self.state.param.update(layer="", neuron=0, row=0, col=0, in_channel=0, playing=False)
            self.samples.show(self.choice.samples, self.choice.sample_names, 0)
            if self.state.sample != 0:
                self.state.sample = 0  # the watcher shows it
            else:
                self._show_image(self.choice.samples[0], "")

    # ------------------------------------------------------------------ the model trained here

    def _on_training(self, training) -> None:
        """A training started on the Train tab: its model joins the chooser once it has weights."""
        self.choice.keep_training(training)
        self._model_choice.options = self.choice.options()
        if self._model_choice.value == TRAINED:
            self._model_choice.value = DEFAULT_MODEL     # its old display model is gone
        self._switch_to_trained = True

    def _on_trained_weights(self) -> None:
        """The training's weights moved (or another epoch was chosen): redraw the explainer if it shows them."""
        training = self.train_tab.training
        if self._switch_to_trained and training.snapshot_epochs():
            self._switch_to_trained = False
            self._model_choice.value = TRAINED           # the watcher shows it
            return
        if self.choice.key != TRAINED or self.choice.training is not training:
            return
        self.choice.show_epoch(self.train_tab.epoch)
        if self._tabs.active == EXPLAINER_TAB and not self._hidden:
            self._show_image(self._explanation.image, self._source)

    def _show_held_out(self, index: int) -> None:
        """A misclassified digit was clicked: explain it with the trained model."""
        training = self.train_tab.training
        if self.choice.key != TRAINED:
            self._switch_to_trained = False
            self._model_choice.value = TRAINED
        name = training.class_names[int(training.y_val[index])]
        self._show_own(np.asarray(training.x_val[index], np.float32),
                       _("held-out digit {index} (a {name})").format(index=index, name=name))

    def _training_seen(self) -> bool:
        """True while the learner sees what the training changes: this page, the explainer or the Train tab."""
        location = pn.state.location
        page = location.query_params.get("page") if location is not None else None
        return not self._hidden and page in (None, "cnn") and self._tabs.active in (EXPLAINER_TAB, TRAIN_TAB)

    def _upload_architecture(self):
        """The uploaded model, when its input and classes fit the digits the Train tab trains on."""
        up = self.choice.uploaded
        if up is None or tuple(up.shape) != (28, 28, 1) or int(up.model.outputs[0].shape[-1]) != 10:
            return None
        return up.model

    def tab_hidden(self) -> None:
        self._hidden = True
        super().tab_hidden()

    def tab_shown(self) -> None:
        self._hidden = False
        if self.train_tab.training is not None:
            self.train_tab.poll(force=True)


def _session_query() -> dict[str, str]:
    """This session's URL query as plain strings (the last value of each key); {} outside a server."""
    args = pn.state.session_args or {}
    return {k: v[-1].decode("utf-8", "replace") for k, v in args.items() if v}


def _tutorial_parts(t) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The tutorial card's arguments for tutorial `t` (components receive plain texts)."""
    return t.key, t.title, t.paragraphs, t.try_this


def _markdown_bold(text: str) -> str:
    """A fixed hint's **bold** as HTML (the hints are our own text; the pane is HTML for user names)."""
    import re

    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
