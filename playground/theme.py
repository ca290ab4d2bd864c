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
HEADER_CSS = ":host { border-bottom: 1px solid var(--panel-border-color, #ddd); margin-bottom: 6px; }"
NOTICE_ROW_CSS = (f":host {{ background: {CSS_NOTICE_BACKGROUND}; border: 2px solid {CSS_NOTICE_BORDER}; "
                  "border-radius: 6px; }")
NOTICE_CSS = f":host {{ font-size: 16px; color: {CSS_NOTICE_TEXT}; }}"

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
