"""The learner's own picture, drawing and model: the input tab's boxes, and reading what they bring.

A picture is decoded and a model read and tried in a worker (`off_loop`), so
that a big file never stalls the other sessions; what comes back is shown
through the page's callbacks. A model that is read is kept in the page's
`ModelChoice`. Every user-controlled text (file names, exception texts, class
names) reaches HTML through `inert_line`.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np
import panel as pn

from playground.cnn.catalogue import fallback_class_names, parse_class_names, read_class_names, stand_in_samples
from playground.cnn.explain import explain
from playground.cnn.loading import ModelLoadError, load_model, one_line_error
from playground.cnn.model_choice import ModelChoice, UploadedModel
from playground.cnn.url_state import UPLOADED
from playground.components.cnn.input import DrawingPad, UploadBox
from playground.components.safe_text import inert_line
from playground.datasets.image_input import MAX_BYTES as MAX_IMAGE_BYTES
from playground.datasets.image_input import ImageInputError, array_from_drawing, prepare_image
from playground.i18n import _
from playground.serve.offload import off_loop
from playground.serve.upload_limits import MAX_UPLOAD_BYTES
from playground.theme import CNN_BUTTONS_CSS, CNN_SELECT_CSS


class Uploads(pn.viewable.Viewer):
    """The input tab: a drawing pad, the picture and model uploads, the upload's class names, the model info.

    `show_own(image, source)` shows a picture or drawing; `use_upload()` switches the
    page to a model just read (kept in `choice.uploaded`); `renamed()` redraws after
    the learner named the uploaded model's classes.
    """

    def __init__(self, choice: ModelChoice, show_own: Callable[[np.ndarray, str], None],
                 use_upload: Callable[[], None], renamed: Callable[[], None]):
        super().__init__()
        self.choice = choice
        self._show_own, self._use_upload, self._renamed = show_own, use_upload, renamed
        self.drawing = DrawingPad(self._use_drawing)
        self.image_upload = UploadBox(_("Upload a picture (PNG or JPEG)"), ".png,.jpg,.jpeg,image/*",
                                      self._upload_image, "cnn-image-upload", max_bytes=MAX_IMAGE_BYTES)
        self.model_upload = UploadBox(_("Upload your own model (.keras or .h5)"), ".keras,.h5",
                                      self._upload_model, "cnn-model-upload", max_bytes=MAX_UPLOAD_BYTES)
        # A model without stored class names gets "class 0", "class 1", … until the learner names them.
        self.names_input = pn.widgets.TextInput(name=_("Its class names, separated by commas"),
                                                placeholder=_("e.g. cat, dog, horse"), width=420,
                                                css_classes=["cnn-class-names"], stylesheets=[CNN_SELECT_CSS],
                                                visible=False)
        self.names_apply = pn.widgets.Button(name=_("Use these names"), css_classes=["cnn-class-names-apply"],
                                             stylesheets=[CNN_BUTTONS_CSS], visible=False)
        self.names_apply.on_click(lambda event: self._apply_class_names())
        self.model_info = pn.pane.HTML("", css_classes=["cnn-model-info"], width=440, styles={"font-size": "15px"})
        self._layout = pn.Row(
            pn.Column(pn.pane.Markdown("### " + _("Draw a digit"), margin=(0, 10)), self.drawing),
            pn.Column(self.image_upload, self.model_upload, self.names_input, self.names_apply, self.model_info),
        )

    def __panel__(self):
        return self._layout

    def model_changed(self) -> None:
        """The chosen model changed: the class-names field is there for an upload only; describe the model."""
        self.names_input.visible = self.names_apply.visible = self.choice.key == UPLOADED
        self.describe()

    def describe(self) -> None:
        c = self.choice
        h, w, ch = c.input_shape
        layers = ", ".join(layer.name for layer in c.model.layers)
        self.model_info.object = _("<b>Current model:</b> {note}.<br>Input {h}×{w}×{c}, {n} classes.<br>"
                                   "Layers: {layers}.").format(note=inert_line(c.note), h=h, w=w, c=ch,
                                                               n=len(c.class_names),
                                                               layers=inert_line(layers, limit=600))

    # ------------------------------------------------------------------ a picture or a drawing

    def _upload_image(self, data: bytes, filename: str) -> None:
        h, w, c = self.choice.input_shape
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
            image = array_from_drawing(raster, self.choice.input_shape)
        except ImageInputError as exc:
            self.drawing.say(_("The drawing cannot be used: {reason}.").format(reason=inert_line(exc)), ok=False)
            return
        self.drawing.say("", ok=True)
        self._show_own(image, _("your drawing"))

    # ------------------------------------------------------------------ a model

    def _upload_model(self, data: bytes, filename: str) -> None:
        # Reading and trying a model takes seconds: in a worker, so that other sessions never stall.
        off_loop(functools.partial(read_model, data), functools.partial(self._model_read, filename=filename),
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

    def _model_read(self, upload: UploadedModel, filename: str) -> None:
        """An uploaded model was read and tried (in a worker): keep it and show it."""
        self.choice.keep_upload(upload, filename)
        if upload.named:
            self.model_upload.say(_("Loaded <b>{name}</b> with its class names.").format(
                name=inert_line(filename)), ok=True)
        else:
            self.model_upload.say(_("Loaded <b>{name}</b>. It stores no class names, so they read "
                                    "“class 0”, “class 1”, …; you can type them below.").format(
                name=inert_line(filename)), ok=True)
        self.names_input.value = ", ".join(upload.names) if upload.named else ""
        self._use_upload()

    def _apply_class_names(self) -> None:
        """The learner typed the uploaded model's class names."""
        if self.choice.uploaded is None or self.choice.key != UPLOADED:
            return
        try:
            names = parse_class_names(self.names_input.value, len(self.choice.class_names))
        except ValueError as exc:
            self.model_upload.say(_("The class names were not changed: {reason}.").format(
                reason=inert_line(exc)), ok=False)
            return
        self.choice.rename_classes(names)
        self.model_upload.say(_("The model's classes are now named: {names}.").format(
            names=inert_line(", ".join(names), limit=600)), ok=True)
        self.describe()
        self._renamed()


def read_model(data: bytes) -> UploadedModel:
    """Load an uploaded model, find its class names and samples, and explain one sample with it.

    Runs in a worker (see `Uploads._upload_model`): it touches no view.
    """
    model = load_model(data)
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    n_classes = int(model.outputs[0].shape[-1])
    stored = read_class_names(data)
    named = stored is not None and len(stored) == n_classes
    names = stored if named else fallback_class_names(n_classes)
    samples, sample_names, source = stand_in_samples(shape)
    explain(model, samples[0], names)  # fails here, not half-way through the views
    return UploadedModel(model=model, names=names, named=named, samples=samples, sample_names=sample_names,
                         source=source, shape=shape)
