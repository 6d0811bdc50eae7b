"""Fixtures the domain tests share: a clock that moves on request, a real store in a temporary
folder, a data folder the command line finds through KIOSK_DATA_DIR, and the navigation form."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.forms.loader import load_form
from kiosk.store import Store

FORMS = Path(__file__).parent / "data" / "forms"


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    with Store(tmp_path / "data" / "kiosk.db", site_id="lib-01", clock=clock) as store:
        yield store


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KIOSK_SITE_ID", "hall7")
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def nav_form():
    return load_form(FORMS / "navigation.yaml")
