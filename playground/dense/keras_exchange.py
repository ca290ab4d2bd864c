"""The dense page's Export and Import: the Keras files of its trainer, and an uploaded network loaded into it.

Keras is imported only when a button is used (`keras_io` does it), never when the page opens.
"""
from __future__ import annotations

import functools
import logging
from typing import Callable

from playground.components.dense.keras_files import MAX_UPLOAD_BYTES, KerasFiles
from playground.dense import keras_io
from playground.dense.settings import DenseSettings, query_names
from playground.i18n import _
from playground.serve.locks import held
from playground.serve.offload import off_loop
from playground.serve.user_text import echo

log = logging.getLogger(__name__)


class KerasExchange:
    """Export/Import for one page's trainer and settings.

    `lock`: the lock the live loop trains under; `notify(text)`: one line for the page's
    notices; `pause()`: stop training; `redraw()`: draw everything anew (a new shape).
    """

    def __init__(self, settings: DenseSettings, trainer, lock, *, notify: Callable[[str], None],
                 pause: Callable[[], None], redraw: Callable[[], None], stylesheets: list[str] | None = None):
        self.settings, self.trainer, self.lock = settings, trainer, lock
        self._notice, self._pause, self._redraw = notify, pause, redraw
        self.view = KerasFiles(lambda: self.export("keras"), lambda: self.export("csv"),
                               lambda: self.export("script"), self.load, stylesheets=stylesheets)

    def export(self, kind: str) -> bytes:
        """The file's bytes, of the network as it is now (training pauses: what you see is what you get)."""
        self._pause()
        try:
            with self.lock:
                return keras_io.export_bytes(self.trainer, kind)
        except (ValueError, OSError, ImportError) as exc:
            self._notice(_("Export failed: {reason}").format(reason=str(exc).splitlines()[0] if str(exc) else
                                                             type(exc).__name__))
            return b""

    def load(self, name: str, data: bytes) -> None:
        """Load an uploaded .keras network: its shape into the settings, its weights into the trainer.

        Reading the file (Keras) runs off the event loop, so other sessions never wait for it; the
        settings and weights change back on this session's loop, all at once."""
        name = echo(name)
        if "keras" in held(self.settings):   # a teacher's link hides or locks the Keras card: change nothing
            self._notice(_("The teacher's link keeps the Keras import closed: {name} was not loaded.").format(
                name=name))
            return
        self._pause()
        if len(data) > MAX_UPLOAD_BYTES:
            self._notice(_("cannot load {name}: the file is larger than {size} MB").format(
                name=name, size=MAX_UPLOAD_BYTES // 1_000_000))
            return
        current = {n: getattr(self.settings, n) for n in query_names()}
        max_neurons = self.settings.max_neurons
        off_loop(functools.partial(self._read, name, bytes(data), current, max_neurons),
                 functools.partial(self._use, name=name), functools.partial(self._refused, name=name))

    @staticmethod
    def _read(name: str, data: bytes, current: dict, max_neurons: int) -> tuple[dict, list, list]:
        """In a worker: the file's settings (tried on a copy: a model that does not fit changes nothing) and weights."""
        changes, (weights, biases) = keras_io.import_bytes(name, data, max_neurons=max_neurons)
        trial = DenseSettings(**current)
        keras_io.apply_import(trial, changes)
        return {n: getattr(trial, n) for n in query_names() if getattr(trial, n) != current[n]}, weights, biases

    def _use(self, result: tuple[dict, list, list], name: str) -> None:
        changed, weights, biases = result
        locked = sorted(set(changed) & held(self.settings))
        if locked:
            self._notice(_("cannot load this model: it changes {names}, which the teacher's link keeps").format(
                names=", ".join(locked)))
            return
        self.settings.param.update(**changed)
        with self.lock:
            self.trainer.load_weights(weights, biases)
            self._redraw()
        self._notice(_("Loaded {name}: training goes on from its weights.").format(name=name))

    def _refused(self, exc: Exception, name: str) -> None:
        if not isinstance(exc, keras_io.KerasImportError):
            log.error("a Keras import failed unexpectedly", exc_info=exc)
            self._notice(_("cannot load {name}: the file could not be read").format(name=name))
            return
        self._notice(str(exc))
