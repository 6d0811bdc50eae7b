"""The kiosk's Debian package, built from dist/kiosk and installed on this machine for real
(tests/support/deb_machine.py). Skipped, with the reason, when not root or when a kiosk is
already installed here."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.deb_machine import ROOT, build, leave_the_machine_as_it_was, why_not_here

DIST = ROOT / "dist"


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/kiosk, as `make package` builds it (built now when it is missing)."""
    reason = why_not_here()
    if reason:
        pytest.skip(reason)
    if not (DIST / "kiosk" / "kiosk").exists():
        subprocess.run(["make", "package"], cwd=ROOT, check=True, timeout=3600)
    return DIST / "kiosk"


@pytest.fixture(scope="session")
def version(bundle) -> str:
    """The bundle's own version, as `kiosk --version` says it."""
    said = subprocess.run([str(bundle / "kiosk"), "--version"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    found = re.match(r"kiosk (\S+) ", said)
    assert found, said
    return found.group(1)


@pytest.fixture(scope="session")
def package(bundle, version) -> Path:
    """dist/kiosk_<version>_amd64.deb from `make deb` (made again when it is missing, or older
    than the bundle or than a file it is made from)."""
    made = DIST / f"kiosk_{version}_amd64.deb"
    sources = [bundle / "kiosk", *(path for path in (ROOT / "build" / "deb").rglob("*")
                                   if path.is_file()),
               ROOT / "build" / "kiosk.example.toml", ROOT / "build" / "linux" / "kiosk.pam"]
    newest = max(path.stat().st_mtime for path in sources)
    if not made.exists() or made.stat().st_mtime < newest:
        subprocess.run(["make", "deb"], cwd=ROOT, check=True, timeout=3600)
    return made


@pytest.fixture(scope="session")
def older_package(bundle, version, tmp_path_factory) -> tuple[str, Path]:
    """The same bundle as an older release (version~old1 comes before version in dpkg's
    order), zstd-compressed: quicker to build."""
    older = f"{version}~old1"
    return older, build(bundle, older, tmp_path_factory.mktemp("older-deb"))


@pytest.fixture
def machine() -> Iterator[None]:
    """This machine, given back as it was after the test: the package purged, the account
    gone, whatever a failure left behind removed."""
    reason = why_not_here()
    if reason:
        pytest.skip(reason)
    try:
        yield
    finally:
        leave_the_machine_as_it_was()
