"""Loading a CNN for the explainer: the shipped default, or a user's .keras upload.

Uploads are loaded with Keras's ``safe_mode=True`` (no arbitrary code from
lambda layers) and then checked against what the views can show: a linear
chain of Conv2D, ReLU, MaxPooling2D, Flatten and Dense layers.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Layers the views can draw, and the settings they understand.
SUPPORTED_LAYERS = "Conv2D, ReLU, Activation('relu'|'linear'), MaxPooling2D, Flatten, Dense"
_CONV_ACTIVATIONS = {"linear", "relu"}
_DENSE_ACTIVATIONS = {"linear", "relu", "softmax"}
_ACTIVATION_LAYER_FUNCTIONS = {"linear", "relu"}
_MAX_MODEL_BYTES = 50 * 1024 * 1024  # an explainable model is tiny; refuse anything huge early


class ModelLoadError(ValueError):
    """The file is not a Keras model that can be loaded (message is user-facing)."""


class UnsupportedModelError(ModelLoadError):
    """The model loaded but has layers or settings the views cannot show."""


def class_names_for(model) -> list[str]:
    """Class names for `model`'s outputs.

    Models trained by `playground cnn train` are named ``tiny_vgg_<data set>``
    (e.g. ``tiny_vgg_mnist_5k``); a model whose name ends with a known data
    set's name gets that set's class names, any other model "0", "1", ….
    """
    from playground.datasets import images

    n_classes = int(model.outputs[0].shape[-1])
    known = {"fashion_mnist": images.FASHION_CLASSES, "cifar10": images.CIFAR10_CLASSES,
             "mnist": images.DIGITS, "mnist_5k": images.DIGITS}
    for suffix, names in known.items():
        if model.name.endswith(suffix) and len(names) == n_classes:
            return list(names)
    return [str(i) for i in range(n_classes)]


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
    """Load a ``.keras`` model from a path or from the bytes of an upload.

    Uses Keras's safe mode. Raises `ModelLoadError` with a clear message when
    the file cannot be loaded, and (when `check`) `UnsupportedModelError` when
    the views cannot show the model.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise ModelLoadError("the model file is empty")
        if len(data) > _MAX_MODEL_BYTES:
            raise ModelLoadError(f"the model file is {len(data) / 1e6:.0f} MB; the limit is "
                                 f"{_MAX_MODEL_BYTES / 1e6:.0f} MB")
        # Keras loads .keras archives from a path; the temp file lives only for the call.
        with tempfile.TemporaryDirectory(prefix="playground-model-") as tmp:
            path = Path(tmp) / "upload.keras"
            path.write_bytes(data)
            model = _load_path(path, shown_name="the uploaded file")
    else:
        path = Path(source)
        if not path.is_file():
            raise ModelLoadError(f"no model file at {path}")
        model = _load_path(path, shown_name=str(path))
    if check:
        check_supported(model)
    return model


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


def _load_path(path: Path, shown_name: str):
    import zipfile

    from playground.cnn.preflight import check_model_size, read_config

    # A .keras file is a zip archive; saying so beats Keras's internal errors.
    if not zipfile.is_zipfile(path):
        raise ModelLoadError(f"{shown_name} is not a Keras model (.keras) file")
    # Refuse a model too big to show from its config alone: building it could take gigabytes.
    try:
        config = read_config(path)
    except ModelLoadError as exc:
        raise ModelLoadError(f"{shown_name} could not be loaded as a Keras model: {exc}") from exc
    try:
        check_model_size(config)
    except ModelLoadError as exc:
        raise ModelLoadError(f"{shown_name} cannot be shown: {exc}") from exc
    import keras

    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds; the user needs one clear line.
        reason = one_line_error(exc)
        if "safe_mode" in str(exc):
            # Keras suggests turning safe mode off; an upload never gets that.
            reason = "it contains Python code (e.g. a Lambda layer), which safe loading refuses"
        raise ModelLoadError(f"{shown_name} could not be loaded as a Keras model: {reason}") from exc


def _activation(layer) -> str:
    import keras

    name = keras.activations.serialize(layer.activation)
    return name if isinstance(name, str) else repr(name)


def _layer_problem(layer, after_flatten: bool) -> str | None:
    """Why the views cannot show `layer` (None when they can)."""
    kind = type(layer).__name__
    cfg = layer.get_config()
    if cfg.get("data_format", "channels_last") != "channels_last":
        return "channels_first data format"
    if kind == "Conv2D":
        if after_flatten:
            return "a convolution after Flatten"
        if tuple(cfg["dilation_rate"]) != (1, 1) or cfg.get("groups", 1) != 1:
            return "dilated or grouped convolution"
        if cfg["padding"] not in ("valid", "same"):
            return f"padding {cfg['padding']!r}"
        if _activation(layer) not in _CONV_ACTIVATIONS:
            return f"activation {_activation(layer)!r}"
        return None
    if kind == "MaxPooling2D":
        if after_flatten:
            return "pooling after Flatten"
        return None if cfg["padding"] in ("valid", "same") else f"padding {cfg['padding']!r}"
    if kind == "ReLU":
        if cfg.get("max_value") is not None or cfg.get("negative_slope") or cfg.get("threshold"):
            return "a ReLU with max_value, negative_slope or threshold"
        return None
    if kind == "Activation":
        name = _activation(layer)
        return None if name in _ACTIVATION_LAYER_FUNCTIONS else f"activation {name!r}"
    if kind == "Flatten":
        return "a second Flatten" if after_flatten else None
    if kind == "Dense":
        if not after_flatten:
            return "a Dense layer on feature maps (put a Flatten before it)"
        return None if _activation(layer) in _DENSE_ACTIVATIONS else f"activation {_activation(layer)!r}"
    return "a layer type the views cannot show"


def check_supported(model) -> None:
    """Raise `UnsupportedModelError` naming every layer the views cannot show.

    Supported: one image input (H, W, C); a chain of Conv2D (any kernel size,
    stride and filter count; 'valid' or 'same' padding; linear or relu
    activation), ReLU / Activation('relu' | 'linear'), MaxPooling2D, then one
    Flatten, then Dense layers (relu or linear, the last softmax or linear).
    """
    problems: list[str] = []
    inputs = getattr(model, "inputs", None) or []
    try:
        shape = tuple(inputs[0].shape) if len(inputs) == 1 else None
    except (AttributeError, TypeError):
        shape = None
    if shape is None:
        problems.append("the model must have exactly one input of known shape "
                        "(build it with keras.Input((H, W, C)))")
    elif len(shape) != 4 or any(d is None for d in shape[1:]):
        problems.append(f"the model's input must be an image (height, width, channels), not {shape[1:]}")

    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if not _is_chain(model, layers):
        problems.append("the model must be a single chain of layers, like a Sequential model")

    after_flatten = False
    for layer in layers:
        problem = _layer_problem(layer, after_flatten)
        if problem:
            problems.append(f"{layer.name} ({type(layer).__name__}: {problem})")
        after_flatten = after_flatten or type(layer).__name__ == "Flatten"

    dense = [layer for layer in layers if type(layer).__name__ == "Dense"]
    if not dense or dense[-1] is not layers[-1]:
        problems.append("the last layer must be the Dense output layer")
    elif _activation(dense[-1]) not in ("softmax", "linear"):
        problems.append(f"{dense[-1].name} (the output Dense layer must use softmax or linear, "
                        f"not {_activation(dense[-1])!r})")
    if problems:
        raise UnsupportedModelError(
            "the explainer cannot show this model: " + "; ".join(problems)
            + f". Supported layers: {SUPPORTED_LAYERS}.")


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
