"""A URL as a QR code, in inline SVG: what a class scans to open the teacher's server."""
from __future__ import annotations

import io

import segno


def qr_matrix(url: str) -> list[list[int]]:
    """The QR code's modules, 1 for dark, row by row (no quiet zone)."""
    return [list(row) for row in segno.make(url, error="m").matrix]


def qr_svg(url: str, scale: int = 4) -> str:
    """An <svg> element for `url` (no XML declaration), ready to put inline into HTML."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False,
                                     svgns=True, dark="#000", light="#fff", title=None)
    return buffer.getvalue().decode("utf-8")
