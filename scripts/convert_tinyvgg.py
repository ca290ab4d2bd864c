"""Convert CNN Explainer's trained TinyVGG (a TensorFlow.js export) into the built-in `tiny-imagenet` model.

Run once; its output ships in playground/models/:

    .venv/bin/python scripts/convert_tinyvgg.py [--source scripts/cnn_explainer_tfjs]
                                                [--out playground/models/tinyvgg_tiny_imagenet.keras]

The source is poloclub/cnn-explainer's ``model.json`` and ``group1-shard1of1.bin``
(MIT licence, kept in ``scripts/cnn_explainer_tfjs/LICENSE``). The binary is
little-endian float32, every weight of ``weightsManifest`` concatenated in order
(kernel then bias per layer); conv kernels are already Keras's (kh, kw, in, out)
and the dense kernel (1690, 10), so each array is a reshape, not a transpose.
The architecture is the project's `build_tiny_vgg` (ReLU as its own layer, as
CNN Explainer's Activation layers): the converter checks that every layer name
and weight shape matches the export before writing anything.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "scripts" / "cnn_explainer_tfjs"
DEFAULT_OUT = ROOT / "playground" / "models" / "tinyvgg_tiny_imagenet.keras"


def read_tfjs_weights(source: Path) -> dict[str, np.ndarray]:
    """Every weight of the export by its manifest name ("conv_1_1/kernel", …), as float32 arrays."""
    manifest = json.loads((source / "model.json").read_text())["weightsManifest"]
    weights: dict[str, np.ndarray] = {}
    for group in manifest:
        data = b"".join((source / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32":
                raise ValueError(f"{spec['name']}: dtype {spec['dtype']}, expected float32")
            count = int(np.prod(spec["shape"]))
            array = np.frombuffer(data, "<f4", count=count, offset=offset).reshape(spec["shape"])
            weights[spec["name"]] = array.astype(np.float32)
            offset += 4 * count
        if offset != len(data):
            raise ValueError(f"{len(data) - offset} bytes of the weight file are not in the manifest")
    return weights


def tfjs_layer_names(source: Path) -> list[str]:
    """The export's layer names, in order."""
    topology = json.loads((source / "model.json").read_text())["modelTopology"]
    return [layer["config"]["name"] for layer in topology["model_config"]["config"]["layers"]]


def convert(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> Path:
    """Build TinyVGG, load the export's weights into it, save it with its class names."""
    from playground.cnn.catalogue import write_class_names
    from playground.cnn.model import TINY_VGG_LAYERS, build_tiny_vgg
    from playground.datasets.tiny_imagenet_samples import CLASS_NAMES

    if tuple(tfjs_layer_names(source)) != TINY_VGG_LAYERS:
        raise ValueError(f"the export's layers {tfjs_layer_names(source)} are not TinyVGG's {TINY_VGG_LAYERS}")
    weights = read_tfjs_weights(source)
    model = build_tiny_vgg(input_shape=(64, 64, 3), n_classes=len(CLASS_NAMES), name="tiny_vgg_tiny_imagenet")
    for layer in model.layers:
        if not layer.weights:
            continue
        arrays = [weights.pop(f"{layer.name}/kernel"), weights.pop(f"{layer.name}/bias")]
        expected = [tuple(w.shape) for w in layer.get_weights()]
        if [a.shape for a in arrays] != expected:
            raise ValueError(f"{layer.name}: export shapes {[a.shape for a in arrays]}, model {expected}")
        layer.set_weights(arrays)
    if weights:
        raise ValueError(f"weights left over: {sorted(weights)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    write_class_names(out, list(CLASS_NAMES))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with model.json and the .bin")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    out = convert(args.source, args.out)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
