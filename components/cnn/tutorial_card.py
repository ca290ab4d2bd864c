"""A collapsible card that holds one view's short tutorial, beside the view it explains.

It receives texts already in the session's language (our own, never user input:
a paragraph may carry <b>…</b>). Its colours are the theme's CSS variables, so it
follows the light and dark themes without being told; the text is large enough
for the back of a classroom.
"""
from __future__ import annotations

import panel as pn

from playground.components.safe_text import escape
from playground.i18n import _
from playground.theme import CNN_TUTORIAL_BODY_CSS, CNN_TUTORIAL_CARD_CSS, CNN_TUTORIAL_TITLE_CSS



def tutorial_html(paragraphs: tuple[str, ...], try_this: tuple[str, ...]) -> str:
    """The card's body: the paragraphs, then the things to try as a list."""
    parts = [f"<p>{p}</p>" for p in paragraphs]
    if try_this:
        heading = escape(_("Try this:"))
        parts.append(f"<div class='try'>{heading}</div>")
        parts.append("<ul>" + "".join(f"<li>{t}</li>" for t in try_this) + "</ul>")
    return "".join(parts)


class TutorialCard(pn.viewable.Viewer):
    """One tutorial at a time; `show` swaps it when the learner selects another kind of view.

    Opened or collapsed, the card stays as the learner left it while its text changes.
    """

    def __init__(self, css_class: str = "cnn-tutorial", collapsed: bool = False, **kwargs):
        super().__init__()
        self.key = ""
        self._title = pn.pane.HTML("", stylesheets=[CNN_TUTORIAL_TITLE_CSS], margin=(0, 4))
        self._body = pn.pane.HTML("", stylesheets=[CNN_TUTORIAL_BODY_CSS], sizing_mode="stretch_width",
                                  css_classes=[f"{css_class}-body"], margin=(4, 12))
        sizing = {} if "width" in kwargs else {"sizing_mode": "stretch_width"}
        self._card = pn.Card(self._body, header=self._title, collapsed=collapsed, collapsible=True,
                             css_classes=[css_class], stylesheets=[CNN_TUTORIAL_CARD_CSS], margin=(8, 10),
                             **sizing, **kwargs)

    def __panel__(self):
        return self._card

    @property
    def collapsed(self) -> bool:
        return self._card.collapsed

    def show(self, key: str, title: str, paragraphs: tuple[str, ...], try_this: tuple[str, ...]) -> None:
        """Show the tutorial `key` (nothing is redrawn when it is already shown)."""
        if key == self.key:
            return
        self.key = key
        self._title.object = f"<span data-tutorial='{escape(key)}'>{escape(title)}</span>"
        self._body.object = tutorial_html(paragraphs, try_this)
