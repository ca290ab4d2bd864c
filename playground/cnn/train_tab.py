"""The CNN page's *Train* tab: train TinyVGG on the shipped digits with Keras, and watch it learn.

`TrainSettings` holds the choices the course's Keras notes teach (optimizer,
learning rate, batch size, epochs, how many digits to train on). `TrainTab`
wires them to one `LiveTraining` (`playground.cnn.live_training`, which trains on
a worker thread and waits its turn in the server's queue) and draws what it
reports: the curves, the first layer's kernels, the confusion matrix and the
misclassified digits. A periodic callback polls `training.version` at most
twice a second, only while the learner can see the result; the page is told
(`on_weights`) so that the explainer follows the training too. The epoch
slider picks any kept epoch for the kernels here and for the whole explainer.
A closed browser tab closes its training.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import panel as pn
import param

from playground.cnn.live_training import OPTIMIZERS, LiveTraining, TrainChoices
from playground.components.cnn.cells import Ticker
from playground.components.cnn.confusion import MAX_SHOWN, ConfusionMatrix, Misclassified
from playground.components.cnn.kernels import KernelGrid
from playground.components.cnn.training_charts import TrainingCharts
from playground.components.safe_text import inert_line
from playground.i18n import N_, _
from playground.i18n.numbers import format_number
from playground.theme import CNN_BUTTONS_CSS, CNN_SELECT_CSS, CNN_SLIDER_CSS, NO_FLOOR, SCROLL_BOX, WRAP

POLL_MS = 500                  # at most twice a second (issue 24)
CONTROLS_WIDTH = 340
LIVE = -1                      # the epoch slider's "now": the training's latest weights
FINISHED = ("stopped", "done", "failed")
OPTIMIZER_LABELS = {"sgd": N_("SGD"), "momentum": N_("SGD with momentum"), "adam": N_("Adam"),
                    "rmsprop": N_("RMSprop")}
# Each optimizer's usual learning rate (Keras's defaults; plain SGD needs a larger step).
USUAL_RATE = {"sgd": 0.03, "momentum": 0.01, "adam": 0.001, "rmsprop": 0.001}
RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
STATE_TEXT = {"idle": N_("Not started yet."), "training": N_("Training on {device}."),
              "paused": N_("Paused (on {device})."), "stopped": N_("Stopped (trained on {device})."),
              "done": N_("Done (trained on {device})."), "failed": N_("Training failed: {message}")}


class TrainSettings(param.Parameterized):
    """One learner's training choices, with their bounds."""

    optimizer = param.Selector(default="adam", objects=list(OPTIMIZERS), label=N_("Optimizer"))
    learning_rate = param.Selector(default=0.001, objects=list(RATES), label=N_("Learning rate"))
    batch_size = param.Selector(default=32, objects=[8, 16, 32, 64, 128], label=N_("Batch size"))
    epochs = param.Integer(default=5, bounds=(1, 30), label=N_("Epochs"))
    train_size = param.Integer(default=1000, bounds=(100, 4000), step=100, label=N_("Training digits"))
    own_architecture = param.Boolean(default=False, label=N_("Train my uploaded architecture (fresh weights)"))

    @param.depends("optimizer", watch=True)
    def _usual_rate(self) -> None:
        self.learning_rate = USUAL_RATE[self.optimizer]

    def choices(self) -> TrainChoices:
        return TrainChoices(optimizer=self.optimizer, learning_rate=float(self.learning_rate),
                            batch_size=int(self.batch_size), epochs=int(self.epochs), train_size=int(self.train_size))


class TrainTab(pn.viewable.Viewer):
    """Choices, Start/Pause/Stop, and the live views of one training.

    The page passes callbacks: `on_training(training)` when a new one starts,
    `on_weights()` when the weights shown may have changed (a new poll or another
    epoch chosen), `on_digit(index)` when a misclassified digit is clicked,
    `visible()` whether the learner sees this page, and `architecture()` the
    uploaded model to train afresh (None when there is none or it does not fit).
    """

    def __init__(self, on_training: Callable, on_weights: Callable[[], None], on_digit: Callable[[int], None],
                 visible: Callable[[], bool], architecture: Callable[[], object]):
        super().__init__()
        self.settings = TrainSettings()
        self.training: LiveTraining | None = None
        self._on_training, self._on_weights, self._on_digit = on_training, on_weights, on_digit
        self._visible, self._architecture = visible, architecture
        self._shown_version = -1
        self._shown_epochs = None      # (epochs finished, training ended) when last drawn
        self._closed = False

        s = self.settings.param
        select = dict(stylesheets=[CNN_SELECT_CSS], width=220, margin=(0, 10, 6, 10))
        self._widgets = pn.Column(
            pn.widgets.Select.from_param(s.optimizer, label=_(s.optimizer.label),
                                         options={_(OPTIMIZER_LABELS[k]): k for k in OPTIMIZERS},
                                         css_classes=["cnn-train-optimizer"], **select),
            pn.widgets.Select.from_param(s.learning_rate, label=_(s.learning_rate.label),
                                         options={format_number(r, 4): r for r in RATES},
                                         css_classes=["cnn-train-rate"], **select),
            pn.widgets.Select.from_param(s.batch_size, label=_(s.batch_size.label),
                                         options={str(b): b for b in s.batch_size.objects},
                                         css_classes=["cnn-train-batch"], **select),
            pn.widgets.IntSlider.from_param(s.epochs, label=_(s.epochs.label), width=300, css_classes=["cnn-train-epochs"],
                                            stylesheets=[CNN_SLIDER_CSS]),
            pn.widgets.IntSlider.from_param(s.train_size, label=_(s.train_size.label), width=300,
                                            css_classes=["cnn-train-size"],
                                            stylesheets=[CNN_SLIDER_CSS]),
            margin=0)
        self._own = pn.widgets.Checkbox.from_param(s.own_architecture, label=_(s.own_architecture.label),
                                                   visible=False, margin=(4, 10))
        button = dict(stylesheets=[CNN_BUTTONS_CSS], margin=(6, 4))   # as wide as their words (a row wraps)
        self.start_button = pn.widgets.Button(label=_("▶ Start"), color="primary", css_classes=["cnn-train-start"],
                                              **button)
        self.pause_button = pn.widgets.Button(label=_("❚❚ Pause"), disabled=True, css_classes=["cnn-train-pause"],
                                              **button)
        self.stop_button = pn.widgets.Button(label=_("■ Stop"), disabled=True, css_classes=["cnn-train-stop"],
                                             **button)
        self.start_button.on_click(lambda _e: self.start())
        self.pause_button.on_click(lambda _e: self.toggle_pause())
        self.stop_button.on_click(lambda _e: self.stop())
        self.download = pn.widgets.FileDownload(callback=self._keras_bytes, filename="trained-cnn.keras",
                                                label=_("⬇ Download .keras"), disabled=True, width=230,
                                                css_classes=["cnn-train-download"], stylesheets=[CNN_BUTTONS_CSS],
                                                margin=(6, 5))
        self.status = pn.pane.HTML(_(STATE_TEXT["idle"]), css_classes=["cnn-train-status"], margin=(4, 10),
                                   styles={"font-size": "16px"}, width=330)
        self.epoch_slider = pn.widgets.DiscreteSlider(label=_("Epoch shown"), options={_("now"): LIVE}, value=LIVE,
                                                      width=300, disabled=True, css_classes=["cnn-epoch-slider"],
                                                      stylesheets=[CNN_SLIDER_CSS], margin=(4, 10))
        self.epoch_slider.param.watch(lambda _e: self._epoch_chosen(), "value")

        self.charts = TrainingCharts()
        self.kernels = KernelGrid()
        self.confusion = ConfusionMatrix()
        self.misclassified = Misclassified(self._on_digit)
        self._kernel_title = pn.pane.HTML("", margin=(4, 10), styles={"font-size": "16px"})
        self._poller = Ticker(self.poll, period_ms=POLL_MS)
        if pn.state.curdoc is not None:
            # A closed tab stops its training and frees its snapshots (issue 24, item 5).
            pn.state.on_session_destroyed(lambda _ctx: self.close())

    # ------------------------------------------------------------------ layout

    def __panel__(self):
        heading = dict(margin=(8, 10, 0, 10), styles={"font-size": "17px", "font-weight": "600"})
        controls = pn.Column(
            self._widgets, self._own,
            pn.Row(self.start_button, self.pause_button, self.stop_button, styles=WRAP, margin=(0, 5)),
            self.status, self.download, width=CONTROLS_WIDTH)
        curves = pn.Column(pn.pane.HTML(_("Loss and accuracy"), **heading), self.charts, styles=SCROLL_BOX)
        kernels = pn.Column(pn.pane.HTML(_("The first layer's kernels"), **heading), self._kernel_title,
                            self.epoch_slider, self.kernels, styles=SCROLL_BOX)
        held_out = pn.Column(
            pn.pane.HTML(_("Held-out digits after the last epoch"), **heading),
            pn.Row(self.confusion, pn.Column(
                pn.pane.HTML(_("Misclassified: click one to explain it with the trained model."),
                             margin=(4, 10), styles={"font-size": "15px"}, width=380),
                self.misclassified, styles=SCROLL_BOX), styles=WRAP),
            styles=SCROLL_BOX)
        return pn.Column(pn.Row(controls, curves, styles=WRAP), pn.Row(kernels, held_out, styles=WRAP),
                         sizing_mode="stretch_width", styles=NO_FLOOR)

    def resize(self, width: int, height: int) -> None:
        """Larger curves and kernels on a large screen; a phone gets the smallest (they scroll in their boxes)."""
        chart_width = int(min(640, max(340, (width - CONTROLS_WIDTH - 60) / 2)))
        self.charts.resize(chart_width, int(min(340, max(230, 0.3 * height))))
        self.kernels.resize(64 if width >= 1600 else 46)

    def set_theme(self, name: str) -> None:
        for view in (self.charts, self.kernels, self.confusion, self.misclassified):
            view.set_theme(name)

    def offer_architecture(self, available: bool) -> None:
        """Show the "train my uploaded architecture" choice only when an upload fits the digits."""
        self._own.visible = available
        if not available:
            self.settings.own_architecture = False

    # ------------------------------------------------------------------ commands

    def start(self) -> None:
        """A new training with the current choices (the previous one, if any, is closed)."""
        if self.training is not None:
            self.training.close()
        architecture = self._architecture() if self.settings.own_architecture else None
        self._closed = False
        self._choices = self.settings.choices()
        self.training = LiveTraining(self._choices, architecture=architecture)
        self._shown_version, self._shown_epochs = -1, None
        self.epoch_slider.param.update(options={_("now"): LIVE}, value=LIVE)
        self.training.start()
        self._on_training(self.training)
        self._poller.start()
        self.poll(force=True)

    def toggle_pause(self) -> None:
        t = self.training
        if t is None:
            return
        if t.state == "paused":
            t.resume()
        else:
            t.pause()
        self.poll(force=True)

    def stop(self) -> None:
        if self.training is not None:
            self.training.stop()
            self.poll(force=True)

    def close(self) -> None:
        """The session ended: stop the training and free its snapshots."""
        self._poller.stop()
        self._closed = True
        if self.training is not None:
            self.training.close()

    # ------------------------------------------------------------------ the weights shown

    @property
    def epoch(self) -> int | None:
        """The epoch the slider shows; None for the latest weights."""
        value = self.epoch_slider.value
        return None if value == LIVE else int(value)

    def weights(self) -> list[np.ndarray]:
        """The weights the slider shows ([] before the model is built)."""
        t = self.training
        return t.latest_weights() if self.epoch is None else t.weights_at(self.epoch)

    def _epoch_chosen(self) -> None:
        if self.training is not None:
            self._draw_kernels()
            self._on_weights()

    # ------------------------------------------------------------------ polling

    def poll(self, force: bool = False) -> None:
        """Redraw what the training changed since the last look (only while the learner sees it)."""
        t = self.training
        if t is None or self._closed:      # closed: its weights are freed, nothing is left to draw
            self._poller.stop()
            return
        finished = t.state in FINISHED
        if not force and not finished and not self._visible():
            return
        if t.version == self._shown_version and not force:
            if finished:
                self._poller.stop()
            return
        self._shown_version = t.version
        with pn.io.hold():
            self._draw_status()
            self.charts.show(t.batches, t.epochs)
            # A new epoch, or the end (the slider's "now" goes): the slider and the held-out views.
            if (len(t.epochs), finished) != self._shown_epochs:
                self._shown_epochs = (len(t.epochs), finished)
                self._epochs_changed()
            if self.epoch is None or force:      # forced: the page may have missed an epoch chosen unseen
                self._draw_kernels()
                self._on_weights()

    def _draw_status(self) -> None:
        t = self.training
        if t.state == "queued":
            text = _("Waiting for a free trainer: you are number {place} in the queue.").format(
                place=t.place if t.place is not None else "…")
        elif t.state == "failed":
            text = _(STATE_TEXT["failed"]).format(message=inert_line(t.message))
        else:
            text = _(STATE_TEXT[t.state]).format(device=inert_line(t.device))
        if t.state in ("training", "paused"):
            total = self._choices.epochs
            text += " " + _("Epoch {epoch} of {epochs}.").format(epoch=min(int(t.progress) + 1, total), epochs=total)
        self.status.object = text
        running = t.state in ("queued", "training", "paused")
        self.start_button.disabled = running
        self.pause_button.disabled = t.state not in ("training", "paused")
        self.pause_button.label = _("▶ Resume") if t.state == "paused" else _("❚❚ Pause")
        self.stop_button.disabled = not running
        self.download.disabled = not t.epochs

    def _epochs_changed(self) -> None:
        """A finished epoch: the slider gains it; the held-out views are redrawn."""
        t = self.training
        kept = t.snapshot_epochs()
        options = {str(e): e for e in kept}
        if t.state not in FINISHED:
            options[_("now")] = LIVE
        follow = self.epoch is None or (self.epoch not in kept)
        value = LIVE if follow and t.state not in FINISHED else (kept[-1] if follow else self.epoch)
        if self.epoch is None and t.state in FINISHED and kept:
            value = kept[-1]
        self.epoch_slider.param.update(options=options, value=value, disabled=len(options) < 2)
        self.confusion.show(t.confusion, t.class_names)
        wrong = list(t.misclassified)[:MAX_SHOWN]
        self.misclassified.show(t.x_val[wrong], wrong, [t.class_names[int(t.y_val[i])] for i in wrong],
                                [t.class_names[int(t.predicted[i])] for i in wrong])

    def _draw_kernels(self) -> None:
        first = next((w for w in self.weights() if w.ndim == 4), None)
        if first is None:
            return
        self.kernels.show(first)
        epoch = self.epoch
        self._kernel_title.object = (_("Now, after {progress} epochs").format(progress=format_number(
            self.training.progress, 2)) if epoch is None else _("After epoch {epoch}").format(epoch=epoch))

    def _keras_bytes(self) -> io.BytesIO:
        with tempfile.TemporaryDirectory() as folder:
            path = self.training.save(Path(folder) / "trained-cnn.keras")
            return io.BytesIO(Path(path).read_bytes())
