"""The dense playground page: TF Playground's controls and views, wired to one session's trainer.

Everything a learner changes goes through `DenseSettings` (the widgets come from
its parameters, see `controls`) and the trainer applies the original's reset
rules. While playing, `LiveLoop` trains in slices and asks the page for a frame
(built by `frame.build_frame`) whenever the browser has taken the previous one.
This module only wires those pieces to the views and lays them out.
"""
from __future__ import annotations

import contextlib
from urllib.parse import parse_qsl, urlencode

import numpy as np
import panel as pn
import param
from bokeh.document import without_document_lock
from bokeh.models import ColumnDataSource, CustomJS

from playground.components.dense.decision_map import DecisionMap, point_colours
from playground.components.dense.gradient_chart import GradientChart
from playground.components.dense.loss_chart import LossChart
from playground.components.dense.pinned_map import PinnedMap
from playground.components.dense.metrics_panel import MetricsPanel
from playground.components.dense.network_diagram import NetworkDiagram
from playground.components.safe_text import safe_text
from playground.datasets.features import FEATURES
from playground.datasets.playground_data import dataset_spec
from playground.dense.advanced_controls import early_stop_text
from playground.dense.controls import CAPTION_CSS, DenseControls, picker_choices
from playground.dense.data_import import CsvImport
from playground.dense.drawing import DrawTool
from playground.dense.diagnosis import DIVERGED_NOTICE, fix_divergence, safe_learning_rate, trainer_measures
from playground.dense.frame import build_frame, feature_grids
from playground.dense.keras_exchange import KerasExchange
from playground.dense.layout import DEFAULT_WINDOW, FEATURES_WIDTH, WIDE, layout_sizes
from playground.dense.compare import pin
from playground.dense.lesson_panel import LESSON_CARD_HEIGHT, LessonPanel
from playground.dense.lessons import lesson_query
from playground.dense.live_loop import LiveLoop
from playground.dense.settings import MAX_LAYERS, NEW_DATA, RESETS_NETWORK, DenseSettings, format_value, query_names
from playground.dense.help_texts import help_html
from playground.dense.share import parse_view
from playground.dense.step_card import link_card, neuron_card
from playground.dense.step_numbers import step_trainer
from playground.dense.teaching import (CompareButtons, add_help, apply_view, callouts, explanations, help_icon,
                                       place_callouts, share_dialog, with_help)
from playground.dense.tf_links import settings_from_tf_hash
from playground.dense.trainer import HISTORY_CAP, Trainer
from playground.i18n import _
from playground.i18n.numbers import format_number
from playground.serve import scheduler
from playground.serve.locks import hold, locked_notice
from playground.serve.progress import network_text, session_progress
from playground.page import Page
from playground.theme import NO_FLOOR, SCROLL_BOX, SHEET_CSS



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


class DensePage(Page):
    """One learner's dense playground: settings, trainer, controls and views."""

    playing = param.Boolean(default=False, doc="training runs in the live loop")
    present = param.Boolean(default=False, doc="present mode: no side controls, the views fill the screen")

    def __init__(self, **params):
        super().__init__(**params)
        query = session_query()
        self.present = query.pop("present", None) is not None   # ?present: the teacher's projected session
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:   # the key has done its job
            pn.state.onload(lambda: scheduler.hide_present_key(pn.state.location))
        self._window = DEFAULT_WINDOW
        query, lesson_notices = lesson_query(query)   # ?lesson=ID, the query's own settings on top
        self.settings, notices = DenseSettings.from_query(query)
        self.view, view_notices = parse_view(query)     # a teacher's hidden and locked controls
        # Locked settings hold on the server too (a forged websocket message, an import, a shortcut).
        hold(self.settings, self.view.frozen, refused=lambda names: self._notify(locked_notice(names)))
        self.notices = [*lesson_notices, *notices, *view_notices]
        self.trainer = Trainer(self.settings, history_cap=HISTORY_CAP)
        doc = pn.state.curdoc
        host = DocumentHost(doc) if doc is not None and doc.session_context is not None else None
        # The teacher's projected session (?present, with the server's key if it has one) trains first.
        teacher = host is not None and scheduler.presenting(doc)
        self.loop = LiveLoop(self.trainer, host, draw=self._draw_live_frame, diverged=self.pause,
                             priority=lambda: teacher, batch_step=self._slow_motion_frame)
        self._focus: tuple[int, int] | None = None      # hovered node shown in the big view
        self._link: tuple[int, int, int] | None = None  # picked link whose weight can be typed
        self._bias: tuple[int, int] | None = None       # picked neuron whose bias is shown
        self._frame = 0
        self._step = None          # the numbers of the last "Step one batch", shown until anything else happens
        self._step_cursor = 0      # where the next stepped batch starts in the training set
        self._divergence = None    # (epoch, rate, the lower rate that trains) once the run has diverged
        self._measured = None      # what the measures on screen were computed from (see _show_measures)
        self._marks = None         # (dead and saturated neurons, the diagram's marks) last marked
        self._quiet = False        # pausing inside an action that redraws anyway
        self._editing = False      # the weight field is being filled in, not typed in
        self.controls = DenseControls(self.settings, self.param.playing, self.param.present, self._pick_dataset)
        self._wire_controls()
        self.keras = KerasExchange(self.settings, self.trainer, self.loop.lock, notify=self._notify, pause=self.pause,
                                   redraw=lambda: self._redraw(structure=True, data=True))
        self._stop_announced = None   # the early stopping whose stop the notices have told
        self.lessons = LessonPanel(self.apply_query, session_query().get("lesson"))
        self.pinned = None                  # a run kept as a ghost to compare with (compare.py)
        self.pinned_map = PinnedMap()
        self.compare_buttons = CompareButtons()
        self.compare_buttons.run_again.on_click(lambda _e: self.run_again())
        self.compare_buttons.pin.on_click(lambda _e: self.pin_run())
        self.compare_buttons.unpin.on_click(lambda _e: self.unpin_run())
        self.csv_import = CsvImport(self.trainer, self.loop.lock, notify=self._notify, pause=self.pause,
                                    redraw=lambda: self._redraw(structure=True, data=True))
        self.progress = session_progress()     # the class wall's view of this run (a no-op without a class)
        self._build_views()
        self._build_teaching()
        self._build_layout()
        self.settings.param.watch(self._settings_changed, query_names())
        self.param.watch(self._playing_changed, "playing")
        self.param.watch(self._present_changed, "present")
        self.lessons.menu.param.watch(lambda _e: self._sync_url(), "value")   # links keep the lesson
        # The wall learns the lesson and the answer when the student picks them, not at the next frame
        # (a lesson whose settings are the defaults draws none). Registered after LessonPanel's own handlers.
        self.lessons.menu.param.watch(lambda _e: self._publish_progress(), "value")
        for button in self.lessons.choice_buttons:
            button.on_click(lambda _e: self._publish_progress())
        if pn.state.curdoc is not None:
            pn.state.on_session_destroyed(lambda _ctx: self.loop.close())
        self._redraw(structure=True, data=True)
        self._sync_url()
        self._watch_tf_hash()

    # ---- building ------------------------------------------------------------------------

    def _wire_controls(self) -> None:
        c = self.controls
        c.step_button.on_click(lambda _: self.step())
        self.step_batch_button = pn.widgets.Button(label=_("Step one batch"), height=48, width=150,
                                                   css_classes=["nn-step-batch"])
        self.step_batch_button.on_click(lambda _: self.step_batch())
        self.fix_button = pn.widgets.Button(label="", color="warning", visible=False, sizing_mode="stretch_width",
                                            css_classes=["nn-fix-divergence"])
        self.fix_button.on_click(lambda _: self.fix_divergence())
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
        self.metrics_panel = MetricsPanel(width=sizes.output_width)
        self.drawing = DrawTool(self.trainer, self.loop.lock, pause=self.pause,
                                redraw=lambda: self._redraw(structure=True, data=True), show_points=self._show_drawn)
        self.decision_map.on_tap(self.drawing.tap)
        self.gradient_chart = GradientChart(width=210)
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
        apply_view(self.view, self.controls, self.diagram, self.keras.view)
        self.share = share_dialog(self.current_query)
        self.share.button.param.watch(lambda e: e.new and self.reveal(".nn-share-dialog"), "value")
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
            self._clear_step()
            self._redraw()

    def step_batch(self) -> None:
        """Pause and train one mini-batch, then show it: its points ringed, the links by gradient, the numbers."""
        with self._quietly():
            self.playing = False
        with self.loop.lock:
            if not self.trainer.trainable:
                return
            self._step, self._step_cursor = step_trainer(self.trainer, self._step_cursor)
            self.decision_map.show_batch(self.trainer.train.points[self._step.batch])
            self.diagram.show_gradients(self._step.grad_w)
            self._show_weight_editor()
            self._redraw()

    def _show_drawn(self, own) -> None:
        """Drawn points that cannot be trained on yet (no training point): on the map only."""
        train, test = own.points[~own.is_test], own.points[own.is_test]
        self.decision_map.show_points(train, point_colours(own.labels[~own.is_test], own.kind),
                                      test, point_colours(own.labels[own.is_test], own.kind))

    def _clear_step(self) -> None:
        if self._step is not None:
            self._step = None
            self.decision_map.show_batch(None)
            self.diagram.show_gradients(None)

    def fix_divergence(self) -> None:
        """The divergence notice's one-click fix: the lower learning rate found for it, the same start."""
        if self._divergence is None or self._divergence[2] is None:
            return
        with self.loop.lock:
            fix_divergence(self.trainer, self._divergence[2])
            # The changed rate has redrawn (settings watcher); the reset needs a frame of its own.
            self._redraw()

    def _show_divergence(self) -> None:
        """Once a run diverges: say what happened and why, and offer the fix (a probed lower rate)."""
        t = self.trainer
        if not t.diverged:
            self._divergence = None
            self.fix_button.visible = False
            return
        if self._divergence is not None:
            return
        rate = safe_learning_rate(t)
        self._divergence = (t.epoch, self.settings.learning_rate, rate)
        if rate is None:
            self._notify(_("Training diverged; no lower learning rate trains this network without diverging."))
            return
        self._notify(_(DIVERGED_NOTICE).format(epoch=t.epoch, rate=format_value(self.settings.learning_rate),
                                               fixed=format_value(rate)))
        self.fix_button.label = _("Fix: learning rate {rate}, same start").format(rate=format_value(rate))
        self.fix_button.visible = True

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
        for view in (self.decision_map, self.diagram, self.chart, self.controls.epoch_counter, self.gradient_chart):
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
        if self.pinned is not None:
            self.pinned_map.caption.object = self._pinned_text()
        self._sync_url()

    def _apply_settings(self, changed: set[str]) -> None:
        self.trainer.apply(changed)
        self._clear_step()
        if changed & {"problem", "dataset", "n_classes"}:
            self.drawing.follow_kind()
        self._step_cursor = 0 if changed & (RESETS_NETWORK | NEW_DATA) else self._step_cursor
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
        if "hidden" in changed and self._arranged is not None and self._arranged[0] != WIDE:
            self._lay_out()       # a narrow window's diagram is as wide as its columns need

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
        if link is not None:
            self.reveal(".nn-weight-input")     # the card and the field to type the weight in

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
            c.weight_label.object = _("Bias of {node}: <b>{value}</b>").format(node=safe_text(name), value=format_number(value))
            if self._step is not None:
                c.weight_label.object += " · " + neuron_card(self._step, self._bias, name)
            c.weight_input.visible = False
            c.weight_editor.visible = True
            return
        c.weight_input.visible = True
        if self._link is None:
            c.weight_editor.visible = False
            return
        layer, i, j = self._link
        names = self.diagram.link_names(self._link)
        c.weight_label.object = _("Weight {link}:").format(link=safe_text(names)) if self._step is None else \
            link_card(self._step, self._link, names)
        # A step's card is a sentence: it wraps within the diagram's width instead of being cut.
        c.weight_label.styles = {} if self._step is None else {"white-space": "normal",
                                                               "max-width": f"{self.diagram.width - 140}px"}
        self._editing = True     # showing the current value is not an edit
        try:
            c.weight_input.value = round(float(self.trainer.network.weights[layer][i, j]), 3)
        finally:
            self._editing = False
        c.weight_editor.visible = True

    def apply_query(self, query: dict[str, str], step: bool = False) -> None:
        """Start from the defaults with `query` on top (a lesson): one change, one reset.

        `step` (a lesson's solution): `query` goes on top of the current settings instead, and a
        change that leaves the network as it was (a new learning rate) still starts a new run
        from the same start (a solution's step must not continue a run gone wrong).
        """
        if step:
            query = {**self.settings.to_query(), **query}
        parsed, notices = DenseSettings.from_query(query)
        # The learner's speed; a lesson does not pin the draw; a teacher's hidden or locked settings stay.
        keep = {"epochs_per_frame", "seed", "data_seed"} | self.view.frozen
        run = self.trainer.history
        self.settings.param.update(**{n: getattr(parsed, n) for n in query_names() if n not in keep})
        if step and self.trainer.history is run:
            self.run_again()
        if notices:
            self.notices = [*self.notices, *notices]

    def pin_run(self) -> None:
        """Keep the current run as a ghost: its curves dashed in the chart, its map small beside the big one."""
        with self.loop.lock:
            frame = build_frame(self.trainer, None, "")
            self.pinned = pin(self.trainer, frame.map_grid)
            self.chart.show_pinned(self.pinned.epochs, self.pinned.train_loss, self.pinned.test_loss)
            self._pinned_caption = _("Pinned: epoch {epoch}, test loss {loss}").format(
                epoch=self.trainer.epoch, loss=format_number(self.trainer.test_loss, 3))
            self.pinned_map.show(frame.map_grid, frame.map_classes, self._pinned_text())
        self.compare_buttons.show_pinned(True)

    def _pinned_text(self) -> str:
        """The pinned map's caption: its epoch and loss, and what the current run changed (escaped)."""
        changes = self.pinned.differences(self.settings.to_query())
        text = safe_text(self._pinned_caption)
        if changes:
            now = ", ".join(f"{name}: {was} → {new}" for name, (was, new) in changes.items())
            text += "<br>" + safe_text(_("Now changed: {changes}").format(changes=now))
        return text

    def unpin_run(self) -> None:
        self.pinned = None
        self.chart.clear_pinned()
        self.pinned_map.clear()
        self.compare_buttons.show_pinned(False)

    def run_again(self) -> None:
        """Pause and start over from the same start: the same data, initial weights and batch order."""
        with self._quietly():
            self.playing = False
        with self.loop.lock:
            self._apply_settings({"seed"})

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

    def current_query(self) -> dict[str, str]:
        """The page's state as a query: the lesson, if one is on, and every setting."""
        lesson = self.lessons.menu.value
        return {**({"lesson": lesson} if lesson else {}), **self.settings.to_query()}

    def _sync_url(self) -> None:
        loc = pn.state.location
        if loc is not None:
            left = {"lesson": ""} if not self.lessons.menu.value and "lesson=" in loc.search else {}
            loc.update_query(**left, **self.current_query())     # links and reloads keep the lesson
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
            with self.loop.lock:
                self._clear_step()
            self.loop.play()
        else:
            self.loop.pause()
            if not self._quiet:
                self._redraw()      # show exactly where training stopped

    def _draw_live_frame(self) -> int:
        self._clear_step()    # the ringed batch of slow motion or a step belongs to an older frame
        self._redraw(live=True)
        if self.trainer.stopped:
            self.pause()      # early stopping ended the run; the frame above shows where
        return self._frame

    def _slow_motion_frame(self) -> int:
        """Slow motion (pace.py): one mini-batch, its points ringed on the map and the links by their
        gradient; the epoch counts once its batches have gone through the training set."""
        t = self.trainer
        start = self._step_cursor % max(len(t.train), 1)
        self._step, self._step_cursor = step_trainer(t, self._step_cursor)
        if start + t.batch_size >= len(t.train):
            t.end_epoch()
        self.decision_map.show_batch(t.train.points[self._step.batch])
        self.diagram.show_gradients(self._step.grad_w)
        self._redraw(live=True)
        if t.stopped:
            self.pause()
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
                # No first-visit tips on the projector, nor on a teacher's link that hides controls.
                place_callouts(self.callouts, self.diagram, self.controls.features.width,
                               quiet=self.present or bool(self.view.hidden))
                self.chart.set_accuracy(s.kind != "regression")
            if data or structure:
                self.decision_map.show_points(t.train.points, point_colours(t.train.labels, t.train.kind),
                                              t.test.points, point_colours(t.test.labels, t.test.kind))
                self.controls.dataset_label.object = _(dataset_spec(s.dataset).label)
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
        self.lessons.show_progress(t)
        self._publish_progress(frame)
        self.controls.epoch_counter.show(frame.epoch_texts)
        self._show_early_stop()
        self.controls.play_button.disabled = t.diverged
        self.step_batch_button.disabled = t.diverged
        self._show_divergence()
        if self.metrics_panel.due(live):     # at every stop; twice a second while playing
            self._show_measures()

    def _show_measures(self) -> None:
        """The metrics panel, the neurons' marks and the gradient sizes, from the current network."""
        t = self.trainer
        # A frame that changed nothing of the network or the data (a hovered neuron, a toggle) keeps them.
        net = t.network
        state = (id(t.train), t.diverged, b"".join(a.tobytes() for a in (*net.weights, *net.biases, *net.alive)))
        if state == self._measured:
            return
        self._measured = state
        metrics, found = trainer_measures(t)      # one forward pass for both
        self.metrics_panel.show(metrics)
        if found is None:                         # diverged: nothing to diagnose
            return
        # Most stops mark the same neurons as the last one: nothing to redo, unless the diagram was redrawn.
        flat, marked = [*found.dead, *found.saturated], self._marks
        if (marked is None or marked[1] is not self.diagram.mark_source.data or len(flat) != len(marked[0])
                or not all(map(np.array_equal, flat, marked[0]))):
            self.diagram.show_marks(found.dead, found.saturated)
            self._marks = (flat, self.diagram.mark_source.data)
        self.gradient_chart.show(found.gradient_size)

    def _publish_progress(self, frame=None) -> None:
        """Tell the class store where this student stands (throttled there; nothing without a class).

        Without a `frame` (a lesson or an answer picked before Play) the wall keeps its last picture."""
        if not self.progress.active:
            return
        t, s = self.trainer, self.settings
        solved = self.lessons.solved_at         # (epoch, seconds) once the lesson's rule holds
        self.progress.publish(
            page="dense", lesson=self.lessons.menu.value, epoch=t.epoch,
            test_loss=t.test_loss if t.history["test_loss"] else None,
            network=network_text(s.features, s.hidden, t.network.widths[-1], s.activation), neurons=sum(s.hidden),
            solved_epoch=solved[0] if solved else None, solved_seconds=solved[1] if solved else None,
            answer=self.lessons.prediction_text, query=s.to_query(),
            map_grid=None if frame is None or frame.map_classes is not None else frame.map_grid)

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
        """Size and arrange the views for the window and the mode (on a resize, on entering or leaving
        present mode, and in a narrow window when the network gains or loses a layer)."""
        width, height = self._window
        card = self.present and self.lessons.lesson is not None    # present mode's lesson card, above the views
        sizes = layout_sizes(width, height - (LESSON_CARD_HEIGHT if card else 0), self.present,
                             columns=len(self.settings.hidden) + 2)
        with pn.io.hold():
            self._arrange(sizes)
            self._data_column.visible = not self.present
            self.lessons.show_card(self.present)
            self.diagram.resize(sizes.diagram_width, sizes.diagram_height)
            self._measured = None      # a resized diagram has lost its marks: the next frame redraws them
            self.controls.features.height = int(self.diagram.row_pitch * len(FEATURES))
            # A narrow window: the network's box is the window's width, the diagram scrolls inside it.
            self._network_column.width = sizes.network_width or sizes.diagram_width + FEATURES_WIDTH + 20
            self.decision_map.resize(sizes.map_side)
            self.chart.resize(sizes.output_width, sizes.chart_height)
            self.metrics_panel.resize(sizes.output_width)
            self._output_column.width = self.stop_caption.width = sizes.output_width
            self._redraw(structure=True)

    def __panel__(self):
        return self._layout

    def _build_layout(self) -> None:
        c = self.controls
        self._data_column = c.data_column(self.lessons, self.keras.view)
        self._data_column.insert(1, self.compare_buttons)     # two runs side by side, under the lesson
        self._data_column.visible = not self.present
        self._network_column = pn.Column(self.diagram, with_help(c.weight_editor, "weight"), self.pinned_map,
                                         pn.Row(self.step_batch_button, self.gradient_chart, margin=0),
                                         margin=(0, 10), styles=SCROLL_BOX)
        # Import CSV joins the data column, before its Advanced and Keras cards.
        self._data_column.insert(len(self._data_column) - 2, pn.Column(self.drawing.view, self.csv_import.view,
                                                                       sizing_mode="stretch_width", margin=0))
        self._map_toggles = c.map_toggles()
        self._share_button = with_help(self.share.button, "share", sizing_mode="stretch_width")
        self._output_column = pn.Column(width=self.chart.figure.width, margin=0)
        # Filled by _arrange, for the window's width.
        self._top_row = pn.Row(margin=(0, 0, 6, 0), align="start",
                               styles={"align-items": "flex-end", "flex-wrap": "wrap", "row-gap": "4px"})
        self._views = pn.Row(margin=0)
        self._settings_card = pn.Card(title=_("Network settings"), collapsed=True, sizing_mode="stretch_width",
                                      margin=(4, 0), css_classes=["nn-sheet"], stylesheets=[SHEET_CSS],
                                      styles={"flex-wrap": "wrap"})
        self._data_card = pn.Card(title=_("Lesson and data"), collapsed=True, sizing_mode="stretch_width",
                                  margin=(4, 0), css_classes=["nn-sheet"], stylesheets=[SHEET_CSS])
        # Panel gives a stretching column the widest child's width plus margins as its least width,
        # which on a phone is wider than the window: the sizes (layout.py) already fit, so no floor.
        self._layout = pn.Column(margin=(0, 10), sizing_mode="stretch_width", name="dense-page", styles=NO_FLOOR)
        self._arranged: tuple[str, bool] | None = None
        self.lessons.show_card(self.present)
        self._arrange(layout_sizes(*self._window, self.present, columns=len(self.settings.hidden) + 2))

    def _arrange(self, sizes) -> None:
        """Put the views where `sizes.mode` wants them (see playground/dense/layout.py); each piece is in
        one place at a time, so a change of arrangement moves it."""
        if self._arranged == (sizes.mode, sizes.beside):
            return
        self._arranged = (sizes.mode, sizes.beside)
        c = self.controls
        tail = [self.share.body, self.explanations, self.callouts]
        measures = [self.metrics_panel, self._share_button]
        if sizes.mode == WIDE:
            self._top_row.objects = [*c.run_items(), *c.setting_items()]
            self._output_column.objects = [self.chart, self.stop_caption, self.fix_button, self.map_caption,
                                           self.decision_map, self._map_toggles, *measures]
            self._views.objects = [self._data_column, self._network_column, self._output_column]
            self._layout.objects = [self._top_row, self.lessons.card, self._views, *tail]
            return
        # Narrow: the map before the curves, so that it is on the first screen with the Play bar;
        # the settings and the lesson in cards that open and close.
        self._top_row.objects = c.run_items()
        self._settings_card.objects = c.setting_items()
        self._data_card.objects = [self._data_column]
        self._output_column.objects = [self.map_caption, self.decision_map, self._map_toggles, self.stop_caption,
                                       self.fix_button, self.chart, *measures]
        views = [self._output_column, self._network_column]
        self._views.objects = views if sizes.beside else []
        body = [self._views] if sizes.beside else views
        self._layout.objects = [self._top_row, self._data_card, self._settings_card, self.lessons.card, *body, *tail]


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
