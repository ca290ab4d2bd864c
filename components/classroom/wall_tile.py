"""The teacher's wall: one tile per student, and the board that lays the tiles out.

A tile is built on the server as HTML from plain values; every student-controlled text
(the name, the answer, the lesson and network as stored) goes through `safe_text`. The
board (`WallBoard`) replaces only the tiles whose HTML changed and keeps the others'
elements, so a tile's picture does not flicker when another student's changes; a
tile is found by its class `nn-wall-tile` and its `data-student` (the escaped name); its
*Project* button comes back to Python as a message ("project <id>").
"""
from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from typing import Callable

import numpy as np
import panel as pn
import param
from PIL import Image

from playground.components.palettes import diverging_palette, hex_to_rgb
from playground.components.safe_text import safe_text
from playground.i18n import _
from playground.theme import CSS_BORDER, CSS_MUTED, CSS_SURFACE, CSS_TEXT

MAP_PIXELS = 150        # the picture's side on the wall, CSS pixels (six tiles a row at 1920 wide)


@dataclass(frozen=True)
class TileTexts:
    """A tile's words in the session's language (translated by the caller)."""

    epoch: str            # "Epoch {epoch}"
    loss: str             # "test loss {loss}"
    solved: str           # "Solved at epoch {epoch}, after {seconds} s"
    left: str             # "left"
    project: str = ""     # the Project button ("" for none)
    prediction: str = "{answer}"   # "Prediction: {answer}": the answer to the lesson's question, labelled

    @classmethod
    def translated(cls, project: bool = False) -> "TileTexts":
        """The texts in the session's language (with the Project button or without)."""
        return cls(epoch=_("Epoch {epoch}"), loss=_("test loss {loss}"),
                   solved=_("Solved at epoch {epoch}, after {seconds} s."), left=_("left"),
                   project=_("Project") if project else "", prediction=_("Prediction: {answer}"))


@functools.lru_cache(maxsize=256)     # the wall redraws twice a second; a picture changes at most that often
def map_png(side: int, codes_b64: str) -> str:
    """The decision map's picture as a data: URL (side × side bytes 0…255 for −1…+1), "" when none."""
    if side <= 0 or not codes_b64:
        return ""
    try:
        codes = np.frombuffer(base64.b64decode(codes_b64, validate=True), np.uint8)
    except ValueError:
        return ""
    if codes.size != side * side:
        return ""
    palette = diverging_palette()
    shades = (codes.astype(np.int32) * len(palette)) // 256
    image = Image.fromarray(shades.reshape(side, side).astype(np.uint8), mode="P")
    image.putpalette(np.concatenate([hex_to_rgb(c) for c in palette]).astype(np.uint8).tobytes())
    out = io.BytesIO()
    # The grid's first row is the bottom of the plot (y grows upwards): flipped to the screen's order.
    image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(out, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def run_texts(texts: TileTexts, epoch: int, test_loss: float | None, solved_epoch: int | None,
              solved_seconds: float | None) -> tuple[str, str]:
    """("Epoch 1,234 · test loss 0.042", "✔ Solved at epoch …" or "") as plain text."""
    loss = "–" if test_loss is None else f"{test_loss:.3f}"
    numbers = f"{texts.epoch.format(epoch=f'{epoch:,}')} · {texts.loss.format(loss=loss)}"
    if solved_epoch is None:
        return numbers, ""
    seconds = "–" if solved_seconds is None else f"{solved_seconds:.1f}"
    return numbers, "✔ " + texts.solved.format(epoch=solved_epoch, seconds=seconds)


def tile_html(*, student: str, name: str, page: str, lesson: str, epoch: int, test_loss: float | None,
              solved_epoch: int | None, solved_seconds: float | None, network: str, answer: str,
              map_side: int, map_codes: str, left: bool, texts: TileTexts) -> str:
    """One student's tile: every text escaped; `student` is the store's random id (no secret)."""
    picture = map_png(map_side, map_codes)
    img = (f'<img class="nn-tile-map" alt="" width="{MAP_PIXELS}" height="{MAP_PIXELS}" src="{picture}">'
           if picture else f'<div class="nn-tile-map nn-tile-nomap"></div>')
    numbers, solved_text = run_texts(texts, epoch, test_loss, solved_epoch, solved_seconds)
    solved = f'<div class="nn-tile-solved">{safe_text(solved_text)}</div>' if solved_text else ""
    numbers = safe_text(numbers)
    where = safe_text(f"{page} · {lesson}" if lesson else page)
    answer_html = (f'<div class="nn-tile-answer">{safe_text(texts.prediction.format(answer=answer), 340)}</div>'
                   if answer else "")
    classes = "nn-wall-tile" + (" nn-tile-left" if left else "") + (" nn-tile-is-solved" if solved else "")
    left_html = f' <span class="nn-tile-gone">({safe_text(texts.left)})</span>' if left else ""
    button = ("" if left or not texts.project else
              f'<button class="nn-tile-project" data-project="{safe_text(student)}">{safe_text(texts.project)}</button>')
    return (f'<div class="{classes}" data-student="{safe_text(name)}" data-id="{safe_text(student)}">'
            f'<div class="nn-tile-name" dir="auto">{safe_text(name)}{left_html}</div>'
            f'<div class="nn-tile-where">{where}</div>{img}'
            f'<div class="nn-tile-numbers">{numbers}</div>{solved}'
            f'<div class="nn-tile-network">{safe_text(network)}</div>{answer_html}{button}</div>')


class WallBoard(pn.custom.JSComponent):
    """The tiles, in order: `tiles` is a list of [id, html]; a tile's button calls `on_message`."""

    tiles = param.List(default=[], doc="[student id, tile HTML] pairs, in the order shown")

    _esm = """
    export function render({ model, el }) {
      const board = document.createElement("div");
      board.className = "nn-wall";
      el.appendChild(board);
      const shown = new Map();      // id -> {node, html}
      const draw = () => {
        const wanted = new Set();
        let before = null;
        for (const [id, html] of model.tiles) {
          wanted.add(id);
          let tile = shown.get(id);
          if (!tile) {
            tile = { node: document.createElement("div"), html: null };
            tile.node.className = "nn-wall-slot";
            shown.set(id, tile);
          }
          if (tile.html !== html) {       // the server escaped every text in it
            tile.node.innerHTML = html;
            tile.html = html;
          }
          const next = before ? before.nextSibling : board.firstChild;
          if (next !== tile.node) board.insertBefore(tile.node, next);
          before = tile.node;
        }
        for (const [id, tile] of shown) {
          if (!wanted.has(id)) { tile.node.remove(); shown.delete(id); }
        }
        board.dataset.tiles = String(model.tiles.length);
      };
      draw();
      model.on("tiles", draw);
      board.addEventListener("click", (e) => {
        const button = e.target.closest("button[data-project]");
        if (button) model.send_msg("project " + button.dataset.project);
      });
    }
    """

    _stylesheets = [f"""
    .nn-wall {{ display: flex; flex-wrap: wrap; gap: 10px; color: {CSS_TEXT}; }}
    .nn-wall-tile {{ width: 278px; padding: 8px; border: 1px solid {CSS_BORDER}; border-radius: 6px;
                    background: {CSS_SURFACE}; font-size: 17px; line-height: 1.3; }}
    .nn-wall-tile.nn-tile-is-solved {{ border: 2px solid #1a7f37; }}
    .nn-wall-tile.nn-tile-left {{ opacity: 0.45; filter: grayscale(1); }}
    .nn-tile-name {{ font-size: 23px; font-weight: 700; overflow: hidden; text-overflow: ellipsis;
                    white-space: nowrap; unicode-bidi: isolate; }}
    .nn-tile-where, .nn-tile-network {{ color: {CSS_MUTED}; overflow-wrap: anywhere; }}
    .nn-tile-map {{ display: block; width: {MAP_PIXELS}px; height: {MAP_PIXELS}px; margin: 6px 0;
                   image-rendering: auto; border: 1px solid {CSS_BORDER}; }}
    .nn-tile-nomap {{ background: repeating-linear-gradient(45deg, transparent 0 6px, {CSS_BORDER} 6px 7px); }}
    .nn-tile-solved {{ color: #1a7f37; font-weight: 700; }}
    .nn-tile-answer {{ font-style: italic; overflow-wrap: anywhere; }}
    .nn-tile-project {{ margin-top: 6px; font-size: 16px; padding: 4px 12px; }}
    """]

    def __init__(self, on_message: Callable[[str], None] | None = None, **params):
        super().__init__(**params)
        self._on_message = on_message     # called with a tile button's message: "project ID"

    def _handle_msg(self, msg) -> None:
        if isinstance(msg, str) and self._on_message is not None:
            self._on_message(msg)


# The projector's mirror of a student (projection_view.py): read from the back of a room at 1920×1080.
MIRROR_CSS = f"""
:host {{ color: {CSS_TEXT}; }}
.nn-mirror {{ display: flex; gap: 36px; align-items: flex-start; }}
.nn-mirror h2 {{ font-size: 52px; margin: 0 0 18px; overflow-wrap: anywhere; unicode-bidi: isolate; }}
.nn-mirror-text {{ font-size: 32px; line-height: 1.4; min-width: 0; }}
.nn-mirror-muted {{ color: {CSS_MUTED}; }}
.nn-mirror-solved {{ color: #1a7f37; font-weight: 700; }}
.nn-projection-map {{ flex: none; border: 1px solid {CSS_BORDER}; }}
.nn-projection-link {{ font-size: 24px; }}
"""
