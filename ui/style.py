"""One stylesheet for the kiosk: large type, large targets (44 px and more), high contrast."""

STYLE = """
QWidget { font-size: 22px; color: #0b0c0c; background: #ffffff; }
QLabel#heading { font-size: 34px; font-weight: bold; }
QLabel#caption { font-size: 20px; color: #484949; }
QLabel#hint { color: #484949; }
QLabel#reference { font-size: 44px; font-weight: bold; letter-spacing: 2px; }
QLabel#error { color: #b10e1e; font-weight: bold; }
QLabel#notice { border: 4px solid #b10e1e; padding: 12px; font-size: 18px; }
QFrame#errorSummary { border: 4px solid #b10e1e; padding: 12px; }
QPushButton { min-height: 56px; padding: 8px 24px; border: 2px solid #0b0c0c;
              border-radius: 6px; background: #f3f2f1; }
QPushButton:focus { border: 4px solid #ffdd00; }
QPushButton#primary { background: #00703c; color: #ffffff; border-color: #002d18;
                      font-weight: bold; }
QPushButton#tile { min-height: 72px; }
QPushButton#tile:checked { background: #1d70b8; border-color: #003078; }
QLabel#tileTitle { font-weight: bold; }
QLineEdit, QPlainTextEdit { min-height: 56px; border: 2px solid #0b0c0c; padding: 4px 10px; }
QLineEdit:focus, QPlainTextEdit:focus { border: 4px solid #ffdd00; }
"""
