"""CNN Explainer's 20 sample photos of ten Tiny ImageNet classes (64×64 RGB), shipped offline.

The JPEGs in ``tiny_imagenet/`` come from poloclub/cnn-explainer (MIT licence, see
``tiny_imagenet/LICENSE``). Each file is named ``<short class>_<n>.jpeg``; the class
order is CNN Explainer's (``src/config.js``), which is also the order of its
TinyVGG's outputs.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from playground.i18n import N_

# English names, marked for the catalogues: a page shows each through `_()` (the Ukrainian page
# says «коала»), while the CLI, the model file and the URLs keep these.
CLASS_NAMES = (N_("lifeboat"), N_("ladybug"), N_("pizza"), N_("bell pepper"), N_("school bus"),
               N_("koala"), N_("espresso"), N_("red panda"), N_("orange"), N_("sport car"))
# The short names in the sample files' names, in the class order above.
FILE_PREFIXES = ("boat", "bug", "pizza", "pepper", "bus", "koala", "espresso", "panda", "orange", "car")
SAMPLES_DIR = Path(__file__).resolve().parent / "tiny_imagenet"


@dataclass(frozen=True)
class Samples:
    """Sample images as float32 (N, H, W, C) in [0, 1], their labels and file names."""

    images: np.ndarray
    labels: np.ndarray
    files: tuple[str, ...]
    class_names: tuple[str, ...]


def label_of(file_name: str) -> int:
    """The class index a sample's file name says (``panda_3.jpeg`` → 7, red panda)."""
    return FILE_PREFIXES.index(file_name.split("_")[0])


@functools.lru_cache(maxsize=1)
def load_tiny_imagenet_samples() -> Samples:
    """All 20 samples, sorted by class and then by file name. Cached; the arrays are read-only.

    The pixels are fed unchanged, divided by 255, as CNN Explainer does for a 64×64 image.
    """
    paths = sorted(SAMPLES_DIR.glob("*.jpeg"), key=lambda p: (label_of(p.name), p.name))
    images = np.stack([np.asarray(Image.open(p).convert("RGB"), np.float32) / 255.0 for p in paths])
    labels = np.array([label_of(p.name) for p in paths], np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return Samples(images, labels, tuple(p.name for p in paths), CLASS_NAMES)
