"""Uploaded pictures and drawings → model inputs (no TensorFlow needed)."""
import io

import numpy as np
import pytest
from PIL import Image

from playground.datasets.image_input import (
    MAX_BYTES, ImageInputError, array_from_drawing, prepare_image)


def _encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _top_bright_bottom_dark(width=60, height=90) -> Image.Image:
    """An upright picture: white top half, black bottom half (portrait)."""
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[: height // 2] = 255
    return Image.fromarray(pixels, "RGB")


def test_a_rotated_jpeg_with_an_exif_orientation_comes_out_upright():
    upright = _top_bright_bottom_dark()
    # A camera held sideways stores the pixels turned and says so in EXIF:
    # orientation 6 = "turn 90° clockwise to display".
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _encode(stored, "JPEG", quality=95, exif=exif.tobytes())

    out = prepare_image(data, (28, 28, 3))
    assert out.shape == (28, 28, 3) and out.dtype == np.float32
    assert out[:12].mean() > 0.95 and out[-12:].mean() < 0.05  # bright top, dark bottom
    # Ignoring the tag would have put the bright half on one side instead.
    assert abs(out[:, :12].mean() - out[:, -12:].mean()) < 0.05


def test_a_png_with_alpha_is_flattened_onto_white():
    rgba = np.zeros((40, 40, 4), np.uint8)  # transparent black everywhere ...
    rgba[10:30, 10:30] = (0, 0, 0, 255)      # ... but an opaque black square in the middle
    data = _encode(Image.fromarray(rgba, "RGBA"), "PNG")

    rgb = prepare_image(data, (40, 40, 3))
    assert rgb[0].min() == 1.0 and rgb[:, 0].min() == 1.0  # transparent border → white
    assert rgb[15:25, 15:25].max() == 0.0                 # the opaque square stays black

    grey = prepare_image(data, (40, 40, 1), invert=False)
    assert grey.shape == (40, 40, 1) and np.allclose(grey, rgb[:, :, :1])


def test_dark_digit_on_paper_is_inverted_for_a_grey_model_only_when_asked_or_bright_bordered():
    paper = np.full((56, 56), 230, np.uint8)
    paper[14:42, 24:32] = 20  # a dark "1"
    data = _encode(Image.fromarray(paper, "L"), "PNG")
    auto = prepare_image(data, (28, 28, 1))
    assert auto[0].max() < 0.15 and auto[12, 14, 0] > 0.85  # white digit on black, like MNIST
    kept = prepare_image(data, (28, 28, 1), invert=False)
    assert np.allclose(kept, 1.0 - auto, atol=1e-6)
    colour = prepare_image(data, (28, 28, 3))  # RGB models are never auto-inverted
    assert colour[0].min() > 0.85
    # Already MNIST-like (dark border): left alone.
    mnist_like = _encode(Image.fromarray(255 - paper, "L"), "PNG")
    assert np.allclose(prepare_image(mnist_like, (28, 28, 1)), auto, atol=1e-6)


def test_the_shorter_side_is_resized_and_the_centre_cropped():
    wide = np.zeros((100, 200), np.uint8)
    wide[:, 50:150] = 255  # only the middle half is white
    out = prepare_image(_encode(Image.fromarray(wide, "L"), "PNG"), (28, 28, 1), invert=False)
    assert out.shape == (28, 28, 1)
    assert out.min() > 0.9  # the black side bands were cropped away
    tall = prepare_image(_encode(Image.fromarray(wide.T.copy(), "L"), "PNG"), (16, 32, 3), invert=False)
    assert tall.shape == (16, 32, 3) and 0.0 <= tall.min() and tall.max() <= 1.0


def test_output_is_float32_in_unit_range_for_a_real_photo_like_image():
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    out = prepare_image(_encode(Image.fromarray(noise, "RGB"), "JPEG"), (64, 64, 3))
    assert out.shape == (64, 64, 3) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0 and out.std() > 0.01


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"%PDF-1.4 this is not a picture at all" * 10, "not an image"),
    (b"def main():\n    pass\n", "not an image"),
])
def test_non_images_get_a_clear_message(data, words):
    with pytest.raises(ImageInputError, match=words):
        prepare_image(data, (28, 28, 1))


def test_a_truncated_image_gets_a_clear_message():
    data = _encode(Image.fromarray(np.random.default_rng(1).integers(0, 256, (200, 200, 3), np.uint8)), "PNG")
    with pytest.raises(ImageInputError, match="damaged or truncated"):
        prepare_image(data[: len(data) // 2], (28, 28, 3))


def test_oversized_uploads_are_refused_and_the_next_upload_still_works():
    too_many_bytes = b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES)
    with pytest.raises(ImageInputError, match="MB"):
        prepare_image(too_many_bytes, (28, 28, 1))

    # A real PNG of 8000×6000 = 48 megapixels that compresses to a few kilobytes:
    # refused from its header, before the pixels are decoded.
    bomb = _encode(Image.new("1", (8000, 6000)), "PNG", optimize=True)
    assert len(bomb) < MAX_BYTES
    with pytest.raises(ImageInputError, match="megapixels"):
        prepare_image(bomb, (28, 28, 1))

    ok = prepare_image(_encode(_top_bright_bottom_dark(), "PNG"), (28, 28, 1))
    assert ok.shape == (28, 28, 1)


def test_a_model_with_an_unusual_channel_count_gets_a_clear_message():
    with pytest.raises(ImageInputError, match="1 or 3 channels"):
        prepare_image(_encode(_top_bright_bottom_dark(), "PNG"), (28, 28, 4))


def test_a_drawing_is_centred_and_scaled_like_mnist():
    pad = np.zeros((280, 280), np.float32)
    pad[30:150, 180:220] = 1.0  # a tall stroke, far up and to the right
    out = array_from_drawing(pad, (28, 28, 1))
    assert out.shape == (28, 28, 1) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0
    ink = out[:, :, 0]
    rows, cols = np.nonzero(ink > 0.05)
    assert rows.max() - rows.min() + 1 in (20, 21, 22)  # the long side fills 20 px (+ filter spill)
    assert cols.max() - cols.min() + 1 <= 10            # the aspect ratio is kept
    mass = ink.sum()
    com = ((ink.sum(1) @ (np.arange(28) + 0.5)) / mass, (ink.sum(0) @ (np.arange(28) + 0.5)) / mass)
    assert abs(com[0] - 14) <= 1 and abs(com[1] - 14) <= 1
    rgb = array_from_drawing(pad, (32, 32, 3))
    assert rgb.shape == (32, 32, 3) and np.array_equal(rgb[:, :, 0], rgb[:, :, 2])


def test_an_empty_drawing_gets_a_clear_message():
    with pytest.raises(ImageInputError, match="empty"):
        array_from_drawing(np.zeros((100, 100)), (28, 28, 1))
    with pytest.raises(ImageInputError, match="2-D"):
        array_from_drawing(np.zeros((10, 10, 3)), (28, 28, 1))
