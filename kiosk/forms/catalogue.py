"""All the forms in a folder: the ones that load are served, the others are reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .form import Form
from .loader import load_form
from .problems import FormError, Problem

FORM_SUFFIXES = (".yaml", ".yml")


@dataclass
class Catalogue:
    forms: dict[str, Form] = field(default_factory=dict)
    failures: list[FormError] = field(default_factory=list)

    def get(self, form_id: str) -> Form:
        return self.forms[form_id]


def form_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix in FORM_SUFFIXES and p.is_file())


def load_catalogue(folder: Path | str) -> Catalogue:
    """Load every form file in `folder`; one broken form never stops the others."""
    catalogue = Catalogue()
    folder = Path(folder)
    if not folder.is_dir():
        catalogue.failures.append(FormError(folder, [Problem(str(folder), "the forms folder does not exist")]))
        return catalogue
    for path in form_files(folder):
        try:
            form = load_form(path)
        except FormError as failure:
            catalogue.failures.append(failure)
            continue
        if form.form_id in catalogue.forms:
            other = catalogue.forms[form.form_id].path.name
            catalogue.failures.append(FormError(path, [Problem(
                str(path), f"the form_id '{form.form_id}' is already used by {other}",
                column="form_id")]))
            continue
        catalogue.forms[form.form_id] = form
    return catalogue
