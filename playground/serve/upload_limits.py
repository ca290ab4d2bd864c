"""Model uploads bounded before Keras sees them: what an archive may hold, checked from its directory.

A `.keras` file is a zip archive. Keras reads its `config.json`, builds every layer it
names, then reads the weights; a few hostile bytes can make each step cost gigabytes or
minutes (a weights member of 1 GiB packed into 1 MB, a config of 1,000 layers that Keras
builds recursively), and Keras unpacks an archive of more than three members into
`tempfile.mkdtemp()` and leaks that folder when the extraction fails (a bad CRC).

`checked_keras_archive` does every check that needs no Keras, then hands Keras a clean
copy that holds only the members Keras reads (so it never unpacks anything into a folder
of its own), in a scratch folder removed when the block ends, whether loading succeeded
or failed. Both pages and the CLI load through it:

    with checked_keras_archive(data_or_path, limits) as (path, config):
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Iterator

from playground.i18n import _
from playground.serve.user_text import echo

CONFIG = "config.json"
WEIGHTS = "model.weights.h5"
# The members Keras 3 reads from a .keras archive. Assets (only text-lookup layers have them) are never
# needed here, and .npz weights (an archive in the archive, which Keras can also read) are not taken.
KERAS_MEMBERS = (CONFIG, "metadata.json", WEIGHTS)
MB = 1_000_000
_COPY_CHUNK = 1 << 20


# The largest upload a page takes (a CNN model; the CNN page's own check says the same), and the websocket
# message that carries it: a browser sends an upload base64-encoded (4/3 of its size) in one JSON message.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
WEBSOCKET_MAX_BYTES = MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024


class ArchiveRefused(ValueError):
    """The archive is over a limit or damaged; the message is one line, for the user."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What one model upload may hold. The defaults are the CNN page's; `DENSE` is the dense page's."""
    max_members: int = 16               # files in the archive (Keras writes 3)
    max_member_bytes: int = 200 * MB    # each file, uncompressed
    max_total_bytes: int = 250 * MB     # all files together, uncompressed
    max_config_bytes: int = 2 * MB      # config.json
    max_layers: int = 200               # layer objects anywhere in the config (nested models included)
    max_depth: int = 4                  # models inside models
    max_weight_values: int = 50_000_000  # numbers in all the weights arrays (float32: 200 MB)


# The dense playground's largest network: 8 features, 6 hidden layers of 16, 5 outputs, each Dense
# with a Dropout and a LeakyReLU: about 1,500 weights and 20 layers.
DENSE = ArchiveLimits(max_member_bytes=4 * MB, max_total_bytes=8 * MB, max_config_bytes=256_000, max_layers=40,
                      max_depth=2, max_weight_values=100_000)
MODEL = ArchiveLimits()


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def check_members(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Refuse an archive from its directory alone: too many members, or members too large once unpacked."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveRefused(_("the archive holds {n} files; a .keras file may hold at most {most}").format(
            n=len(members), most=limits.max_members))
    total = 0
    for info in members:
        if info.file_size > limits.max_member_bytes:
            raise ArchiveRefused(_("{member} in the archive would unpack to {size} MB; at most {most} MB").format(
                member=echo(info.filename), size=_mb(info.file_size), most=_mb(limits.max_member_bytes)))
        total += info.file_size
    if total > limits.max_total_bytes:
        raise ArchiveRefused(_("the archive would unpack to {size} MB in all; at most {most} MB").format(
            size=_mb(total), most=_mb(limits.max_total_bytes)))
    names = {info.filename for info in members}
    if CONFIG not in names:
        raise ArchiveRefused(_("the archive has no config.json: it is not a model saved by Keras 3"))
    if WEIGHTS not in names:
        raise ArchiveRefused(_("the archive has no weights file (model.weights.h5)"))


def layer_count_and_depth(config) -> tuple[int, int]:
    """(layer objects, models-in-models depth) of a Keras config, walked without recursion.

    A layer object is a dict with "class_name" and "config"; its depth is the number of
    layer lists ("layers") above it. Walking with a stack keeps a config nested 10,000 deep
    from exhausting Python's recursion.
    """
    layers, deepest = 0, 0
    stack = [(config, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if "class_name" in node and isinstance(node.get("config"), dict) and depth:
                layers += 1
                deepest = max(deepest, depth)
            for key, value in node.items():
                stack.append((value, depth + 1 if key == "layers" else depth))
        elif isinstance(node, list):
            stack.extend((value, depth) for value in node)
    return layers, deepest


def check_config(text: bytes, limits: ArchiveLimits) -> dict:
    """The parsed config.json, refused when it is not JSON or names too many or too deeply nested layers."""
    try:
        config = json.loads(text)
    except (ValueError, RecursionError):    # RecursionError: "[[[[…" nested beyond the parser's stack
        raise ArchiveRefused(_("config.json in the archive is not a model description Keras can read")) from None
    if not isinstance(config, dict):
        raise ArchiveRefused(_("config.json in the archive is not a model description Keras can read"))
    layers, depth = layer_count_and_depth(config)
    if layers > limits.max_layers:
        raise ArchiveRefused(_("the model has {n} layers; at most {most} can be loaded").format(
            n=layers, most=limits.max_layers))
    if depth > limits.max_depth:
        raise ArchiveRefused(_("the model nests models {n} deep; at most {most} can be loaded").format(
            n=depth, most=limits.max_depth))
    return config


def _copy_member(archive: zipfile.ZipFile, name: str, out: zipfile.ZipFile) -> None:
    """Copy one member, uncompressed, in chunks; zipfile stops at the declared size and checks the CRC."""
    with archive.open(name) as src, out.open(name, "w", force_zip64=True) as dst:
        shutil.copyfileobj(src, dst, _COPY_CHUNK)


def _check_the_rest(archive: zipfile.ZipFile, copied: list[str]) -> None:
    """Read the members not copied (within the size limits already checked), so that a damaged one is refused."""
    for info in archive.infolist():
        if info.filename not in copied and not info.is_dir():
            with archive.open(info) as member:
                while member.read(_COPY_CHUNK):
                    pass


def _count_weight_values(path: str, limits: ArchiveLimits) -> None:
    """Refuse weights whose arrays hold more numbers than allowed, from the HDF5 headers (no data is read).

    The zip member may be small and still declare huge arrays (HDF5 compresses too)."""
    import h5py   # comes with Keras; only the CNN side and the Keras import reach here

    total = 0

    def visit(_name, item):
        nonlocal total
        if isinstance(item, h5py.Dataset):
            total += int(item.size)

    try:
        with zipfile.ZipFile(path) as archive, archive.open(WEIGHTS) as member, \
                h5py.File(member, "r") as weights:
            weights.visititems(visit)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        raise ArchiveRefused(_("the weights file in the archive is damaged")) from None
    if total > limits.max_weight_values:
        raise ArchiveRefused(_("the weights hold {n} numbers; at most {most} can be loaded").format(
            n=f"{total:,}", most=f"{limits.max_weight_values:,}"))


@contextlib.contextmanager
def scratch_folder(prefix: str = "nn-playground-load-") -> Iterator[str]:
    """A fresh folder under the system's temporary folder, removed with all it holds when the block ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def checked_keras_archive(source: bytes | str | os.PathLike,
                          limits: ArchiveLimits = MODEL) -> Iterator[tuple[str, dict]]:
    """Check an uploaded `.keras` (its bytes, or a path) and yield (path of a clean copy, its config).

    Raises `ArchiveRefused` (one line) before anything is unpacked or built when the archive
    is not a zip, holds too many or too large members, is damaged, or its config names too
    many layers. The copy holds only Keras's own members, uncompressed, so Keras never
    unpacks it into a folder of its own; the copy's folder is removed when the block ends.
    """
    with scratch_folder() as folder:
        path = os.path.join(folder, "model.keras")
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = io.BytesIO(source)
        try:
            if not zipfile.is_zipfile(source):
                raise ArchiveRefused(_("not a .keras file (a zip archive saved by Keras 3)"))
            with zipfile.ZipFile(source) as archive:
                check_members(archive, limits)
                size = archive.getinfo(CONFIG).file_size
                if size > limits.max_config_bytes:
                    raise ArchiveRefused(_("config.json in the archive is {size} MB; at most {most} MB").format(
                        size=_mb(size), most=_mb(limits.max_config_bytes)))
                config = check_config(archive.read(CONFIG), limits)   # zipfile reads no more than declared
                copied = [name for name in KERAS_MEMBERS if name in archive.NameToInfo]
                with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
                    for name in copied:
                        _copy_member(archive, name, out)
                _check_the_rest(archive, copied)
        except ArchiveRefused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            # BadZipFile: a CRC or header that does not match; NotImplementedError: an unknown compression;
            # RuntimeError: an encrypted member.
            raise ArchiveRefused(_("the archive is damaged or uses a packing Keras does not write")) from None
        _count_weight_values(path, limits)
        yield path, config
