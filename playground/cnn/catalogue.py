"""The explainer's built-in models, their samples and class names, and class names stored in a file.

Class names travel inside the ``.keras`` file as a small JSON entry of the zip,
``playground.json`` (``{"class_names": [...]}``), next to Keras's own
``config.json``. Reading it is ``zipfile`` plus ``json``: nothing from the file
is run, and Keras ignores the extra entry, so the file still loads anywhere.
(The model's ``name`` would hold only a short identifier, and a config field
would be a custom object that safe loading refuses.) A model without the entry
is labelled "class 0", "class 1", … unless the learner types names in: never
with another data set's names.

Importing this module does not import TensorFlow.
"""
from __future__ import annotations

import functools
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from playground.i18n import N_, _

CLASS_NAMES_ENTRY = "playground.json"
MAX_CLASS_NAME = 40            # characters kept of one class name
_MAX_ENTRY_BYTES = 64 * 1024   # a list of names is small; a larger entry is not read
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


# ---------------------------------------------------------------- class names in a .keras file

def write_class_names(path: str | os.PathLike, names: list[str]) -> None:
    """Add (or replace) the class names entry of the .keras archive at `path`."""
    path = Path(path)
    payload = json.dumps({"class_names": [str(n) for n in names]}, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(path) as archive:
        has_entry = CLASS_NAMES_ENTRY in archive.namelist()
    if not has_entry:
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(CLASS_NAMES_ENTRY, payload)
        return
    # zipfile cannot replace an entry: copy the others into a new archive.
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != CLASS_NAMES_ENTRY:
                new.writestr(item, old.read(item))
        new.writestr(CLASS_NAMES_ENTRY, payload)
    path.write_bytes(rebuilt.getvalue())


def read_class_names(source: str | os.PathLike | bytes) -> list[str] | None:
    """The class names stored in a .keras archive (a path or its bytes); None when it has none.

    A damaged or odd entry counts as none: the names are a label, not the model.
    """
    try:
        opened = zipfile.ZipFile(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray))
                                 else source)
        with opened as archive:
            info = archive.getinfo(CLASS_NAMES_ENTRY)
            if info.file_size > _MAX_ENTRY_BYTES:
                return None
            stored = json.loads(archive.read(info).decode("utf-8")).get("class_names")
    except (KeyError, OSError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, AttributeError):
        return None
    if not isinstance(stored, list) or not stored or not all(isinstance(n, str) for n in stored):
        return None
    return [clean_name(n) for n in stored]


def clean_name(name: str) -> str:
    """One class name as shown: one line, at most `MAX_CLASS_NAME` characters."""
    line = " ".join(str(name).split())
    return line if len(line) <= MAX_CLASS_NAME else line[:MAX_CLASS_NAME - 1] + "…"


def fallback_class_names(n_classes: int) -> list[str]:
    """"class 0", "class 1", …: the names of a model that brings none."""
    return [_("class {index}").format(index=i) for i in range(n_classes)]


def parse_class_names(text: str, n_classes: int) -> list[str]:
    """Comma-separated names typed by the learner, checked against the model's class count.

    Raises ValueError with a user-facing message when the count differs or a name is empty.
    """
    names = [clean_name(n) for n in str(text).split(",")]
    if len(names) != n_classes:
        raise ValueError(_("the model has {n} classes, and {m} names were given").format(
            n=n_classes, m=len(names)))
    if any(not n for n in names):
        raise ValueError(_("a class name is empty"))
    return names


# ---------------------------------------------------------------- built-in models

@dataclass(frozen=True)
class BuiltInModel:
    """A model that ships with the app, with the samples it is shown with."""

    key: str                         # CLI and page name, e.g. "tiny-imagenet"
    label: str                       # for the model chooser (a gettext message id)
    file: str                        # under playground/models/
    class_names: tuple[str, ...]
    samples: Callable[[], tuple[list[np.ndarray], list[int]]]   # images (H, W, C), their labels
    note: str                        # where the model and its samples come from (message id)
    samples_name: str                # what its samples are, for another model's note (message id)

    @property
    def path(self) -> Path:
        return MODELS_DIR / self.file


def _mnist_samples() -> tuple[list[np.ndarray], list[int]]:
    """One held-out digit of each class: the first of each label in mnist-5k's test split."""
    from playground.datasets.images import load_mnist_5k

    data = load_mnist_5k()
    labels = list(range(len(data.class_names)))
    return [data.x_test[np.flatnonzero(data.y_test == c)[0]] for c in labels], labels


def _tiny_imagenet_samples() -> tuple[list[np.ndarray], list[int]]:
    """CNN Explainer's sample photos: the first of each class (by file name)."""
    from playground.datasets.tiny_imagenet_samples import load_tiny_imagenet_samples

    samples = load_tiny_imagenet_samples()
    firsts = [int(np.flatnonzero(samples.labels == c)[0]) for c in range(len(samples.class_names))]
    return [samples.images[i] for i in firsts], [int(samples.labels[i]) for i in firsts]


def _digits() -> tuple[str, ...]:
    from playground.datasets.images import DIGITS

    return tuple(DIGITS)


def _tiny_imagenet_names() -> tuple[str, ...]:
    from playground.datasets.tiny_imagenet_samples import CLASS_NAMES

    return CLASS_NAMES


BUILT_IN = {
    "mnist": BuiltInModel("mnist", N_("TinyVGG · MNIST digits (28×28, grey)"), "tinyvgg_mnist.keras",
                          _digits(), _mnist_samples,
                          N_("the shipped TinyVGG, trained on the offline MNIST digits"), N_("MNIST digits")),
    "tiny-imagenet": BuiltInModel(
        "tiny-imagenet", N_("TinyVGG · Tiny ImageNet photos (64×64, RGB)"), "tinyvgg_tiny_imagenet.keras",
        _tiny_imagenet_names(), _tiny_imagenet_samples,
        N_("CNN Explainer's TinyVGG (Polo Club of Data Science, MIT licence), trained on ten "
           "Tiny ImageNet classes; the samples are its own"), N_("Tiny ImageNet photos")),
}
DEFAULT_MODEL = "mnist"


@functools.lru_cache(maxsize=None)
def load_built_in(key: str):
    """The built-in model `key`, loaded once per process and shared: treat it as read-only."""
    from playground.cnn.loading import load_default_model, load_model

    if key == DEFAULT_MODEL:
        return load_default_model()   # one copy, shared with the loader's own cache
    return load_model(BUILT_IN[key].path)


def built_in_samples(key: str) -> tuple[list[np.ndarray], list[str]]:
    """The samples shown with built-in model `key`, and the class name of each."""
    model = BUILT_IN[key]
    images, labels = model.samples()
    return list(images), [model.class_names[c] for c in labels]


def stand_in_samples(shape: tuple[int, int, int]) -> tuple[list[np.ndarray], list[str], str | None]:
    """Samples for a model the project has no data for: (images, the images' own names, source).

    A built-in model's samples when they fit `shape` as they are (source None);
    otherwise the shipped samples closest to it — the photos for a colour model,
    the digits for a grey one — resized and converted to `shape` as an upload
    would be (source: the built-in model whose samples they are).
    """
    shape = tuple(int(d) for d in shape)
    for key in BUILT_IN:
        images, names = built_in_samples(key)
        if tuple(images[0].shape) == shape:
            return images, names, None
    source = "tiny-imagenet" if shape[2] == 3 else DEFAULT_MODEL
    images, names = built_in_samples(source)
    return samples_for_shape(images, shape), names, source


def samples_for_shape(images: list[np.ndarray], shape: tuple[int, int, int]) -> list[np.ndarray]:
    """Dataset samples converted to another model input shape, as an upload would be.

    Each image goes through `prepare_image` (shorter side resized, centre
    crop, channel conversion) without inversion. Images already of `shape`
    are returned as they are.
    """
    from PIL import Image

    from playground.datasets.image_input import prepare_image

    out = []
    for img in images:
        img = np.asarray(img, np.float32)
        if img.shape == tuple(shape):
            out.append(img)
            continue
        pixels = np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)
        pil = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels)
        buffer = io.BytesIO()
        pil.save(buffer, format="PNG")
        out.append(prepare_image(buffer.getvalue(), shape, invert=False))
    return out
