"""What the teacher sends the class, as a student sees it: a line of text, *Open* and *Dismiss*.

Nothing is forced: *Open* opens the lesson or link in a new tab, so the student's own run
stays as it is. The text and the link arrive already checked; both are escaped here.
"""
from __future__ import annotations

import panel as pn

from playground.components.safe_text import safe_text


class ClassNotice(pn.viewable.Viewer):
    """A hidden row until `offer(text, link)`; *Dismiss* hides it again."""

    def __init__(self, open_label: str, dismiss_label: str):
        super().__init__()
        self._open_label = open_label
        self.text = pn.pane.HTML("", margin=(4, 8), css_classes=["nn-class-notice"], sizing_mode="stretch_width")
        self.dismiss = pn.widgets.Button(label=dismiss_label, width=110, height=36, margin=(4, 8))
        self.dismiss.on_click(lambda _e: setattr(self.row, "visible", False))
        self.row = pn.Row(self.text, self.dismiss, visible=False, sizing_mode="stretch_width", margin=(0, 10),
                          name="class-notice")

    def offer(self, text: str, link: str) -> None:
        """Show `text` with an *Open* link to `link` (a path on this server)."""
        self.text.object = (f"<span>📣 {safe_text(text, 300)}</span> "
                            f'<a class="nn-class-open" href="{safe_text(link, 2000)}" target="_blank" rel="noopener">'
                            f"{safe_text(self._open_label)}</a>")
        self.row.visible = True

    def __panel__(self):
        return self.row
