"""The status page's catalogues (sync/central/web/locale): every string the page says is
translated in each language, and the committed .mo files are what their .po files compile to.

The .mo files are committed so that a server needs no gettext tools (a wheel, a container);
these tests use gettext's own msgfmt and Django's makemessages (which runs xgettext) to prove
they are current: `gettext` is among the test machine's packages (build/install-system-deps.sh).
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sync.central.web

WEB = Path(sync.central.web.__file__).parent
LOCALE = WEB / "locale"
LANGUAGES = ("fr", "es", "ar")


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as file:
        catalogue = dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]
    catalogue.pop("", None)  # the header: its dates differ, what it says is checked by msgfmt
    return catalogue


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_file_is_what_its_po_file_compiles_to(tmp_path, lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    # --check: placeholders the same as in English, plural forms and header well formed.
    checked = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(compiled),
                              str(po)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "untranslated" not in checked.stderr and "fuzzy" not in checked.stderr
    assert _catalogue(LOCALE / lang / "LC_MESSAGES" / "django.mo") == _catalogue(compiled), (
        f"compile {po} again: msgfmt --check -o {po.with_suffix('.mo')} {po}")


def test_every_string_of_the_page_is_in_each_catalogue(tmp_path):
    """makemessages over a copy of the page's files (the console's strings are not the
    citizen's): a string added to the page without a translation comes back untranslated."""
    copy = tmp_path / "web"
    shutil.copytree(LOCALE, copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(WEB / "templates" / "status", copy / "templates" / "status")
    shutil.copy(WEB / "status_page.py", copy)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "sync.central.web.settings",
                   "PYTHONPATH": str(Path(sync.central.web.__file__).parents[3])}
    for lang in LANGUAGES:
        made = subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", lang,
                               "--no-location", "--no-obsolete"], cwd=copy, env=environment,
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        po = copy / "locale" / lang / "LC_MESSAGES" / "django.po"
        stats = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(po)],
                               capture_output=True, text=True, timeout=60)
        assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, (
            f"{lang}: {stats.stderr.strip()}; run makemessages in sync/central/web and "
            "translate what it added")
