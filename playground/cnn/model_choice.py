"""The model the CNN page shows: a built-in one, the learner's upload or the model trained on the page,
with its class names and samples.

One `param.Parameterized` per session. The page's model chooser and the URL's
``cnn_model`` read and set `key`; an upload (read in a worker by
`playground.cnn.uploads`) is kept in `uploaded`, so that the chooser can go
back to it after showing a built-in model. The session's training (a
`playground.cnn.live_training.LiveTraining`, kept in `training`) is shown
through its one viewer model, whose weights `show_epoch` replaces: any epoch,
or the latest, without building a model again. Importing this module does not
import TensorFlow; choosing a model loads it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import param

from playground.cnn.catalogue import BUILT_IN, DEFAULT_MODEL, built_in_samples, load_built_in, stand_in_samples
from playground.cnn.url_state import TRAINED, UPLOADED
from playground.i18n import _


@dataclass
class UploadedModel:
    """The learner's own model, as read (and tried) in a worker."""

    model: object                      # the Keras model
    names: list[str]                   # its class names (stored in the file, or "class 0", "class 1", …)
    named: bool                        # True when the file stored its class names
    samples: list[np.ndarray]          # the samples shown with it, converted to its input shape
    sample_names: list[str]
    source: str | None                 # the built-in model whose samples were converted (None: used as they are)
    shape: tuple[int, int, int]        # its input (H, W, C)


class ModelChoice(param.Parameterized):
    """Which model is shown, with everything that comes with it."""

    key = param.String(default=DEFAULT_MODEL,
                       doc="a built-in model (playground.cnn.catalogue.BUILT_IN), or 'upload' for the learner's own")
    model = param.Parameter(default=None, doc="the Keras model shown")
    class_names = param.List(default=[], item_type=str, doc="its class names, one per output")
    samples = param.List(default=[], doc="the samples shown with it: (H, W, C) arrays of its input shape")
    sample_names = param.List(default=[], item_type=str, doc="the class name of each sample")
    note = param.String(default="", doc="what the model is, in a few words (translated)")
    uploaded = param.ClassSelector(class_=UploadedModel, default=None, allow_None=True,
                                   doc="the learner's upload, kept while a built-in model is shown")
    uploaded_note = param.String(default="", doc="what the upload is (its file name, where its samples come from)")
    training = param.Parameter(default=None, doc="the session's LiveTraining, shown under the key 'trained'")
    trained_epoch = param.Integer(default=None, allow_None=True,
                                  doc="the epoch whose weights the trained model shows; None: the latest")

    def __init__(self, **params):
        super().__init__(**params)
        self.use(self.key)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The model's input (H, W, C)."""
        return tuple(int(d) for d in self.model.inputs[0].shape[1:])

    @property
    def link_value(self) -> str:
        """The model as the URL's ``cnn_model`` names it: '' for the default one."""
        return "" if self.key == DEFAULT_MODEL else self.key

    def options(self) -> dict[str, str]:
        """The chooser's entries: every built-in model, then the learner's upload if there is one."""
        options = {_(model.label): key for key, model in BUILT_IN.items()}
        if self.uploaded is not None:
            options[_("Your uploaded model")] = UPLOADED
        if self.training is not None:
            options[_("The model trained here")] = TRAINED
        return options

    def use(self, key: str) -> None:
        """Show built-in model `key` ("upload": the learner's; "trained": the training's), with its samples
        and class names."""
        if key == TRAINED:
            t = self.training
            samples, sample_names, _source = stand_in_samples(t.input_shape)
            model, names = t.viewer_model(self.trained_epoch), t.class_names
            note = _("the model trained on the “Train” tab")
        elif key == UPLOADED:
            up = self.uploaded
            model, names, samples, sample_names, note = (up.model, up.names, up.samples, up.sample_names,
                                                         self.uploaded_note)
        else:
            # A built-in model's class names are words of the page's language (a learner's are their own).
            model, names = load_built_in(key), [_(name) for name in BUILT_IN[key].class_names]
            (samples, sample_names), note = built_in_samples(key), _(BUILT_IN[key].note)
            sample_names = [_(name) for name in sample_names]
        self.param.update(key=key, model=model, class_names=list(names), samples=list(samples),
                          sample_names=list(sample_names), note=note)

    def keep_upload(self, upload: UploadedModel, filename: str) -> None:
        """Keep the learner's model `upload`, read from `filename` (it is shown once `use("upload")`)."""
        note = _("your model {name}").format(name=filename)
        if upload.source is not None:
            h, w, c = upload.shape
            note = _("your model {name}; the samples are {samples}, resized to {h}×{w}×{c}").format(
                name=filename, samples=_(BUILT_IN[upload.source].samples_name), h=h, w=w, c=c)
        self.param.update(uploaded=upload, uploaded_note=note)

    def rename_classes(self, names: list[str]) -> None:
        """The learner named the uploaded model's classes (only while it is shown)."""
        self.uploaded.names = list(names)
        self.class_names = list(names)

    def keep_training(self, training) -> None:
        """Offer `training`'s model as "the model trained here" (it is shown once `use("trained")`)."""
        self.param.update(training=training, trained_epoch=None)

    def show_epoch(self, epoch: int | None) -> None:
        """Show the trained model with the weights of `epoch` (None: the latest); it stays the same object."""
        self.trained_epoch = epoch
        self.model = self.training.viewer_model(epoch)
