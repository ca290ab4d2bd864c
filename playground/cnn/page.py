"""The CNN explainer page: TinyVGG (or the user's model) from the overview down to every multiplication.

The page wires things together: `CnnState` holds the session's settings,
`explain` computes the numbers, and the components in
`playground.components.cnn_*` draw them. Importing this module imports Keras;
the shell imports it only when the CNN page is first opened.
"""
from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import panel as pn
import param

from playground.cnn.explain import explain as explain_image
from playground.cnn.catalogue import (BUILT_IN, DEFAULT_MODEL, built_in_samples, fallback_class_names,
                                      load_built_in, parse_class_names, read_class_names, stand_in_samples)
from playground.cnn.kinds import OUTPUT, Selection, kind_of
from playground.cnn.loading import ModelLoadError, load_model, one_line_error
from playground.cnn.state import CnnState
from playground.cnn.geometry import next_cell
from playground.cnn.tutorials import tutorial
from playground.cnn.url_state import TABS, UPLOADED, CnnView, read_query, to_query
from playground.components.cnn.cells import Ticker
from playground.components.cnn.colors import unit_limits
from playground.components.cnn.conv import ConvView
from playground.components.cnn.flatten import FlattenView
from playground.components.cnn.formula import FormulaView
from playground.components.cnn.hyperparameters import HyperparamsView
from playground.components.cnn.input import DrawingPad, SamplePicker, UploadBox, inert_line
from playground.components.cnn.overview import Overview, drawn_layers
from playground.components.cnn.pair import PairView
from playground.components.cnn.tutorial_card import TutorialCard
from playground.i18n import N_, _
from playground.shell import Page
from playground.serve.offload import off_loop
from playground.datasets.image_input import ImageInputError, array_from_drawing, prepare_image

EXPLAINER_TAB, HYPERPARAMS_TAB, INPUT_TAB = 0, 1, 2

# Readable from the back of a room: larger text on the widgets Panel draws small by default.
TABS_CSS = (":host .bk-header .bk-tab { font-size: 17px; padding: 6px 16px; }"
            ":host .bk-header .bk-tab.bk-active { color: var(--design-primary-color, #0072b5); font-weight: 600; }")
BUTTONS_CSS = ":host .bk-btn { font-size: 16px; }"
CHECKBOX_CSS = ":host, :host label, :host span { font-size: 16px; }"
SLIDER_CSS = ":host .bk-slider-title, :host .bk-input-group { font-size: 17px; }"
SELECT_CSS = ":host label, :host select { font-size: 16px; }"

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
        # or the learner's upload, kept in `_uploaded` so the chooser can go back to it.
        self._model_key = DEFAULT_MODEL
        self._model = load_built_in(DEFAULT_MODEL)
        self._model_note = _(BUILT_IN[DEFAULT_MODEL].note)
        self._class_names = list(BUILT_IN[DEFAULT_MODEL].class_names)
        self._samples, self._sample_names = built_in_samples(DEFAULT_MODEL)
        self._uploaded: dict | None = None
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
            pn.widgets.IntSlider.from_param(s.hp_input, name=_(s.hp_input.label), width=400, stylesheets=[SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_padding, name=_(s.hp_padding.label), width=400, stylesheets=[SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_kernel, name=_(s.hp_kernel.label), width=400, stylesheets=[SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.hp_stride, name=_(s.hp_stride.label), width=400, stylesheets=[SLIDER_CSS]),
            pn.widgets.Checkbox.from_param(s.hp_playing, label=_("Animate the window"), stylesheets=[CHECKBOX_CSS]),
        ])
        self.drawing = DrawingPad(self._use_drawing)
        self.image_upload = UploadBox(_("Upload a picture (PNG or JPEG)"), ".png,.jpg,.jpeg,image/*",
                                      self._upload_image, "cnn-image-upload")
        self.model_upload = UploadBox(_("Upload your own model (.keras or .h5)"), ".keras,.h5",
                                      self._upload_model, "cnn-model-upload")
        self._model_choice = pn.widgets.Select(name=_("Model"), options=self._model_options(), value=DEFAULT_MODEL,
                                               width=460, css_classes=["cnn-model-choice"],
                                               stylesheets=[SELECT_CSS], margin=(0, 10, 6, 10))
        self._model_choice.param.watch(self._choose_model, "value")
        # A model without stored class names gets "class 0", "class 1", … until the learner names them.
        self._names_input = pn.widgets.TextInput(name=_("Its class names, separated by commas"),
                                                 placeholder=_("e.g. cat, dog, horse"), width=420,
                                                 css_classes=["cnn-class-names"], visible=False)
        self._names_apply = pn.widgets.Button(name=_("Use these names"), css_classes=["cnn-class-names-apply"],
                                              stylesheets=[BUTTONS_CSS], visible=False)
        self._names_apply.on_click(lambda event: self._apply_class_names())

        # Small widgets and text.
        # HTML panes, not Markdown: they show file and layer names, escaped with inert_line (safe_text, one line).
        self._prediction = pn.pane.HTML("", css_classes=["cnn-prediction"], margin=(4, 10, 0, 10),
                                            styles={"font-size": "19px"})
        self._play = pn.widgets.Toggle.from_param(s.playing, label=_("▶ Play"), color="primary",
                                                  width=120, css_classes=["cnn-play"], stylesheets=[BUTTONS_CSS])
        self._detail_title = pn.pane.HTML(_markdown_bold(_(NO_SELECTION_HINT)), css_classes=["cnn-detail-title"],
                                              sizing_mode="stretch_width", styles={"font-size": "16px"},
                                              margin=(0, 10))
        self._model_info = pn.pane.HTML("", css_classes=["cnn-model-info"], width=440,
                                            styles={"font-size": "15px"})
        self._play_row = pn.Row(self._play, visible=False)
        # The detail views a layer kind can draw into (`Kind.show_detail`, `Kind.show_cell`).
        self._detail_views = SimpleNamespace(conv=self.conv_view, pair=self.pair_view, flatten=self.flatten_view)
        # Each view sits in its own Column, shown or hidden as a whole (a Bokeh pane's own
        # `visible` is synced back from its figure and does not stick).
        self._views = {"conv": pn.Column(self.conv_view, visible=False),
                       "pair": pn.Column(self.pair_view, visible=False),
                       "flatten": pn.Column(self.flatten_view, visible=False)}

        # A short tutorial beside the step-through view, and one beside the hyperparameter playground.
        self.tutorial = TutorialCard("cnn-tutorial", width=560)
        self.hp_tutorial = TutorialCard("cnn-hp-tutorial")
        self.hp_tutorial.show(*_tutorial_parts(tutorial("hyperparameters")))

        self._ticker = Ticker(self._tick, period_ms=400)
        self._hp_ticker = Ticker(self.hyperparams.advance, period_ms=600)
        self._tabs = self._build_layout()
        s.watch(self._on_selection, ["layer", "neuron", "row", "col", "in_channel"])
        s.watch(lambda e: self._render_overview(), ["color_range", "show_details"])
        s.watch(self._on_sample, ["sample"])
        s.watch(self._on_playing, ["playing"])
        s.watch(self._on_hyperparams, ["hp_input", "hp_padding", "hp_kernel", "hp_stride"])
        s.watch(lambda e: self._sync_hp_ticker(), ["hp_playing"])
        self._tabs.param.watch(self._on_tab, "active")

        self._on_hyperparams()
        self._describe_model()
        self.samples.show(self._samples, self._sample_names, 0)
        self._show_image(self._samples[0], "")
        self._apply_link(_session_query())
        s.watch(lambda *_events: self._sync_url(), ["model", "sample", "layer", "neuron", "color_range"])
        self._tabs.param.watch(lambda _event: self._sync_url(), "active")
        self._sync_url()

    # ------------------------------------------------------------------ layout

    def _build_layout(self) -> pn.Tabs:
        s = self.state.param
        options = pn.Column(
            self._model_choice,
            self._prediction,
            pn.Row(pn.pane.Markdown(_("Colour range:"), margin=(4, 4, 0, 10), styles={"font-size": "16px"}),
                   pn.widgets.RadioButtonGroup.from_param(
                       s.color_range, options={_(label): key for key, label in COLOR_RANGE_LABELS.items()},
                       css_classes=["cnn-color-range"], stylesheets=[BUTTONS_CSS], margin=(2, 10)),
                   pn.widgets.Checkbox.from_param(s.show_details, name=_("Show details"), css_classes=["cnn-details"],
                                                  stylesheets=[CHECKBOX_CSS], margin=(10, 10, 0, 20))),
        )
        explainer = pn.Column(
            pn.Row(self.samples, options),
            self.overview,
            self._detail_title,
            pn.Row(pn.Column(*self._views.values()), pn.Column(self._play_row, self.formula, self.tutorial)),
            sizing_mode="stretch_width",
        )
        inputs = pn.Row(
            pn.Column(pn.pane.Markdown("### " + _("Draw a digit"), margin=(0, 10)), self.drawing),
            pn.Column(self.image_upload, self.model_upload, self._names_input, self._names_apply,
                      self._model_info),
        )
        return pn.Tabs((_("Explainer"), explainer), (_("Hyperparameters"), pn.Column(self.hyperparams, self.hp_tutorial)),
                       (_("Your image & model"), inputs), css_classes=["cnn-tabs"], stylesheets=[TABS_CSS],
                       sizing_mode="stretch_width")

    def __panel__(self):
        return self._tabs

    # ------------------------------------------------------------------ showing an image

    def _show_image(self, image: np.ndarray, source: str) -> None:
        """Run `image` through the model and redraw everything that depends on it."""
        self._explanation = explain_image(self._model, image, self._class_names)
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
        roles = self._roles()
        outputs = [t.output for t in traces]
        self.overview.show([t.name for t in traces], roles, outputs,
                           unit_limits(outputs, roles, self.state.color_range), e.probabilities,
                           e.class_names, details=self.state.show_details,
                           input_range=self._input_range(), range_mode=self.state.color_range)
        self._outline_selection()

    def _roles(self) -> list[str]:
        """How the overview draws each trace (its kind's overview role)."""
        return [kind_of(t).overview_role for t in self._explanation.traces]

    def _input_range(self) -> tuple[float, float]:
        image = self._explanation.image
        return min(0.0, float(image.min())), max(1.0, float(image.max()))

    def _render_prediction(self) -> None:
        e = self._explanation
        text = _("Prediction: <b>{name}</b> ({percent} %)").format(
            name=inert_line(e.predicted_name), percent=f"{100 * e.probabilities[e.predicted]:.1f}")
        self._prediction.object = text + (f" · {inert_line(self._source)}" if self._source else "")

    def _outline_selection(self) -> None:
        index = self._selected_index()
        if index is None:
            self.overview.select(None)
            return
        shown = drawn_layers(self._roles())
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
        return index >= drawn_layers(self._roles())[-1]

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
        self.state.param.update(layer=trace.name, neuron=channel, row=0, col=0, in_channel=0)

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
            self._ticker.start()
        else:
            self._ticker.stop()

    def _tick(self) -> None:
        index = self._selected_index()
        if index is None or not self._visible() or not self._windowed(index):
            self.state.playing = False
            return
        trace = self._explanation.traces[index]
        row, col = next_cell(self.state.row, self.state.col, trace.output.shape[:2])
        self.state.param.update(row=row, col=col)

    def set_theme(self, name: str) -> None:
        """Light or dark figures (the HTML views follow the theme's CSS variables by themselves)."""
        for view in (self.overview, self.conv_view, self.pair_view, self.flatten_view, self.hyperparams,
                     self.samples, self.drawing):
            view.set_theme(name)

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
        view, notices = read_query(query, models, len(self._samples), self._layer_sizes())
        if view.model and view.model != self._model_key:
            self._model_choice.value = view.model       # the watcher shows that model
            # Its samples and layers are what the rest of the link refers to.
            view, notices = read_query(query, models, len(self._samples), self._layer_sizes())
        with pn.io.hold():
            if view.sample != self.state.sample:
                self.state.sample = view.sample      # the watcher shows it
            self.state.color_range = view.color_range
            if view.layer:
                self.state.param.update(layer=view.layer, neuron=view.neuron, row=0, col=0, in_channel=0)
            self._tabs.active = TABS.index(view.tab)
        self.notices = notices

    def _sync_url(self) -> None:
        """Write what is on screen into the URL's query, so that the address is a link to it."""
        loc = pn.state.location
        if loc is None:
            return
        st = self.state
        view = CnnView(model=st.model, sample=st.sample, layer=st.layer, neuron=st.neuron,
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
        if 0 <= i < len(self._samples):
            self.samples.choose(i)
            self._show_image(self._samples[i], "")

    def _model_shape(self) -> tuple[int, int, int]:
        return tuple(int(d) for d in self._model.inputs[0].shape[1:])

    def _show_own(self, image: np.ndarray, source: str) -> None:
        """Show an uploaded or drawn image (no sample is selected meanwhile)."""
        with pn.io.hold():
            self.state.param.update(sample=-1)
            self.samples.choose(None)
            self._show_image(image, source)
            self._tabs.active = EXPLAINER_TAB

    def _upload_image(self, data: bytes, filename: str) -> None:
        h, w, c = self._model_shape()
        # Decoding a big picture takes a while: in a worker, so that other sessions never stall.
        off_loop(functools.partial(prepare_image, data, (h, w, c)),
                 functools.partial(self._use_image, filename=filename, shape=(h, w, c)),
                 functools.partial(self._image_refused, filename=filename))

    def _image_refused(self, exc: Exception, filename: str) -> None:
        if not isinstance(exc, ImageInputError):
            raise exc
        self.image_upload.say(_("<b>{name}</b> cannot be used: {reason}.").format(
            name=inert_line(filename or _("The file")), reason=inert_line(exc)), ok=False)

    def _use_image(self, image: np.ndarray, filename: str, shape: tuple[int, int, int]) -> None:
        h, w, c = shape
        self.image_upload.say(_("Showing <b>{name}</b>, resized and cropped to {h}×{w}×{c}.").format(
            name=inert_line(filename), h=h, w=w, c=c), ok=True)
        self._show_own(image, _("your picture {name}").format(name=filename))

    def _use_drawing(self, raster: np.ndarray) -> None:
        try:
            image = array_from_drawing(raster, self._model_shape())
        except ImageInputError as exc:
            self.drawing.say(_("The drawing cannot be used: {reason}.").format(reason=inert_line(exc)), ok=False)
            return
        self.drawing.say("", ok=True)
        self._show_own(image, _("your drawing"))

    def _upload_model(self, data: bytes, filename: str) -> None:
        # Reading and trying a model takes seconds: in a worker, so that other sessions never stall.
        off_loop(functools.partial(_read_model, data), functools.partial(self._model_read, filename=filename),
                 functools.partial(self._model_refused, filename=filename))

    def _model_refused(self, exc: Exception, filename: str) -> None:
        if isinstance(exc, (ModelLoadError, ImageInputError)):
            self.model_upload.say(_("<b>{name}</b>: {reason}. The current model stays.").format(
                name=inert_line(filename or _("The file")), reason=inert_line(str(exc).rstrip("."), limit=600)),
                ok=False)
        else:  # a model that loads but cannot run: say why, keep the old one
            self.model_upload.say(_("<b>{name}</b> loaded but could not be run ({reason}). "
                                    "The current model stays.").format(
                name=inert_line(filename or _("The file")),
                reason=inert_line(f"{type(exc).__name__}: {one_line_error(exc)}")), ok=False)

    def _model_read(self, read: SimpleNamespace, filename: str) -> None:
        """An uploaded model was read and tried (in a worker): offer it in the chooser and show it."""
        model, shape, names, named = read.model, read.shape, read.names, read.named
        samples, sample_names, source = read.samples, read.sample_names, read.source
        note = _("your model {name}").format(name=filename)
        if source is not None:
            note = _("your model {name}; the samples are {samples}, resized to {h}×{w}×{c}").format(
                name=filename, samples=_(BUILT_IN[source].samples_name), h=shape[0], w=shape[1], c=shape[2])
        self._uploaded = dict(model=model, names=names, samples=samples, sample_names=sample_names, note=note)
        if named:
            self.model_upload.say(_("Loaded <b>{name}</b> with its class names.").format(
                name=inert_line(filename)), ok=True)
        else:
            self.model_upload.say(_("Loaded <b>{name}</b>. It stores no class names, so they read "
                                    "“class 0”, “class 1”, …; you can type them below.").format(
                name=inert_line(filename)), ok=True)
        self._names_input.value = ", ".join(names) if named else ""
        self._model_choice.options = self._model_options()
        if self._model_choice.value == UPLOADED:
            self._use_model(UPLOADED)
        else:
            self._model_choice.value = UPLOADED    # the watcher switches to it

    def _model_options(self) -> dict[str, str]:
        """The chooser's entries: every built-in model, then the learner's upload if there is one."""
        options = {_(model.label): key for key, model in BUILT_IN.items()}
        if self._uploaded is not None:
            options[_("Your uploaded model")] = UPLOADED
        return options

    def _choose_model(self, event) -> None:
        self._use_model(event.new)

    def _use_model(self, key: str) -> None:
        """Show built-in model `key` (or "upload": the learner's), with its samples and class names."""
        if key == UPLOADED:
            up = self._uploaded
            model, names, samples, sample_names, note = (up["model"], up["names"], up["samples"],
                                                         up["sample_names"], up["note"])
        else:
            model, names = load_built_in(key), list(BUILT_IN[key].class_names)
            (samples, sample_names), note = built_in_samples(key), _(BUILT_IN[key].note)
        self._model_key, self._model, self._class_names = key, model, list(names)
        self._samples, self._sample_names, self._model_note = samples, sample_names, note
        self._names_input.visible = self._names_apply.visible = key == UPLOADED
        self._describe_model()
        with pn.io.hold():
            self.state.param.update(model="" if key == DEFAULT_MODEL else key, layer="", neuron=0, row=0, col=0,
                                    in_channel=0, playing=False)
            self.samples.show(self._samples, self._sample_names, 0)
            if self.state.sample != 0:
                self.state.sample = 0  # the watcher shows it
            else:
                self._show_image(self._samples[0], "")

    def _apply_class_names(self) -> None:
        """The learner typed the uploaded model's class names."""
        if self._uploaded is None or self._model_key != UPLOADED:
            return
        try:
            names = parse_class_names(self._names_input.value, len(self._class_names))
        except ValueError as exc:
            self.model_upload.say(_("The class names were not changed: {reason}.").format(
                reason=inert_line(exc)), ok=False)
            return
        self._uploaded["names"] = self._class_names = names
        self.model_upload.say(_("The model's classes are now named: {names}.").format(
            names=inert_line(", ".join(names), limit=600)), ok=True)
        self._describe_model()
        self._show_image(self._explanation.image, self._source)

    def _describe_model(self) -> None:
        h, w, c = self._model_shape()
        layers = ", ".join(layer.name for layer in self._model.layers)
        self._model_info.object = _("<b>Current model:</b> {note}.<br>Input {h}×{w}×{c}, {n} classes.<br>"
                                    "Layers: {layers}.").format(note=inert_line(self._model_note), h=h, w=w, c=c,
                                                                n=len(self._class_names),
                                                                layers=inert_line(layers, limit=600))


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


def _read_model(data: bytes) -> SimpleNamespace:
    """Load an uploaded model, find its class names and samples, and explain one sample with it.

    Runs in a worker (see `_upload_model`): it touches no view.
    """
    model = load_model(data)
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    n_classes = int(model.outputs[0].shape[-1])
    stored = read_class_names(data)
    named = stored is not None and len(stored) == n_classes
    names = stored if named else fallback_class_names(n_classes)
    samples, sample_names, source = stand_in_samples(shape)
    explain_image(model, samples[0], names)  # fails here, not half-way through the views
    return SimpleNamespace(model=model, shape=shape, names=names, named=named, samples=samples,
                           sample_names=sample_names, source=source)
