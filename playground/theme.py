"""Every colour of both halves, and the CSS variables of the light and dark themes.

A leaf module (no project imports), so components, pages and the shell can all
read it. View code takes its colours from here: no hex colours in views.
"""
from __future__ import annotations

# TF Playground's diverging scale.
ORANGE = "#f59322"   # −1
GREY = "#e8eaeb"     # 0
BLUE = "#0877bd"     # +1

# One colour per class for the multi-class sets: classes 0 and 1 keep the
# original's orange and blue; the rest are distinct on a projector and in print.
CLASS_COLOURS = (ORANGE, BLUE, "#1b9e77", "#7b3294", "#d6604d")

# The input's colour channels R, G, B as the CNN explainer draws them: each map runs from
# white (0) to its colour (1), so a photo's three channels read apart on a projector.
CHANNEL_COLOURS = ("#c62828", "#2e7d32", "#1565c0")

# Page and figure colours of the two themes (the Panel widgets follow CSS variables).
# `surface`: a card or a raised cell; `highlight`: the learner's current choice;
# `ink`: strong marks (selection frames, result boxes) that must read on `background`.
THEMES = {
    "light": {"background": "#ffffff", "text": "#1f2328", "muted": "#5a6169", "grid": "#d9dcdf",
              "surface": "#f2f2f2", "ink": "#111111", "highlight": "#eaf2fb",
              "train_outline": "#ffffff", "test_outline": "#111111", "link_dead": "#b5b9bd"},
    "dark": {"background": "#1e2226", "text": "#f0f2f4", "muted": "#b8bec4", "grid": "#3a4047",
             "surface": "#30363c", "ink": "#f0f2f4", "highlight": "#23415c",
             "train_outline": "#ffffff", "test_outline": "#111111", "link_dead": "#5c636b"},
}

# CSS colours that follow the page theme (Panel's --design-* variables win over its
# per-component --panel-* ones; THEME_CSS sets them for the dark theme).
CSS_TEXT = "var(--design-background-text-color, var(--panel-on-background-color))"
CSS_BORDER = "var(--design-surface-color, var(--panel-border-color))"
# Our own variables, light values by default, dark ones under html.nn-dark: custom
# properties inherit into every shadow root, so HTML panes read them directly.
CSS_BACKGROUND = "var(--nn-background, #ffffff)"
CSS_SURFACE = "var(--nn-surface, #f2f2f2)"
CSS_MUTED = "var(--nn-muted, #5a6169)"
CSS_INK = "var(--nn-ink, #111111)"
CSS_HIGHLIGHT = "var(--nn-highlight, #eaf2fb)"
CSS_GRID = "var(--nn-grid, #d9dcdf)"
CSS_NOTICE_BACKGROUND = "var(--nn-notice-background, #fff4d6)"
CSS_NOTICE_BORDER = "var(--nn-notice-border, #e0a100)"
CSS_NOTICE_TEXT = "var(--nn-notice-text, #3d2c00)"

_DARK = THEMES["dark"]

# The dark theme as CSS variables on <html class="nn-dark">: Panel's widget styles
# read --design-* first and custom properties inherit into every shadow root, so
# flipping one class re-themes the whole page at once, without a reload.
THEME_CSS = f"""
html.nn-dark {{
  --design-background-color: {_DARK["background"]};
  --design-background-text-color: {_DARK["text"]};
  --design-surface-color: {_DARK["surface"]};
  --design-surface-text-color: {_DARK["text"]};
  --design-primary-color: #2f8fd8;
  --design-primary-text-color: #ffffff;
  --nn-background: {_DARK["background"]};
  --nn-surface: {_DARK["surface"]};
  --nn-muted: {_DARK["muted"]};
  --nn-ink: {_DARK["ink"]};
  --nn-highlight: {_DARK["highlight"]};
  --nn-grid: {_DARK["grid"]};
  --nn-notice-background: #3a3220;
  --nn-notice-border: #c89200;
  --nn-notice-text: #ffe9a8;
  color-scheme: dark;
}}
html.nn-dark, html.nn-dark body {{ background-color: {_DARK["background"]}; color: {_DARK["text"]}; }}
"""

# The shell's header and notice strip.
HEADER_CSS = (":host { border-bottom: 1px solid var(--panel-border-color, #ddd); margin-bottom: 6px; }"
              # a tablet or a phone: the header's items wrap onto a second row instead of running off
              " @media (max-width: 1099px) { :host { flex-wrap: wrap; height: auto !important; min-height: 56px;"
              " row-gap: 4px; padding-bottom: 4px; } }")
NOTICE_ROW_CSS = (f":host {{ background: {CSS_NOTICE_BACKGROUND}; border: 2px solid {CSS_NOTICE_BORDER}; "
                  "border-radius: 6px; }")
NOTICE_CSS = f":host {{ font-size: 16px; color: {CSS_NOTICE_TEXT}; }}"
TITLE_CSS = (f":host h1 {{ font-size: 26px; margin: 10px 0 0; color: {CSS_TEXT}; white-space: nowrap; }}"
             # a phone: the switch names the page and the tab names the app; the first screen is the map's
             " @media (max-width: 599px) { :host { display: none !important; } }")
# The shortcut hint gives way first on a narrow screen: it wraps between keys, up to three lines.
HINT_CSS = (f":host {{ font-size: 15px; color: {CSS_TEXT}; opacity: 0.85; }}"
            " :host > div { height: 100%; display: flex; align-items: center; }"
            " :host .nn-hint { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3;"
            " overflow: hidden; line-height: 1.2; } :host .nn-keys { white-space: nowrap; }"
            # on a laptop the header's two lines of the hint need the smaller size
            " @media (max-width: 1500px) { :host { font-size: 14px; } }"
            # tablets and phones are touched, not typed on: no room for keys they do not have
            " @media (max-width: 1099px) { :host { display: none !important; } }")
# the header's switches, and pages' header items; a phone has no projector to present on
SWITCH_CSS = (":host .bk-btn { font-size: 17px; font-weight: 600; }"
              " @media (max-width: 599px) { :host(.nn-present) { display: none !important; }"
              " :host .bk-btn { font-size: 15px; padding: 4px 8px; white-space: normal; line-height: 1.15; }"
              " :host { max-width: calc(100vw - 20px); } }")
STUDENT_URL_CSS = (f":host .nn-student-url {{ display: flex; align-items: center; gap: 8px; font-size: 14px; "
                   f"line-height: 1.25; color: {CSS_TEXT}; text-align: right; }} "
                   ":host svg { background: #fff; height: 48px; width: 48px; flex: none; }")

# The fixed dark greys the CNN figures draw with on white, and the role each plays,
# so that one table turns them into the current theme's colour (white stays: it is
# the "zero" of the colour scales and the paper of the drawing pad).
INK_ROLES = {"#111111": "ink", "#222222": "text", "#333333": "text", "#444444": "muted",
             "#555555": "muted", "#999999": "muted", "#aaaaaa": "grid", "#bbbbbb": "grid"}


def themed(colour, name: str):
    """`colour` as the theme `name` draws it: light-theme inks map to their role's colour."""
    if isinstance(colour, str) and name == "dark" and colour.lower() in INK_ROLES:
        return THEMES[name][INK_ROLES[colour.lower()]]
    return colour

# ---- The CNN explainer -------------------------------------------------------------------

# Colour scales (ColorBrewer RdBu and PuOr, negative → positive; input pixels white → black).
# White is zero on both diverging scales and the paper of the greys, in both themes.
ACTIVATION_STOPS = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#ffffff",
                    "#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
WEIGHT_STOPS = ("#b35806", "#e08214", "#fdb863", "#fee0b6", "#ffffff",
                "#d8daeb", "#b2abd2", "#8073ac", "#542788")
INPUT_STOPS = ("#ffffff", "#000000")
# Numbers written on a coloured cell: dark on the pale middle of a scale, white on its ends.
CELL_TEXT_ON_PALE, CELL_TEXT_ON_DEEP = "#111111", "#ffffff"

# Marks the CNN figures draw with light-theme inks; `themed` turns the greys into the
# dark theme's roles (INK_ROLES above), so a figure names a role, not a colour.
CNN_INK = "#111111"         # the window's and the selection's frame, strong lines
CNN_TEXT = "#222222"        # labels on a figure
CNN_MUTED = "#555555"       # secondary labels, connection lines
CNN_FRAME = "#aaaaaa"       # thin frames around maps
CNN_WINDOW_FILL = "#ffd400"  # the sliding window (drawn translucent over the maps)

# The hyperparameter playground's cells, per theme: the input, its zero padding, the
# rows and columns a stride never reads, and the output.
HYPERPARAM_COLOURS = {
    "light": {"input": "#c6dbef", "input_line": "#6a9cc9", "padding": "#eeeeee", "padding_line": "#bbbbbb",
              "missed": "#f6c9c9", "output": "#fde0c5", "output_line": "#d08c4a"},
    "dark": {"input": "#2c5278", "input_line": "#7fb0dc", "padding": "#3a4047", "padding_line": "#6b737c",
             "missed": "#7a2e33", "output": "#7a4a1e", "output_line": "#e0a060"},
}
CNN_CHOSEN = "#d62728"      # the outline of the chosen sample
CNN_BAR_BEST, CNN_BAR = "#2166ac", "#92c5de"   # the output's probability bars: the predicted class, the others
CNN_PAPER = "#ffffff"       # the drawing pad's paper (white in both themes: the model reads ink on white)
CNN_LINK = "#999999"        # the conv view's lines from each channel's product to the sum
CNN_CURRENT_ROW = "#fff3c4"  # behind the conv view's row of the input channel being spelled out
# The accent of the active tab (Panel's primary colour, which the dark theme sets too).
CSS_PRIMARY = "var(--design-primary-color, #0072b5)"

# The CNN page's widgets, readable from the back of a room: larger text than Panel draws by default.
CNN_TABS_CSS = (":host .bk-header .bk-tab { font-size: 17px; padding: 6px 16px; }"
                f":host .bk-header .bk-tab.bk-active {{ color: {CSS_PRIMARY}; font-weight: 600; }}"
                # a phone: the three tabs' titles wrap onto two rows rather than run off the screen
                " @media (max-width: 599px) { :host .bk-headers-wrapper { flex-wrap: wrap; }"
                " :host .bk-header .bk-tab { font-size: 16px; padding: 6px 10px; } }")
CNN_BUTTONS_CSS = ":host .bk-btn { font-size: 16px; }"
CNN_CHECKBOX_CSS = ":host, :host label, :host span { font-size: 16px; }"
CNN_SLIDER_CSS = ":host .bk-slider-title, :host .bk-input-group { font-size: 17px; }"
CNN_SELECT_CSS = ":host label, :host select, :host input { font-size: 16px; }"

# The CNN formula view: the numbers of one step, laid out as the sum they add up to.
CNN_FORMULA_CSS = f"""
.cnn-formula {{ font-family: system-ui, sans-serif; font-size: 17px; color: {CSS_TEXT}; background: {CSS_BACKGROUND};
    border-radius: 6px; padding: 2px 6px; }}
.cnn-formula .row {{ display: flex; flex-wrap: wrap; align-items: center; gap: 10px 14px; margin: 6px 0; }}
.cnn-formula .op {{ font-size: 28px; color: {CSS_MUTED}; padding: 0 2px; }}
.cnn-formula .caption {{ font-size: 14px; color: {CSS_MUTED}; text-align: center; margin-top: 2px; }}
.cnn-formula table.cnn-grid {{ border-collapse: collapse; }}
.cnn-formula table.cnn-grid td {{ font: 16px/1.2 ui-monospace, "DejaVu Sans Mono", monospace;
    min-width: 62px; height: 32px; text-align: center; border: 1px solid {CSS_GRID}; padding: 0 3px; }}
.cnn-formula table.cnn-grid td.pad {{ color: {CSS_MUTED}; background: {CSS_SURFACE}; font-style: italic; }}
.cnn-formula table.cnn-grid td.best {{ outline: 3px solid {CSS_INK}; outline-offset: -3px; font-weight: bold; }}
.cnn-formula .num {{ font: 17px ui-monospace, "DejaVu Sans Mono", monospace; padding: 3px 7px;
    border-radius: 4px; border: 1px solid {CSS_GRID}; white-space: nowrap; }}
.cnn-formula .num.result {{ font-weight: bold; border: 2px solid {CSS_INK}; }}
.cnn-formula .chip {{ font: 15px ui-monospace, "DejaVu Sans Mono", monospace; padding: 2px 6px;
    border-radius: 4px; border: 1px solid {CSS_GRID}; white-space: nowrap; }}
.cnn-formula .chip.current {{ border: 2px solid {CSS_INK}; font-weight: bold; }}
.cnn-formula .note {{ font-size: 15px; color: {CSS_MUTED}; }}
.cnn-formula table.cnn-softmax {{ border-collapse: collapse; }}
.cnn-formula table.cnn-softmax th, .cnn-formula table.cnn-softmax td {{ padding: 3px 8px;
    font: 16px ui-monospace, "DejaVu Sans Mono", monospace; text-align: right; border-bottom: 1px solid {CSS_GRID}; }}
.cnn-formula table.cnn-softmax th {{ font: bold 15px system-ui, sans-serif; color: {CSS_MUTED}; white-space: nowrap; }}
.cnn-formula table.cnn-softmax tr.best td {{ font-weight: bold; background: {CSS_HIGHLIGHT}; }}
.cnn-formula .bar {{ display: inline-block; height: 14px; background: {CNN_BAR_BEST}; vertical-align: middle; }}
"""

# The tutorial card beside the step-through and the hyperparameter views.
CNN_TUTORIAL_CARD_CSS = f"""
:host {{ background: {CSS_SURFACE}; border: 1px solid {CSS_BORDER}; border-radius: 6px; }}
:host .card-header {{ background: {CSS_SURFACE}; color: {CSS_TEXT}; }}
:host .card-button {{ color: {CSS_TEXT}; font-size: 18px; }}
"""
CNN_TUTORIAL_BODY_CSS = f"""
:host {{ color: {CSS_TEXT}; font-size: 17px; line-height: 1.45; }}
:host p {{ margin: 0 0 8px; }}
:host .try {{ font-weight: 600; margin: 10px 0 4px; }}
:host ul {{ margin: 0; padding-left: 22px; }}
:host li {{ margin-bottom: 4px; }}
"""
CNN_TUTORIAL_TITLE_CSS = f":host {{ color: {CSS_TEXT}; font-size: 18px; font-weight: 600; }}"


# ---- Narrow windows (tablets, phones) ------------------------------------------------------

# A box no wider than the window, whose content scrolls sideways inside it when it is wider
# (the network diagram, the CNN overview): the picture scrolls, never the page.
SCROLL_BOX = {"max-width": "calc(100vw - 20px)", "overflow-x": "auto", "overflow-y": "hidden", "min-width": "0"}
# Panel gives a stretching column its widest child's width plus margins as its least width, wider
# than a phone; the pages size their pieces to fit, so no floor.
NO_FLOOR = {"min-width": "0"}
# The dense page's settings in cards in a narrow window: titles as large as the page's headings.
SHEET_CSS = ":host { font-size: 16px; } .card-header { min-height: 40px; } .card-title { font-size: 17px; font-weight: 600; }"
# A Bokeh figure that keeps its size in a narrow box (Bokeh caps a figure at its parent's width,
# squeezing a fixed-size picture); the box around it scrolls instead.
FIXED_SIZE = {"max-width": "none"}
# A row whose pieces wrap onto the next line when the window is narrower than them.
WRAP = {"flex-wrap": "wrap", "min-width": "0"}

# An upload box's line when the browser refuses a file that is too large (components/upload_size.py).
UPLOAD_REFUSED_CSS = (f".nn-upload-refused {{ font-size: 15px; color: {CSS_NOTICE_TEXT}; background: "
                      f"{CSS_NOTICE_BACKGROUND}; border: 2px solid {CSS_NOTICE_BORDER}; border-radius: 6px; "
                      "padding: 4px 8px; margin: 4px 5px; white-space: normal; overflow-wrap: anywhere; }")
