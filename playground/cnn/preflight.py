"""Checking a model file's config before Keras builds anything from it.

Building a model allocates its whole graph: a 26 KB file declaring a 3000×3000×3
input costs seconds and gigabytes. The config (``config.json`` inside a .keras
zip, the ``model_config`` attribute of a legacy .h5 file) already says the input
shape, the layers and, from their settings, the weight count, so a model the
explainer cannot show sensibly is refused from that. So is a model carrying
code (a Lambda layer) or objects Keras does not define itself: nothing in such
a file is ever deserialised.
"""
from __future__ import annotations

import json
import math
import re
import zipfile
from pathlib import Path

from playground.cnn.model_errors import ModelLoadError, UnsupportedModelError, unsupported_message
from playground.cnn.windows import output_size
from playground.i18n import _

MAX_SIDE = 256              # input height and width the views can draw
MAX_LAYERS = 64
MAX_PARAMS = 5_000_000
_MAX_CONFIG_BYTES = 2 * 1024 * 1024   # a small model's config is a few KB; refuse a bloated one unread
# TensorFlow runs a layer inside a name scope of the layer's name, and refuses other characters
# (a layer named "my conv" fails only when run, deep inside tf.function).
_RUNNABLE_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_.\-]*")
_SHAPE_KEYS = ("batch_shape", "batch_input_shape", "input_shape", "shape")


def read_config(path: str | Path) -> dict:
    """The model config stored in a .keras archive (raises `ModelLoadError` when it has none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > _MAX_CONFIG_BYTES:
                raise ModelLoadError(_("its model description (config.json) is too large"))
            config = json.loads(archive.read(info))
    except KeyError as exc:
        raise ModelLoadError(_("the archive has no model description (config.json)")) from exc
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelLoadError(_("its model description (config.json) is damaged")) from exc
    if not isinstance(config, dict):
        raise ModelLoadError(_("its model description (config.json) is damaged"))
    return config


def read_h5_config(path: str | Path) -> dict:
    """The model config stored in a legacy Keras .h5 file, read with h5py (nothing is deserialised)."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            raw = f.attrs.get("model_config")
    except (OSError, ValueError, KeyError) as exc:   # truncated or damaged HDF5
        raise ModelLoadError(_("the HDF5 file is damaged or truncated")) from exc
    if raw is None:
        raise ModelLoadError(_("the HDF5 file holds no model description (model_config); "
                               "weights alone cannot be shown"))
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str) or len(raw) > _MAX_CONFIG_BYTES:
        raise ModelLoadError(_("its model description (model_config) is damaged"))
    try:
        config = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ModelLoadError(_("its model description (model_config) is damaged")) from exc
    if not isinstance(config, dict):
        raise ModelLoadError(_("its model description (model_config) is damaged"))
    return config


def check_code_free(config: dict) -> None:
    """Raise `ModelLoadError` when the config holds a Lambda layer or an object Keras does not define.

    A Lambda layer carries Python code (marshalled bytecode in .h5 files); a
    custom object would need that code to be imported. Either is refused here,
    before any deserialisation, so nothing from the file ever runs.
    """
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
            continue
        if not isinstance(node, dict):
            continue
        cls = node.get("class_name")
        if cls in ("Lambda", "TFOpLambda", "__lambda__") or node.get("function_type") == "lambda":
            name = (node.get("config") or {}).get("name") if isinstance(node.get("config"), dict) else None
            raise ModelLoadError(_("it has a Lambda layer ({name}), whose Python code is never run here").format(
                name=name or "?"))
        module, registered = node.get("module"), node.get("registered_name")
        custom = (isinstance(module, str) and not module.startswith("keras")) or (
            isinstance(registered, str) and ">" in registered)
        if isinstance(cls, str) and custom:
            raise ModelLoadError(_("it uses a custom object ({name}) that is not part of Keras").format(
                name=registered if isinstance(registered, str) else cls))
        stack.extend(v for v in node.values() if isinstance(v, (dict, list)))


def check_layers(config: dict) -> None:
    """Raise `UnsupportedModelError` naming every saved layer the views cannot show (from the config)."""
    from playground.cnn.kinds import chain_problems

    layers, problems = [], []
    for layer in _layers(config):
        if layer.get("class_name") == "InputLayer":
            cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
            shape = next((cfg[k] for k in _SHAPE_KEYS if _is_shape(cfg.get(k))), None)
            if shape is not None and len(shape) != 4:
                problems.append(_("the model's input must be an image (height, width, channels), not {shape}")
                                .format(shape=tuple(shape[1:])))
            continue
        cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        name = cfg.get("name") or layer.get("name") or "?"
        layers.append((str(layer.get("class_name")), str(name), cfg))
    problems += chain_problems(layers)
    if problems:
        raise UnsupportedModelError(unsupported_message(problems))


def check_model_size(config: dict) -> None:
    """Raise `ModelLoadError` (one line) when the model is too big to explain, or has a layer
    name TensorFlow cannot run; builds nothing."""
    for shape in _shapes(config):
        if len(shape) == 4 and any(_dim(d) > MAX_SIDE for d in shape[1:3]):
            raise ModelLoadError(_("the model's input is {shape}; the explainer shows inputs up to {side}×{side}")
                                 .format(shape=_shape_text(shape), side=MAX_SIDE))
    layers = [layer for layer in _layers(config) if layer.get("class_name") != "InputLayer"]
    if len(layers) > MAX_LAYERS:
        raise ModelLoadError(_("the model has {n} layers; the explainer shows at most {most}").format(
            n=len(layers), most=MAX_LAYERS))
    for layer in layers:
        name = (layer.get("config") or {}).get("name") if isinstance(layer.get("config"), dict) else None
        if isinstance(name, str) and not _RUNNABLE_NAME.fullmatch(name):
            raise ModelLoadError(_('the layer name "{name}" cannot be run by TensorFlow; rename it with '
                                   "letters, digits, _ . and - only").format(name=name))
    params = count_params(config)
    if params > MAX_PARAMS:
        raise ModelLoadError(_("the model has about {n} weights; the explainer shows at most {most}").format(
            n=f"{params:,}", most=f"{MAX_PARAMS:,}"))


def count_params(config: dict) -> int:
    """Weights of the model in `config`, counted from its layers' settings and shapes (no building).

    Each layer's input shape comes from its ``build_config`` when saved, else from the
    previous layer of the chain. Layers without weights count 0.
    """
    total = 0
    shape: tuple | None = None
    for layer in _layers(config):
        cls, cfg = layer.get("class_name"), layer.get("config") or {}
        built = (layer.get("build_config") or {}).get("input_shape")
        if _is_shape(built):
            shape = tuple(built)
        if cls == "InputLayer":
            shape = next((tuple(cfg[k]) for k in _SHAPE_KEYS if _is_shape(cfg.get(k))), shape)
            continue
        n, shape = _layer_params(cls, cfg, shape)
        total += n
    return total


def _layer_params(cls: str, cfg: dict, shape: tuple | None) -> tuple[int, tuple | None]:
    """(weights, output shape) of one layer given its input shape (None: unknown)."""
    last = _dim(shape[-1]) if shape else 0
    bias = 1 if cfg.get("use_bias", True) else 0
    if cls in ("Conv2D", "Conv1D", "Conv3D"):
        kernel = math.prod(_dim(k) for k in _as_list(cfg.get("kernel_size", 1)))
        filters = _dim(cfg.get("filters"))
        groups = max(1, _dim(cfg.get("groups", 1)))
        n = kernel * (last // groups) * filters + bias * filters
        return n, _conv_shape(shape, cfg, filters)
    if cls in ("DepthwiseConv2D", "SeparableConv2D"):
        kernel = math.prod(_dim(k) for k in _as_list(cfg.get("kernel_size", 1)))
        mult = max(1, _dim(cfg.get("depth_multiplier", 1)))
        filters = _dim(cfg.get("filters")) if cls == "SeparableConv2D" else last * mult
        n = kernel * last * mult + (last * mult * filters if cls == "SeparableConv2D" else 0) + bias * filters
        return n, _conv_shape(shape, cfg, filters)
    if cls == "Dense":
        units = _dim(cfg.get("units"))
        return last * units + bias * units, (shape[:-1] + (units,)) if shape else None
    if cls in ("BatchNormalization", "LayerNormalization"):
        return 4 * last if cls == "BatchNormalization" else 2 * last, shape
    if cls == "Embedding":
        return _dim(cfg.get("input_dim")) * _dim(cfg.get("output_dim")), None
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        pool = _as_list(cfg.get("pool_size", 2))
        strides = _as_list(cfg.get("strides") or pool)
        return 0, _conv_shape(shape, {"kernel_size": pool, "strides": strides,
                                      "padding": cfg.get("padding", "valid")}, last)
    if cls == "Flatten":
        return 0, (shape[0], math.prod(_dim(d) for d in shape[1:])) if shape else None
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return 0, (shape[0], shape[-1]) if shape else None
    if cls in ("ReLU", "Activation", "Dropout", "SpatialDropout2D", "Softmax", "LeakyReLU", "Rescaling"):
        return 0, shape
    return 0, None   # unknown layer: no weights counted, shape unknown until the next build_config


def _conv_shape(shape: tuple | None, cfg: dict, channels: int) -> tuple | None:
    if not shape or len(shape) != 4:
        return None
    kernel = _as_list(cfg.get("kernel_size", 1))
    strides = _as_list(cfg.get("strides", 1))
    sides = []
    for i, side in enumerate(shape[1:3]):
        k, s = _dim(kernel[min(i, len(kernel) - 1)]), max(1, _dim(strides[min(i, len(strides) - 1)]))
        side = _dim(side)
        # Anything but "same" is counted as "valid": a bad padding is refused by its kind later.
        sides.append(output_size(side, k, s, "same" if cfg.get("padding") == "same" else "valid"))
    return (shape[0], *sides, channels)


def _layers(config: dict) -> list[dict]:
    """Every layer in the config, nested models' layers included (the nested model itself not)."""
    found: list[dict] = []
    stack = [config]
    while stack:
        node = stack.pop()
        inner = node.get("config") if isinstance(node, dict) else None
        layers = inner.get("layers") if isinstance(inner, dict) else None
        if not isinstance(layers, list):
            continue
        for layer in layers:
            if not isinstance(layer, dict):
                continue
            sub = (layer.get("config") or {}) if isinstance(layer.get("config"), dict) else {}
            if isinstance(sub.get("layers"), list):
                stack.append(layer)
            else:
                found.append(layer)
    # Keep the saved order for the shape chain (the stack only reorders nested models).
    return found


def _shapes(node) -> list[list]:
    """Every shape-like value stored under a shape key anywhere in the config."""
    shapes, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _SHAPE_KEYS and _is_shape(value):
                    shapes.append(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return shapes


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(v is None or isinstance(v, int) for v in value) and bool(value)


def _dim(value) -> int:
    """A shape entry or setting as an int (None, unknown or nonsense count as 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) and value else [value]


def _shape_text(shape) -> str:
    return "×".join("?" if d is None else str(d) for d in shape[1:])
