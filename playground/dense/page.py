"""The dense playground page: TF Playground's controls and views, wired to one session's trainer.

Everything a learner changes goes through `DenseSettings` (the widgets come from
its parameters, see `controls`) and the trainer applies the original's reset
rules. While playing, `LiveLoop` trains in slices and asks the page for a frame
(built by `frame.build_frame`) whenever the browser has taken the previous one.
This module only wires those pieces to the views and lays them out.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import numpy as np
import panel as pn
import param
from bokeh.document import without_document_lock
from bokeh.models import ColumnDataSource, CustomJS

from playground.components.dense.decision_map import DecisionMap, point_colours
from playground.components.dense.loss_chart import LossChart
from playground.components.dense.network_diagram import NetworkDiagram
from playground.components.safe_text import safe_text
from playground.datasets.features import FEATURES
from playground.datasets.playground_data import DATASETS
from playground.dense.advanced_controls import early_stop_text
from playground.dense.controls import CAPTION_CSS, DenseControls, picker_choices
from playground.dense.frame import build_frame, feature_grids
from playground.dense.keras_exchange import KerasExchange
from playground.dense.lesson_panel import LessonPanel
from playground.dense.lessons import lesson_query
from playground.dense.live_loop import LiveLoop
from playground.dense.settings import MAX_LAYERS, NEW_DATA, RESETS_NETWORK, DenseSettings, query_names
from playground.dense.help_texts import help_html
from playground.dense.share import parse_view
from playground.dense.teaching import (add_help, apply_view, callouts, explanations, help_icon, place_callouts,
                                       share_dialog, with_help)
from playground.dense.tf_links import settings_from_tf_hash
from playground.dense.trainer import HISTORY_CAP, Trainer
from playground.i18n import _
from playground.serve import scheduler
from playground.page import Page



def session_query() -> dict[str, str]:
    """This session's URL query as plain strings (the last value of each key)."""
    args = pn.state.session_args or {}
    return {k: v[-1].decode("utf-8", "replace") for k, v in args.items() if v}


class DocumentHost:
    """The live loop's host in the app: this session's Bokeh document."""

    def __init__(self, doc):
        self.doc = doc

    def connected(self) -> bool:
        return _browser_connected(self.doc)

    def next_tick(self, callback) -> None:
        self.doc.add_next_tick_callback(callback)

    def start(self, loop) -> None:
        self.doc.add_next_tick_callback(without_document_lock(loop))


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes of the page's views for one window."""

    map_side: int            # the decision map's square
    output_width: int        # the column of the curves and the map
    chart_height: int
    diagram_width: int
    diagram_height: int


DEFAULT_WINDOW = (1366, 768)    # until the browser has said its size
SCROLLBAR = 16
HEADER, TOP_ROW = 56, 84        # the shell's header; the run buttons and the settings above the views
DATA_COLUMN = 264               # the data column with its margin (hidden in present mode)
FEATURES_WIDTH = 92             # the feature buttons left of the diagram
DIAGRAM_HEAD, DIAGRAM_FOOT = 112, 48   # +/− rows above the diagram, the weight field below it
CHART_NUMBERS, CAPTION, MAP_FRAME, TOGGLES = 60, 28, 78, 46   # the output column's other rows


def layout_sizes(width: int, height: int, present: bool = False) -> Sizes:
    """Sizes that fill a `width` × `height` window without horizontal scrolling.

    The map stays wholly on the first screen, its side at least 40 % of the window's
    height; the diagram takes the rest of the width (at least 18 % of the window's
    area from 1366×768 up). Present mode gives the data column's room to the views.
    """
    width, height = max(width, 1024), max(height, 600)
    chart = int(np.clip(0.11 * height, 80, 170))
    fixed = HEADER + TOP_ROW + CHART_NUMBERS + chart + CAPTION + MAP_FRAME + TOGGLES + 12
    side = int(min(height - fixed, (0.6 if present else 0.5) * height))
    room = width - SCROLLBAR - 20 - (0 if present else DATA_COLUMN) - 20 - FEATURES_WIDTH
    # A narrow window shrinks the map first, down to 40 % of the height, to keep the diagram usable.
    side = int(max(min(side, room - 60 - 480), 0.4 * height))
    output = side + 60
    diagram_height = height - HEADER - TOP_ROW - DIAGRAM_HEAD - DIAGRAM_FOOT
    diagram_width = int(min(room - output, 2.2 * diagram_height))
    return Sizes(side, output, chart, diagram_width, diagram_height)


class DensePage(Page):
    """One learner's dense playground: settings, trainer, controls and views."""

    playing = param.Boolean(default=False, doc="training runs in the live loop")
    present = param.Boolean(default=False, doc="present mode: no side controls, the views fill the screen")

    def __init__(self, **params):
        super().__init__(**params)
        query = session_query()
        self.present = query.pop("present", None) is not None   # ?present: the teacher's projected session
        self._window = DEFAULT_WINDOW
        query, lesson_notices = lesson_query(query)   # ?lesson=ID, the query's own settings on top
        self.settings, notices = DenseSettings.from_query(query)
        self.view, view_notices = parse_view(query)     # a teacher's hidden and locked controls
        self.notices = [*lesson_notices, *notices, *view_notices]
        self.trainer = Trainer(self.settings, history_cap=HISTORY_CAP)
        doc = pn.state.curdoc
        host = DocumentHost(doc) if doc is not None and doc.session_context is not None else None
        # The teacher's projected session (?present, with the server's key if it has one) trains first.
        teacher = host is not None and scheduler.presenting(doc)
        self.loop = LiveLoop(self.trainer, host, draw=self._draw_live_frame, diverged=self.pause,
                             priority=lambda: teacher)
        self._focus: tuple[int, int] | None = None      # hovered node shown in the big view
        self._link: tuple[int, int, int] | None = None  # picked link whose weight can be typed
        self._bias: tuple[int, int] | None = None       # picked neuron whose bias is shown
        self._frame = 0
        self._quiet = False        # pausing inside an action that redraws anyway
        self._editing = False      # the weight field is being filled in, not typed in
        self.controls = DenseControls(self.settings, self.param.playing, self.param.present, self._pick_dataset)
        self._wire_controls()
        self.keras = KerasExchange(self.settings, self.trainer, self.loop.lock, notify=self._notify, pause=self.pause,
                                   redraw=lambda: self._redraw(structure=True, data=True))
        self._stop_announced = None   # the early stopping whose stop the notices have told
        self.lessons = LessonPanel(self.apply_query, session_query().get("lesson"))
        self._build_views()
        self._build_teaching()
        self._build_layout()
        self.settings.param.watch(self._settings_changed, query_names())
        self.param.watch(self._playing_changed, "playing")
        self.param.watch(self._present_changed, "present")
        if pn.state.curdoc is not None:
            pn.state.on_session_destroyed(lambda _ctx: self.loop.close())
        self._redraw(structure=True, data=True)
        self._sync_url()
        self._watch_tf_hash()

    # ---- building ------------------------------------------------------------------------

    def _wire_controls(self) -> None:
        c = self.controls
        c.step_button.on_click(lambda _: self.step())
        c.reset_button.on_click(lambda _: self.reset())
        c.regenerate_button.on_click(lambda _: self.regenerate())
        c.weight_input.param.watch(self._weight_typed, "value")

    def _build_views(self) -> None:
        sizes = layout_sizes(*self._window, self.present)
        self.diagram = NetworkDiagram(width=sizes.diagram_width, height=sizes.diagram_height,
                                      input_control=self.controls.features,
                                      max_layers=MAX_LAYERS, max_neurons=self.settings.max_neurons,
                                      on_layers=self._change_layers, on_neurons=self._change_neurons,
                                      on_hover=self._hover_node, on_link=self._pick_link, on_bias=self._pick_bias)
        # The feature buttons line up with the input nodes: one row per node.
        self.controls.features.height = int(self.diagram.row_pitch * len(FEATURES))
        self.decision_map = DecisionMap(size=sizes.map_side)
        self.map_caption = pn.pane.HTML("", margin=(0, 4), stylesheets=[CAPTION_CSS])
        self.chart = LossChart(width=sizes.output_width, height=sizes.chart_height)
        self.stop_caption = pn.pane.HTML("", visible=False, width=sizes.output_width, margin=(0, 4),
                                          stylesheets=[CAPTION_CSS, _WRAP_CSS])
        # Frame handshake: each heatmap arrives with its frame number; the browser
        # echoes the number as soon as it has applied the frame (Bokeh then paints
        # it in the next animation frame, while the server prepares the next one).
        self._ack_source = ColumnDataSource({"frame": [0]}, name="dense-ack")
        self.decision_map.grid_source.js_on_change("data", CustomJS(args={"ack": self._ack_source}, code="""
            const n = cb_obj.data.frame[0];
            if (ack.data.frame[0] !== n) ack.data = {frame: [n]};
        """))
        self._ack_source.on_change("data", lambda attr, old, new: self.loop.frame_taken(new["frame"][0]))

    def _build_teaching(self) -> None:
        add_help(self.controls)
        self.lessons.menu.description = help_html("lessons")
        self.diagram.add_to_header(help_icon("hidden"), help_icon("features"))
        apply_view(self.view, self.controls, self.diagram)
        self.share = share_dialog(self.settings.to_query)
        self.explanations = explanations()
        self.callouts = callouts()

    # ---- actions (buttons and keyboard shortcuts) ----------------------------------------

    def step(self) -> None:
        """Pause and train exactly one epoch (after an early stop too)."""
        with self._quietly():
            self.playing = False
        with self.loop.lock:
            if self.trainer.stopped:
                self.trainer.resume()
            self.trainer.step(1)
            self._redraw()

    def reset(self) -> None:
        """Pause and start over from new random weights, as the original does; the data stays.

        The new weights come from the next seed, so the URL still reproduces the run.
        """
        with self._quietly():
            self.playing = False
        if "seed" in self.view.frozen:      # a teacher fixed the seed: start over from the same weights
            with self.loop.lock:
                self._apply_settings({"seed"})
            return
        self.settings.seed = (self.settings.seed + 1) % (2**31 - 1)

    def regenerate(self) -> None:
        """New data from the same distribution; the network keeps its weights (as the original)."""
        if "data_seed" in self.view.frozen:
            return
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
        elif action == "present":
            self.present = not self.present

    def header_items(self) -> list:
        return [self.controls.present_button]

    def resize(self, width: int, height: int) -> None:
        """Lay the page out again for a window of this size."""
        if (width, height) != self._window:
            self._window = (width, height)
            self._lay_out()

    def set_theme(self, name: str) -> None:
        """"light" or "dark": the figures follow (the widgets follow CSS variables)."""
        for view in (self.decision_map, self.diagram, self.chart, self.controls.epoch_counter):
            view.set_theme(name)

    def tab_hidden(self) -> None:
        """The tab is hidden (the shell calls this): training stops until `tab_shown`.

        Nothing is sent to the browser here, since a tab that is closing hides
        first and a message racing its socket's close would be logged as an error.
        "Playing" stays on, so training goes on when the learner comes back.
        """
        self.loop.tab_hidden()

    def tab_shown(self) -> None:
        """The tab is visible again: resume what `tab_hidden` stopped."""
        if self.loop.tab_shown():
            self._redraw()

    # ---- reacting to settings -------------------------------------------------------------

    def _settings_changed(self, *events) -> None:
        changed = {e.name for e in events}
        with self.loop.lock:
            self._apply_settings(changed)
        self._sync_url()

    def _apply_settings(self, changed: set[str]) -> None:
        self.trainer.apply(changed)
        rebuilt = bool(changed & RESETS_NETWORK)
        with self._quietly():
            if rebuilt:
                self.playing = False          # the original pauses whenever it rebuilds the network
                self._link = self._bias = None
            if "wide_layers" in changed:
                self.diagram.set_max_neurons(self.settings.max_neurons)
            if "problem" in changed:
                self.controls.picker.set_choices(picker_choices(self.settings.problem), self.settings.dataset)
            self.controls.picker.value = self.settings.dataset
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
        if "dataset" not in self.view.frozen:
            self.settings.dataset = name

    def _change_layers(self, delta: int) -> None:
        if "hidden" in self.view.frozen:
            return
        hidden = list(self.settings.hidden)
        if delta > 0 and len(hidden) < MAX_LAYERS:
            hidden.append(2)
        elif delta < 0 and hidden:
            hidden.pop()
        self.settings.hidden = hidden

    def _change_neurons(self, layer: int, delta: int) -> None:
        hidden = list(self.settings.hidden)
        if "hidden" not in self.view.frozen and 0 <= layer < len(hidden) and 1 <= hidden[layer] + delta <= self.settings.max_neurons:
            hidden[layer] += delta
            self.settings.hidden = hidden

    def _hover_node(self, node: tuple[int, int] | None) -> None:
        self._focus = node
        self._redraw()

    def _pick_link(self, link: tuple[int, int, int] | None) -> None:
        self._link = link
        if link is not None:
            self._bias = None
        self._show_weight_editor()

    def _pick_bias(self, node: tuple[int, int] | None) -> None:
        self._bias = node
        if node is not None:
            self._link = None
        self._show_weight_editor()

    def _weight_typed(self, event) -> None:
        if self._link is None or event.new is None or self._editing:
            return
        layer, i, j = self._link
        with self.loop.lock:
            try:
                self.trainer.set_weight(layer, i, j, float(event.new))
            except (ValueError, IndexError) as exc:
                self.notices = [*self.notices, _("Weight not changed: {reason}").format(reason=exc)]
                return
            self._redraw()

    def _show_weight_editor(self) -> None:
        c = self.controls
        if self._link is None and self._bias is not None and self._bias[0] <= len(self.trainer.network.biases):
            layer, index = self._bias     # a bias card: its value, read only
            name = next((self.diagram.node_name(n) for n in self.diagram.nodes if (n.layer, n.index) == self._bias), "")
            value = float(self.trainer.network.biases[layer - 1][index])
            c.weight_label.object = _("Bias of {node}: <b>{value}</b>").format(node=safe_text(name), value=f"{value:.3f}")
            c.weight_input.visible = False
            c.weight_editor.visible = True
            return
        c.weight_input.visible = True
        if self._link is None:
            c.weight_editor.visible = False
            return
        layer, i, j = self._link
        names = self.diagram.link_names(self._link)
        c.weight_label.object = _("Weight {link}:").format(link=safe_text(names))
        self._editing = True     # showing the current value is not an edit
        try:
            c.weight_input.value = round(float(self.trainer.network.weights[layer][i, j]), 3)
        finally:
            self._editing = False
        c.weight_editor.visible = True

    def apply_query(self, query: dict[str, str]) -> None:
        """Start from the defaults with `query` on top (a lesson, its solution): one change, one reset."""
        parsed, notices = DenseSettings.from_query(query)
        # The learner's speed; a lesson does not pin the draw; a teacher's hidden or locked settings stay.
        keep = {"epochs_per_frame", "seed", "data_seed"} | self.view.frozen
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
        names = (set(query) | ({"problem"} if "dataset" in query else set())) - self.view.frozen
        self.settings.param.update(**{n: getattr(parsed, n) for n in names})
        if notices or more:
            self.notices = [*self.notices, *notices, *more]

    def _present_changed(self, event) -> None:
        self._lay_out()
        loc = pn.state.location
        if event.new or loc is None:
            return
        query = parse_qsl(loc.search.lstrip("?"), keep_blank_values=True)
        kept = [(k, v) for k, v in query if k != "present"]
        if len(kept) < len(query):    # left present mode: reloading this URL must not enter it again
            loc.search = "?" + urlencode(kept) if kept else ""

    def _sync_url(self) -> None:
        loc = pn.state.location
        if loc is not None:
            loc.update_query(**self.settings.to_query())
        self.share.refresh()

    # ---- playing ---------------------------------------------------------------------------

    def _playing_changed(self, event) -> None:
        if event.new and self.trainer.diverged:
            self.playing = False
            return
        if event.new and self.trainer.stopped:
            with self.loop.lock:
                self.trainer.resume()   # Play after an early stop trains on, with a fresh patience
        self.controls.show_playing(event.new)
        if event.new:
            self.loop.play()
        else:
            self.loop.pause()
            if not self._quiet:
                self._redraw()      # show exactly where training stopped

    def _draw_live_frame(self) -> int:
        self._redraw(live=True)
        if self.trainer.stopped:
            self.pause()      # early stopping ended the run; the frame above shows where
        return self._frame

    def _notify(self, text: str) -> None:
        self.notices = [*self.notices, text]

    # ---- drawing ----------------------------------------------------------------------------

    def _redraw(self, structure: bool = False, data: bool = False, live: bool = False) -> None:
        """Draw the current state: one frame, all of it in one hold (`live`: while training plays)."""
        t, s = self.trainer, self.settings
        with self.loop.lock, pn.io.hold():
            if structure:
                hidden = list(s.hidden)
                n_out = t.network.widths[-1]
                self.diagram.set_structure([f.label for f in FEATURES.values()], feature_grids(),
                                           [list(FEATURES).index(k) for k in s.features], hidden, n_out)
                self._show_weight_editor()
                place_callouts(self.callouts, self.diagram, self.controls.features.width)
                self.chart.set_accuracy(s.kind != "regression")
            if data or structure:
                self.decision_map.show_points(t.train.points, point_colours(t.train.labels, t.train.kind),
                                              t.test.points, point_colours(t.test.labels, t.test.kind))
                self.controls.dataset_label.object = _(DATASETS[s.dataset].label)
                # Batches up to the whole training set (full-batch descent); a larger one from a link stays shown.
                self.controls.batch_size.end = max(len(t.train), s.batch_size)
            self.decision_map.show_test(s.show_test_data)
            self._draw_frame(live)

    def _draw_frame(self, live: bool = False) -> None:
        frame = build_frame(self.trainer, self._focus, self._focus_name() if self._focus is not None else "")
        self._frame += 1
        # The heatmap goes first: it carries the frame number that the browser echoes, so
        # the server can draw the next frame while the browser applies and paints the rest.
        self.decision_map.show_map(frame.map_grid, frame.map_classes, frame.discretize, self._frame)
        self.diagram.show_state(frame.node_grids, frame.weights, frame.biases, frame.alive, live)
        self.decision_map.set_alert(frame.alert)
        self.map_caption.object = frame.caption
        t = self.trainer
        self.chart.show(t.history, t.epoch, live)
        self.lessons.show_progress(t.epoch, t.history["epoch"], t.history["test_loss"])
        self.controls.epoch_counter.show(frame.epoch_texts)
        self._show_early_stop()
        self.controls.play_button.disabled = t.diverged

    def _show_early_stop(self) -> None:
        text = early_stop_text(self.trainer)
        self.stop_caption.object = text
        self.stop_caption.visible = bool(text)
        if text and self._stop_announced is not self.trainer.early_stopping:
            self._stop_announced = self.trainer.early_stopping
            self._notify(text)

    def _focus_name(self) -> str:
        return next((self.diagram.node_name(n) for n in self.diagram.nodes if (n.layer, n.index) == self._focus), "")

    # ---- layout -----------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """Size the views for the window and the mode (on a resize, or entering/leaving present mode)."""
        sizes = layout_sizes(*self._window, self.present)
        with pn.io.hold():
            self._data_column.visible = not self.present
            self.diagram.resize(sizes.diagram_width, sizes.diagram_height)
            self.controls.features.height = int(self.diagram.row_pitch * len(FEATURES))
            self.decision_map.resize(sizes.map_side)
            self.chart.resize(sizes.output_width, sizes.chart_height)
            self._output_column.width = self.stop_caption.width = sizes.output_width
            self._redraw(structure=True)

    def __panel__(self):
        return self._layout

    def _build_layout(self) -> None:
        c = self.controls
        self._data_column = c.data_column(self.lessons, self.keras.view)
        self._data_column.visible = not self.present
        network_column = pn.Column(self.diagram, with_help(c.weight_editor, "weight"), margin=(0, 10))
        self._output_column = pn.Column(self.chart, self.stop_caption, self.map_caption, self.decision_map,
                                        c.map_toggles(), with_help(self.share.button, "share", sizing_mode="stretch_width"),
                                        width=self.chart.figure.width, margin=0)
        self._layout = pn.Column(c.top_row(), pn.Row(self._data_column, network_column, self._output_column, margin=0),
                                 self.share.body, self.explanations, self.callouts, margin=(0, 10), name="dense-page")


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


_WRAP_CSS = ":host { white-space: normal; font-size: 15px; }"
