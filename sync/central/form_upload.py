"""A form file uploaded by staff: checked with the kiosk's own checker before it goes anywhere
near forms/, and written there whole (atomically) only when it loads.

A YAML file (a form, or an information service) is checked by the loader behind `kiosk forms
check`; an XLSForm (.xlsx) is imported by the kiosk's importer (`kiosk forms import`: pyxform,
then the same loader) and stored as the YAML it becomes. Stored as YAML, not as the
spreadsheet, because that is what kiosks download and load (`source` in GET /v1/forms is the
YAML text, checked on the kiosk by the same loader; kiosks have no spreadsheet reader in that
path) and what the catalogue already serves: forms/ keeps one kind of file, read at each change
without pyxform. Problems come back by place: sheet, row and column for an XLSForm; line,
question and column for YAML; nothing is written while there is one.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.forms.catalogue import load_service
from kiosk.forms.file_budget import MAX_FILE_BYTES
from kiosk.forms.form import Form
from kiosk.forms.problems import FormError, Problem
from kiosk.forms.xlsform import SheetProblem, XLSFormError, import_xlsform
from kiosk.store.keys import sync_folder, write_temporary

from .catalogue import INFORMATION, ListedForm

MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # a form file's own budget: the largest sample is 21 KB
YAML_SUFFIXES = (".yaml", ".yml")
XLSFORM_SUFFIX = ".xlsx"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class PlacedProblem:
    """A problem and where it is, in the words its author uses for the file."""

    message: str
    sheet: str | None = None  # an XLSForm's sheet
    row: int | None = None  # its row (the header is row 1)
    line: int | None = None  # a YAML file's line
    question: str | None = None
    column: str | None = None
    severity: str = "error"

    @property
    def place(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"{self.sheet} sheet")
        if self.row:
            parts.append(f"row {self.row}")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "the whole file"


@dataclass
class Upload:
    """What became of an uploaded file."""

    name: str  # as the person's computer named it
    problems: list[PlacedProblem] = field(default_factory=list)  # errors: nothing written
    warnings: list[PlacedProblem] = field(default_factory=list)  # written all the same
    written: str | None = None  # the file name in forms/
    replaced: str | None = None  # the version it replaced, if any
    unchanged: bool = False  # the very file already served: nothing to do
    service_id: str = ""
    version: str = ""
    kind: str = "form"  # or "information"

    @property
    def accepted(self) -> bool:
        return not self.problems


def install_upload(forms_dir: Path, name: str, data: bytes,
                   served: list[ListedForm]) -> Upload:
    """Check the uploaded file and, if it loads, put it in forms/ (never a half file).

    `served` is the catalogue's listing now: a new version replaces the file that serves its
    form_id, so the catalogue never holds two files for one form."""
    upload = Upload(name)
    suffix = Path(name).suffix.lower()
    if suffix not in (*YAML_SUFFIXES, XLSFORM_SUFFIX):
        return _refused(upload, "this is not a form file: upload a form or an information "
                                "service as YAML (.yaml, .yml) or an XLSForm (.xlsx)")
    if len(data) > MAX_UPLOAD_BYTES:
        return _refused(upload, f"the file is {len(data) / 1e6:.1f} MB; a form file may be at "
                                f"most {MAX_UPLOAD_BYTES / 1e6:.0f} MB")
    stem = _UNSAFE.sub("_", Path(name).stem).strip("_")[:80] or "form"
    with tempfile.TemporaryDirectory(prefix="central-upload-") as folder:
        checked = Path(folder) / f"{stem}{suffix}"
        checked.write_bytes(data)
        source = _checked_source(upload, checked)
        if source is None:
            return upload
        yaml_file = checked.with_suffix(".yaml")
        yaml_file.write_bytes(source)
        try:  # the catalogue's own reading of it: a form, or information pages
            service = load_service(yaml_file)
        except FormError as failure:  # an imported XLSForm already loaded: not expected
            upload.problems += [_placed(problem) for problem in failure.problems]
            return upload
    upload.service_id, upload.version = service.service_id, service.version
    upload.kind = "form" if isinstance(service, Form) else INFORMATION
    target = _target(upload, forms_dir, served, source)
    if target is not None:
        _write_whole(forms_dir, target, source)
        upload.written = target
    return upload


def _checked_source(upload: Upload, path: Path) -> bytes | None:
    """The YAML to store, or None with the problems in `upload`."""
    if path.suffix == XLSFORM_SUFFIX:
        try:
            imported = import_xlsform(path)
        except XLSFormError as failure:
            upload.problems += [_from_sheet(problem) for problem in failure.problems]
            return None
        upload.warnings += [_from_sheet(problem) for problem in imported.warnings]
        return imported.yaml.encode("utf-8")
    try:
        service = load_service(path)
    except FormError as failure:
        upload.problems += [_placed(p) for p in failure.problems if p.severity == "error"]
        return None
    upload.warnings += [_placed(problem) for problem in getattr(service, "warnings", [])]
    return path.read_bytes()


def _target(upload: Upload, forms_dir: Path, served: list[ListedForm],
            source: bytes) -> str | None:
    """The file name in forms/ the upload goes to, or None (a problem, or nothing to do)."""
    mine = next((entry for entry in served if entry["form_id"] == upload.service_id), None)
    if mine is not None:
        if mine["sha256"] == hashlib.sha256(source).hexdigest():
            upload.unchanged = True
            return None
        if mine["version"] == upload.version:  # a kiosk's drafts are kept by version
            upload.problems.append(PlacedProblem(
                f"version {upload.version} of {upload.service_id} is already served, with "
                "other content: give this file a new version, so kiosks with drafts begun on "
                "the served one keep it", column="version"))
            return None
        upload.replaced = str(mine["version"])
        return str(mine["filename"])
    target = f"{upload.service_id}.yaml"
    holder = next((entry for entry in served if entry["filename"] == target), None)
    if holder is not None:  # a file of that name serves another id (renamed by hand)
        upload.problems.append(PlacedProblem(
            f"forms/{target} already serves {holder['form_id']}; rename that file first"))
        return None
    return target  # a file of that name that did not load is replaced by one that does


def _write_whole(forms_dir: Path, name: str, data: bytes) -> None:
    """Written beside its place under a name the catalogue ignores, synced, then renamed over
    it: a kiosk polling meanwhile gets the old file or the new one, never half of one."""
    temporary = write_temporary(forms_dir, data, prefix=".upload-", suffix=".part")
    try:
        os.replace(temporary, forms_dir / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(forms_dir)  # the rename itself survives a power cut


def _refused(upload: Upload, message: str) -> Upload:
    upload.problems.append(PlacedProblem(message))
    return upload


def _placed(problem: Problem) -> PlacedProblem:
    return PlacedProblem(problem.message, line=problem.line, question=problem.question,
                         column=problem.column, severity=problem.severity)


def _from_sheet(problem: SheetProblem) -> PlacedProblem:
    return PlacedProblem(problem.message, sheet=problem.sheet, row=problem.row,
                         column=problem.column, severity=problem.severity)
