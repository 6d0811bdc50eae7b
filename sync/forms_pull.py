"""Form versions from the central service: kept on disk beside the database, checked before use.

Each version is its own file, central-forms/FORM_ID/VERSION.yaml, so a draft started on an
older version can still be resumed on it; new visits use the version the service lists now
(the catalogue reads `current.json`). Files no draft and no listing needs are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from kiosk.forms.loader import load_form
from kiosk.forms.problems import FormError

CURRENT = "current.json"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def _safe(name: str) -> str:
    return _SAFE.sub("_", name)[:80] or "_"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def version_path(root: Path, form_id: str, version: str) -> Path:
    return Path(root) / _safe(form_id) / f"{_safe(version)}.yaml"


def pull_forms(transport, store, config) -> bool:
    """Ask for the catalogue (with the last ETag); store new versions. True when the set of
    current forms changed, so the kiosk reloads its catalogue for the next visit."""
    answer = transport.forms(store.setting("forms_etag"))
    if answer is None:
        return False
    etag, listing = answer
    root = config.central_forms_dir
    current: dict[str, str] = {}
    problems: list[str] = []
    for entry in listing:
        try:
            form_id, version = str(entry["form_id"]), str(entry["version"])
            source = str(entry["source"]).encode("utf-8")
        except (KeyError, TypeError):
            problems.append("an entry without form_id, version or source")
            continue
        if entry.get("sha256") and hashlib.sha256(source).hexdigest() != entry["sha256"]:
            problems.append(f"{form_id} {version}: damaged in transit (checksum differs)")
            continue
        path = version_path(root, form_id, version)
        if not path.exists() or path.read_bytes() != source:
            _write_atomically(path, source)
        try:
            form = load_form(path)
        except FormError as failure:
            problems.append(f"{form_id} {version}: {failure.problems[0] if failure.problems else 'invalid'}")
            path.unlink(missing_ok=True)
            continue
        if form.form_id != form_id or form.version != version:
            problems.append(f"{form_id} {version}: the file says {form.form_id} {form.version}")
            path.unlink(missing_ok=True)
            continue
        current[form_id] = version
    previous = _read_current(root)
    _write_atomically(root / CURRENT, json.dumps(current, indent=1).encode())
    store.put_setting("forms_etag", etag)
    store.put_setting("forms_pull", {"forms": len(current), "problems": problems[:20]})
    if current != previous:
        store.record("forms_updated", {"forms": current})
    _remove_unused(root, current, store)
    return current != previous


def _read_current(root: Path) -> dict[str, str]:
    try:
        return json.loads((root / CURRENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _remove_unused(root: Path, current: dict[str, str], store) -> None:
    """Old versions go once no draft needs them (drafts keep the version they began on)."""
    kept = store.draft_form_versions() | set(current.items())
    keep_paths = {version_path(root, f, v) for f, v in kept}
    for path in root.glob("*/*.yaml"):
        if path not in keep_paths:
            path.unlink(missing_ok=True)
