"""One stylesheet for the kiosk: large type, large targets (44 px and more), high contrast.

Sizes scale with the citizen's text-size choice (100, 150 or 200 %)."""

TEXT_SIZES = (100, 150, 200)
_scale = 1.0


def text_scale() -> float:
    """The current text size as a factor, for the few sizes set in code."""
    return _scale


def stylesheet(percent: int = 100) -> str:
    global _scale
    _scale = percent / 100

    def px(size: float) -> str:
        return f"{round(size * _scale)}px"

    return f"""
QWidget {{ font-size: {px(22)}; color: #0b0c0c; background: #ffffff; }}
QLabel#heading {{ font-size: {px(34)}; font-weight: bold; }}
QLabel#title {{ font-size: {px(48)}; font-weight: bold; }}
QLabel#caption, QLabel#sync_status, QLabel#auditEntry {{ font-size: {px(20)}; color: #484949; }}
QLabel#hint {{ color: #484949; }}
QLabel#reference {{ font-size: {px(44)}; font-weight: bold; }}
QLabel#error {{ color: #b10e1e; font-weight: bold; }}
QLabel#printFailed {{ font-weight: bold; }}
QLabel#notice {{ border: 4px solid #b10e1e; padding: 12px; font-size: {px(18)}; }}
QFrame#errorSummary {{ border: 4px solid #b10e1e; padding: 12px; }}
QFrame#header {{ border-bottom: 1px solid #b1b4b6; }}
QFrame#overlay {{ background: rgba(11, 12, 12, 170); }}
QFrame#dialog {{ background: #ffffff; border: 4px solid #0b0c0c; }}
QFrame#helperPanel {{ background: #ffffff; border-top: 6px solid #1d70b8; }}
QLabel#helperBanner {{ font-weight: bold; color: #1d70b8; }}
QPushButton#helperNav {{ padding: 8px 10px; }}
QPushButton#helperNav:checked {{ background: #1d70b8; color: #ffffff; border-color: #003078; }}
QPushButton#settingLanguage:checked, QPushButton#settingTextSize:checked {{
    background: #1d70b8; color: #ffffff; border-color: #003078; font-weight: bold; }}
QSlider::groove:horizontal {{ height: 8px; background: #b1b4b6; border-radius: 4px; }}
QSlider::sub-page:horizontal {{ background: #1d70b8; border-radius: 4px; }}
QSlider::handle:horizontal {{ width: 48px; height: 48px; margin: -20px 0; border-radius: 24px;
    background: #1d70b8; border: 3px solid #003078; }}
QPushButton#pinKey {{ min-height: {px(64)}; min-width: 96px; font-size: {px(28)}; }}
QPushButton {{ min-height: {px(56)}; min-width: 56px; padding: 8px 24px; border: 2px solid #0b0c0c;
              border-radius: 6px; background: #f3f2f1; }}
QPushButton:focus {{ border: 4px solid #ffdd00; }}
QPushButton:pressed {{ background: #b1b4b6; }}
QPushButton#primary {{ background: #00703c; color: #ffffff; border-color: #002d18;
                      font-weight: bold; }}
QPushButton#tile {{ min-height: {px(72)}; }}
QPushButton#tile:checked {{ background: #1d70b8; border-color: #003078; }}
QPushButton#textSize:checked {{ background: #0b0c0c; color: #ffffff; }}
QLabel#tileTitle {{ font-weight: bold; }}
QLineEdit, QPlainTextEdit {{ min-height: {px(56)}; border: 2px solid #0b0c0c; padding: 4px 10px; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 4px solid #ffdd00; }}
"""
