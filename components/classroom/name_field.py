"""The student's name in the header: asked on the first visit, kept in the browser, changeable.

The browser keeps the name (localStorage), so a reload or a new tab is the same student. A
name that came with the link (`?name=NAME`, a teacher's named link) replaces the kept one
without asking. The field only reports what was typed; the server cleans it (roster) and
shows back the name it will use.
"""
from __future__ import annotations

from typing import Callable

import panel as pn
import param

STORAGE_KEY = "nn-playground-name"


class NameKeeper(pn.custom.JSComponent):
    """The browser's side of the name: sends the kept name on opening, keeps each name the server confirms."""

    value = param.String(default="", doc="a name to keep in this browser ('' keeps nothing)")
    kept = param.Boolean(default=False, doc="set once the browser has answered whether it kept a name")

    _esm = """
    export function render({ model }) {
      const KEY = "%s";
      const read = () => { try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; } };
      const keep = () => {
        if (!model.value) return;
        try { window.localStorage.setItem(KEY, model.value); } catch (e) { /* storage off */ }
      };
      keep();
      model.on("value", keep);
      model.send_msg("kept " + (model.value ? "" : read()));
    }
    """ % STORAGE_KEY

    def __init__(self, on_kept: Callable[[str], None] | None = None, **params):
        super().__init__(**params)
        self._on_kept = on_kept

    def _handle_msg(self, msg) -> None:
        if isinstance(msg, str) and msg.startswith("kept "):
            self.kept = True
            if self._on_kept is not None:
                self._on_kept(msg[5:])


class NameField(pn.viewable.Viewer):
    """A one-line name field; `on_name(text)` gets what the student typed or the browser kept,
    and returns the name the server will use (shown back, and kept in the browser)."""

    def __init__(self, name: str, from_link: bool, on_name: Callable[[str], str], hint: str, **params):
        super().__init__()
        self._on_name = on_name
        # The first visit asks: an empty field with the question, the generated name meanwhile on the wall.
        # No label above it: the header is one row high.
        self.input = pn.widgets.TextInput(value=name if from_link else "", placeholder=hint,
                                          max_length=40, css_classes=["nn-student-name"], **params)
        self.keeper = NameKeeper(on_kept=self._kept, value=name if from_link else "", width=0, height=0, margin=0)
        self.input.param.watch(self._typed, "value")

    def _kept(self, kept: str) -> None:
        if kept:
            self.input.value = kept       # as typed there before: `_typed` cleans and confirms it

    def _typed(self, event) -> None:
        if event.new.strip():
            used = self._on_name(event.new)
            self.keeper.value = used
            if self.input.value != used:
                self.input.value = used

    def __panel__(self):
        return pn.Row(self.input, self.keeper, margin=0)
