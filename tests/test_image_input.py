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


# ---------------------------------------------------------------- hostile pictures (issue 23)

import subprocess
import sys
import textwrap
import time

from playground.datasets.image_input import MAX_ASPECT, read_image_file


def _one_line(exc: ImageInputError) -> str:
    text = str(exc)
    assert "\n" not in text and len(text) < 200, text
    assert "Traceback" not in text and "/" not in text.replace("1/", ""), text
    return text


@pytest.mark.parametrize("size", [(1, 300_000), (300_000, 1), (40, 40 * MAX_ASPECT + 1)])
def test_a_very_thin_image_is_refused_from_its_header(size):
    data = _encode(Image.new("L", size), "PNG", optimize=True)
    assert len(data) < 10_000
    start = time.perf_counter()
    with pytest.raises(ImageInputError, match="too thin") as caught:
        prepare_image(data, (64, 64, 3))
    assert time.perf_counter() - start < 5   # refused before decoding: no (28·N)×28 picture was made
    _one_line(caught.value)


def test_a_thin_image_within_the_limit_still_works():
    strip = np.zeros((20, 20 * MAX_ASPECT), np.uint8)
    strip[:, 10 * MAX_ASPECT - 5:10 * MAX_ASPECT + 5] = 255   # a bright centre, cropped into view
    out = prepare_image(_encode(Image.fromarray(strip, "L"), "PNG"), (28, 28, 1), invert=False)
    assert out.shape == (28, 28, 1) and out.max() > 0.9 and out.min() < 0.1


def test_a_model_asking_for_a_giant_input_is_refused_before_resizing():
    with pytest.raises(ImageInputError, match="too large"):
        prepare_image(_encode(_top_bright_bottom_dark(), "PNG"), (20_000, 20_000, 3))


_PEAK_RSS = textwrap.dedent('''
    import sys
    from playground.datasets.image_input import ImageInputError, prepare_image
    def status_mb(field):   # VmRSS: now; VmHWM: the peak (getrusage's would count the forking parent's)
        line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
        return int(line.split()[1]) / 1024
    data = open(sys.argv[1], "rb").read()
    base = status_mb("VmRSS")
    try:
        prepare_image(data, (64, 64, 3))
    except ImageInputError as exc:
        print("refused:", exc, file=sys.stderr)
    print(status_mb("VmHWM") - base)
''')


@pytest.mark.parametrize("kind", ["thin", "photo"])
def test_peak_memory_of_a_hostile_picture_is_bounded(kind, tmp_path):
    """Measured in a fresh process: the peak RSS above what the process held before the picture.

    Before issue 23 the 1×300,000 strip took gigabytes (resized to 19,200,000×64), and a flat
    36-megapixel JPEG +275 MB (decoded at full size, then copied); now it decodes at 1/8 scale."""
    path = tmp_path / "picture"
    if kind == "thin":
        Image.new("L", (1, 300_000)).save(path, "PNG", optimize=True)
    else:
        Image.new("RGB", (6000, 6000), (200, 120, 40)).save(path, "JPEG", quality=90)
    out = subprocess.run([sys.executable, "-c", _PEAK_RSS, str(path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    grown = float(out.stdout.strip().splitlines()[-1])
    assert grown < 100, f"{kind}: +{grown:.0f} MB"


def test_an_image_file_is_measured_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.png"
    with open(huge, "wb") as fh:      # a sparse 2 GiB file: no disk, but reading it would take 2 GiB
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(2**31)
    with pytest.raises(ImageInputError, match="2048.0 MB") as caught:
        read_image_file(huge)
    _one_line(caught.value)
    with pytest.raises(ImageInputError, match="no such file"):
        read_image_file(tmp_path / "missing.png")
    good = tmp_path / "good.png"
    good.write_bytes(_encode(_top_bright_bottom_dark(), "PNG"))
    assert prepare_image(read_image_file(good), (28, 28, 1)).shape == (28, 28, 1)


def _grey_ramp() -> np.ndarray:
    return np.tile(np.linspace(0, 1, 32), (32, 1))


def test_a_16_bit_grey_png_is_scaled_not_clipped():
    ramp = _grey_ramp()
    data = _encode(Image.fromarray((ramp * 65535).astype(np.uint16)), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    out = prepare_image(data, (32, 32, 1), invert=False)[:, :, 0]
    # Pillow's plain convert("L") would clip everything above 255/65535 to white.
    assert np.allclose(out, ramp, atol=0.02)


def test_a_float_tiff_is_scaled_by_its_range():
    ramp = _grey_ramp().astype(np.float32)
    out = prepare_image(_encode(Image.fromarray(ramp, "F"), "TIFF"), (32, 32, 1), invert=False)[:, :, 0]
    assert np.allclose(out, ramp, atol=0.02)


def test_a_lab_tiff_is_converted_by_colour_science():
    # L* = 50, a* = b* = 0 is a middle grey: sRGB 119 (Pillow's plain convert("RGB") gives 0, 84, 251).
    data = _encode(Image.new("LAB", (30, 30), (128, 128, 128)), "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "LAB"
    out = prepare_image(data, (28, 28, 3))
    assert np.allclose(out, 119 / 255, atol=2 / 255)


def test_a_cmyk_jpeg_and_a_transparent_palette_png_are_converted():
    cyan = _encode(Image.new("CMYK", (30, 30), (255, 0, 0, 0)), "JPEG", quality=95)
    out = prepare_image(cyan, (28, 28, 3))
    assert out[..., 0].max() < 0.1 and out[..., 1:].min() > 0.9      # cyan: no red, full green and blue

    palette = Image.new("P", (30, 30), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.paste(1, (10, 10, 20, 20))
    data = _encode(palette, "PNG", transparency=0)
    out = prepare_image(data, (30, 30, 3))
    assert np.allclose(out[0, 0], 1.0) and np.allclose(out[15, 15], (1.0, 0.0, 0.0), atol=0.02)


@pytest.mark.parametrize("damage", ["bad crc", "cut jpeg", "cut tiff", "header only"])
def test_every_decoder_failure_is_one_plain_line(damage):
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 256, (64, 64, 3), np.uint8), "RGB")
    if damage == "bad crc":
        data = bytearray(_encode(noise, "PNG"))
        data[40] ^= 0xFF    # inside the first IDAT chunk
        data = bytes(data)
    elif damage == "cut jpeg":
        data = _encode(noise, "JPEG")[:300]
    elif damage == "cut tiff":
        data = _encode(noise, "TIFF")[:500]
    else:
        data = _encode(noise, "PNG")[:33]
    with pytest.raises(ImageInputError) as caught:
        prepare_image(data, (28, 28, 3))
    text = _one_line(caught.value)
    assert not any(jargon in text.lower() for jargon in ("crc", "idat", "decoder", "broken", "errno", "syntax",
                                                          "error", "tile")), text
