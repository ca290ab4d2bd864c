"""The CNN step-through maths: every number the explainer shows, in numpy.

One Keras call gives every layer's output for an image (`explain`); everything
the step-through shows on top of that — a conv window's element-wise products
and sum plus bias, each input channel's intermediate map, ReLU, a pool window
and its max, the row-major flatten, the logits and the softmax terms — is
computed here in plain numpy from the model's own weights. The tests check each
piece against Keras's own layer outputs.

Conventions: images and feature maps are channels-last ``(H, W, C)`` without a
batch axis; kernels are Keras's ``(kh, kw, c_in, c_out)``; dense kernels
``(n_in, n_out)``. Padding is Keras's: ``"valid"`` (no padding) or ``"same"``
(output size ceil(in / stride), zero padding split with the extra row/column at
the bottom/right). Max-pooling never picks a padded cell.

Importing this module does not import TensorFlow; only `explain` needs Keras.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Pair = tuple[int, int]


# --------------------------------------------------------------------------
# Geometry: output sizes and the input window behind an output cell.

def _pair(value) -> Pair:
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    a, b = value
    return int(a), int(b)


def output_size(in_size: int, window: int, stride: int = 1, padding: str = "valid") -> int:
    """Keras's output length along one axis (0 when the window does not fit)."""
    if padding == "valid":
        return max((in_size - window) // stride + 1, 0)
    if padding == "same":
        return math.ceil(in_size / stride)
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")


def _padding_amounts(in_size: int, window: int, stride: int, padding: str) -> Pair:
    """(before, after) padding along one axis; TensorFlow puts an odd extra row/column after."""
    if padding == "valid":
        return 0, 0
    total = max((output_size(in_size, window, stride, padding) - 1) * stride + window - in_size, 0)
    return total // 2, total - total // 2


def padding_before(in_size: int, window: int, stride: int = 1, padding: str = "valid") -> int:
    """Rows (or columns) of padding Keras adds before the input along one axis."""
    return _padding_amounts(in_size, window, stride, padding)[0]


def input_window(in_hw: Pair, row: int, col: int, window: Pair,
                 strides: Pair = (1, 1), padding: str = "valid") -> tuple[int, int, int, int]:
    """The input cells read for output cell (row, col): ``(row0, col0, h, w)``.

    The rectangle is clipped to the input, so with ``"same"`` padding a border
    cell's window is smaller than the kernel (the rest is padding).
    """
    (ih, iw), (kh, kw), (sh, sw) = _pair(in_hw), _pair(window), _pair(strides)
    oh, ow = output_size(ih, kh, sh, padding), output_size(iw, kw, sw, padding)
    if not (0 <= row < oh and 0 <= col < ow):
        raise IndexError(f"output cell ({row}, {col}) is outside the {oh}×{ow} output")
    top = row * sh - padding_before(ih, kh, sh, padding)
    left = col * sw - padding_before(iw, kw, sw, padding)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + kh, ih), min(left + kw, iw)
    return r0, c0, r1 - r0, c1 - c0


def _padded_window(x: np.ndarray, row: int, col: int, window: Pair, strides: Pair,
                   padding: str, fill: float) -> np.ndarray:
    """The (kh, kw, C) slice of `x` behind output cell (row, col), padding cells = `fill`."""
    ih, iw = x.shape[:2]
    (kh, kw), (sh, sw) = window, strides
    oh, ow = output_size(ih, kh, sh, padding), output_size(iw, kw, sw, padding)
    if not (0 <= row < oh and 0 <= col < ow):
        raise IndexError(f"output cell ({row}, {col}) is outside the {oh}×{ow} output")
    top = row * sh - padding_before(ih, kh, sh, padding)
    left = col * sw - padding_before(iw, kw, sw, padding)
    out = np.full((kh, kw) + x.shape[2:], fill, dtype=x.dtype)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + kh, ih), min(left + kw, iw)
    out[r0 - top:r1 - top, c0 - left:c1 - left] = x[r0:r1, c0:c1]
    return out


def _windows(x: np.ndarray, window: Pair, strides: Pair, padding: str, fill: float) -> np.ndarray:
    """All windows of `x` (H, W, C) as an (oh, ow, C, kh, kw) view, padding cells = `fill`."""
    (kh, kw), (sh, sw) = window, strides
    ih, iw = x.shape[:2]
    oh, ow = output_size(ih, kh, sh, padding), output_size(iw, kw, sw, padding)
    if oh == 0 or ow == 0:
        raise ValueError(f"a {kh}×{kw} window does not fit a {ih}×{iw} input with padding {padding!r}")
    (pt, pb), (pl, pr) = _padding_amounts(ih, kh, sh, padding), _padding_amounts(iw, kw, sw, padding)
    if pt or pb or pl or pr:
        x = np.pad(x, ((pt, pb), (pl, pr), (0, 0)), constant_values=fill)
    view = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(0, 1))
    return view[::sh, ::sw][:oh, :ow]


# --------------------------------------------------------------------------
# Convolution.

def conv_forward(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None,
                 strides: Pair = (1, 1), padding: str = "valid") -> np.ndarray:
    """A whole Conv2D (before its activation): (H, W, c_in) → (oh, ow, c_out), float32."""
    kh, kw, c_in, c_out = kernel.shape
    x = np.asarray(x, np.float32)
    if x.shape[2] != c_in:
        raise ValueError(f"input has {x.shape[2]} channels, the kernel expects {c_in}")
    windows = _windows(x, (kh, kw), _pair(strides), padding, 0.0)  # (oh, ow, c_in, kh, kw)
    out = np.einsum("yxcij,ijco->yxo", windows, kernel, optimize=True)
    if bias is not None:
        out = out + bias
    return out.astype(np.float32)


def conv_intermediate(x: np.ndarray, kernel: np.ndarray, in_ch: int, out_ch: int,
                      strides: Pair = (1, 1), padding: str = "valid") -> np.ndarray:
    """One input channel correlated with its kernel slice: an (oh, ow) map.

    This is CNN Explainer's "intermediate" map: summing it over every input
    channel and adding the bias gives output channel `out_ch` of the conv.
    """
    kh, kw = kernel.shape[:2]
    channel = np.asarray(x, np.float32)[:, :, in_ch:in_ch + 1]
    windows = _windows(channel, (kh, kw), _pair(strides), padding, 0.0)[:, :, 0]  # (oh, ow, kh, kw)
    return np.einsum("yxij,ij->yx", windows, kernel[:, :, in_ch, out_ch]).astype(np.float32)


@dataclass
class ConvWindow:
    """The numbers behind one output cell of a conv, before its activation."""

    window: np.ndarray    # (kh, kw, c_in) input values under the kernel (0 where padding)
    kernel: np.ndarray    # (kh, kw, c_in) the output channel's kernel
    products: np.ndarray  # (kh, kw, c_in) window * kernel, element by element
    total: float          # sum of the products
    bias: float           # the output channel's bias
    output: float         # total + bias: the conv's (pre-activation) output at the cell


def conv_window(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, out_ch: int,
                row: int, col: int, strides: Pair = (1, 1), padding: str = "valid") -> ConvWindow:
    """The window of `x` whose products with the kernel land at output cell (row, col)."""
    kh, kw = kernel.shape[:2]
    window = _padded_window(np.asarray(x, np.float32), row, col, (kh, kw), _pair(strides), padding, 0.0)
    k = kernel[:, :, :, out_ch]
    products = window * k
    total = float(products.sum(dtype=np.float64))
    b = 0.0 if bias is None else float(bias[out_ch])
    return ConvWindow(window, k, products, total, b, total + b)


# --------------------------------------------------------------------------
# Activations and pooling.

def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), element by element."""
    return np.maximum(x, 0).astype(np.float32)


@dataclass
class PoolWindow:
    """The numbers behind one output cell of a max-pool."""

    window: np.ndarray  # (ph, pw) input values of one channel (NaN where padding)
    argmax: Pair        # (r, c) of the max inside the window
    value: float        # the max: the pool's output at the cell


def pool_window(x: np.ndarray, channel: int, row: int, col: int, pool_size: Pair = (2, 2),
                strides: Pair | None = None, padding: str = "valid") -> PoolWindow:
    """The pool window of one channel whose max lands at output cell (row, col)."""
    pool_size = _pair(pool_size)
    strides = pool_size if strides is None else _pair(strides)
    x = np.asarray(x, np.float32)[:, :, channel:channel + 1]
    window = _padded_window(x, row, col, pool_size, strides, padding, np.nan)[:, :, 0]
    r, c = np.unravel_index(np.nanargmax(window), window.shape)
    return PoolWindow(window, (int(r), int(c)), float(window[r, c]))


def max_pool_forward(x: np.ndarray, pool_size: Pair = (2, 2), strides: Pair | None = None,
                     padding: str = "valid") -> np.ndarray:
    """A whole MaxPooling2D: (H, W, C) → (oh, ow, C)."""
    pool_size = _pair(pool_size)
    strides = pool_size if strides is None else _pair(strides)
    windows = _windows(np.asarray(x, np.float32), pool_size, strides, padding, -np.inf)
    return windows.max(axis=(3, 4)).astype(np.float32)


# --------------------------------------------------------------------------
# Flatten, dense and softmax.

def flatten_index(shape_hwc: tuple[int, int, int], row: int, col: int, ch: int) -> int:
    """Position of map cell (row, col, ch) in Keras's Flatten output (row-major, channels last)."""
    h, w, c = shape_hwc
    if not (0 <= row < h and 0 <= col < w and 0 <= ch < c):
        raise IndexError(f"cell ({row}, {col}, {ch}) is outside a {h}×{w}×{c} map")
    return (row * w + col) * c + ch


def unflatten_index(shape_hwc: tuple[int, int, int], i: int) -> tuple[int, int, int]:
    """The map cell (row, col, ch) that lands at position `i` of the flattened vector."""
    h, w, c = shape_hwc
    if not 0 <= i < h * w * c:
        raise IndexError(f"index {i} is outside a flattened {h}×{w}×{c} map")
    pixel, ch = divmod(i, c)
    row, col = divmod(pixel, w)
    return row, col, ch


def dense_forward(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """A Dense layer before its activation: x @ kernel + bias, float32."""
    out = np.asarray(x, np.float32) @ kernel
    if bias is not None:
        out = out + bias
    return out.astype(np.float32)


@dataclass
class SoftmaxTerms:
    """Softmax written out: exp(logit - max) / Σ exp(logit - max)."""

    logits: np.ndarray         # (N,) the dense layer's outputs
    shifted: np.ndarray        # logits - max(logits): keeps exp from overflowing
    exps: np.ndarray           # exp(shifted)
    total: float               # Σ exps
    probabilities: np.ndarray  # exps / total


def softmax_terms(logits: np.ndarray) -> SoftmaxTerms:
    """Every intermediate term of the softmax of `logits` (computed in float64)."""
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max()
    exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxTerms(logits, shifted, exps, total, exps / total)


# --------------------------------------------------------------------------
# One image through the whole model.

@dataclass
class LayerTrace:
    """One step of the model for one image, with what is needed to explain it.

    ``kind`` names a layer kind of the registry, `playground.cnn.kinds` (``"input"``,
    ``"conv"``, ``"relu"``, ``"pool"``, ``"batchnorm"``, ``"flatten"``, ``"dense"``,
    ``"softmax"`` …), which computes and shows it. A layer with a fused activation
    (``Conv2D(activation="relu")``, ``Dense(activation="softmax")``) gives two
    traces: ``"<name>"`` (its pre-activation output, computed in numpy from the
    weights) then ``"<name>_relu"`` / ``"<name>_softmax"`` (Keras's output).
    Every other trace's output is Keras's own layer output.
    """

    name: str
    kind: str
    output: np.ndarray                  # float32: (H, W, C) maps or (N,) vectors
    input: np.ndarray | None = None     # the previous trace's output
    kernel: np.ndarray | None = None    # conv (kh, kw, c_in, c_out); dense (n_in, n_out)
    bias: np.ndarray | None = None      # (c_out,) / (n_out,); zeros when the layer has none
    strides: Pair | None = None         # conv and pool
    padding: str | None = None          # conv and pool: "valid" or "same"
    pool_size: Pair | None = None       # pool
    extra: dict = field(default_factory=dict)  # a kind's other numbers (BatchNormalization's γ, β, μ, σ², ε)


@dataclass
class Explanation:
    """Everything the views show for one image."""

    image: np.ndarray              # (H, W, C) the model's input
    traces: list[LayerTrace]       # model order; traces[0] is the input, traces[-1] the model's output
    class_names: list[str]
    logits: np.ndarray             # (n_classes,) the output layer before softmax
    probabilities: np.ndarray      # (n_classes,) Keras's softmax output (numpy's softmax of the
                                   # logits when the model itself ends without one)
    predicted: int                 # argmax of probabilities
    by_name: dict[str, LayerTrace] = field(init=False, repr=False)

    def __post_init__(self):
        self.by_name = {t.name: t for t in self.traces}

    def trace(self, name: str) -> LayerTrace:
        """The trace called `name` (KeyError naming the known ones otherwise)."""
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"no layer {name!r}; layers: {', '.join(self.by_name)}") from None

    @property
    def predicted_name(self) -> str:
        return self.class_names[self.predicted]


def _all_outputs_fn(model):
    """(layers, fn): fn(batch of one image) returns every layer's output; built once per model.

    A multi-output Keras model wrapped in one `tf.function` with a fixed input
    signature: traced once (~0.3 s), then a few milliseconds per image (calling
    the multi-output model eagerly costs ~90 ms, as Keras evaluates each output's
    whole prefix of layers again). It is kept on the model object itself, inside
    a plain holder so that Keras does not track it as a sub-layer: it lives and
    dies with the model, and two models never share one.
    """
    holder = model.__dict__.get("_playground_all_outputs")
    if holder is None:
        import keras
        import tensorflow as tf

        layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        all_outputs = keras.Model(model.inputs[0], [layer.output for layer in layers])
        signature = tf.TensorSpec((1, *model.inputs[0].shape[1:]), tf.float32)
        fn = tf.function(lambda x: all_outputs(x, training=False), input_signature=[signature])
        holder = _Holder((layers, fn))
        object.__setattr__(model, "_playground_all_outputs", holder)
    return holder.value


class _Holder:
    # A plain object: Keras's attribute tracking ignores it.
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _check_image(model, image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if image.ndim == 2 and len(expected) == 3 and expected[2] == 1:
        image = image[:, :, None]
    if image.shape != expected:
        raise ValueError(f"the model expects an image of shape {expected}, got {image.shape}")
    return image


def explain(model, image: np.ndarray, class_names: list[str] | None = None) -> Explanation:
    """Run `image` (H, W, C) through `model` once and build every layer's trace.

    `model` must pass `playground.cnn.loading.check_supported`. Keras gives
    every layer's output in one call; each layer's kind (`playground.cnn.kinds`)
    turns it into traces, fused activations getting their pre-activation
    output from the numpy maths above.
    """
    from playground.cnn.kinds import INPUT, kind_of, layer_kind

    image = _check_image(model, image)
    layers, all_outputs = _all_outputs_fn(model)
    outputs = all_outputs(image[None])
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    traces = [LayerTrace("input", INPUT.name, image)]
    for layer, out in zip(layers, outputs):
        previous = traces[-1].output
        kind, problem = layer_kind(type(layer).__name__, layer.get_config(), previous.ndim == 1)
        if kind is None:
            raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) cannot be explained: {problem}")
        traces.extend(kind.traces(layer, out.numpy()[0].astype(np.float32), previous))

    final = traces[-1]
    if kind_of(final).gives_probabilities:
        logits, probabilities = final.input, final.output
    else:
        logits = final.output
        probabilities = softmax_terms(logits).probabilities.astype(np.float32)
    if class_names is None:
        class_names = [str(i) for i in range(len(logits))]
    if len(class_names) != len(logits):
        raise ValueError(f"the model has {len(logits)} classes but {len(class_names)} class names were given")
    return Explanation(image, traces, list(class_names), logits, probabilities,
                       int(np.argmax(probabilities)))
