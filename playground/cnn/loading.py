"""Loading a CNN for the explainer: the shipped default, or a user's .keras or legacy .h5 file.

A file's config is read and checked first, without Keras (`preflight`): too big,
carrying code (Lambda layers) or custom objects, or with layers the views cannot
show, it is refused before anything is built. Then Keras loads it with
``safe_mode=True``, and the model is checked against the layer kinds of
`playground.cnn.kinds`: a linear chain ending with the Dense output layer.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from pathlib import Path

from playground.cnn.model_errors import ModelLoadError, UnsupportedModelError, unsupported_message
from playground.i18n import _

__all__ = ["ModelLoadError", "UnsupportedModelError", "load_model", "load_default_model", "check_supported"]

log = logging.getLogger(__name__)

_MAX_MODEL_BYTES = 50 * 1024 * 1024  # an explainable model is tiny; refuse anything huge early


def default_model_path() -> Path:
    """The shipped TinyVGG trained on the offline MNIST digits."""
    return Path(__file__).resolve().parents[1] / "models" / "tinyvgg_mnist.keras"


@functools.lru_cache(maxsize=1)
def load_default_model():
    """The shipped default model, loaded once per process.

    Shared by every session: treat it as read-only (never train or re-compile it).
    """
    return load_model(default_model_path())


def load_model(source: str | os.PathLike | bytes, check: bool = True):
    """Load a ``.keras`` model, or a legacy ``.h5`` one, from a path or from the bytes of an upload.

    The file's config is checked before Keras deserialises anything (see
    `playground.cnn.preflight`); then Keras loads it in safe mode. Raises
    `ModelLoadError` with a clear message when the file cannot be loaded, and
    (when `check`) `UnsupportedModelError` when the views cannot show the model.
    """
    with tempfile.TemporaryDirectory(prefix="playground-model-") as tmp:
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            if not data:
                raise ModelLoadError(_("the model file is empty"))
            if len(data) > _MAX_MODEL_BYTES:
                raise ModelLoadError(_("the model file is {size} MB; the limit is {limit} MB").format(
                    size=f"{len(data) / 1e6:.0f}", limit=f"{_MAX_MODEL_BYTES / 1e6:.0f}"))
            # Keras loads from a path and tells the formats apart by the suffix.
            path = Path(tmp) / ("upload.h5" if data.startswith(HDF5_SIGNATURE) else "upload.keras")
            path.write_bytes(data)
            model = _load_path(path, shown_name=_("the uploaded file"), check=check)
        else:
            path = Path(source)
            if not path.is_file():
                raise ModelLoadError(_("no model file at {path}").format(path=path))
            if _is_hdf5(path) and path.suffix.lower() not in (".h5", ".hdf5"):
                link = Path(tmp) / "model.h5"
                link.symlink_to(path.resolve())
                model = _load_path(link, shown_name=str(path), check=check)
            else:
                model = _load_path(path, shown_name=str(path), check=check)
    if check:
        check_supported(model)
    return model


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _is_hdf5(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE


# An absolute path (POSIX or Windows) inside an error text: the server's layout is not the user's business.
_PATH = re.compile(r"""(?<![\w./])(?:[A-Za-z]:\\|/)[^\s'"<>,;:)\]]+""")
_MAX_ERROR_CHARS = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def one_line_error(exc: BaseException) -> str:
    """`exc` as one short line for the user: first line only, absolute paths replaced by "…".

    The full error (traceback included) goes to the server log.
    """
    log.warning("model upload refused: %s", type(exc).__name__, exc_info=exc)
    text = str(exc).strip()
    # Keras marks the message that matters in bold inside a longer report (tf.function's
    # "in user code:" and its frames come first); prefer it to the first line.
    bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", text, re.S)
    text = _ANSI.sub("", bold.group(1) if bold else text).strip()
    line = text.splitlines()[0].strip() if text else ""
    line = _PATH.sub("…", line)
    if len(line) > _MAX_ERROR_CHARS:
        line = line[: _MAX_ERROR_CHARS - 1] + "…"
    return line or type(exc).__name__


def _load_path(path: Path, shown_name: str, check: bool = True):
    import zipfile

    from playground.cnn.preflight import read_config, read_h5_config

    # Read the config with zipfile or h5py, never with Keras: nothing from the file runs before it is checked.
    if zipfile.is_zipfile(path):
        from playground.serve.upload_limits import MODEL, ArchiveRefused, checked_keras_archive

        # The archive's members are bounded before anything is unpacked (no zip bombs), and Keras
        # reads a clean copy in a folder that is removed whether loading succeeds or not.
        try:
            with checked_keras_archive(path, MODEL) as (clean, _config):
                return _load_checked(Path(clean), shown_name, check, read_config)
        except ArchiveRefused as exc:
            raise ModelLoadError(_("{name} could not be loaded as a Keras model: {reason}").format(
                name=shown_name, reason=exc)) from exc
    if not _is_hdf5(path):
        raise ModelLoadError(_("{name} is not a Keras model file (.keras or .h5)").format(name=shown_name))
    return _load_checked(path, shown_name, check, read_h5_config)


def _load_checked(path: Path, shown_name: str, check: bool, reader):
    """Check the config `reader` reads from `path`, then let Keras build the model in safe mode."""
    from playground.cnn.preflight import check_code_free, check_layers, check_model_size

    try:
        config = reader(path)
        check_code_free(config)
    except ModelLoadError as exc:
        raise ModelLoadError(_("{name} could not be loaded as a Keras model: {reason}").format(
            name=shown_name, reason=exc)) from exc
    try:
        check_model_size(config)
    except ModelLoadError as exc:
        raise ModelLoadError(_("{name} cannot be shown: {reason}").format(name=shown_name, reason=exc)) from exc
    if check:
        check_layers(config)   # names every layer the views cannot show, before building any
    import keras

    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds; the user needs one clear line.
        reason = one_line_error(exc)
        if "safe_mode" in str(exc):
            # Keras suggests turning safe mode off; an upload never gets that.
            reason = _("it contains Python code (e.g. a Lambda layer), which safe loading refuses")
        raise ModelLoadError(_("{name} could not be loaded as a Keras model: {reason}").format(
            name=shown_name, reason=reason)) from exc


def check_supported(model) -> None:
    """Raise `UnsupportedModelError` naming every layer the views cannot show.

    Supported: one image input (H, W, C) and a chain of layers whose every
    layer is taken by a kind of `playground.cnn.kinds`, ending with the Dense
    output layer (softmax or linear).
    """
    from playground.cnn.kinds import chain_problems

    problems: list[str] = []
    inputs = getattr(model, "inputs", None) or []
    try:
        shape = tuple(inputs[0].shape) if len(inputs) == 1 else None
    except (AttributeError, TypeError):
        shape = None
    if shape is None:
        problems.append(_("the model must have exactly one input of known shape "
                          "(build it with keras.Input((H, W, C)))"))
    elif len(shape) != 4 or any(d is None for d in shape[1:]):
        problems.append(_("the model's input must be an image (height, width, channels), not {shape}").format(
            shape=shape[1:]))

    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if not _is_chain(model, layers):
        problems.append(_("the model must be a single chain of layers, like a Sequential model"))
    problems += chain_problems([(type(layer).__name__, layer.name, layer.get_config()) for layer in layers])
    if problems:
        raise UnsupportedModelError(unsupported_message(problems))


def _is_chain(model, layers) -> bool:
    """True when each layer's input is the previous layer's output."""
    if type(model).__name__ == "Sequential":
        return True
    try:
        previous = model.inputs[0]
        for layer in layers:
            if len(layer._inbound_nodes) != 1 or layer.input is not previous:
                return False
            previous = layer.output
        return model.outputs[0] is previous and len(model.outputs) == 1
    except (AttributeError, ValueError):
        return False
