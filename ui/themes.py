"""The kiosk's colours, as named palettes: the standard look and a high-contrast one.

Every colour of the stylesheet (ui/style.py) comes from a palette here, and every pair of
colours it puts one over or beside the other is listed in THEME_PAIRS, so the contrast of each
pair is computed by tests/ui/test_contrast.py (WCAG 2.x: 4.5:1 for text, 3:1 for large text
and for a control's boundary against its surroundings)."""

from __future__ import annotations

THEME_NAMES = ("standard", "high_contrast")

THEMES: dict[str, dict[str, str]] = {
    "standard": {
        "text": "#0b0c0c",
        "background": "#ffffff",
        "muted_text": "#484949",  # captions, hints, the sync status, audit entries
        "error": "#b10e1e",  # error messages (bold)
        "notice_border": "#b10e1e",  # the box round a notice and round the error summary
        "divider": "#b1b4b6",  # the line under the header
        "overlay": "rgba(11, 12, 12, 170)",  # dims the screen behind a dialog
        "border": "#0b0c0c",  # a dialog's frame
        "helper_accent": "#1d70b8",  # the helper panel's top edge and its banner text
        "selected_bg": "#1d70b8",  # a chosen helper page, language or text size (settings)
        "selected_text": "#ffffff",
        "selected_border": "#003078",
        "slider_groove": "#ffffff",  # white inside a dark frame: the frame is what shows
        "slider_groove_border": "#0b0c0c",
        "slider_fill": "#1d70b8",
        "slider_handle": "#1d70b8",
        "slider_handle_border": "#003078",
        "bar_fill": "#1d70b8",  # a consultation result's bar
        "button_bg": "#f3f2f1",
        "button_border": "#0b0c0c",
        "input_border": "#0b0c0c",
        # A thicker black frame: the ring it adds goes from white to black (WCAG 2.4.13: 3:1
        # between focused and not); yellow on white would be 1.4:1.
        "focus": "#0b0c0c",
        "pressed_bg": "#b1b4b6",
        "primary_bg": "#00703c",
        "primary_text": "#ffffff",
        "primary_border": "#002d18",
        "tile_checked_bg": "#1d70b8",
        # ui/screens/common.py colours a checked tile's words white in code: keep it white.
        "tile_checked_text": "#ffffff",
        "tile_checked_border": "#003078",
        "toggle_on_bg": "#0b0c0c",  # the chosen text size, high contrast when on
        "toggle_on_text": "#ffffff",
        # The on-screen keyboard: dark letters on light keys over a grey panel.
        "kb_panel": "#dee0e2",
        "key_bg": "#ffffff",
        "key_text": "#0b0c0c",
        "key_border": "#0b0c0c",
        "key_action_bg": "#c3c6c9",  # Shift, Backspace, the layer keys
        "key_enter_bg": "#00703c",
        "key_enter_text": "#ffffff",
        "key_enter_border": "#002d18",
        "key_on_bg": "#1d70b8",  # Shift while on
        "key_on_text": "#ffffff",
        "key_on_border": "#003078",
        "key_pressed_bg": "#0b0c0c",
        "key_pressed_text": "#ffffff",
    },
    # White (or yellow, for focus and accents) on black, strong white borders.
    "high_contrast": {
        "text": "#ffffff",
        "background": "#000000",
        "muted_text": "#e8e8e8",
        "error": "#ff8c8c",
        "notice_border": "#ff8c8c",
        "divider": "#ffffff",
        "overlay": "rgba(0, 0, 0, 200)",
        "border": "#ffffff",
        "helper_accent": "#ffdd00",
        "selected_bg": "#ffdd00",
        "selected_text": "#000000",
        "selected_border": "#ffffff",
        "slider_groove": "#000000",
        "slider_groove_border": "#ffffff",
        "slider_fill": "#ffdd00",
        "slider_handle": "#ffdd00",
        "slider_handle_border": "#ffffff",
        "bar_fill": "#ffdd00",
        "button_bg": "#000000",
        "button_border": "#ffffff",
        "input_border": "#ffffff",
        "focus": "#ffdd00",
        "pressed_bg": "#3a3a3a",
        "primary_bg": "#ffdd00",
        "primary_text": "#000000",
        "primary_border": "#ffffff",
        "tile_checked_bg": "#003078",
        "tile_checked_text": "#ffffff",
        "tile_checked_border": "#ffdd00",
        "toggle_on_bg": "#ffffff",
        "toggle_on_text": "#000000",
        "kb_panel": "#000000",
        "key_bg": "#000000",
        "key_text": "#ffffff",
        "key_border": "#ffffff",
        "key_action_bg": "#333333",
        "key_enter_bg": "#ffdd00",
        "key_enter_text": "#000000",
        "key_enter_border": "#ffffff",
        "key_on_bg": "#ffffff",
        "key_on_text": "#000000",
        "key_on_border": "#ffdd00",
        "key_pressed_bg": "#ffdd00",
        "key_pressed_text": "#000000",
    },
}

# Colours that carry no information, so need no contrast: the line under the header.
DECORATIVE = frozenset({"divider"})

TEXT, LARGE, CONTROL = "text", "large", "control"

# (foreground, background, kind) for each place the stylesheet puts one colour on another.
# "large": headings, titles and reference numbers (34 px bold and more); "control": a control's
# (or a state's) boundary against what surrounds it. An rgba background is composited over the
# theme's background.
_PAIRS: list[tuple[str, str, str]] = [
    ("text", "background", TEXT),  # QWidget, labels, boxes
    ("text", "background", LARGE),  # QLabel#heading, #title, #reference
    ("muted_text", "background", TEXT),  # #caption, #sync_status, #auditEntry, #hint
    ("error", "background", TEXT),  # QLabel#error
    ("helper_accent", "background", TEXT),  # QLabel#helperBanner
    ("text", "button_bg", TEXT),  # QPushButton
    ("text", "pressed_bg", TEXT),  # QPushButton:pressed
    ("primary_text", "primary_bg", TEXT),  # QPushButton#primary
    ("selected_text", "selected_bg", TEXT),  # helperNav, settingLanguage, settingTextSize
    ("tile_checked_text", "tile_checked_bg", TEXT),  # QPushButton#tile:checked
    ("toggle_on_text", "toggle_on_bg", TEXT),  # #textSize:checked, #contrast:checked
    ("button_border", "background", CONTROL),  # every button's frame
    ("button_border", "button_bg", CONTROL),
    ("input_border", "background", CONTROL),  # QLineEdit, QPlainTextEdit
    ("focus", "background", CONTROL),  # :focus borders
    ("primary_border", "background", CONTROL),
    ("selected_border", "background", CONTROL),
    ("tile_checked_border", "background", CONTROL),
    ("toggle_on_bg", "background", CONTROL),
    ("notice_border", "background", CONTROL),  # #notice, #errorSummary
    ("error", "background", CONTROL),  # a date's box at fault: QLineEdit[invalid="true"]
    ("helper_accent", "background", CONTROL),  # the helper panel's top edge
    ("border", "background", CONTROL),  # a dialog's frame against its panel
    ("slider_handle", "background", CONTROL),
    ("slider_handle_border", "background", CONTROL),
    ("slider_fill", "background", CONTROL),
    ("slider_groove_border", "background", CONTROL),
    ("slider_fill", "slider_groove", CONTROL),  # how far the slider is set
    ("bar_fill", "background", CONTROL),  # a consultation result's bar (QProgressBar#resultBar)
    # The on-screen keyboard (ui/style.py keyboard_stylesheet)
    ("key_text", "key_bg", TEXT),
    ("key_text", "key_action_bg", TEXT),
    ("key_enter_text", "key_enter_bg", TEXT),
    ("key_on_text", "key_on_bg", TEXT),
    ("key_pressed_text", "key_pressed_bg", TEXT),
    ("key_border", "kb_panel", CONTROL),
    ("key_enter_border", "kb_panel", CONTROL),
    ("key_on_border", "kb_panel", CONTROL),
    ("key_pressed_bg", "kb_panel", CONTROL),
    ("input_border", "background", CONTROL),  # the signature pad's frame
    # A choice tile's tick box or round mark (ui/choice_tiles.py): drawn in the text colour,
    # filled with the background, on an unchosen and on a chosen tile.
    ("text", "button_bg", CONTROL),
    ("text", "tile_checked_bg", CONTROL),
    ("text", "background", CONTROL),  # the tick or dot inside it
]

# A dialog against the dimmed screen behind it: in the standard theme its white panel (inside a
# dark frame) is what stands out; in high contrast, on black, its white frame.
_DIALOG = {"standard": ("background", "overlay", CONTROL),
           "high_contrast": ("border", "overlay", CONTROL)}

THEME_PAIRS: dict[str, list[tuple[str, str, str]]] = {
    name: [*_PAIRS, _DIALOG[name]] for name in THEMES}


def palette(theme: str) -> dict[str, str]:
    return THEMES.get(theme, THEMES["standard"])
