"""Theme and layout in a real Chromium: the CNN page dark all over, the dense page without collisions.

Text boxes are the browser's own (a Range around each text node, through every
shadow root), and canvas text is measured with the canvas's own measureText.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1920, 1080)]

# Every visible text node's box, walking into shadow roots (Panel draws each widget in one).
TEXT_BOXES = """() => {
  const boxes = [];
  function visit(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.shadowRoot) visit(n.shadowRoot);
        continue;
      }
      const text = n.textContent.trim();
      if (!text || !n.parentElement) continue;
      const style = getComputedStyle(n.parentElement);
      if (style.visibility !== 'visible' || style.opacity === '0' || n.parentElement.closest('option')) continue;
      // The first-visit tour note lies over the page on purpose, one at a time (as in test_layout_browser).
      if (n.parentElement.closest('.nn-callouts')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0) boxes.push({text, x: r.left, y: r.top, w: r.width, h: r.height});
      }
    }
  }
  visit(document.body);
  return boxes;
}"""

# Each canvas-text slot's drawn width, measured with the browser's fonts.
CANVAS_EXTENTS = """(name) => {
  const src = Bokeh.documents[0].get_model_by_name(name);
  const d = src.data, ctx = document.createElement('canvas').getContext('2d');
  return d.text.map((t, i) => {
    ctx.font = `${d.style[i]} ${d.size[i]} helvetica`;   // Bokeh's default text font
    return {text: t, x: d.x[i], y: d.y[i], w: ctx.measureText(t).width, size: parseFloat(d.size[i])};
  });
}"""


def _open(browser, app_url, query, size, ready):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(app_url + query)
    page.locator(ready).first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)   # let Bokeh and the widgets finish their layout
    return context, page


def _luminance(rgb: str) -> float:
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_cnn_page_is_dark_in_the_dark_theme(browser, app_url):
    context, page = _open(browser, app_url, "?page=cnn&theme=dark", (1920, 1080), ".cnn-overview")
    try:
        # The overview is a canvas: read its pixels, not a style. A corner is background.
        shot = page.locator(".cnn-overview").first.screenshot()
        from io import BytesIO

        from PIL import Image
        image = Image.open(BytesIO(shot)).convert("L")
        assert image.getpixel((3, image.height - 3)) < 60
        assert image.getpixel((image.width - 3, 3)) < 60
        # The formula card: the pane's own stylesheet and the page's theme variables.
        background = page.locator(".cnn-formula-pane").first.evaluate("""el => {
            const root = el.shadowRoot || el, probe = document.createElement('div');
            probe.className = 'cnn-formula'; root.appendChild(probe);
            const bg = getComputedStyle(probe).backgroundColor; probe.remove(); return bg; }""")
        assert _luminance(background) < 60, background
        body = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert _luminance(body) < 60, body
    finally:
        context.close()


def test_cnn_formula_card_stays_light_in_the_light_theme(browser, app_url):
    context, page = _open(browser, app_url, "?page=cnn", (1366, 768), ".cnn-overview")
    try:
        background = page.locator(".cnn-formula-pane").first.evaluate("""el => {
            const root = el.shadowRoot || el, probe = document.createElement('div');
            probe.className = 'cnn-formula'; root.appendChild(probe);
            const bg = getComputedStyle(probe).backgroundColor; probe.remove(); return bg; }""")
        assert _luminance(background) > 200, background
    finally:
        context.close()


def _overlaps(boxes, slack=1.0):
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > slack
                    and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > slack):
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_dense_page_text_does_not_collide_or_scroll(browser, app_url, size, theme):
    context, page = _open(browser, app_url, f"?theme={theme}", size, ".nn-decision-map")
    try:
        boxes = page.evaluate(TEXT_BOXES)
        assert len(boxes) > 30    # the header, the controls, the captions: the walk saw the page
        assert not _overlaps(boxes)
        # The captions must not wrap: one line each ("Features" once wrapped into "Feature/s").
        lines = [b for b in boxes if b["text"] == "Features"]
        assert len(lines) == 1, lines
        # A select shows its whole label: the chosen option's text fits inside the padding.
        for select in page.locator("select:visible").all():
            fits = select.evaluate("""s => {
                const cs = getComputedStyle(s), ctx = document.createElement('canvas').getContext('2d');
                ctx.font = cs.font;
                const text = s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : '';
                return [text, ctx.measureText(text).width + parseFloat(cs.paddingLeft)
                        + parseFloat(cs.paddingRight) <= s.clientWidth]; }""")
            assert fits[1], fits[0]
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        # The loss header's canvas text: each piece ends before the next begins on its row.
        slots = page.evaluate(CANVAS_EXTENTS, "loss-numbers")
        assert any(s["text"].startswith("acc.") for s in slots)
        for row in {s["y"] for s in slots}:
            line = sorted((s for s in slots if s["y"] == row and s["text"]), key=lambda s: s["x"])
            for left, right in zip(line, line[1:]):
                assert left["x"] + left["w"] < right["x"], (left, right)
            assert line[-1]["x"] + line[-1]["w"] <= 330
    finally:
        context.close()
