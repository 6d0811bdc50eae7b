"""Django's secret key (it signs sessions and CSRF tokens): one file in the data folder,
made at the first start, so every worker and every restart uses the same one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = "django-secret.key"


def secret_key(data_dir: Path | None) -> str:
    if os.environ.get("KIOSK_CENTRAL_SECRET_KEY"):
        return os.environ["KIOSK_CENTRAL_SECRET_KEY"]
    if data_dir is None:  # a process that serves data folders it is handed (the tests)
        return secrets.token_urlsafe(50)
    path = data_dir / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    from kiosk.store.keys import write_once  # written whole, linked into place: one wins a race
    return write_once(path, secrets.token_urlsafe(50).encode("ascii")).decode("ascii").strip()
