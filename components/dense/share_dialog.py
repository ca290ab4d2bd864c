"""The share dialog: a link to the page as it is now, with controls the teacher hides or locks.

The dialog draws choices and a link; what the link says is the caller's business
(`build_link(hidden, locked) -> str`), so the view knows no setting names.
It opens below its button and rebuilds the link on every change of a choice,
and whenever the caller says the state changed (`refresh`).
"""
from __future__ import annotations

from typing import Callable

import panel as pn

from playground.components.safe_text import safe_text
from playground.theme import CSS_GRID, CSS_SURFACE, CSS_TEXT

MAX_LINK_CHARS = 4000   # a link longer than this is broken, not something to show


class ShareDialog(pn.viewable.Viewer):
    """`choices`: {label: key} of the controls; `texts`: the dialog's words, already translated."""

    def __init__(self, choices: dict[str, str], build_link: Callable[[list[str], list[str]], str],
                 texts: dict[str, str]):
        super().__init__()
        self._build_link = build_link
        self._texts = texts
        self.button = pn.widgets.Toggle(label=texts["button"], height=40, sizing_mode="stretch_width",
                                        css_classes=["nn-share-button"], stylesheets=[_BUTTON_CSS])
        self.hide = pn.widgets.CheckBoxGroup(name=texts["hide"], options=choices, inline=True,
                                             sizing_mode="stretch_width", css_classes=["nn-share-hide"],
                                             stylesheets=[_CHOICES_CSS])
        self.lock = pn.widgets.CheckBoxGroup(name=texts["lock"], options=choices, inline=True,
                                             sizing_mode="stretch_width", css_classes=["nn-share-lock"],
                                             stylesheets=[_CHOICES_CSS])
        self.link = pn.widgets.TextAreaInput(name=texts["link"], value="", height=96, sizing_mode="stretch_width",
                                             css_classes=["nn-share-link"], stylesheets=[_LINK_CSS])
        self.copy = pn.widgets.Button(label=texts["copy"], width=260, height=40, button_type="primary",
                                      stylesheets=[_BUTTON_CSS])
        # The clipboard needs a secure page (https or localhost); elsewhere (plain http on a LAN) the
        # button does nothing and the teacher copies the link from the field above.
        self.copy.js_on_click(args={"area": self.link}, code="""
            const text = area.value;
            if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); }
        """)
        self.open_link = pn.pane.HTML("", margin=(12, 16), stylesheets=[_TEXT_CSS])
        self.body = pn.Column(
            pn.pane.HTML(f"<p>{texts['intro']}</p>", sizing_mode="stretch_width", stylesheets=[_TEXT_CSS]),
            self._heading(texts["hide"]), self.hide, self._heading(texts["lock"]), self.lock,
            self.link, pn.Row(self.copy, self.open_link, margin=0),
            visible=False, sizing_mode="stretch_width", margin=(4, 0, 10, 0), stylesheets=[_BOX_CSS],
            css_classes=["nn-share-dialog"])
        self.button.param.watch(self._toggled, "value")
        self.hide.param.watch(self._choice_changed, "value")
        self.lock.param.watch(self._choice_changed, "value")

    @staticmethod
    def _heading(text: str) -> pn.pane.HTML:
        return pn.pane.HTML(f"<h3>{text}</h3>", margin=(4, 10, 0, 10), stylesheets=[_TEXT_CSS])

    def _toggled(self, event) -> None:
        self.body.visible = event.new
        if event.new:
            self.refresh()

    def _choice_changed(self, _event) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the link from the current state (only while the dialog is open)."""
        if not self.body.visible:
            return
        # A hidden control is out of reach already: its "lock" box says nothing more.
        hidden = list(self.hide.value)
        locked = [k for k in self.lock.value if k not in hidden]
        url = self._build_link(hidden, locked)
        self.link.value = url
        href = safe_text(url, limit=MAX_LINK_CHARS)
        self.open_link.object = f"<a href='{href}' target='_blank' rel='noopener'>{self._texts['open']}</a>"

    def __panel__(self):
        return pn.Column(self.button, self.body, sizing_mode="stretch_width", margin=0, name="share")


_BUTTON_CSS = ":host .bk-btn { font-size: 16px; font-weight: 600; }"
_TEXT_CSS = (f":host {{ color: {CSS_TEXT}; font-size: 16px; }} h3 {{ font-size: 16px; margin: 6px 0 2px; }} "
             f"p {{ margin: 4px 0; }} a {{ color: {CSS_TEXT}; font-weight: 600; }}")
_CHOICES_CSS = """
:host { font-size: 15px; }
.bk-input-group { display: flex; flex-wrap: wrap; gap: 2px 14px; }
label { white-space: nowrap; }
"""
_LINK_CSS = ":host textarea { font-size: 14px; font-family: monospace; }"
_BOX_CSS = f":host {{ background: {CSS_SURFACE}; border: 1px solid {CSS_GRID}; border-radius: 8px; padding: 4px 6px; }}"
