"""The pages fit the window, from a laptop to a 2560×1440 screen (issue 8, items 2 and 4).

Measured in headless Chromium on the served app: the map's and the diagram's
bounding boxes, horizontal scrolling, and the boxes of every piece of text on the
page (text nodes' own rectangles, through shadow roots).
"""
import pytest

from browser_support import DENSE_READY, ROOT, app_error_lines


# Every element matching a selector, shadow roots included.
DEEP = """
function deep(selector, root = document, found = []) {
  root.querySelectorAll(selector).forEach(e => found.push(e));
  root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) deep(selector, e.shadowRoot, found); });
  return found;
}
"""


def js(body: str) -> str:
    """A page function `(arg) => {…}` that may call deep()."""
    return "(arg) => {" + DEEP + body + "}"


BOX = js("""const e = deep(arg)[0]; if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];""")
SCROLL = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# The box of `arg` once the page has settled: laid out for this window (the server lays out after
# the browser says its size) and the box unchanged over 10 frames and 250 ms. A click at a position
# measured earlier can land where something was before a detail view, a card or a scroll bar moved it.
SETTLED = js("""const e = deep(arg)[0], html = document.documentElement.dataset;
  if (!e || (html.sized !== undefined && html.fitted !== html.sized)) return false;
  const r = e.getBoundingClientRect(), key = [r.left, r.top, r.width, r.height].join(' ');
  const seen = (window.__settled ||= {}), now = performance.now();
  if (!seen[arg] || seen[arg].key !== key) { seen[arg] = {key, since: now, frames: 0}; return false; }
  return ++seen[arg].frames >= 10 && now - seen[arg].since >= 250 && [r.left, r.top, r.width, r.height];""")


def settled_box(page, selector: str) -> tuple[float, float, float, float]:
    """(left, top, width, height) of `selector` once the page has stopped moving (see SETTLED)."""
    page.evaluate("(arg) => { if (window.__settled) delete window.__settled[arg]; }", selector)
    return tuple(page.wait_for_function(SETTLED, arg=selector, polling="raf", timeout=30_000).json_value())
# The rectangle of every visible piece of text (as clipped), with the text itself.
TEXTS = js("""
  const out = [];
  const hides = (v) => v === 'hidden' || v === 'clip';
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim(), el = n.parentElement;
      // The first-visit tour note lies over the page on purpose (one at a time, clicks pass through).
      if (!text || !el || el.closest('select, option, style, script, title, .nn-callouts')) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible') continue;
      // Transparent through any ancestor (Panel's inactive tabs), it is not seen.
      let seen = true;
      for (let a = el; a && seen; a = a.parentElement || a.getRootNode().host) seen = getComputedStyle(a).opacity !== '0';
      if (!seen) continue;
      // An ellipsis shows only where the text's own block clips it (text-overflow, line clamp).
      let block = el;
      while (block.parentElement && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      const bs = getComputedStyle(block);
      const ellipsis = (bs.textOverflow === 'ellipsis' && hides(bs.overflowX)) || (bs.webkitLineClamp || 'none') !== 'none';
      const range = document.createRange(); range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        // What is seen: the text's box clipped by every ancestor that hides its overflow.
        // `cut`: part of it is hidden (not scrolled away) with no ellipsis to say so.
        let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom], cut = false;
        for (let a = el; a; a = a.parentElement || a.getRootNode().host) {
          const st = getComputedStyle(a), c = a.getBoundingClientRect();
          if (st.overflowX !== 'visible') {
            l = Math.max(l, c.left); rt = Math.min(rt, c.right);
            cut ||= hides(st.overflowX) && (r.left < c.left - 2 || r.right > c.right + 2);
          }
          if (st.overflowY !== 'visible') {
            t = Math.max(t, c.top); b = Math.min(b, c.bottom);
            cut ||= hides(st.overflowY) && (r.top < c.top - 2 || r.bottom > c.bottom + 2);
          }
        }
        if (rt - l > 1 && b - t > 1) out.push({text, box: [l, t, rt, b], cut: cut && !ellipsis});
      }
    }
  };
  visit(document.body);
  deep('*').forEach(e => { if (e.shadowRoot) visit(e.shadowRoot); });
  return out;""")

SIZES = [(1366, 768), (1920, 1080), (2560, 1440)]
SIX_BY_EIGHT = "?dataset=spiral&hidden=8,8,8,8,8,8&activation=relu"


def open_at(browser, url, width, height, **context_args):
    """A new tab of `url` at this window size, laid out; page.errors collects page errors."""
    context = browser.new_context(viewport={"width": width, "height": height}, **context_args)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(DENSE_READY, timeout=60_000)
    wait_laid_out(page, height)
    page.errors = errors
    return context, page


def wait_laid_out(page, height):
    """Until the map has its size for this window (the server lays out after the browser says its size)."""
    page.wait_for_function(js("""const e = deep('.nn-decision-map')[0];
        return e && e.getBoundingClientRect().height >= 0.4 * arg;"""), arg=height, timeout=30_000)
    page.wait_for_timeout(700)     # let the rest of the page settle


def overlaps(texts):
    """Pairs of text boxes that overlap by more than 2 px both ways (pieces of one text node excepted)."""
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > 2 and min(b1, b2) - max(t1, t2) > 2:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("query", ["", SIX_BY_EIGHT + "&lang=uk"])
def test_the_page_fills_the_window_without_scrolling_sideways_or_overlapping_or_cut_text(browser, app_url, width,
                                                                                        height, query):
    context, page = open_at(browser, app_url + query, width, height)
    try:
        left, top, w, h = page.evaluate(BOX, ".nn-decision-map")
        assert min(w, h) >= 0.4 * height, (w, h)                   # the map's side ≥ 40 % of the height
        assert top >= 0 and top + h <= height and left + w <= width   # wholly on the first screen
        _l, _t, dw, dh = page.evaluate(BOX, ".nn-network")
        assert dw * dh >= 0.18 * width * height, (dw, dh)           # the diagram ≥ 18 % of the screen
        scroll_width, client_width = page.evaluate(SCROLL)
        assert scroll_width <= client_width
        texts = page.evaluate(TEXTS)
        assert len(texts) > 30
        assert overlaps(texts) == []
        assert [t["text"] for t in texts if t["cut"]] == []     # no word cut short, e.g. in the header
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width,height", SIZES)
def test_the_cnn_page_has_no_overlapping_or_cut_text(browser, app_url, width, height):
    """In Ukrainian, the longer texts; the inactive tabs' texts (transparent) do not count."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(app_url + "?page=cnn&lang=uk")
        page.locator(".cnn-overview").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)      # the figures and the explanation laid out
        scroll_width, client_width = page.evaluate(SCROLL)
        assert scroll_width <= client_width
        texts = page.evaluate(TEXTS)
        assert len(texts) > 30
        assert overlaps(texts) == []
        assert [t["text"] for t in texts if t["cut"]] == []
    finally:
        context.close()


@pytest.mark.browser
def test_resizing_the_window_lays_the_page_out_again(browser, app_url):
    context, page = open_at(browser, app_url, 1366, 768)
    try:
        small_map = page.evaluate(BOX, ".nn-decision-map")[2]
        small_net = page.evaluate(BOX, ".nn-network")
        page.set_viewport_size({"width": 1920, "height": 1080})
        wait_laid_out(page, 1080)
        page.wait_for_function(js("return deep('.nn-network')[0].getBoundingClientRect().width > arg;"), arg=small_net[2])
        big_map = page.evaluate(BOX, ".nn-decision-map")[2]
        big_net = page.evaluate(BOX, ".nn-network")
        assert big_map > 1.3 * small_map and big_net[2] * big_net[3] > 1.5 * small_net[2] * small_net[3]
        page.set_viewport_size({"width": 1366, "height": 768})
        page.wait_for_function(js("return deep('.nn-decision-map')[0].getBoundingClientRect().width < arg;"), arg=big_map)
        page.wait_for_timeout(700)
        assert page.evaluate(SCROLL)[0] <= page.evaluate(SCROLL)[1]
    finally:
        context.close()


# Issue 20: every window from a phone to a 2560 px screen, on both pages, in both languages and themes,
# with the largest network (6×8) and the widest model (tiny-imagenet). Phones are touch screens.
ALL_WINDOWS = [(360, 740, True), (390, 844, True), (768, 1024, False), (1024, 768, False), (900, 700, False),
               (1280, 720, False), (1366, 768, False), (1920, 1080, False), (2560, 1440, False)]
# Each window opens English in the light theme and Ukrainian in the dark one: both languages and both themes.
LOOKS = ["&lang=en&theme=default", "&lang=uk&theme=dark"]
PAGES = {"dense": SIX_BY_EIGHT, "cnn": "?page=cnn&cnn_model=tiny-imagenet"}


def open_window(browser, url: str, width: int, height: int, touch: bool):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=touch, has_touch=touch)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return context, page


def inside(box, width: int, height: int) -> bool:
    left, top, w, h = box
    return left >= -1 and top >= -1 and left + w <= width + 1 and top + h <= height + 1


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width,height,touch", ALL_WINDOWS)
def test_every_window_fits_both_pages_in_both_languages_and_themes(browser, app_url, name, width, height, touch):
    for look in LOOKS:
        context, page = open_window(browser, app_url + PAGES[name] + look, width, height, touch)
        try:
            if name == "dense":
                page.wait_for_function(DENSE_READY, timeout=60_000)
                map_box = settled_box(page, ".nn-decision-map")
                assert inside(map_box, width, height), (look, map_box)        # the map on the first screen,
                play = page.locator(".nn-play").first                              # and the Play bar
                play_box = play.bounding_box()
                assert inside((play_box["x"], play_box["y"], play_box["width"], play_box["height"]), width, height)
                if width < 600:
                    assert map_box[2] >= 0.8 * width, map_box                 # the map across a phone
            else:
                page.locator(".cnn-overview").first.wait_for(timeout=90_000)
                overview = settled_box(page, ".cnn-overview-box")
                assert overview[1] < height and overview[0] + overview[2] <= width + 1, overview
            scroll_width, client_width = page.evaluate(SCROLL)
            assert scroll_width <= client_width, (look, scroll_width, client_width)   # no sideways scroll
            texts = page.evaluate(TEXTS)
            assert len(texts) > 20
            assert overlaps(texts) == [], look
            assert [t["text"] for t in texts if t["cut"]] == [], look
            assert page.errors == []
        finally:
            context.close()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["", "?page=cnn"])
def test_resizing_through_every_width_raises_no_error(browser, app_url, query):
    """A phone turned, a window dragged narrow and wide again: every size lays out, and the server logs no error."""
    log = ROOT / ".pytest_cache" / "panel-serve.log"
    before = len(app_error_lines(log.read_text(errors="replace"))) if log.exists() else 0
    context, page = open_window(browser, app_url + query, 1366, 768, False)
    try:
        ready = DENSE_READY if not query else "() => !!document.querySelector('html[data-fitted]')"
        page.wait_for_function(ready, timeout=90_000)
        for width in (360, 480, 600, 768, 900, 1099, 1100, 1600, 2560, 390):
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_function("(size) => document.documentElement.dataset.fitted === size", arg=f"{width} 800",
                                   timeout=30_000)
        settled_box(page, ".nn-decision-map" if not query else ".cnn-overview")
        assert page.evaluate(SCROLL)[0] <= page.evaluate(SCROLL)[1]
        assert page.errors == []
    finally:
        context.close()
    if log.exists():
        assert app_error_lines(log.read_text(errors="replace"))[before:] == []
