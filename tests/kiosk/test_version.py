"""`kiosk --version`: the package's version from source, the baked one in a bundle; and the
release day the clock check trusts is the one CHANGELOG.md gives."""

import json
import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from kiosk import version

ROOT = Path(__file__).resolve().parents[2]
PROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_kiosk_version_prints_the_project_version():
    result = subprocess.run([sys.executable, "-m", "ui.cli", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kiosk {PROJECT_VERSION}"


def test_a_bundle_says_when_and_from_which_commit_it_was_built(tmp_path, monkeypatch):
    info = tmp_path / "build_info.json"
    info.write_text(json.dumps({"version": "9.8.7", "commit": "abc1234",
                                "built_at": "2027-03-01T09:30:00+00:00"}))
    monkeypatch.setattr(version, "BUILD_INFO", info)
    version.build_info.cache_clear()
    try:
        assert version.describe() == "kiosk 9.8.7 (bundle built 2027-03-01T09:30:00+00:00, commit abc1234)"
        assert version.built_at() == datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    finally:
        version.build_info.cache_clear()


def test_from_source_the_clock_is_checked_against_the_changelogs_release_day():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.search(rf"^## \[{re.escape(PROJECT_VERSION)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$",
                         changelog, re.M)
    assert released, f"CHANGELOG.md has no section for {PROJECT_VERSION}"
    assert released.group(1) == version.RELEASED
    assert version.built_at() == datetime.fromisoformat(released.group(1)).replace(tzinfo=UTC)
