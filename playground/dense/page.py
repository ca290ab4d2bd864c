"""The dense playground page: TF Playground's controls and views, wired to one session's trainer.

Everything a learner changes goes through `DenseSettings` (the widgets come from
its parameters) and the trainer applies the original's reset rules.

The live loop: while playing, each session trains in short slices in a worker
thread, so the server keeps answering this page and every other session while
it trains. After a slice the page draws one frame, all of it in one
`pn.io.hold()`, if the browser has taken the previous one: the browser echoes
each frame's number as soon as it has applied it, and until then slices only
train. One frame is in flight at a time, so updates never queue up in a slow tab.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time

import numpy as np
import panel as pn
import param
from bokeh.document import without_document_lock
from bokeh.models import ColumnDataSource, CustomJS

from playground.components.canvas_text import CanvasText, Slot
from playground.components.dense.dataset_picker import DatasetPicker, scatter_thumbnail
from playground.components.dense.decision_map import DecisionMap
from playground.components.dense.loss_chart import LossChart
from playground.components.dense.network_diagram import NetworkDiagram
from playground.components.palettes import (
    BLUE, CLASS_COLOURS, CSS_TEXT, ORANGE, class_confidence, diverging_colours,
)
from playground.components.safe_text import safe_text
from playground.datasets.features import FEATURES, GRID_SIZE, feature_matrix, grid_points
from playground.datasets.playground_data import DATASETS, generate
from playground.dense.lesson_panel import LessonPanel
from playground.dense.lessons import lesson_query
from playground.dense.settings import (
    LEARNING_RATES, MAX_LAYERS, MAX_NEURONS, NEW_DATA, REG_RATES, RESETS_NETWORK, DenseSettings, datasets_for,
    query_names,
)
from playground.dense.tf_links import settings_from_tf_hash
from playground.dense.trainer import HISTORY_CAP, Trainer
from playground.i18n import N_, _
from playground.serve import scheduler

log = logging.getLogger(__name__)
if log.level == logging.NOTSET:
    # `panel serve` shows INFO for Bokeh's own logger only; a live loop's end is as
    # worth a line as the websocket closing that caused it.
    log.setLevel(logging.INFO)

SLICE_PERIOD_S = 0.025      # one training slice starts this often (the scheduler sets its length)
ACK_TIMEOUT_S = 1.0         # draw anyway when the browser has not confirmed a frame for this long

ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": N_("Sigmoid"), "linear": N_("Linear"),
                     "leaky_relu": "Leaky ReLU", "elu": "ELU", "swish": "Swish"}
OPTIMIZER_LABELS = {"sgd": N_("SGD (classic)"), "momentum": N_("Momentum"), "adam": "Adam", "rmsprop": "RMSprop"}
DIVERGED = N_("Training diverged:\nthe loss became ∞ or NaN.\nLower the learning rate,\nthen press Reset.")


def _number_label(v: float) -> str:
    return np.format_float_positional(v, trim="-")


def _point_colours(labels: np.ndarray, kind: str) -> list[str]:
    if kind == "multiclass":
        return [CLASS_COLOURS[int(k)] for k in labels]
    if kind == "binary":
        return [BLUE if y > 0 else ORANGE for y in labels]
    return diverging_colours(labels)


@functools.cache
def _dataset_picture(name: str) -> np.ndarray:
    """A small picture of data set `name` (noise 0, seed 0): the same for every session."""
    data = generate(name, 0, seed=0, n_classes=3)
    return scatter_thumbnail(data.points, _point_colours(data.labels, data.kind))


@functools.cache
def _feature_grids() -> np.ndarray:
    """(features, GRID, GRID) float32: every input feature on the grid (they never change)."""
    values = feature_matrix(grid_points(), list(FEATURES))
    return np.ascontiguousarray(values.T.reshape(len(FEATURES), GRID_SIZE, GRID_SIZE), dtype=np.float32)


def session_query() -> dict[str, str]:
    """This session's URL query as plain strings (the last value of each key)."""
    args = pn.state.session_args or {}
    return {k: v[-1].decode("utf-8", "replace") for k, v in args.items() if v}


class DensePage(pn.viewable.Viewer):
    """One learner's dense playground: settings, trainer, controls and views."""

    notices = param.List(default=[], doc="messages for the page shell's notice area")
    playing = param.Boolean(default=False, doc="training runs in the live loop")

    def __init__(self, **params):
        super().__init__(**params)
        query, lesson_notices = lesson_query(session_query())   # ?lesson=ID, the query's own settings on top
        self.settings, notices = DenseSettings.from_query(query)
        self.notices = [*lesson_notices, *notices]
        self.trainer = Trainer(self.settings, history_cap=HISTORY_CAP)
        self._focus: tuple[int, int] | None = None      # hovered node shown in the big view
        self._link: tuple[int, int, int] | None = None  # picked link whose weight can be typed
        self._frame = 0
        self._pending: int | None = None                # frame sent while playing, not yet taken by the browser
        self._sent_at = 0.0
        self._drawn_epoch = 0
        self._runs = 0                                  # numbers the live loops; an old one stops
        self._alive = True
        self._hidden = False                            # the tab is hidden: no training, nothing sent
        # The training thread and the page take turns with the trainer.
        self._trainer_lock = threading.RLock()
        self._map_classes: int | None = None
        self._quiet = False        # pausing inside an action that redraws anyway
        self._editing = False      # the weight field is being filled in, not typed in
        self._build_controls()
        self.lessons = LessonPanel(self.apply_query, session_query().get("lesson"))
        self._build_views()
        self.settings.param.watch(self._settings_changed, query_names())
        self.param.watch(self._playing_changed, "playing")
        if pn.state.curdoc is not None:
            pn.state.on_session_destroyed(lambda _ctx: setattr(self, "_alive", False))
        self._redraw(structure=True, data=True)
        self._sync_url()
        self._watch_tf_hash()

    # ---- building ------------------------------------------------------------------------

    def _build_controls(self) -> None:
        s = self.settings.param
        self.play_button = pn.widgets.Toggle.from_param(self.param.playing, label=_("▶ Play"), color="primary",
                                                        width=120, height=48, stylesheets=[_BIG_BUTTON_CSS])
        self.step_button = pn.widgets.Button(label=_("Step"), width=84, height=48,
                                             stylesheets=[_BIG_BUTTON_CSS])
        self.reset_button = pn.widgets.Button(label=_("Reset"), width=112, height=48, stylesheets=[_BIG_BUTTON_CSS])
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.epoch_counter = CanvasText([Slot(0, 11, 15, True), Slot(0, 36, 30, True)], width=120, height=52,
                                        name="epoch-counter")
        select = dict(width=136, margin=(0, 6), stylesheets=[_CONTROL_CSS])
        self.learning_rate = pn.widgets.Select.from_param(
            s.learning_rate, label=_("Learning rate"), options={_number_label(v): v for v in LEARNING_RATES}, **select)
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
        self.batch_size = pn.widgets.IntSlider.from_param(s.batch_size, label=_("Batch size"), **slider)
        self.regenerate_button = pn.widgets.Button(label=_("Regenerate"), sizing_mode="stretch_width", height=40,
                                                   stylesheets=[_CONTROL_CSS])
        self.regenerate_button.on_click(lambda _: self.regenerate())
        self.picker = DatasetPicker(self._picker_choices(), self.settings.dataset, self._pick_dataset)
        self.dataset_label = pn.pane.HTML("", margin=(2, 5), stylesheets=[_CAPTION_CSS])

        wide = dict(sizing_mode="stretch_width", stylesheets=[_CONTROL_CSS])
        self.optimizer = pn.widgets.Select.from_param(
            s.optimizer, label=_("Optimizer"), options={_(OPTIMIZER_LABELS.get(k, k)): k for k in s.optimizer.objects}, **wide)
        self.loss = pn.widgets.Select.from_param(
            s.loss, label=_("Loss (two classes)"), options={_("Squared error (classic)"): "squared",
                                                           _("Cross-entropy"): "cross_entropy"}, **wide)
        self.n_classes = pn.widgets.IntSlider.from_param(s.n_classes, label=_("Classes (multi-class sets)"),
                                                         throttled=True, **wide)
        self.seed = pn.widgets.IntInput.from_param(s.seed, label=_("Random seed (weights)"), **wide)
        self.speed = pn.widgets.IntSlider.from_param(s.epochs_per_frame, label=_("Speed (epochs per frame)"),
                                                     throttled=True, **wide)
        # On/off settings are toggle buttons: a big target whose whole label is clickable.
        toggle = dict(height=38, stylesheets=[_CONTROL_CSS, _TOGGLE_CSS])
        self.shuffle = pn.widgets.Toggle.from_param(s.shuffle, label=_("Reshuffle every epoch"),
                                                    sizing_mode="stretch_width", **toggle)
        self.show_test = pn.widgets.Toggle.from_param(s.show_test_data, label=_("Show test data"), width=158, **toggle)
        self.discretize = pn.widgets.Toggle.from_param(s.discretize, label=_("Discretize output"), width=158, **toggle)
        self.features = pn.widgets.CheckButtonGroup.from_param(
            s.features, options={f.label: key for key, f in FEATURES.items()}, orientation="vertical",
            width=92, height=0, margin=0, label="", stylesheets=[_FEATURE_CSS])

        self.weight_input = pn.widgets.FloatInput(label="", width=110, step=0.1, format="0.000",
                                                  stylesheets=[_CONTROL_CSS], margin=(0, 6),
                                                  css_classes=["nn-weight-input"])
        self.weight_label = pn.pane.HTML("", margin=(6, 4), stylesheets=[_CAPTION_CSS])
        self.weight_editor = pn.Row(self.weight_label, self.weight_input, visible=False, margin=0)
        self.weight_input.param.watch(self._weight_typed, "value")

    def _build_views(self) -> None:
        self.diagram = NetworkDiagram(width=576,  # 72 px a column: "Features" on one line
                                      height=440, input_control=self.features,
                                      max_layers=MAX_LAYERS, max_neurons=MAX_NEURONS,
                                      on_layers=self._change_layers, on_neurons=self._change_neurons,
                                      on_hover=self._hover_node, on_link=self._pick_link)
        # The feature buttons line up with the input nodes: one row per node.
        self.features.height = int(self.diagram.row_pitch * len(FEATURES))
        self.decision_map = DecisionMap(size=280)
        self.map_caption = pn.pane.HTML("", margin=(0, 4), stylesheets=[_CAPTION_CSS])
        self.chart = LossChart(width=330, height=100)
        # Frame handshake: each heatmap arrives with its frame number; the browser
        # echoes the number as soon as it has applied the frame (Bokeh then paints
        # it in the next animation frame, while the server prepares the next one).
        self._ack_source = ColumnDataSource({"frame": [0]}, name="dense-ack")
        self.decision_map.grid_source.js_on_change("data", CustomJS(args={"ack": self._ack_source}, code="""
            const n = cb_obj.data.frame[0];
            if (ack.data.frame[0] !== n) ack.data = {frame: [n]};
        """))
        self._ack_source.on_change("data", self._frame_taken)

    def _picker_choices(self) -> list[tuple[str, str, np.ndarray]]:
        return [(name, _(DATASETS[name].label), _dataset_picture(name)) for name in datasets_for(self.settings.problem)]

    # ---- actions (buttons and keyboard shortcuts) ----------------------------------------

    def step(self) -> None:
        """Pause and train exactly one epoch."""
        with self._quietly():
            self.playing = False
        with self._trainer_lock:
            self.trainer.step(1)
            self._redraw()

    def reset(self) -> None:
        """Pause and start over from new random weights, as the original does; the data stays.

        The new weights come from the next seed, so the URL still reproduces the run.
        """
        with self._quietly():
            self.playing = False
        self.settings.seed = (self.settings.seed + 1) % (2**31 - 1)

    def regenerate(self) -> None:
        """New data from the same distribution; the network keeps its weights (as the original)."""
        self.settings.data_seed = (self.settings.data_seed + 1) % (2**31 - 1)

    def pause(self) -> None:
        """Stop training (the page shell calls this when the learner leaves the page)."""
        self.playing = False

    def shortcut(self, action: str) -> None:
        """Keyboard shortcuts from the page shell: "play" toggles, "step", "reset"."""
        if action == "play":
            self.playing = not self.playing and not self.trainer.diverged
        elif action == "step":
            self.step()
        elif action == "reset":
            self.reset()

    def set_theme(self, name: str) -> None:
        """"light" or "dark": the figures follow (the widgets follow CSS variables)."""
        for view in (self.decision_map, self.diagram, self.chart, self.epoch_counter):
            view.set_theme(name)

    # ---- reacting to settings -------------------------------------------------------------

    def _settings_changed(self, *events) -> None:
        changed = {e.name for e in events}
        with self._trainer_lock:
            self._apply_settings(changed)
        self._sync_url()

    def _apply_settings(self, changed: set[str]) -> None:
        self.trainer.apply(changed)
        rebuilt = bool(changed & RESETS_NETWORK)
        with self._quietly():
            if rebuilt:
                self.playing = False          # the original pauses whenever it rebuilds the network
                self._link = None
            if "problem" in changed:
                self.picker.set_choices(self._picker_choices(), self.settings.dataset)
            self.picker.value = self.settings.dataset
        self._redraw(structure=rebuilt, data=bool(changed & NEW_DATA))

    @contextlib.contextmanager
    def _quietly(self):
        """Pausing inside an action that redraws anyway should not draw twice."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False


    def _pick_dataset(self, name: str) -> None:
        self.settings.dataset = name

    def _change_layers(self, delta: int) -> None:
        hidden = list(self.settings.hidden)
        if delta > 0 and len(hidden) < MAX_LAYERS:
            hidden.append(2)
        elif delta < 0 and hidden:
            hidden.pop()
        self.settings.hidden = hidden

    def _change_neurons(self, layer: int, delta: int) -> None:
        hidden = list(self.settings.hidden)
        if 0 <= layer < len(hidden) and 1 <= hidden[layer] + delta <= MAX_NEURONS:
            hidden[layer] += delta
            self.settings.hidden = hidden

    def _hover_node(self, node: tuple[int, int] | None) -> None:
        self._focus = node
        self._redraw()

    def _pick_link(self, link: tuple[int, int, int] | None) -> None:
        self._link = link
        self._show_weight_editor()

    def _weight_typed(self, event) -> None:
        if self._link is None or event.new is None or self._editing:
            return
        layer, i, j = self._link
        with self._trainer_lock:
            try:
                self.trainer.set_weight(layer, i, j, float(event.new))
            except (ValueError, IndexError) as exc:
                self.notices = [*self.notices, _("Weight not changed: {reason}").format(reason=exc)]
                return
            self._redraw()

    def _show_weight_editor(self) -> None:
        if self._link is None:
            self.weight_editor.visible = False
            return
        layer, i, j = self._link
        names = self.diagram.link_names(self._link)
        self.weight_label.object = _("Weight {link}:").format(link=safe_text(names))
        self._editing = True     # showing the current value is not an edit
        try:
            self.weight_input.value = round(float(self.trainer.network.weights[layer][i, j]), 3)
        finally:
            self._editing = False
        self.weight_editor.visible = True

    def apply_query(self, query: dict[str, str]) -> None:
        """Start from the defaults with `query` on top (a lesson, its solution): one change, one reset."""
        parsed, notices = DenseSettings.from_query(query)
        keep = {"epochs_per_frame", "seed", "data_seed"}     # the learner's speed; a lesson does not pin the draw
        self.settings.param.update(**{n: getattr(parsed, n) for n in query_names() if n not in keep})
        if notices:
            self.notices = [*self.notices, *notices]

    def _watch_tf_hash(self) -> None:
        # A TF Playground hash (/app#activation=relu&…) never reaches the server with the
        # request: the browser syncs it later. Changes made before the browser has loaded
        # the page do not reach its views, so apply it once both have happened.
        loc, doc = pn.state.location, pn.state.curdoc
        if loc is None or doc is None or doc.session_context is None:
            return
        state = {"loaded": False, "hash": loc.hash}

        def maybe_apply():
            if state["loaded"] and state["hash"]:
                hash_, state["hash"] = state["hash"], ""
                loc.param.unwatch(watcher)
                self.apply_tf_hash(hash_)
                # The query (kept in sync with every change) now holds the state: a reload
                # must not bring the old hash back over the learner's changes.
                loc.hash = ""

        def hash_changed(event):
            state["hash"] = event.new
            doc.add_next_tick_callback(maybe_apply)

        def loaded():
            state["loaded"] = True
            maybe_apply()

        watcher = loc.param.watch(hash_changed, "hash")
        pn.state.onload(loaded)

    def apply_tf_hash(self, hash_: str) -> None:
        """Apply a TF Playground link's hash; what it cannot honour or parse becomes a notice."""
        query, notices = settings_from_tf_hash(hash_)
        parsed, more = DenseSettings.from_query(query)
        names = set(query) | ({"problem"} if "dataset" in query else set())
        self.settings.param.update(**{n: getattr(parsed, n) for n in names})
        if notices or more:
            self.notices = [*self.notices, *notices, *more]

    def _sync_url(self) -> None:
        loc = pn.state.location
        if loc is not None:
            loc.update_query(**self.settings.to_query())

    # ---- the live loop --------------------------------------------------------------------

    def _playing_changed(self, event) -> None:
        if event.new and self.trainer.diverged:
            self.playing = False
            return
        self.play_button.label = _("❚❚ Pause") if event.new else _("▶ Play")
        if event.new:
            self._start_loop()
        elif not self._quiet:
            self._redraw()      # show exactly where training stopped

    def _start_loop(self) -> None:
        self._hidden = False
        self._pending = None
        self._drawn_epoch = self.trainer.epoch
        self._runs += 1
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            doc.add_next_tick_callback(without_document_lock(functools.partial(self._run, doc, self._runs)))

    def tab_hidden(self) -> None:
        """The tab is hidden (the shell calls this): training stops until `tab_shown`.

        Nothing is sent to the browser here, since a tab that is closing hides
        first and a message racing its socket's close would be logged as an error.
        "Playing" stays on, so training goes on when the learner comes back.
        """
        self._hidden = True
        self._runs += 1          # ends the live loop at its next check

    def tab_shown(self) -> None:
        """The tab is visible again: resume what `tab_hidden` stopped."""
        if self._hidden and self._alive:
            self._hidden = False
            if self.playing:
                self._start_loop()
                self._redraw()

    async def _run(self, doc, run: int) -> None:
        """The live loop: train a slice in a worker thread, then let the page draw.

        It holds no document lock, so while a slice trains the server goes on
        serving this page's events (the browser's frame replies, clicks) and other
        sessions; everything that touches the page runs as a next-tick callback.
        """
        loop = asyncio.get_running_loop()
        presenting = scheduler.presenting(doc)      # the teacher's projector goes before the class
        while self.playing and run == self._runs and self._alive:
            if not _browser_connected(doc):
                # The tab is closed: stop now rather than when Bokeh discards the
                # session (about 30 s later), and never touch the document again.
                self._alive = False
                log.info("live loop ended: the tab is closed (epoch %d)", self.trainer.epoch)
                return
            started = loop.time()
            if not await scheduler.run_slice(id(self), self._train_slice, priority=presenting,
                                             wanted=lambda: _browser_connected(doc)):
                continue        # dropped unrun: the tab closed while the slice waited (the check above ends it)
            try:
                doc.add_next_tick_callback(self._after_slice)
            except Exception:      # the session went while the slice trained
                self._alive = False
                log.info("live loop ended: the session is gone (epoch %d)", self.trainer.epoch)
                return
            await asyncio.sleep(max(0.0, SLICE_PERIOD_S - (loop.time() - started)))

    def _train_slice(self, budget_s: float) -> None:
        if not self._alive:
            return
        # "Speed" is epochs per drawn frame: once a frame's worth is trained, wait
        # for the browser (speed 1 shows every single epoch).
        with self._trainer_lock:
            todo = self.settings.epochs_per_frame - (self.trainer.epoch - self._drawn_epoch)
            if self.playing and not self.trainer.diverged and todo > 0:
                self.trainer.train_for(budget_s, todo)

    def _after_slice(self) -> None:
        if not self.playing or not self._alive or self._hidden:
            return
        if self.trainer.diverged:
            self.playing = False      # draws the diverged state
        elif self.trainer.epoch > self._drawn_epoch and (
                self._pending is None or time.perf_counter() - self._sent_at > ACK_TIMEOUT_S):
            self._send_frame()

    def _send_frame(self) -> None:
        """Draw a live frame; the next one waits until the browser has taken this one."""
        self._redraw()
        self._pending = self._frame
        self._drawn_epoch = self.trainer.epoch
        self._sent_at = time.perf_counter()

    def _frame_taken(self, attr, old, new) -> None:
        if not self._alive or self._hidden or self._pending is None or new["frame"][0] < self._pending:
            return
        self._pending = None
        # The browser is ready: show what has been trained since, without waiting
        # for the slice to end (one frame in flight at a time, as fast as it paints).
        # If a slice holds the trainer, `_after_slice` draws as soon as it ends.
        if self.playing and self.trainer.epoch > self._drawn_epoch and self._trainer_lock.acquire(blocking=False):
            try:
                self._send_frame()
            finally:
                self._trainer_lock.release()

    # ---- drawing ----------------------------------------------------------------------------

    def _redraw(self, structure: bool = False, data: bool = False) -> None:
        """Draw the current state: one frame, all of it in one hold."""
        t, s = self.trainer, self.settings
        with self._trainer_lock, pn.io.hold():
            if structure:
                hidden = list(s.hidden)
                n_out = t.network.widths[-1]
                self.diagram.set_structure([f.label for f in FEATURES.values()], _feature_grids(),
                                           [list(FEATURES).index(k) for k in s.features], hidden, n_out)
                self._show_weight_editor()
                self.chart.set_accuracy(s.kind != "regression")
            if data or structure:
                self.decision_map.show_points(t.train.points, _point_colours(t.train.labels, t.train.kind),
                                              t.test.points, _point_colours(t.test.labels, t.test.kind))
                self.dataset_label.object = _(DATASETS[s.dataset].label)
            self.decision_map.show_test(s.show_test_data)
            self._draw_frame()

    def _draw_frame(self) -> None:
        t, s = self.trainer, self.settings
        grids = t.node_grids()
        output = grids[-1]
        if t.network.output == "sigmoid":
            output = t.display_output(output)
        self.diagram.show_state([*grids[1:-1], output], t.network.weights, t.network.biases, t.network.alive)

        focus = self._focus_grid(grids, output) if self._focus is not None else None
        if focus is not None:      # a hovered node fills the big view, as in the original
            big, classes = focus, None
            caption = _("Showing <b>{node}</b> (hovered)").format(node=self._focus_name())
        elif s.kind == "multiclass":
            big, classes = class_confidence(grids[-1], s.discretize), grids[-1].shape[0]
            caption = _("Output: likeliest class (paler = less sure)")
        else:
            big, classes = output[0], None
            if s.discretize:
                big = np.where(big >= 0, 1.0, -1.0).astype(np.float32)
            caption = _("Output (discretized)") if s.discretize else _("Output")
        if classes != self._map_classes:
            self.decision_map.set_classes(classes)
            self._map_classes = classes
        self._frame += 1
        self.decision_map.show_grid(big, self._frame)
        self.decision_map.set_alert(_(DIVERGED) if t.diverged else None)
        self.map_caption.object = caption
        self.chart.show(t.history, t.epoch)
        self.lessons.show_progress(t.epoch, t.history["epoch"], t.history["test_loss"])
        self.epoch_counter.show([_("Epoch"), f"{t.epoch:,}"])
        self.play_button.disabled = t.diverged

    def _focus_grid(self, grids: list[np.ndarray], output: np.ndarray) -> np.ndarray | None:
        layer, index = self._focus
        if layer == 0:
            return _feature_grids()[index]
        if layer == len(grids) - 1:
            return output[index] if index < len(output) else None
        if layer < len(grids) and index < len(grids[layer]):
            return grids[layer][index]
        return None

    def _focus_name(self) -> str:
        return next((self.diagram.node_name(n) for n in self.diagram.nodes if (n.layer, n.index) == self._focus), "")

    # ---- layout -----------------------------------------------------------------------------

    def __panel__(self):
        top = pn.Row(
            self.reset_button, self.play_button, self.step_button, pn.Column(self.epoch_counter, margin=(0, 10)),
            self.learning_rate, self.activation, self.regularization, self.reg_rate, self.problem,
            margin=(0, 0, 6, 0), align="end", styles={"align-items": "flex-end"},
        )
        advanced = pn.Card(self.optimizer, self.loss, self.n_classes, self.seed, self.speed, self.shuffle,
                           title=_("Advanced"), collapsed=True, sizing_mode="stretch_width", margin=(8, 0),
                           stylesheets=[_CARD_CSS])
        data_column = pn.Column(
            self.lessons, _heading(_("Data")), self.picker, self.dataset_label, self.train_ratio, self.noise, self.batch_size,
            self.regenerate_button, advanced, width=250, margin=(0, 14, 0, 0),
        )
        network_column = pn.Column(self.diagram, self.weight_editor, margin=(0, 10))
        output_column = pn.Column(
            self.chart, self.map_caption, self.decision_map,
            pn.Row(self.show_test, self.discretize, margin=0), width=330, margin=0,
        )
        return pn.Column(top, pn.Row(data_column, network_column, output_column, margin=0),
                         margin=(0, 10), name="dense-page")


def _heading(text: str) -> pn.pane.HTML:
    return pn.pane.HTML(f"<h2>{text}</h2>", margin=(0, 4), stylesheets=[_HEADING_CSS])


_HEADING_CSS = f":host h2 {{ font-size: 18px; text-transform: uppercase; letter-spacing: .06em; margin: 2px 0 6px; color: {CSS_TEXT}; }}"
_CAPTION_CSS = f":host {{ font-size: 16px; color: {CSS_TEXT}; white-space: nowrap; overflow: hidden; }}"
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
_BIG_BUTTON_CSS = ":host .bk-btn { font-size: 20px; font-weight: 700; }"
_FEATURE_CSS = """
.bk-btn-group { height: 100%; display: flex; flex-direction: column; justify-content: space-around; }
.bk-btn-group > .bk-btn { flex: 0 0 auto; height: 44px; font-size: 17px; font-weight: 600;
  border-radius: 6px !important; margin: 0 !important; opacity: 0.5; box-shadow: none !important; }
.bk-btn-group > .bk-btn.bk-active { opacity: 1; border: 3px solid #0877bd !important; }
"""
_CARD_CSS = ":host .card-title, :host .card-header { font-size: 17px; }"


def _browser_connected(doc) -> bool:
    """Whether `doc`'s session still exists and has a browser attached.

    With none, it asks Bokeh to discard the session at its next check, which
    frees the session's memory sooner than waiting out the unused-session lifetime.
    """
    context = doc.session_context
    session = getattr(context, "_session", None) if context is not None else None
    if session is None or session.destroyed:
        return False
    if session.connection_count == 0:
        session.request_expiration()
        return False
    return True
