"""The dense page's Export and Import: the Keras files of its trainer, and an uploaded network loaded into it.

Keras is imported only when a button is used (`keras_io` does it), never when the page opens.
"""
from __future__ import annotations

from typing import Callable

from playground.components.dense.keras_files import MAX_UPLOAD_BYTES, KerasFiles
from playground.dense import keras_io
from playground.dense.settings import DenseSettings, query_names
from playground.i18n import _


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
        """Load an uploaded .keras network: its shape into the settings, its weights into the trainer."""
        self._pause()
        if len(data) > MAX_UPLOAD_BYTES:
            self._notice(_("cannot load {name}: the file is larger than {size} MB").format(
                name=name, size=MAX_UPLOAD_BYTES // 1_000_000))
            return
        settings = self.settings
        try:
            changes, (weights, biases) = keras_io.import_bytes(name, data, max_neurons=settings.max_neurons)
            # Try the shape on a copy first: a model that does not fit the data set changes nothing.
            trial = DenseSettings(**{n: getattr(settings, n) for n in query_names()})
            keras_io.apply_import(trial, changes)
        except keras_io.KerasImportError as exc:
            self._notice(str(exc))
            return
        settings.param.update(**{n: getattr(trial, n) for n in query_names()
                                 if getattr(trial, n) != getattr(settings, n)})
        with self.lock:
            self.trainer.load_weights(weights, biases)
            self._redraw()
        self._notice(_("Loaded {name}: training goes on from its weights.").format(name=name))
