"""Form versions from the central service: kept on disk beside the database, checked before use.
Information services (`kind: information`) come the same way, their service_id in form_id.

Each version is its own file, central-forms/FORM_ID/VERSION.yaml, so a draft started on an
older version can still be resumed on it; new visits use the version the service lists now
(the catalogue reads `current.json`). Files no draft and no listing needs are removed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.forms.catalogue import load_service
from kiosk.forms.problems import FormError
from kiosk.store.keys import write_temporary

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.store import Store

    from .transport import RestTransport

CURRENT = "current.json"
# As the central's catalogue names an information service's pictures (sync/central/catalogue.py).
PICTURE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*"
                          r"\.(png|jpg|jpeg|PNG|JPG|JPEG)")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")  # a folder or file name, never a path


def _usable_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name)) and ".." not in name


def version_path(root: Path, form_id: str, version: str) -> Path:
    return Path(root) / form_id / f"{version}.yaml"


def pull_forms(transport: RestTransport, store: Store, config: Config) -> bool:
    """Ask for the catalogue (with the last ETag); store new versions. True when the set of
    current forms changed, so the kiosk reloads its catalogue for the next visit."""
    root = config.central_forms_dir
    for leftover in root.glob("*/.incoming-*"):  # from a pull cut short by a power cut
        leftover.unlink(missing_ok=True)
    previous = _read_current(root)
    # No listing on disk (a first start, or the folder was cleared): ask for all of it.
    answer = transport.forms(store.settings.get("forms_etag") if (root / CURRENT).exists() else None)
    if answer is None:
        return False
    etag, listing = answer
    current: dict[str, str] = {}
    problems: list[str] = []
    for entry in listing:
        try:
            form_id, version = str(entry["form_id"]), str(entry["version"])
            source = str(entry["source"]).encode("utf-8")
        except (KeyError, TypeError):
            problems.append("an entry without form_id, version or source")
            continue
        if not (_usable_name(form_id) and _usable_name(version)):
            problems.append(f"{form_id!r} {version!r}: not a usable form id or version")
            continue
        if entry.get("sha256") and hashlib.sha256(source).hexdigest() != entry["sha256"]:
            problems.append(f"{form_id} {version}: damaged in transit (checksum differs)")
            continue
        problem = _take_pictures(root, form_id, entry.get("images")) \
            or _take_version(root, form_id, version, source)
        if problem is None:
            current[form_id] = version
            continue
        problems.append(problem)
        kept = previous.get(form_id)  # the last good version goes on being offered
        if kept and version_path(root, form_id, kept).exists():
            current[form_id] = kept
    _write_current(root, current)
    store.settings.put("forms_etag", etag)
    store.settings.put("forms_pull", {"forms": len(current), "problems": problems[:20]})
    if current != previous:
        store.record("forms_updated", {"forms": current})
    _remove_unused(root, current, store)
    return current != previous


def _take_version(root: Path, form_id: str, version: str, source: bytes) -> str | None:
    """Check a version in a file of its own first; only a version that loads here replaces
    anything. None when it is in place, else why not."""
    path = version_path(root, form_id, version)
    if path.exists() and path.read_bytes() == source:
        return None
    incoming = write_temporary(path.parent, source)
    try:
        service = load_service(incoming)
    except FormError as failure:
        incoming.unlink(missing_ok=True)
        first = failure.problems[0].message if failure.problems else "it does not load"
        return f"{form_id} {version}: not used, it does not load here ({first})"
    if service.service_id != form_id or service.version != version:
        incoming.unlink(missing_ok=True)
        return (f"{form_id} {version}: not used, the file says {service.service_id} "
                f"{service.version}")
    os.replace(incoming, path)
    return None


def _take_pictures(root: Path, form_id: str, images: object) -> str | None:
    """An information service's pictures, written beside its versions (names it gives them,
    checked: never a path out of its folder); None when they are in place, else why not."""
    if images is None:
        return None
    if not isinstance(images, dict):
        return f"{form_id}: not used, its pictures are not a mapping"
    for name, encoded in images.items():
        if not (isinstance(name, str) and PICTURE_NAME.fullmatch(name) and ".." not in name):
            return f"{form_id}: not used, {name!r} is not a usable picture name"
        try:
            data = base64.b64decode(str(encoded), validate=True)
        except ValueError:
            return f"{form_id}: not used, the picture {name} is damaged"
        path = root / form_id / name
        if path.exists() and path.read_bytes() == data:
            continue
        incoming = write_temporary(path.parent, data)
        os.replace(incoming, path)
    return None


def _read_current(root: Path) -> dict[str, str]:
    try:
        current: dict[str, str] = json.loads((root / CURRENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return current


def _write_current(root: Path, current: dict[str, str]) -> None:
    incoming = write_temporary(root, json.dumps(current, indent=1).encode())
    os.replace(incoming, root / CURRENT)


def _remove_unused(root: Path, current: dict[str, str], store: Store) -> None:
    """Old versions go once no draft needs them (drafts keep the version they began on)."""
    kept = store.drafts.draft_form_versions() | set(current.items())
    keep_paths = {version_path(root, f, v) for f, v in kept}
    for path in root.glob("*/*.yaml"):
        if path not in keep_paths:
            path.unlink(missing_ok=True)
