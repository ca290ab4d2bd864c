"""The class's results as CSV: the wall's *Download results*, and `--save-class FILE` as runs are solved.

Names and answers are the students' own text, and a spreadsheet runs a cell that starts
with `=`, `+`, `-` or `@` as a formula (OWASP's "CSV injection"): such a cell gets a
leading apostrophe, which spreadsheets show as text. Only text cells are touched; numbers
are written by the program, never by a student.
"""
from __future__ import annotations

import csv
import fcntl
import io
import os
from typing import Iterable

from playground.classroom.store import Progress

HEADER = ("name", "lesson", "solved", "epoch", "seconds", "test loss", "network", "answer")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def result_row(record: Progress) -> list[str]:
    """One student's row: the solved epoch and time when solved, else where the run stands."""
    epoch = record.solved_epoch if record.solved else record.epoch
    seconds = record.solved_seconds if record.solved and record.solved_seconds is not None else record.seconds
    loss = "" if record.test_loss is None else f"{record.test_loss:.4f}"
    return [spreadsheet_safe(record.name), spreadsheet_safe(record.lesson), "yes" if record.solved else "no",
            str(epoch), f"{seconds:.1f}", loss, spreadsheet_safe(record.network), spreadsheet_safe(record.answer)]


def csv_text(records: Iterable[Progress], header: bool = True) -> str:
    """The results as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(HEADER)
    writer.writerows(result_row(r) for r in records)
    return out.getvalue()


def append_rows(path: str | os.PathLike, records: Iterable[Progress]) -> None:
    """Append rows to the CSV at `path` (its header first when it is new or empty).

    The server's processes append to one file: each takes the file's lock for its rows.
    """
    with open(path, "a", encoding="utf-8", newline="") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.write(csv_text(records, header=os.fstat(f.fileno()).st_size == 0))
            f.flush()
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
