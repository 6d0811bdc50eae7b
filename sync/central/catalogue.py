"""The form catalogue kiosks download: every valid form file in the data folder's forms/,
and every information service (`kind: information`: pages to read, with a service_id where a
form has its form_id), listed with `"kind": "information"` so a kiosk loads it as one.

The folder is looked at on each request (names, sizes and modification times: cheap) and read
again only when that changes. A file that does not load is not served: its name and first
problem are logged, and every problem is kept for the staff console's forms page
(`unserved()`), so a broken upload never reaches a kiosk and staff see why.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import load_service
from kiosk.forms.file_budget import MAX_FILE_BYTES
from kiosk.forms.form import Form
from kiosk.forms.problems import FormError, Problem

FORM_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Listing:
    body: bytes  # the JSON response, made once per change
    etag: str  # strong: a hash of the body


Signature = tuple[tuple[str, int, int], ...]  # each form file's (name, mtime in ns, size)
ListedForm = dict[str, Any]  # form_id, version, filename, sha256, source (and kind for an
# information service): as /v1/forms sends it
INFORMATION = "information"
# An information service's pictures go with it (kiosks check the same names on arrival).
PICTURE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*"
                          r"\.(png|jpg|jpeg|PNG|JPG|JPEG)")
MAX_PICTURE_BYTES = 8_000_000


@dataclass(frozen=True)
class Unserved:
    """A file in forms/ that kiosks are not sent, and every problem found in it."""

    filename: str
    problems: tuple[Problem, ...]


class FormCatalogue:
    def __init__(self, forms_dir: Path, log: Callable[[str], None]):
        self.forms_dir = Path(forms_dir)
        self._log = log
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._listing = _listing([])
        self._forms: dict[str, Form] = {}
        self._unserved: list[Unserved] = []

    def listing(self) -> Listing:
        signature = self._look()
        with self._lock:
            if signature != self._signature:
                self._forms, self._unserved = {}, []
                self._listing = _listing(self._read(signature))
                self._signature = signature
            return self._listing

    def forms(self) -> dict[str, Form]:
        """The forms served now, loaded (what a consultation's results are counted by)."""
        self.listing()
        with self._lock:
            return dict(self._forms)

    def served(self) -> list[ListedForm]:
        """What /v1/forms lists now (its entries as the JSON has them)."""
        forms: list[ListedForm] = json.loads(self.listing().body)["forms"]
        return forms

    def unserved(self) -> list[Unserved]:
        """The files in forms/ not served now, each with its problems, by file name."""
        self.listing()
        with self._lock:
            return list(self._unserved)

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
        seen: dict[str, str] = {}  # forms and information share one list of ids on a kiosk
        for name, _mtime, _size in signature:
            path = self.forms_dir / name
            try:
                service = load_service(path)  # first: it refuses a file over its size budget
                data = path.read_bytes()
                if len(data) > MAX_FILE_BYTES:  # grown since: serve only what was checked
                    raise FormError(path, [Problem(name, "the file grew while it was read")])
                source = data.decode("utf-8")
            except FormError as error:
                self._skip(name, str(error), error.problems)
                continue
            except (OSError, UnicodeDecodeError) as error:
                self._skip(name, f"it cannot be read ({error})",
                           [Problem(name, f"the file cannot be read ({error})")])
                continue
            ident = service.service_id
            if ident in seen:
                column = "form_id" if isinstance(service, Form) else "service_id"
                message = f"{seen[ident]} already has {column} {ident}"
                self._skip(name, message, [Problem(name, message, column=column)])
                continue
            seen[ident] = name
            entry: ListedForm = {"form_id": ident, "version": service.version,
                                 "filename": name, "sha256": hashlib.sha256(data).hexdigest(),
                                 "source": source}
            if isinstance(service, Form):
                self._forms[ident] = service
            else:
                entry["kind"] = INFORMATION
                pictures = _pictures(service.images)
                if isinstance(pictures, Problem):
                    self._skip(name, pictures.message, [pictures])
                    del seen[ident]
                    continue
                if pictures:
                    entry["images"] = pictures
            forms.append(entry)
        return forms

    def _skip(self, name: str, why: str, problems: list[Problem]) -> None:
        self._log(f"form {name} is not served: {why}")
        errors = [problem for problem in problems if problem.severity == "error"]
        self._unserved.append(Unserved(name, tuple(errors or problems)))


def _pictures(images: dict[str, Path]) -> dict[str, str] | Problem:
    """An information service's pictures as the listing carries them (base64, by the name
    the file gives), so a kiosk has them beside the file it loads; or why they cannot go."""
    found: dict[str, str] = {}
    total = 0
    for written, path in sorted(images.items()):
        if not PICTURE_NAME.fullmatch(written) or ".." in written:
            return Problem(written, f"the picture {written} cannot be sent to kiosks: name it "
                                    "like images/map.png (letters, digits, _ . -)")
        try:
            data = path.read_bytes()
        except OSError as error:
            return Problem(written, f"the picture {written} cannot be read ({error.strerror})")
        total += len(data)
        if total > MAX_PICTURE_BYTES:
            return Problem(written, "the pictures of this service are more than "
                                    f"{MAX_PICTURE_BYTES / 1e6:.0f} MB together; make them "
                                    "smaller")
        found[written] = base64.b64encode(data).decode("ascii")
    return found


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
