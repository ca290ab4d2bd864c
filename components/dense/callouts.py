"""First-visit callouts: small notes pinned to parts of the page, each dismissible, remembered by the browser.

The notes are drawn in the page's light DOM (not inside a Panel layout), absolutely
placed beside an anchor: a point given in pixels from the top left of an element found
by CSS class (searched through Bokeh's shadow roots). They follow the element when the
page scrolls or re-lays out. One note shows at a time, as a short tour (1/4, 2/4, …):
notes side by side would cover each other on a small screen or a big network. A note lets clicks through (pointer-events: none) except
on its two buttons, so it never blocks what it points at. Dismissed notes are listed in
the browser's localStorage under `storage_key` and never come back there.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import panel as pn
import param

from playground.theme import CSS_NOTICE_BACKGROUND, CSS_NOTICE_BORDER, CSS_NOTICE_TEXT

STORAGE_KEY = "nn-playground-callouts-dismissed"


@dataclass(frozen=True)
class Callout:
    key: str        # remembered when dismissed
    text: str       # plain text, already translated (escaped by the browser: set as textContent)
    target: str     # CSS class of the element the anchor is measured from
    x: float        # anchor, pixels from the element's left (negative: left of it)
    y: float        # anchor, pixels from the element's top
    side: str = "right"   # where the note sits: "right", "left", "below" or "above" the anchor


def diagram_anchors(diagram, features_width: float) -> dict[str, tuple[float, float]]:
    """Anchors on a NetworkDiagram's figure (class nn-network), in pixels from its top left.

    "features": beside the lowest feature button (left of the figure), where the space
    below is free; "neuron": the lowest neuron of the first hidden layer; "link": halfway
    along the lowest link into that neuron. Diagram coordinates are pixels with y upwards.
    """
    height, anchors = diagram.height, {}
    inputs = [n for n in diagram.nodes if n.layer == 0]
    if inputs:
        anchors["features"] = (-features_width / 2, height - min(n.y for n in inputs) + 18)
    first_layer = [n for n in diagram.nodes if n.layer == 1]
    if len({n.layer for n in diagram.nodes}) > 2 and first_layer:   # there is a hidden layer
        neuron = max(first_layer, key=lambda n: n.index)
        anchors["neuron"] = (neuron.x + 14, height - neuron.y)
        into = [k for k, (layer, _i, j) in enumerate(diagram.links) if layer == 0 and j == neuron.index]
        if into:
            xs, ys = diagram.link_source.data["xs"][into[-1]], diagram.link_source.data["ys"][into[-1]]
            anchors["link"] = (xs[len(xs) // 2], height - ys[len(ys) // 2])
    return anchors


class Callouts(pn.custom.JSComponent):
    """Notes shown on a first visit; `callouts` is a list of `Callout` as dicts."""

    callouts = param.List(default=[], doc="the notes, as Callout dicts")
    ok_label = param.String(default="OK")
    hide_all_label = param.String(default="Hide all")
    storage_key = param.String(default=STORAGE_KEY)
    css = param.String(default="")

    _esm = """
    function deepFind(root, cls) {
      const hit = root.querySelector("." + cls);
      if (hit) return hit;
      for (const el of root.querySelectorAll("*")) {
        if (el.shadowRoot) { const found = deepFind(el.shadowRoot, cls); if (found) return found; }
      }
      return null;
    }

    function readDismissed(key) {
      try { return new Set(JSON.parse(localStorage.getItem(key) || "[]")); } catch (e) { return new Set(); }
    }

    function writeDismissed(key, set) {
      try { localStorage.setItem(key, JSON.stringify([...set])); } catch (e) { /* private mode: forget */ }
    }

    export function render({ model }) {
      let style = document.getElementById("nn-callouts-style");
      if (!style) {
        style = document.createElement("style");
        style.id = "nn-callouts-style";
        document.head.appendChild(style);
      }
      style.textContent = model.css;
      const layer = document.createElement("div");
      layer.className = "nn-callouts";
      document.body.appendChild(layer);
      const targets = {};
      let notes = [];

      const dismiss = (keys) => {
        const gone = readDismissed(model.storage_key);
        keys.forEach((k) => gone.add(k));
        writeDismissed(model.storage_key, gone);
        build();
      };

      function build() {
        layer.replaceChildren();
        const gone = readDismissed(model.storage_key);
        const total = model.callouts.length;
        notes = model.callouts.filter((c) => !gone.has(c.key)).slice(0, 1).map((c) => {
          const note = document.createElement("div");
          note.className = "nn-callout nn-callout-" + c.side;
          note.dataset.key = c.key;
          const text = document.createElement("div");
          const step = document.createElement("b");
          step.className = "nn-callout-step";
          step.textContent = (model.callouts.indexOf(c) + 1) + "/" + total + "  ";
          text.append(step, document.createTextNode(c.text));
          const buttons = document.createElement("div");
          buttons.className = "nn-callout-buttons";
          const ok = document.createElement("button");
          ok.textContent = model.ok_label;
          ok.className = "nn-callout-ok";
          ok.addEventListener("click", () => dismiss([c.key]));
          const all = document.createElement("button");
          all.textContent = model.hide_all_label;
          all.className = "nn-callout-all";
          all.addEventListener("click", () => dismiss(model.callouts.map((d) => d.key)));
          buttons.append(ok, all);
          const dot = document.createElement("div");
          dot.className = "nn-callout-dot";
          note.append(text, buttons);
          layer.append(dot, note);
          return { c, note, dot };
        });
        place();
      }

      function place() {
        for (const { c, note, dot } of notes) {
          let el = targets[c.target];
          if (!el || !el.isConnected) el = targets[c.target] = deepFind(document, c.target);
          const r = el && el.getBoundingClientRect();
          if (!r || r.width === 0) { note.style.display = dot.style.display = "none"; continue; }
          note.style.display = dot.style.display = "";
          const ax = r.left + window.scrollX + c.x, ay = r.top + window.scrollY + c.y;
          dot.style.left = ax + "px";
          dot.style.top = ay + "px";
          const w = note.offsetWidth, h = note.offsetHeight, gap = 18;
          const at = {
            right: [ax + gap, ay - h / 2], left: [ax - gap - w, ay - h / 2],
            below: [ax - w / 2, ay + gap], above: [ax - w / 2, ay - gap - h],
          }[c.side] || [ax + gap, ay - h / 2];
          // Within the page's width: a note that runs off a phone's edge would make the page scroll sideways.
          const right = window.scrollX + document.documentElement.clientWidth - w - 4;
          note.style.left = Math.max(4, Math.min(at[0], right)) + "px";
          dot.style.left = Math.min(ax, right + w - 20) + "px";
          note.style.top = Math.max(4, at[1]) + "px";
        }
      }

      build();
      model.on("callouts", build);
      // Layouts settle after the first paint and move when notices come and go.
      const timer = setInterval(place, 400);
      window.addEventListener("resize", place);
      model.on("remove", () => {
        clearInterval(timer);
        window.removeEventListener("resize", place);
        layer.remove();
      });
    }
    """

    def __init__(self, callouts: list[Callout], **params):
        super().__init__(callouts=[asdict(c) for c in callouts], css=_CSS, width=0, height=0, margin=0, **params)

    def set_callouts(self, callouts: list[Callout]) -> None:
        self.callouts = [asdict(c) for c in callouts]


# Notice colours: they read on both themes (theme.py defines them for light and dark).
_CSS = f"""
.nn-callouts {{ position: absolute; left: 0; top: 0; width: 0; height: 0; z-index: 900; }}
.nn-callout {{ position: absolute; width: 210px; box-sizing: border-box; padding: 8px 10px; border-radius: 8px;
  background: {CSS_NOTICE_BACKGROUND}; color: {CSS_NOTICE_TEXT}; border: 2px solid {CSS_NOTICE_BORDER};
  font: 15px/1.3 system-ui, sans-serif; box-shadow: 0 2px 8px rgba(0, 0, 0, .25); pointer-events: none; }}
.nn-callout-buttons {{ display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }}
.nn-callout button {{ pointer-events: auto; font: 600 14px system-ui, sans-serif; padding: 3px 8px; cursor: pointer; white-space: nowrap;
  border-radius: 5px; border: 1px solid {CSS_NOTICE_BORDER}; background: transparent; color: {CSS_NOTICE_TEXT}; }}
.nn-callout-dot {{ position: absolute; width: 14px; height: 14px; margin: -9px 0 0 -9px; border-radius: 50%;
  border: 3px solid {CSS_NOTICE_BORDER}; pointer-events: none; }}
"""
