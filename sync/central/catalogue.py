"""The form catalogue kiosks download: every valid form file in the data folder's forms/.

The folder is looked at on each request (names, sizes and modification times: cheap) and read
again only when that changes. A form that does not load is not served, and its file name and
first problem are logged, so a broken upload never reaches a kiosk.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.forms.file_budget import MAX_FILE_BYTES
from kiosk.forms.form import Form
from kiosk.forms.loader import load_form
from kiosk.forms.problems import FormError, Problem

FORM_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Listing:
    body: bytes  # the JSON response, made once per change
    etag: str  # strong: a hash of the body


Signature = tuple[tuple[str, int, int], ...]  # each form file's (name, mtime in ns, size)
ListedForm = dict[str, str]  # form_id, version, filename, sha256, source: as /v1/forms sends it


class FormCatalogue:
    def __init__(self, forms_dir: Path, log: Callable[[str], None]):
        self.forms_dir = Path(forms_dir)
        self._log = log
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._listing = _listing([])
        self._forms: dict[str, Form] = {}

    def listing(self) -> Listing:
        signature = self._look()
        with self._lock:
            if signature != self._signature:
                self._forms = {}
                self._listing = _listing(self._read(signature))
                self._signature = signature
            return self._listing

    def forms(self) -> dict[str, Form]:
        """The forms served now, loaded (what a consultation's results are counted by)."""
        self.listing()
        with self._lock:
            return dict(self._forms)

    def _look(self) -> Signature:
        try:
            with os.scandir(self.forms_dir) as entries:
                found = []
                for entry in entries:
                    if entry.name.endswith(FORM_SUFFIXES) and entry.is_file():
                        stat = entry.stat()
                        found.append((entry.name, stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            return ()
        return tuple(sorted(found))

    def _read(self, signature: Signature) -> list[ListedForm]:
        forms: list[ListedForm] = []
        seen: dict[str, str] = {}
        for name, _mtime, _size in signature:
            path = self.forms_dir / name
            try:
                form = load_form(path)  # first: it refuses a file over its size budget unread
                data = path.read_bytes()
                if len(data) > MAX_FILE_BYTES:  # grown since: serve only what was checked
                    raise FormError(path, [Problem(name, "the file grew while it was read")])
                source = data.decode("utf-8")
            except FormError as error:
                self._log(f"form {name} is not served: {error}")
                continue
            except (OSError, UnicodeDecodeError) as error:
                self._log(f"form {name} is not served: it cannot be read ({error})")
                continue
            if form.form_id in seen:
                self._log(f"form {name} is not served: {seen[form.form_id]} already has "
                          f"form_id {form.form_id}")
                continue
            seen[form.form_id] = name
            self._forms[form.form_id] = form
            forms.append({"form_id": form.form_id, "version": form.version, "filename": name,
                          "sha256": hashlib.sha256(data).hexdigest(), "source": source})
        return forms


def _listing(forms: list[ListedForm]) -> Listing:
    body = json.dumps({"forms": forms}, ensure_ascii=False, separators=(",", ":")).encode()
    return Listing(body, strong_etag(body))


def strong_etag(body: bytes) -> str:
    """A strong ETag for a response body: the quoted SHA-256 of its bytes."""
    return '"' + hashlib.sha256(body).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes don't matter."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags
