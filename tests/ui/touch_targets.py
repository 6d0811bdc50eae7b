"""Every control a finger can touch is at least 44 x 44 px (WCAG 2.5.5): the shown buttons and
boxes that are smaller (tests/ui/audit.py has the audit's wider check, sliders included)."""

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton

MINIMUM = 44


def too_small(window) -> list[str]:
    controls = [w for w in window.findChildren(QPushButton) + window.findChildren(QLineEdit)
                + window.findChildren(QPlainTextEdit) if w.isVisible()]
    assert controls
    return [f"{type(w).__name__} '{getattr(w, 'text', lambda: '')() or w.accessibleName()}' "
            f"{w.width()}x{w.height()}"
            for w in controls if w.width() < MINIMUM or w.height() < MINIMUM]
