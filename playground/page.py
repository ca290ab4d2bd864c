"""The page base class, and the browser-side glue that every page shares.

A page (the dense playground, the CNN explainer) derives from `Page`, whose
methods are what the shell calls on it: notices, keyboard shortcuts, the theme,
the window's size, and pausing when the learner looks elsewhere.
`PageBehaviour` is the browser's half of that: it puts the theme class on
<html> and sends the keys, the window size and the tab's visibility to Python.
"""
from __future__ import annotations

import panel as pn
import param

from playground.theme import THEME_CSS


class Page(pn.viewable.Viewer):
    """What the shell asks of a page besides `__panel__`; each method's default does nothing."""

    notices = param.List(default=[], doc="messages for the shell's notice area")
    revealed = param.String(default="", doc="CSS selector of what a click just opened (see `reveal`)")

    def reveal(self, selector: str) -> None:
        """Bring what a click opened (a dialog, a detail view, a card) into view: below the fold it
        would look as if the click did nothing. The shell scrolls the browser to `selector`."""
        self.revealed = selector
        self.param.trigger("revealed")

    def shortcut(self, action: str) -> None:
        """Space, →, R and P: `action` is "play", "step", "reset" or "present"."""

    def header_items(self) -> list:
        """Widgets this page puts in the shell's header (e.g. a present-mode switch)."""
        return []

    def resize(self, width: int, height: int) -> None:
        """The browser window's inner size in CSS pixels: on opening, and after each resize."""

    def set_theme(self, name: str) -> None:
        """The theme switched to "light" or "dark"."""

    def pause(self) -> None:
        """The learner switched to the other page: nothing trains unseen."""

    def tab_hidden(self) -> None:
        """The browser tab is hidden (or closing)."""
        self.pause()

    def tab_shown(self) -> None:
        """The browser tab is visible again."""


class PageBehaviour(pn.custom.JSComponent):
    """Browser-side glue: the theme class on <html> and the keyboard shortcuts.

    Keys go to Python as "play", "step", "reset" or "present"; they are ignored while
    the learner types in a field, and held with Ctrl/Alt/Meta (Ctrl+R still reloads).
    The window's size goes as "size W H" on opening and after a resize settles.
    """

    dark = param.Boolean(default=False)
    css = param.String(default=THEME_CSS)
    # "W H": the window size the page is laid out for. It goes to <html data-fitted>; the size
    # last sent is in data-sized. A test or benchmark waits until they agree instead of
    # measuring a layout about to change.
    fitted = param.String(default="")
    # "N selector": scroll the first element matching `selector` into view (N makes each request new).
    reveal = param.String(default="")

    _esm = """
    const ACTIONS = {" ": "play", "ArrowRight": "step", "r": "reset", "R": "reset", "p": "present", "P": "present"};
    const TYPING = ["INPUT", "TEXTAREA", "SELECT"];

    function typing(e) {
      const t = e.composedPath()[0];
      return t && (TYPING.includes(t.tagName) || t.isContentEditable);
    }

    // Bokeh rewrites each plot element's position stylesheet at every repaint, with the
    // same text nearly always; each rewrite dirties the page's styles, and reading a CSS
    // value in the next paint then recomputes them (the largest browser cost per frame).
    // Skipping identical rewrites changes nothing on screen.
    function quietStyleSheets() {
      const dom = window.Bokeh && Bokeh.require && Bokeh.require("core/dom");
      const proto = dom && dom.InlineStyleSheet && dom.InlineStyleSheet.prototype;
      if (!proto || proto._nnQuiet || typeof proto._update !== "function") return;
      const update = proto._update;
      proto._update = function (css) { if (this.el.textContent !== css) update.call(this, css); };
      proto._nnQuiet = true;
    }

    export function render({ model }) {
      quietStyleSheets();
      let style = document.getElementById("nn-theme");
      if (!style) {
        style = document.createElement("style");
        style.id = "nn-theme";
        document.head.appendChild(style);
      }
      style.textContent = model.css;
      const apply = () => document.documentElement.classList.toggle("nn-dark", model.dark);
      apply();
      model.on("dark", apply);
      const fitted = () => { document.documentElement.dataset.fitted = model.fitted; };
      fitted();
      model.on("fitted", fitted);
      // What a click opened comes into view once it is drawn (it arrives with the server's reply).
      const find = (selector, root = document) => {
        const hit = root.querySelector(selector);
        if (hit && hit.getBoundingClientRect().height > 0) return hit;
        for (const e of root.querySelectorAll("*")) {
          const inner = e.shadowRoot && find(selector, e.shadowRoot);
          if (inner) return inner;
        }
        return null;
      };
      const reveal = () => {
        const selector = model.reveal.slice(model.reveal.indexOf(" ") + 1);
        let frames = 0;
        const look = () => {
          const el = selector && find(selector);
          if (!el) { if (++frames < 90) requestAnimationFrame(look); return; }
          const r = el.getBoundingClientRect();
          // Its top in the upper half of the window, where the eye goes after a click.
          if (r.top < 0 || r.top > 0.5 * window.innerHeight) el.scrollIntoView({block: "start"});
          document.documentElement.dataset.revealed = model.reveal;   // lets tests know it is done
        };
        requestAnimationFrame(look);
      };
      model.on("reveal", reveal);

      const onKeyDown = (e) => {
        const action = ACTIONS[e.key];
        if (!action || e.ctrlKey || e.altKey || e.metaKey || typing(e)) return;
        e.preventDefault();   // no page scroll on Space
        if (!e.repeat) model.send_msg(action);
      };
      // A focused button would also "click" on Space's keyup: the shortcut already acted.
      const onKeyUp = (e) => { if (e.key === " " && !typing(e)) e.preventDefault(); };
      document.addEventListener("keydown", onKeyDown);
      document.addEventListener("keyup", onKeyUp);
      document.documentElement.dataset.shortcuts = "on";   // lets tests know keys are live
      // A tab the learner is not looking at pauses its training (the Page Visibility API).
      const onVisibility = () => model.send_msg(document.visibilityState === "hidden" ? "hidden" : "visible");
      document.addEventListener("visibilitychange", onVisibility);
      // The page lays itself out for the window (as TF Playground redraws on resize);
      // a drag sends one size when it pauses, not one per pixel.
      let sent = "", timer = null;
      const sendSize = () => {
        // The window as laid out: a phone that has zoomed out to show a page wider than itself
        // reports the zoomed-out width as innerWidth; the layout viewport (clientWidth, plus
        // a desktop's scroll bar) is the width the page must fit.
        const root = document.documentElement;
        const zoomed = window.innerWidth > root.clientWidth + 20;
        const size = zoomed ? `${root.clientWidth} ${root.clientHeight}` : `${window.innerWidth} ${window.innerHeight}`;
        if (size !== sent) {
          sent = size;
          document.documentElement.dataset.sized = size;    // the server answers in data-fitted
          model.send_msg(`size ${size}`);
        }
      };
      const onResize = () => { clearTimeout(timer); timer = setTimeout(sendSize, 150); };
      window.addEventListener("resize", onResize);
      sendSize();
      // Back and Forward: the address is the state (the page, the lesson, every setting and seed),
      // so a step through history shows what the address now says, as a reload would. Panel adds a
      // history entry for each change it writes to the address; here only the first change after
      // the learner did something (a click, a tap, a key, a choice) is an entry, and the changes that follow
      // from it (a page's own settings, a lesson's) amend that entry. A #hash move is not a page.
      const here = () => location.pathname + location.search;
      let seen = here(), acted = false;
      const act = () => { acted = true; };
      for (const type of ["pointerdown", "keydown", "input", "change"]) document.addEventListener(type, act, true);
      const push = history.pushState.bind(history), replace = history.replaceState.bind(history);
      history.pushState = (...args) => {
        if (acted) push(...args); else replace(...args);
        acted = false;
        seen = here();
      };
      const onPopState = () => { if (here() !== seen) location.reload(); };
      window.addEventListener("popstate", onPopState);
      model.on("remove", () => {
        window.removeEventListener("popstate", onPopState);
        for (const type of ["pointerdown", "keydown", "input", "change"]) document.removeEventListener(type, act, true);
        window.removeEventListener("resize", onResize);
        document.removeEventListener("keydown", onKeyDown);
        document.removeEventListener("keyup", onKeyUp);
        document.removeEventListener("visibilitychange", onVisibility);
      });
    }
    """

    def __init__(self, on_action=None, **params):
        super().__init__(**params)
        self._on_action = on_action

    def _handle_msg(self, msg) -> None:
        if not self._on_action or not isinstance(msg, str):
            return
        if msg in ("play", "step", "reset", "present", "hidden", "visible"):
            self._on_action(msg)
        elif msg.startswith("size "):
            try:
                width, height = (int(v) for v in msg.split()[1:3])
            except ValueError:
                return
            self._on_action("size", max(0, width), max(0, height))
