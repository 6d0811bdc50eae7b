"""One stylesheet for the kiosk: large type, large targets (44 px and more), high contrast.

Sizes scale with the citizen's text-size choice (100, 150 or 200 %); colours come from a named
palette in ui/themes.py (standard or high contrast)."""

from kiosk.visit import TEXT_SIZES

from .themes import THEME_NAMES, palette

__all__ = ["TEXT_SIZES", "THEME_NAMES", "keyboard_stylesheet", "stylesheet", "text_scale"]

BODY_PX = 22  # at 100 %
# Wide enough to see there is more below, and to drag with a finger. Its handle has no
# minimum length of its own: that would be the page's smallest height too (at 200 % with the
# keyboard up, a page has little room).
SCROLL_BAR_PX = 24
CODE_PX = 44  # a reference number or code (ui/screens/code_label.py shrinks it to fit)
_scale = 1.0


def text_scale() -> float:
    """The current text size as a factor, for the few sizes set in code."""
    return _scale


def stylesheet(percent: int = 100, theme: str = "standard") -> str:
    """Text sizes scale; the smallest size of a control does not (it is a finger's size, and a
    control grows with its words anyway), so 200 % text does not double every button."""
    global _scale
    c = palette(theme)
    _scale = percent / 100

    def px(size: float) -> str:
        return f"{round(size * _scale)}px"

    return f"""
QWidget {{ font-size: {px(BODY_PX)}; color: {c["text"]}; background: {c["background"]}; }}
QLabel#heading {{ font-size: {px(34)}; font-weight: bold; }}
QLabel#title {{ font-size: {px(48)}; font-weight: bold; }}
QLabel#caption, QLabel#sync_status, QLabel#auditEntry {{ font-size: {px(20)}; color: {c["muted_text"]}; }}
QLabel#headerNotice {{ font-size: {px(20)}; border: 2px solid {c["border"]}; padding: 6px 12px; }}
QLabel#hint {{ color: {c["muted_text"]}; }}
QLabel#reference {{ font-size: {px(CODE_PX)}; font-weight: bold; }}
QLabel#error {{ color: {c["error"]}; font-weight: bold; }}
QLabel#printFailed {{ font-weight: bold; }}
QLabel#notice {{ border: 4px solid {c["notice_border"]}; padding: 12px; font-size: {px(18)}; }}
QFrame#errorSummary {{ border: 4px solid {c["notice_border"]}; padding: 12px; }}
QFrame#header {{ border-bottom: 1px solid {c["divider"]}; }}
QFrame#overlay {{ background: {c["overlay"]}; }}
QFrame#privacyCover {{ background: {c["background"]}; }}
QFrame#dialog {{ background: {c["background"]}; border: 4px solid {c["border"]}; }}
QFrame#helperPanel {{ background: {c["background"]}; border-top: 6px solid {c["helper_accent"]}; }}
QLabel#helperBanner {{ font-weight: bold; color: {c["helper_accent"]}; }}
QPushButton#helperNav {{ padding: 8px 10px; }}
QPushButton#helperNav:checked {{ background: {c["selected_bg"]}; color: {c["selected_text"]};
    border-color: {c["selected_border"]}; }}
QPushButton#settingLanguage:checked, QPushButton#settingTextSize:checked {{
    background: {c["selected_bg"]}; color: {c["selected_text"]}; border-color: {c["selected_border"]};
    font-weight: bold; }}
QSlider::groove:horizontal {{ height: 8px; background: {c["slider_groove"]};
    border: 2px solid {c["slider_groove_border"]}; border-radius: 4px; }}
QSlider::sub-page:horizontal {{ background: {c["slider_fill"]}; border-radius: 4px; }}
QSlider::handle:horizontal {{ width: 48px; height: 48px; margin: -20px 0; border-radius: 24px;
    background: {c["slider_handle"]}; border: 3px solid {c["slider_handle_border"]}; }}
QPushButton#pinKey {{ min-height: 64px; min-width: 96px; font-size: {px(28)}; }}
QPushButton {{ min-height: 56px; min-width: 56px; padding: 8px 24px; border: 2px solid {c["button_border"]};
              border-radius: 6px; background: {c["button_bg"]}; }}
QPushButton:focus {{ border: 4px solid {c["focus"]}; }}
QPushButton:pressed {{ background: {c["pressed_bg"]}; }}
QPushButton#primary {{ background: {c["primary_bg"]}; color: {c["primary_text"]};
                      border-color: {c["primary_border"]};
                      font-weight: bold; }}
QPushButton#tile {{ min-height: 72px; }}
QPushButton#keepAnswers {{ background: {c["primary_bg"]}; color: {c["primary_text"]};
    border-color: {c["primary_border"]}; font-weight: bold; }}
QPushButton[languageChoice="chosen"] {{ background: {c["selected_bg"]};
    color: {c["selected_text"]}; border: 4px solid {c["selected_border"]}; font-weight: bold; }}
QPushButton#tile:checked {{ background: {c["tile_checked_bg"]};
                           border-color: {c["tile_checked_border"]}; }}
QPushButton#textSize:checked, QPushButton#contrast:checked, QPushButton#readAloud:checked {{
    background: {c["toggle_on_bg"]}; color: {c["toggle_on_text"]}; }}
QLabel#tileTitle, QLabel#contactName, QLabel#resultLabel, QLabel#strong {{ font-weight: bold; }}
QLabel#subheading {{ font-size: {px(26)}; font-weight: bold; }}
QFrame#contact, QFrame#results, QFrame#payment, QFrame#progressNote {{ border: 2px solid {c["divider"]}; }}
QPushButton#topic:checked {{ background: {c["selected_bg"]}; color: {c["selected_text"]};
    border-color: {c["selected_border"]}; }}
QProgressBar#resultBar {{ border: 2px solid {c["button_border"]}; background: {c["background"]};
    min-height: 18px; max-height: 18px; }}
QProgressBar#resultBar::chunk {{ background: {c["bar_fill"]}; }}
QLineEdit, QPlainTextEdit {{ min-height: 56px; border: 2px solid {c["input_border"]}; padding: 4px 10px; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 4px solid {c["focus"]}; }}
QLineEdit[invalid="true"] {{ border: 4px solid {c["error"]}; }}
QLineEdit[invalid="true"]:focus {{ border: 6px solid {c["error"]}; }}
QWidget#signaturePad {{ border: 2px solid {c["input_border"]}; }}
QScrollBar:vertical {{ width: {SCROLL_BAR_PX}px; margin: 0px; background: {c["button_bg"]};
    border-left: 2px solid {c["divider"]}; }}
QScrollBar::handle:vertical {{ min-height: 0px; margin: 0px; border-radius: 8px;
    background: {c["slider_handle"]}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""


def keyboard_stylesheet(theme: str, key: int) -> str:
    """The on-screen keyboard's look: its keys keep their size whatever the text size (they
    are already far above 44 px); a strong frame round each key, an inverted pressed state.
    Lower keys on a short screen have their glyphs no bigger than fits in them."""
    c = palette(theme)

    def size(px: int) -> int:
        return min(px, key - 20)

    return f"""
QWidget {{ background: {c["kb_panel"]}; color: {c["key_text"]}; }}
QPushButton {{ min-width: {key - 4}px; min-height: {key - 4}px; padding: 0px 4px; margin: 0px;
              border: 2px solid {c["key_border"]}; border-radius: 8px; background: {c["key_bg"]};
              color: {c["key_text"]}; font-size: {size(28)}px; }}
QPushButton[script="arabic"] {{ font-size: {size(32)}px; }}
QPushButton[punct="true"] {{ font-size: {size(34)}px; font-weight: bold; }}
QPushButton[role="action"] {{ background: {c["key_action_bg"]}; font-size: 22px; }}
QPushButton[role="icon"] {{ background: {c["key_action_bg"]}; font-size: {size(30)}px; }}
QPushButton[role="enter"] {{ background: {c["key_enter_bg"]}; color: {c["key_enter_text"]};
                            border-color: {c["key_enter_border"]}; font-size: 22px; font-weight: bold; }}
QPushButton:checked {{ background: {c["key_on_bg"]}; color: {c["key_on_text"]};
                      border: 4px solid {c["key_on_border"]}; }}
QPushButton:pressed {{ background: {c["key_pressed_bg"]}; color: {c["key_pressed_text"]};
                      border-color: {c["key_pressed_bg"]}; }}
QPushButton[role="enter"]:pressed {{ background: {c["key_enter_border"]}; }}
"""
