"""Export and Import buttons for the dense network and Keras: three downloads and one upload.

The view only moves bytes: the page gives it a function per download that returns the
file's bytes (the network as `.keras`, the data as `.csv`, a Keras program as `.py`),
and one that receives an uploaded file's name and bytes. What goes wrong is the
page's to say (in its notices).
"""
from __future__ import annotations

import io
from typing import Callable

import panel as pn
import param

from playground.components.palettes import CSS_TEXT
from playground.components.upload_size import SizeCheckedUpload
from playground.i18n import _

MAX_UPLOAD_BYTES = 5_000_000   # a playground-sized network is ~20 kB; more is not one of ours


class KerasFiles(pn.viewable.Viewer):
    """"Export" (three FileDownload buttons) and "Import .keras" (a FileInput)."""

    shown = param.Boolean(default=True, doc="False: a teacher's link hides the Keras card (its card follows this)")

    def __init__(self, keras_bytes: Callable[[], bytes], csv_bytes: Callable[[], bytes],
                 script_bytes: Callable[[], bytes], on_upload: Callable[[str, bytes], None],
                 stylesheets: list[str] | None = None):
        super().__init__()
        css = [*(stylesheets or []), _BUTTON_CSS]
        download = dict(sizing_mode="stretch_width", height=40, margin=(3, 5),
                        stylesheets=css)

        def as_file(make):
            return lambda: io.BytesIO(make())

        self.keras_download = pn.widgets.FileDownload(
            callback=as_file(keras_bytes), filename="playground.keras", label=_("⬇ Network (.keras)"),
            css_classes=["nn-export-keras"], **download)
        self.csv_download = pn.widgets.FileDownload(
            callback=as_file(csv_bytes), filename="playground-data.csv", label=_("⬇ Data (.csv)"),
            css_classes=["nn-export-csv"], **download)
        self.script_download = pn.widgets.FileDownload(
            callback=as_file(script_bytes), filename="train_playground.py", label=_("⬇ Keras program (.py)"),
            css_classes=["nn-export-script"], **download)
        self.upload = pn.widgets.FileInput(accept=".keras", multiple=False, sizing_mode="stretch_width",
                                           margin=(3, 5), css_classes=["nn-import-keras"], stylesheets=css)
        self._on_upload = on_upload
        self.upload.param.watch(self._uploaded, "value")
        self._upload_box = SizeCheckedUpload(self.upload, MAX_UPLOAD_BYTES)   # larger files are refused unsent
        self._hint = pn.pane.HTML(_("Import .keras: a dense Keras Sequential; training goes on from its weights."),
                                  margin=(6, 5, 0, 5), stylesheets=[_HINT_CSS])

    def _uploaded(self, event) -> None:
        data, name = event.new, self.upload.filename or ""
        if data is None:
            return
        self._on_upload(name, bytes(data))
        # Forget the bytes: the same file chosen again is a new upload.
        self.upload.param.update(value=None, filename=None)

    def __panel__(self):
        return pn.Column(self.keras_download, self.csv_download, self.script_download, self._hint, self._upload_box,
                         sizing_mode="stretch_width", margin=0, name="keras-files")


_BUTTON_CSS = ":host .bk-btn { font-size: 16px; text-align: left; }"
_HINT_CSS = f":host {{ font-size: 15px; color: {CSS_TEXT}; white-space: normal; }}"
