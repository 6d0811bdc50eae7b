"""`kiosk doctor`: one command that says what is wrong with a kiosk, for IT staff who cannot
debug Python on site. The Qt-free checks are in kiosk/doctor.py and sync/doctor.py; here are
the screen's fonts for every language, the printer, the speech engine and the display, and
the table. Exit 1 when any check FAILs."""

from __future__ import annotations

import json
import os
import socket
import sys
from functools import partial

from kiosk.doctor import FAIL, OK, WARN, Findings, Row, not_checked

SMALLEST_SCREEN = (1024, 600)  # logical pixels; the screens are designed for this and up


def display_reachable() -> tuple[bool, str]:
    """Whether Qt would find a display (without letting Qt abort when it would not)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return True, f"QT_QPA_PLATFORM={platform}"
    if not sys.platform.startswith("linux"):
        return True, "the desktop"
    wayland = os.environ.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        path = wayland if wayland.startswith("/") else os.path.join(runtime, wayland)
        if _connects(path):
            return True, f"Wayland ({wayland})"
    display = os.environ.get("DISPLAY", "")
    if display.startswith(":"):
        number = display[1:].split(".")[0]
        if _connects(f"/tmp/.X11-unix/X{number}"):
            return True, f"X11 ({display})"
    elif display:
        return True, f"X11 ({display})"  # a remote display: Qt will say if it cannot reach it
    if wayland or display:
        return False, f"the display {wayland or display} does not answer"
    return False, "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def _connects(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            probe.connect(path)
        return True
    except OSError:
        return False


def check_display(app, reachable: tuple[bool, str]) -> Row:
    from PySide6.QtGui import QInputDevice

    found, how = reachable
    if not found:
        return Row("display", FAIL, how, "start the kiosk in its session (build/linux: the "
                   "cage service) or on a desktop; check the screen's cable and power")
    platform = app.platformName()
    if platform in ("offscreen", "minimal"):
        return Row("display", WARN, f"Qt draws {platform}: nothing is shown on a screen",
                   "fine for tests; a kiosk runs with a display (unset QT_QPA_PLATFORM)")
    screen = app.primaryScreen()
    if screen is None:
        return Row("display", FAIL, f"{how}: no screen is connected",
                   "check the screen's cable and power")
    size = screen.geometry()
    touch = [d for d in QInputDevice.devices()
             if d.type() == QInputDevice.DeviceType.TouchScreen]
    seen = (f"{how}, {platform}: {size.width()}x{size.height()} at "
            f"{screen.devicePixelRatio():g}x, " + ("a touchscreen" if touch else "no touchscreen"))
    if size.width() < SMALLEST_SCREEN[0] or size.height() < SMALLEST_SCREEN[1]:
        return Row("display", WARN, seen, f"the kiosk is made for {SMALLEST_SCREEN[0]}x"
                   f"{SMALLEST_SCREEN[1]} or more: lower QT_SCALE_FACTOR, or a larger screen")
    if not touch:
        return Row("display", WARN, seen, "connect the touchscreen's USB cable (a mouse works "
                   "for testing)")
    return Row("display", OK, seen)


def check_screen_fonts(languages: list[str]) -> Row:
    """Every letter the first screens show in each language has a font on this system."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QRawFont

    from kiosk.doctor import sample_text

    default = QFontMetrics(QFont())
    families = QFontDatabase.families()
    raw: dict[str, QRawFont] = {}

    def covered(letter: str) -> bool:
        if default.inFontUcs4(ord(letter)):
            return True
        for family in families:
            if family not in raw:
                raw[family] = QRawFont.fromFont(QFont(family))
            if raw[family].supportsCharacter(ord(letter)):
                return True
        return False

    missing = {}
    for language in languages:
        letters = sorted({ch for ch in sample_text(language) if ch.isalpha()})
        lacking = [ch for ch in letters if not covered(ch)]
        if lacking:
            missing[language] = lacking
    if missing:
        said = "; ".join(f"{language}: {len(lacking)} letters ({''.join(lacking[:8])})"
                         for language, lacking in missing.items())
        return Row("fonts (screen)", FAIL, f"no font has these letters: {said}",
                   "install fonts for them (Debian: fonts-noto-core; Windows: the language's "
                   "supplemental fonts)")
    return Row("fonts (screen)", OK, f"every letter of {', '.join(languages)} has a font "
               f"(default {QFont().family()}; {len(families)} families in all)")


def check_printer(config) -> Row:
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    name = config.printer.strip() if config is not None else ""
    if name.lower() == "none":
        return Row("printer", OK, "printing is switched off (printer = \"none\"): the screen "
                   "shows the QR code instead")
    printers = QPrinterInfo.availablePrinters()
    names = [p.printerName() for p in printers]
    if name:
        info = next((p for p in printers if p.printerName() == name), None)
        if info is None:
            return Row("printer", FAIL, f"there is no printer called {name!r} (there are: "
                       f"{', '.join(names) or 'none'})", "set printer to one of those names, "
                       "or add the printer to the system (CUPS: lpadmin)")
    else:
        info = QPrinterInfo.defaultPrinter()
        if info.isNull():
            if names:
                return Row("printer", WARN, f"no default printer (there are: {', '.join(names)})",
                           "set printer = NAME in the config, or make one the default")
            return Row("printer", WARN, "no printer: receipts are shown as a QR code on screen",
                       "connect the receipt printer and add it to the system (CUPS), or set "
                       "printer = \"none\" if this kiosk has none")
    if info.state() == QPrinter.PrinterState.Error:
        return Row("printer", FAIL, f"{info.printerName()}: the system reports an error",
                   "check paper, cover and cable; then `cupsenable` it")
    return Row("printer", OK, f"{info.printerName()}" + (" (the default)" if not name else ""))


def check_speech(languages: list[str]) -> Row:
    """One short phrase said, with time limits (ui/speech_check.py)."""
    from .speech_check import check_speech as speak_a_phrase

    return speak_a_phrase(languages)


def run_doctor(config_path: str | None, as_json: bool = False) -> int:
    from kiosk import doctor, i18n
    from sync.doctor import check_destinations

    reachable = display_reachable()
    if not reachable[0]:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the other checks still run
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    languages = i18n.available_languages()
    findings = Findings()
    rows = [doctor.check_config(config_path, findings)]
    config = findings.config
    checks = {"data folder": doctor.check_data_folder, "database": doctor.check_database,
              "forms": doctor.check_forms, "updates": doctor.check_updates}
    for name, check in checks.items():
        rows.append(_safely(name, partial(check, config)) if config is not None
                    else not_checked(name))
    rows.append(_safely("fonts (screen)", lambda: check_screen_fonts(languages)))
    rows.append(_safely("fonts (receipts)", lambda: doctor.check_receipt_fonts(languages)))
    rows.append(_safely("printer", lambda: check_printer(config)))
    rows.append(_safely("speech", lambda: check_speech(languages)))
    rows.append(_safely("display", lambda: check_display(app, reachable)))
    if config is not None:
        rows.extend(_safely_many("central", lambda: check_destinations(config, findings)))
    else:
        rows.append(not_checked("central"))
    rows.append(_safely("clock", lambda: doctor.check_clock(findings)))
    if as_json:
        print(json.dumps({"ok": doctor.exit_code(rows) == 0,
                          "checks": [row.as_dict() for row in rows]}, indent=2))
    else:
        print(doctor.table(rows))
    return doctor.exit_code(rows)


def _broken(name: str, error: Exception) -> Row:
    """A check that breaks is a FAIL row of its own, never the end of the report."""
    return Row(name, FAIL, f"the check itself failed: {error.__class__.__name__}: {error}",
               "report this to the kiosk's maintainers with the line above")


def _safely(name: str, step) -> Row:
    try:
        return step()
    except Exception as error:
        return _broken(name, error)


def _safely_many(name: str, step) -> list[Row]:
    try:
        return step()
    except Exception as error:
        return [_broken(name, error)]


__all__ = ["FAIL", "OK", "WARN", "run_doctor"]
