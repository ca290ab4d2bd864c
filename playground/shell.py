"""The page shell: a header that switches between the two halves of the product.

Pages are imported by name only when first opened, so the dense playground comes
up without TensorFlow and the CNN explainer pays for it only when asked for.
The shell also owns what is common to both pages: the light/dark theme, the
keyboard shortcuts and a notice area for messages such as ignored URL settings.

Every page derives from `playground.page.Page`, whose methods are what the shell
calls on it. The shell knows pages only by their registered names: what a page
needs started with the server (the CNN warm-up) is started by `playground.app`.
"""
from __future__ import annotations

import importlib
import os

import panel as pn
import param

from playground.components.qr_code import qr_svg
from playground.components.safe_text import safe_text
from playground.i18n import (LANGUAGE_NAMES, LANGUAGES, N_, _, pick_language, set_session_language,
                             unknown_language_notice)
from playground.page import Page, PageBehaviour
from playground.serve.progress import class_notice, name_field, projection_view
from playground.theme import (HEADER_CSS, HINT_CSS, NOTICE_CSS, NOTICE_ROW_CSS, STUDENT_URL_CSS, SWITCH_CSS,
                              TITLE_CSS)

# Set by `playground serve --lan`: the URL students open, shown in the header with its QR code.
STUDENT_URL_ENV = "NN_PLAYGROUND_STUDENT_URL"

# page key -> (label in the header, "module:Class" of a pn.viewable.Viewer)
PAGES = {
    "dense": (N_("Dense playground"), "playground.dense.page:DensePage"),
    "cnn": (N_("CNN explainer"), "playground.cnn.page:CnnPage"),
}

def load_page(key: str):
    """Import and build the page registered under `key`."""
    module_name, class_name = PAGES[key][1].split(":")
    return getattr(importlib.import_module(module_name), class_name)()


# Pages whose first build is slow (the CNN page imports TensorFlow, ~6 s here): the
# shell shows a note first and builds them once the note is on screen.
SLOW_FIRST_BUILD = {"cnn"}
_LOADING_NOTE = N_("Starting the CNN explainer: TensorFlow loads once per server (a few seconds), "
                   "then the model explains the first image…")


class AppShell(pn.viewable.Viewer):
    """One session's page: the header (page switch, theme, shortcut hint), notices and the current page."""

    page = param.Selector(default="dense", objects=list(PAGES))
    dark = param.Boolean(default=False, doc="dark theme (URL: theme=dark)")
    on_first_page = param.Callable(default=None, doc="called once a quick page (not a slow-to-build one) is on "
                                                     "screen; the app starts the CNN warm-up with it")

    def __init__(self, **params):
        super().__init__(**params)
        self._built: dict[str, Page] = {}
        self._reveals = 0                       # requests to bring something into view, numbered
        self._window: tuple[int, ...] = ()      # the browser window's size, once it has said
        args = pn.state.session_args or {}
        self.dark = args.get("theme", [b""])[-1] == b"dark"
        requested = args.get("lang", [b""])[-1].decode("utf-8", "replace") or None
        self.language, rejected = pick_language(requested, (pn.state.headers or {}).get("Accept-Language"))
        set_session_language(self.language)
        self._language_notice = unknown_language_notice(requested, self.language) if rejected else None
        # Every text is drawn in the session's language when built, so a switch reloads the page.
        self._language = pn.widgets.Select(options={LANGUAGE_NAMES[k]: k for k in LANGUAGES}, value=self.language,
                                           width=128, height=40, margin=(8, 10), stylesheets=[SWITCH_CSS],
                                           name="", css_classes=["nn-language"])
        self._language.param.watch(self._switch_language, "value")
        self._switch = pn.widgets.RadioButtonGroup(
            options={_(label): key for key, (label, _module) in PAGES.items()},
            value=self.page, color="primary", variant="outline", stylesheets=[SWITCH_CSS],
            margin=(8, 10),
        )
        self._switch.link(self, value="page")
        self._theme = pn.widgets.Toggle.from_param(self.param.dark, label=_("◐ Dark"), width=100, height=40,
                                                  margin=(8, 10), stylesheets=[SWITCH_CSS])
        self._behaviour = PageBehaviour(on_action=self._shortcut, dark=self.dark, width=0, height=0, margin=0)
        self._notice_text = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 8), stylesheets=[NOTICE_CSS])
        self._dismiss = pn.widgets.Button(label="✕", width=44, height=36, margin=(4, 8))
        self._dismiss.on_click(self._dismiss_notices)
        self._notices = pn.Row(self._notice_text, self._dismiss, visible=False, sizing_mode="stretch_width",
                               margin=(0, 10), stylesheets=[NOTICE_ROW_CSS], name="notices")
        self._body = pn.Column(sizing_mode="stretch_width", margin=0)
        self._page_tools = pn.Row(margin=0)       # the current page's header items
        # A class (playground serve --lan): the student's name in the header, what the teacher sends,
        # and on the projector the student being projected. Nothing of it without a class.
        self._class_name = [field] if (field := name_field()) is not None else []
        self._class_rows = [row for row in (class_notice(), projection_view()) if row is not None]
        # The hint gives way first on a narrow screen, never the controls: it wraps between keys
        # (up to three lines), and past that ends in an ellipsis, so no word is ever cut short.
        self._hint = pn.pane.HTML(shortcut_hint_html(_(_SHORTCUT_HINT)), height=56, margin=(0, 10),
                                  stylesheets=[HINT_CSS], sizing_mode="stretch_width", min_width=80)
        if pn.state.location is not None:
            pn.state.location.sync(self, {"page": "page"})
        self.param.watch(self._show, "page")
        self.param.watch(self._theme_changed, "dark")
        self._first_render_done = False
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.onload(self._on_first_render)
        self._show()

    def _on_first_render(self) -> None:
        self._first_render_done = True
        if self.page not in SLOW_FIRST_BUILD and self.on_first_page is not None:
            # A page is on screen: the app gets the CNN page ready in the background (once per server),
            # so that its first opening does not wait for TensorFlow. A CNN page builds itself now anyway.
            self.on_first_page()

    # ---- pages ---------------------------------------------------------------------------

    def _show(self, *_events):
        self._switch.value = self.page
        for key, built in self._built.items():
            if key != self.page:
                built.pause()
        if self.page not in self._built:
            doc = pn.state.curdoc
            if self.page in SLOW_FIRST_BUILD and doc is not None and doc.session_context is not None:
                # Say what is happening first, then build once that is on screen.
                self._hint.visible = False
                self._body[:] = [pn.pane.HTML(f"<div style='font-size:20px'>{_(_LOADING_NOTE)}</div>", margin=(30, 24),
                                      stylesheets=[NOTICE_CSS])]
                key = self.page
                if self._first_render_done:
                    doc.add_next_tick_callback(lambda: self._finish_build(key))
                else:
                    pn.state.onload(lambda: self._finish_build(key))
                return
            self._install(self.page, load_page(self.page))
        self._attach()

    def _finish_build(self, key: str) -> None:
        if key not in self._built:
            self._install(key, load_page(key))
        if key == self.page:
            self._attach()

    def _switch_language(self, event) -> None:
        loc = pn.state.location
        if loc is not None:
            loc.reload = True
            loc.update_query(lang=event.new)

    def _install(self, key: str, page: Page) -> None:
        self._built[key] = page
        if self._window:
            self._fit(page, self._window)
        page.param.watch(lambda e: self._show_notices(e.new), "notices")
        page.param.watch(self._reveal, "revealed")
        page.set_theme("dark" if self.dark else "light")

    def _reveal(self, event) -> None:
        if event.new:
            self._reveals += 1
            self._behaviour.reveal = f"{self._reveals} {event.new}"

    def _fit(self, page: Page, size: tuple[int, ...]) -> None:
        page.resize(*size)
        self._behaviour.fitted = " ".join(map(str, size))

    def _attach(self) -> None:
        """Put the current (built) page in the body."""
        page = self._built[self.page]
        self._show_notices(page.notices)
        self._hint.visible = True
        self._page_tools[:] = page.header_items()
        self._body[:] = [page]

    def _shortcut(self, action: str, *size: int) -> None:
        if action == "size":
            self._window = size
        page = self._built.get(self.page)
        if page is None:            # the page is still being built
            return
        if action == "size":
            self._fit(page, size)
        elif action == "hidden":      # the tab was hidden (or is closing): nothing trains unseen
            page.tab_hidden()
        elif action == "visible":
            page.tab_shown()
        else:
            page.shortcut(action)

    # ---- notices and theme -------------------------------------------------------------

    def _show_notices(self, notices: list[str]) -> None:
        if self._language_notice:
            notices = [self._language_notice, *notices]
        # safe_text also shortens: a notice echoes a URL value, never reprints a 5000-character one.
        self._notice_text.object = "".join(f"<div>⚠ {safe_text(n)}</div>" for n in notices)
        self._notices.visible = bool(notices)

    def _dismiss_notices(self, _event=None) -> None:
        page = self._built.get(self.page)
        self._language_notice = None
        if page is not None:
            page.notices = []
        else:
            self._show_notices([])

    def _theme_changed(self, event) -> None:
        name = "dark" if event.new else "light"
        self._behaviour.dark = event.new
        for page in self._built.values():
            page.set_theme(name)
        if pn.state.location is not None:
            pn.state.location.update_query(theme="dark" if event.new else "default")

    @staticmethod
    def _student_link() -> list:
        """With `playground serve --lan`: the address students open, as text and a QR code."""
        url = os.environ.get(STUDENT_URL_ENV, "")
        if not url:
            return []
        # Two short lines and a small code, so the header still fits at 1366 px.
        shown = url.removeprefix("http://")
        text = _("Students open {url}").format(url=f"<br><b>{safe_text(shown)}</b>")
        html = f"<div class='nn-student-url'><span>{text}</span>{qr_svg(url, scale=2)}</div>"
        return [pn.pane.HTML(html, margin=(3, 6), stylesheets=[STUDENT_URL_CSS], name="student-url")]

    def __panel__(self):
        header = pn.Row(
            pn.pane.HTML("<h1>nn-playground</h1>", margin=(0, 16), stylesheets=[TITLE_CSS]),
            self._switch,
            self._hint,
            *self._student_link(),
            *self._class_name,
            self._page_tools,
            self._language,
            self._theme,
            self._behaviour,
            sizing_mode="stretch_width", min_height=56, margin=0, stylesheets=[HEADER_CSS],
        )
        return pn.Column(header, self._notices, *self._class_rows, self._body, sizing_mode="stretch_width", margin=0)


_SHORTCUT_HINT = N_("Keys: <b>Space</b> play/pause · <b>→</b> step · <b>R</b> reset")


def shortcut_hint_html(hint: str) -> str:
    """The translated hint with each key kept on one line with its action: it wraps only after
    the label ("Keys:") and between keys."""
    label, bold, keys = hint.partition("<b>")
    pairs = " · ".join(f'<span class="nn-keys">{pair}</span>' for pair in (bold + keys).split(" · "))
    return f'<span class="nn-hint">{label}{pairs}</span>'
