"""The dense page's *Import CSV*: a learner's own points, checked, then trained on as a data set.

A bad file gets one line in the notices (which line, what is wrong) and changes nothing.
"""
from __future__ import annotations

from typing import Callable

import panel as pn

from playground.components.upload_size import SizeCheckedUpload
from playground.datasets.csv_data import CsvError, parse_csv
from playground.dense.data_source import MAX_LINK_POINTS, load_own
from playground.i18n import N_, _
from playground.i18n.numbers import format_number

MAX_CSV_BYTES = 1_000_000    # 2,000 points of a few numbers each are ~100 kB
HINT_CSS = ":host { font-size: 14px; white-space: normal; }"   # the hints of Import CSV and Draw


def import_message(own) -> str:
    """What the page says after an import: how many points, which kind, and any scaling."""
    kind = {"binary": _("two classes"), "regression": _("regression")}.get(
        own.kind, _("{k} classes").format(k=own.n_classes))
    text = _("Imported {n} points ({kind}).").format(n=len(own), kind=kind)
    if own.scale != 1.0:
        text += " " + _("They were moved by ({dx}, {dy}) and scaled by ×{scale} to fit the map.").format(
            dx=format_number(-own.offset[0]), dy=format_number(-own.offset[1]), scale=format_number(own.scale, None))
    if len(own) > MAX_LINK_POINTS:
        text += " " + _("A link carries at most {most} points: share this data as its CSV.").format(most=MAX_LINK_POINTS)
    return text


class CsvImport:
    """A FileInput for `.csv`; `notify(text)` gets one line; `lock` is the live loop's."""

    def __init__(self, trainer, lock, *, notify: Callable[[str], None], pause: Callable[[], None],
                 redraw: Callable[[], None]):
        self.trainer, self.lock = trainer, lock
        self._notify, self._pause, self._redraw = notify, pause, redraw
        self.upload = pn.widgets.FileInput(accept=".csv", multiple=False, sizing_mode="stretch_width", margin=(3, 5),
                                           css_classes=["nn-import-csv"])
        self.upload.param.watch(self._uploaded, "value")
        hint = pn.pane.HTML(_("Import CSV: x1,x2,label[,split] — labels ±1 or 0/1, class 0…4, or numbers "
                              "(regression); at most 2,000 points."), margin=(6, 5, 0, 5),
                            stylesheets=[HINT_CSS])
        # The browser refuses a larger file before sending it; `load` checks again (a forged message).
        self.view = pn.Column(hint, SizeCheckedUpload(self.upload, MAX_CSV_BYTES), sizing_mode="stretch_width",
                              margin=0, name="csv-import")

    def _uploaded(self, event) -> None:
        # Notices are plain text (the shell escapes them); the name is only shortened.
        data, name = event.new, (self.upload.filename or "data.csv")[:80]
        if data is None:
            return
        self.upload.param.update(value=None, filename=None)    # the same file again is a new upload
        self.load(name, bytes(data))

    def load(self, name: str, data: bytes) -> bool:
        """Import the bytes of a CSV file called `name`; True if it was taken."""
        self._pause()
        try:
            if len(data) > MAX_CSV_BYTES:
                raise CsvError(N_("line 1: the file is larger than {size} MB"), size=MAX_CSV_BYTES // 1_000_000)
            own = parse_csv(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self._notify(_("{name}: not a text file (UTF-8 CSV expected)").format(name=name))
            return False
        except CsvError as exc:
            self._notify(_("{name}: {reason}").format(name=name, reason=_(exc.template).format(**exc.params)))
            return False
        with self.lock:
            load_own(self.trainer, own)
            self._redraw()
        self._notify(import_message(own))
        return True
