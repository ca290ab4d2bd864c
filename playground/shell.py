"""The page shell: a header that switches between the two halves of the product.

Pages are imported by name only when first opened, so the dense playground comes
up without TensorFlow and the CNN explainer pays for it only when asked for.
"""
from __future__ import annotations

import importlib

import panel as pn
import param

# page key -> (label in the header, "module:Class" of a pn.viewable.Viewer)
PAGES = {
    "dense": ("Dense playground", "playground.dense_page:DensePage"),
    "cnn": ("CNN explainer", "playground.cnn.page:CnnPage"),
}


def load_page(key: str):
    """Import and build the page registered under `key`."""
    module_name, class_name = PAGES[key][1].split(":")
    return getattr(importlib.import_module(module_name), class_name)()


class AppShell(pn.viewable.Viewer):
    page = param.Selector(default="dense", objects=list(PAGES))

    def __init__(self, **params):
        super().__init__(**params)
        self._built: dict[str, object] = {}
        self._switch = pn.widgets.RadioButtonGroup(
            options={label: key for key, (label, _) in PAGES.items()},
            value=self.page, button_type="primary", button_style="outline",
        )
        self._switch.link(self, value="page")
        self._body = pn.Column(sizing_mode="stretch_width")
        if pn.state.location is not None:
            pn.state.location.sync(self, {"page": "page"})
        self.param.watch(self._show, "page")
        self._show()

    def _show(self, *_):
        self._switch.value = self.page
        if self.page not in self._built:
            self._built[self.page] = load_page(self.page)
        self._body[:] = [self._built[self.page]]

    def __panel__(self):
        header = pn.Row(
            pn.pane.Markdown("## nn-playground", margin=(0, 20)), self._switch,
            sizing_mode="stretch_width",
        )
        return pn.Column(header, self._body, sizing_mode="stretch_width")
