"""The projector's mirror of one student's run: live, read-only, large.

It shows what the student's page last published (twice a second while the student
trains): the decision map, epoch and test loss, the solved marker, the network, the
prediction, and the name unless the teacher hides it. The map and the words sit side by
side, sized to be read from the back of a room at 1920×1080. *Back to mine* returns the
projector to the teacher's own run; *Open as a link* opens the student's settings and seeds
in a new tab.
"""
from __future__ import annotations

from typing import Callable

import panel as pn

from playground.components.classroom.wall_tile import MIRROR_CSS, map_png
from playground.components.safe_text import safe_text

MIRROR_PIXELS = 640     # the mirrored map's side on the projector


class ProjectionView(pn.viewable.Viewer):
    """Hidden until `show(...)`; `on_back()` is called by *Back to mine*."""

    def __init__(self, on_back: Callable[[], None], back_label: str, link_label: str):
        super().__init__()
        self._link_label = link_label
        self.body = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10), css_classes=["nn-projection"],
                                 stylesheets=[MIRROR_CSS])
        self.back = pn.widgets.Button(label=back_label, button_type="primary", width=180, height=40, margin=(8, 10),
                                      css_classes=["nn-projection-back"])
        self.back.on_click(lambda _e: on_back())
        self.row = pn.Column(self.back, self.body, visible=False, sizing_mode="stretch_width", margin=0,
                             name="projection")

    def show(self, *, heading: str, muted: list[str], numbers: str, solved: str, answer: str, map_side: int,
             map_codes: str, link: str) -> None:
        """Mirror a run: `heading` (the name, or a neutral title), `muted` lines (where, the network),
        the `numbers`, the `solved` marker ("" for none), the `answer`, the map's picture and the run's link."""
        picture = map_png(map_side, map_codes)
        img = (f'<img class="nn-projection-map" alt="" width="{MIRROR_PIXELS}" height="{MIRROR_PIXELS}" '
               f'src="{picture}">' if picture else "")
        lines = [("nn-mirror-numbers", numbers), ("nn-mirror-solved", solved), ("nn-mirror-answer", answer),
                 *(("nn-mirror-muted", line) for line in muted)]
        text = "".join(f'<div class="{kind}">{safe_text(line, 340)}</div>' for kind, line in lines if line)
        html = (f'<div class="nn-mirror">{img}<div class="nn-mirror-text"><h2 dir="auto">{safe_text(heading)}</h2>'
                f'{text}<div><a class="nn-projection-link" href="{safe_text(link, 4000)}" target="_blank" '
                f'rel="noopener">{safe_text(self._link_label)}</a></div></div></div>')
        if html != self.body.object:
            self.body.object = html
        self.row.visible = True

    def hide(self) -> None:
        self.row.visible = False

    def __panel__(self):
        return self.row
