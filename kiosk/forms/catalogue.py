"""All the forms in a folder: the ones that load are served, the others are reported."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..information import Information, compile_information, is_information
from .form import Form
from .loader import compile_form
from .problems import FormError, Problem
from .source import read_form_file

FORM_SUFFIXES = (".yaml", ".yml")


@dataclass
class Catalogue:
    forms: dict[str, Form] = field(default_factory=dict)  # what a new visit uses
    failures: list[FormError] = field(default_factory=list)
    # every version on this kiosk, including older ones that saved drafts began on
    versions: dict[tuple[str, str], Form] = field(default_factory=dict)
    information: dict[str, Information] = field(default_factory=dict)  # pages to read

    def get(self, form_id: str) -> Form:
        return self.forms[form_id]

    def version(self, form_id: str, version: str | None) -> Form | None:
        """The exact version a draft began on, else the current one (a draft then moves to it)."""
        return self.versions.get((form_id, version or "")) or self.forms.get(form_id)

    def services(self) -> list[Form | Information]:
        """Everything the service list offers, forms and information, in the order of their ids."""
        return sorted([*self.forms.values(), *self.information.values()],
                      key=lambda service: service.service_id)

    def topics(self) -> list[str]:
        """The topics some service on offer belongs to, in the order they are first met."""
        found: dict[str, None] = {}
        for service in self.services():
            found.update(dict.fromkeys(service.topics))
        return list(found)


def load_service(path: Path | str) -> Form | Information:
    """A form, or an information service (`kind: information`); FormError if it does not load."""
    path = Path(path)
    data, problems = read_form_file(path)
    if data is None:
        raise FormError(path, problems)
    if is_information(data):
        return compile_information(path, data)
    return compile_form(path, data)


def form_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix in FORM_SUFFIXES and p.is_file())


def load_catalogue(folder: Path | str, downloaded: Path | str | None = None) -> Catalogue:
    """Load every form file in `folder`; one broken form never stops the others. Versions
    pulled from the central service (`downloaded`, see sync/forms_pull.py) come on top: the
    service's current version of a form replaces the local file of the same form_id."""
    catalogue = Catalogue()
    folder = Path(folder)
    if not folder.is_dir():
        catalogue.failures.append(FormError(folder, [Problem(str(folder), "the forms folder does not exist")]))
        return catalogue
    for path in form_files(folder):
        try:
            form = load_service(path)
        except FormError as failure:
            catalogue.failures.append(failure)
            continue
        ident = form.service_id
        taken = catalogue.forms.get(ident) or catalogue.information.get(ident)
        if taken is not None:
            column = "service_id" if isinstance(form, Information) else "form_id"
            catalogue.failures.append(FormError(path, [Problem(
                str(path), f"the {column} '{ident}' is already used by {taken.path.name}",
                column=column)]))
            continue
        if isinstance(form, Information):
            catalogue.information[ident] = form
            continue
        catalogue.forms[form.form_id] = form
        catalogue.versions[(form.form_id, form.version)] = form
    if downloaded is not None:
        _add_downloaded(catalogue, Path(downloaded))
    return catalogue


def _add_downloaded(catalogue: Catalogue, root: Path) -> None:
    try:
        current = json.loads((root / "current.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # nothing pulled yet
    for path in sorted(root.glob("*/*.yaml")):
        if path.name.startswith("."):  # a version still being checked (sync/forms_pull.py)
            continue
        try:
            service = load_service(path)
        except FormError as failure:
            catalogue.failures.append(failure)
            continue
        if current.get(service.service_id) != service.version:
            if isinstance(service, Form):  # a draft may still need it
                catalogue.versions[(service.form_id, service.version)] = service
            continue
        if isinstance(service, Information):  # the service's page replaces a local one
            catalogue.forms.pop(service.service_id, None)
            catalogue.information[service.service_id] = service
            continue
        catalogue.versions[(service.form_id, service.version)] = service
        catalogue.information.pop(service.service_id, None)
        catalogue.forms[service.form_id] = service
