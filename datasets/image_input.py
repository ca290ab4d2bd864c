"""Turning a user's picture or drawing into a model input.

`prepare_image` does what CNN Explainer does with an upload — resize the
shorter side to the model's input size, centre-crop, scale to [0, 1] — after
respecting the photo's EXIF orientation, flattening transparency onto white and
converting to the model's channel count.

MNIST digits are white on black. For a 1-channel model, `prepare_image` with
``invert=None`` inverts the picture when its border is bright (on average
above 0.5): a photo or scan of a dark digit on paper then looks like MNIST.
Pass ``invert=True`` / ``False`` to decide yourself.

`array_from_drawing` turns a digit drawn on a canvas into an MNIST-style input:
the ink's bounding box scaled to fit 20×20 inside 28×28 and its centre of mass
moved to the centre, as the MNIST images were made.
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024   # uploads larger than this are refused before decoding
MAX_PIXELS = 40_000_000        # and so are images with more pixels than this (decompression bombs)


class ImageInputError(ValueError):
    """The upload or drawing cannot be used as a model input (message is user-facing)."""


def _check_shape(shape) -> tuple[int, int, int]:
    try:
        h, w, c = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise ImageInputError(f"the model's input shape must be (height, width, channels), not {shape!r}") from None
    if c not in (1, 3):
        raise ImageInputError(f"pictures can be turned into 1 or 3 channels; the model expects {c}")
    if h < 1 or w < 1:
        raise ImageInputError(f"the model's input size {h}×{w} is empty")
    return h, w, c


def open_image(data: bytes) -> Image.Image:
    """Decode `data` fully into a Pillow image; every failure is an `ImageInputError`.

    Cheap for small files: callers can use it to reject a bad upload early.
    """
    if not data:
        raise ImageInputError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageInputError(f"the file is {len(data) / 2**20:.1f} MB; pictures up to "
                              f"{MAX_BYTES // 2**20} MB can be used")
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageInputError("the file is not an image Pillow can read (use a PNG or JPEG)") from None
    except Image.DecompressionBombError:
        raise ImageInputError(f"the image has too many pixels (the limit is {MAX_PIXELS / 1e6:.0f} megapixels)") from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure is "unreadable" to the user
        raise ImageInputError(f"the image could not be read ({exc})") from None
    # Image.open only reads the header: refuse huge images before decoding them.
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageInputError(f"the image is {width}×{height} = {width * height / 1e6:.0f} megapixels; "
                              f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels")
    if width == 0 or height == 0:
        raise ImageInputError("the image has no pixels")
    try:
        image.load()
    except Image.DecompressionBombError:
        raise ImageInputError(f"the image has too many pixels (the limit is {MAX_PIXELS / 1e6:.0f} megapixels)") from None
    except Exception as exc:  # noqa: BLE001 - truncated or damaged files fail in many ways
        raise ImageInputError(f"the image is damaged or truncated and could not be read ({exc})") from None
    return image


def _to_8bit_rgb_or_grey(image: Image.Image, channels: int) -> Image.Image:
    """Upright, alpha flattened onto white, in mode "L" (1 channel) or "RGB" (3)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit / float greys: scale to 8 bits by the format's range, not by clipping.
        values = np.asarray(image, np.float64)
        top = 1.0 if image.mode == "F" else (65535.0 if values.max() > 255 else 255.0)
        image = Image.fromarray(np.clip(values / top * 255.0, 0, 255).astype(np.uint8), mode="L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image.convert("L" if channels == 1 else "RGB")


def _resize_and_crop(image: Image.Image, height: int, width: int) -> Image.Image:
    """Scale so the image covers height×width (shorter side fits), then crop the centre."""
    w, h = image.size
    scale = max(height / h, width / w)
    new_w, new_h = max(width, round(w * scale)), max(height, round(h * scale))
    # reducing_gap: shrink big photos by fast integer steps first, then filter properly.
    image = image.resize((new_w, new_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    left, top = (new_w - width) // 2, (new_h - height) // 2
    return image.crop((left, top, left + width, top + height))


def prepare_image(data: bytes, shape: tuple[int, int, int], invert: bool | None = None) -> np.ndarray:
    """The bytes of a PNG/JPEG (any Pillow format) → float32 (H, W, C) in [0, 1] for the model.

    `shape` is the model's input (H, W, C) with C 1 (grey) or 3 (RGB).
    `invert=None` inverts a 1-channel image whose border is bright (see the
    module docstring). Raises `ImageInputError` with a user-facing message for
    empty, non-image, damaged, too large (bytes or pixels) input.
    """
    height, width, channels = _check_shape(shape)
    image = _to_8bit_rgb_or_grey(open_image(bytes(data)), channels)
    image = _resize_and_crop(image, height, width)
    array = np.asarray(image, np.float32) / 255.0
    if array.ndim == 2:
        array = array[:, :, None]
    if invert is None:
        invert = channels == 1 and _border_mean(array) > 0.5
    if invert:
        array = 1.0 - array
    return np.ascontiguousarray(array, dtype=np.float32)


def _border_mean(array: np.ndarray) -> float:
    """Mean of the outermost rows and columns of an (H, W, C) array."""
    border = np.concatenate([array[0].ravel(), array[-1].ravel(), array[:, 0].ravel(), array[:, -1].ravel()])
    return float(border.mean())


def array_from_drawing(strokes: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """A drawing (2-D float array in [0, 1], ink = 1, any size) → an MNIST-style input.

    The ink's bounding box is scaled (keeping its aspect ratio) to fit a box of
    20/28 of the input size, then placed so that its centre of mass is at the
    centre, as in MNIST. Returns float32 (H, W, C), ink = 1 in every channel.
    """
    height, width, channels = _check_shape(shape)
    strokes = np.asarray(strokes, np.float32)
    if strokes.ndim != 2:
        raise ImageInputError(f"a drawing must be a 2-D array, not {strokes.ndim}-D")
    strokes = np.clip(np.nan_to_num(strokes), 0.0, 1.0)
    rows, cols = np.nonzero(strokes > 0)
    if rows.size == 0:
        raise ImageInputError("the drawing is empty: draw something first")
    ink = strokes[rows.min():rows.max() + 1, cols.min():cols.max() + 1]

    box_h, box_w = max(1, round(height * 20 / 28)), max(1, round(width * 20 / 28))
    scale = min(box_h / ink.shape[0], box_w / ink.shape[1])
    new_h, new_w = max(1, round(ink.shape[0] * scale)), max(1, round(ink.shape[1] * scale))
    patch = np.asarray(Image.fromarray(ink, mode="F").resize((new_w, new_h), Image.Resampling.LANCZOS))
    patch = np.clip(patch, 0.0, 1.0)  # Lanczos rings slightly below 0 and above 1

    # Place the patch so its centre of mass (pixel centres at i + 0.5) is at the middle.
    mass = float(patch.sum())
    if mass > 0:
        com_r = (patch.sum(axis=1) @ (np.arange(new_h) + 0.5)) / mass
        com_c = (patch.sum(axis=0) @ (np.arange(new_w) + 0.5)) / mass
    else:  # a faint speck that vanished when scaled: centre its box instead
        com_r, com_c = new_h / 2, new_w / 2
    top = int(np.clip(round(height / 2 - com_r), 0, height - new_h))
    left = int(np.clip(round(width / 2 - com_c), 0, width - new_w))
    canvas = np.zeros((height, width), np.float32)
    canvas[top:top + new_h, left:left + new_w] = patch
    return np.repeat(canvas[:, :, None], channels, axis=2)
