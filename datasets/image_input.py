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
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024   # uploads larger than this are refused before decoding
MAX_PIXELS = 40_000_000        # and so are images with more pixels than this (decompression bombs)
# A picture longer than this many times its width (or the reverse) is refused from its header: the
# shorter side is scaled to the model's input, so a 1×300,000 strip would become (28·300,000)×28.
MAX_ASPECT = 20
# The picture as resized, before the centre crop, never has more pixels than this (bounded by
# MAX_ASPECT for the model's own input sizes; it also refuses a model asking for a giant input).
MAX_RESIZED_PIXELS = 4_000_000
# Modes whose numbers are not 8-bit: scaled to 0–255 by their range, not clipped (Pillow clips).
_WIDE_GREYS = {"I;16": 65535, "I;16L": 65535, "I;16B": 65535, "I;16N": 65535, "F": 1}


class ImageInputError(ValueError):
    """The upload or drawing cannot be used as a model input (message is user-facing, one line)."""


def _check_shape(shape) -> tuple[int, int, int]:
    try:
        h, w, c = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise ImageInputError("the model's input shape must be (height, width, channels)") from None
    if c not in (1, 3):
        raise ImageInputError(f"pictures can be turned into 1 or 3 channels; the model expects {c}")
    if h < 1 or w < 1:
        raise ImageInputError(f"the model's input size {h}×{w} is empty")
    if h * w > MAX_RESIZED_PIXELS:
        raise ImageInputError(f"the model's input size {h}×{w} is too large for a picture "
                              f"(at most {MAX_RESIZED_PIXELS / 1e6:.0f} megapixels)")
    return h, w, c


def _too_many_bytes(size: int) -> ImageInputError:
    return ImageInputError(f"the file is {size / 2**20:.1f} MB; pictures up to {MAX_BYTES // 2**20} MB can be used")


def read_image_file(path) -> bytes:
    """A picture file's bytes, its size checked before a byte is read (a 2 GB file is never read)."""
    import os

    try:
        size = os.stat(path).st_size
    except OSError:
        raise ImageInputError("there is no such file") from None
    if size > MAX_BYTES:
        raise _too_many_bytes(size)
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError:
        raise ImageInputError("the file could not be read") from None


def _check_size(width: int, height: int) -> None:
    """Refuse, from the header, pictures too large or too thin to resize within bounds."""
    if width < 1 or height < 1:
        raise ImageInputError("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageInputError(f"the image is {width}×{height} = {width * height / 1e6:.0f} megapixels; "
                              f"the limit is {MAX_PIXELS / 1e6:.0f} megapixels")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageInputError(f"the image is {width}×{height}, too thin to show: a picture may be at most "
                              f"{MAX_ASPECT} times as long as it is wide")


def open_image(data: bytes) -> Image.Image:
    """Decode `data` fully into a Pillow image; every failure is an `ImageInputError`.

    Cheap for small files: callers can use it to reject a bad upload early.
    """
    return _decode(data, None)


def _decode(data: bytes, target: tuple[int, int] | None) -> Image.Image:
    """`open_image`; with `target` (height, width), a JPEG decodes straight at a smaller scale that still
    covers it (Pillow's draft mode), so a 40-megapixel photo never takes 120 MB."""
    if not data:
        raise ImageInputError("the file is empty")
    if len(data) > MAX_BYTES:
        raise _too_many_bytes(len(data))
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageInputError("the file is not an image Pillow can read (use a PNG or JPEG)") from None
    except Image.DecompressionBombError:
        raise ImageInputError(f"the image has too many pixels (the limit is {MAX_PIXELS / 1e6:.0f} megapixels)") from None
    except Exception:  # noqa: BLE001 - any decoder failure is "unreadable" to the user; its text is jargon
        raise ImageInputError("the file is not an image Pillow can read (use a PNG or JPEG)") from None
    # Image.open only reads the header: refuse huge or thin images before decoding them.
    _check_size(*image.size)
    try:
        if target is not None and image.format == "JPEG":
            # Both sides at least the model's larger side: it still covers after an EXIF turn by 90°.
            scale = max(target) / min(image.size)
            image.draft(image.mode, (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale))))
        image.load()
    except Image.DecompressionBombError:
        raise ImageInputError(f"the image has too many pixels (the limit is {MAX_PIXELS / 1e6:.0f} megapixels)") from None
    except Exception:  # noqa: BLE001 - truncated or damaged files fail in many ways, all with jargon
        raise ImageInputError("the image is damaged or truncated and could not be read") from None
    return image


def _to_8bit_rgb_or_grey(image: Image.Image, channels: int) -> Image.Image:
    """Upright, alpha flattened onto white, in mode "L" (1 channel) or "RGB" (3)."""
    try:
        return _convert(image, channels)
    except ImageInputError:
        raise
    except Exception:  # noqa: BLE001 - a mode Pillow cannot convert (or a broken EXIF): one line
        raise ImageInputError(f"its colour mode {image.mode} cannot be converted; save it as an RGB PNG or "
                              f"JPEG") from None


def _convert(image: Image.Image, channels: int) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in _WIDE_GREYS or image.mode == "I":
        # 16-bit and float greys: scaled by the format's range (Image.convert would clip them). Mode "I"
        # holds 16-bit files too: scaled as 16-bit when a value is above 8 bits.
        top = _WIDE_GREYS.get(image.mode) or (65535 if image.getextrema()[1] > 255 else 255)
        image = (image if image.mode == "F" else image.convert("I")).point(lambda v: v * (255 / top)).convert("L")
    elif image.mode == "LAB":
        # Pillow's plain convert() reads L*a*b* numbers as if they were RGB: its colour engine converts them.
        lab_to_srgb = ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"),
                                              "LAB", "RGB")
        image = ImageCms.applyTransform(image, lab_to_srgb)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
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
    if new_w * new_h > MAX_RESIZED_PIXELS:   # cannot happen within MAX_ASPECT; a guard all the same
        raise ImageInputError(f"the image is {w}×{h}, too thin to show at {height}×{width}")
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
    image = _to_8bit_rgb_or_grey(_decode(bytes(data), (height, width)), channels)
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
