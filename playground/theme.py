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
