"""The kiosk's log for IT: a rotating file in the data folder (logs/kiosk.log, 1 MB, 5 older
copies kept), written by the app and by `kiosk sync`.

What happened and when, never who or what they answered (OWASP's logging rules): services
are named by form id, languages by code, failures by kind. No answer, name, code, reference
number, PIN, token or key is ever put in a message, and a traceback keeps its frames (file,
line, function) but neither the lines' source nor the error's message, which may quote an answer
(a validation error repeats the value it refused). The audit log in the database is where a
visit's reference is recorded, for staff who may see it.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FOLDER = "logs"
LOG_FILE = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
# Our own loggers: kiosk.*, sync.*, ui.*. Other libraries' loggers are left out (a request's
# url can hold an ODK Central app user's token).
OWN_LOGGERS = ("kiosk", "sync", "ui")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_FOLDER / LOG_FILE


class KioskLogHandler(RotatingFileHandler):
    """The kiosk's own log file: close_logging() removes these handlers and no other."""


class PrivateFormatter(logging.Formatter):
    """Tracebacks without the error's message."""

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's own name)
        kind, _error, trace = ei
        # (None, None, None) comes only from log.exception() outside an except block
        assert kind is not None
        frames = "".join(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                         for frame in traceback.extract_tb(trace))
        return (f"Traceback (most recent call last):\n{frames}{kind.__module__}."
                f"{kind.__qualname__} (its message is not logged: it may quote an answer)")

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return stack_info


def setup_logging(data_dir: Path) -> Path | None:
    """Send the kiosk's own log records to logs/kiosk.log in `data_dir` (made if missing).
    None, with one line on stderr, when the folder cannot be written: the kiosk runs on."""
    path = log_path(data_dir)
    close_logging()  # set up again (a test, a second run)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = KioskLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")
    except OSError as error:
        import sys

        print(f"warning: no log file: {path.parent} cannot be written ({error.strerror})",
              file=sys.stderr)
        return None
    handler.setFormatter(PrivateFormatter(FORMAT))
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
    return path


def close_logging() -> None:
    for name in OWN_LOGGERS:
        for handler in list(logging.getLogger(name).handlers):
            if isinstance(handler, KioskLogHandler):
                logging.getLogger(name).removeHandler(handler)
                handler.close()
