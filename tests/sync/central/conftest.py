"""The central service's own tests: the service (`central`, tests/conftest.py) over a folder set
up with the default device and a sample form to serve, under the name these tests use.

Every test here that uses the service runs twice: on SQLite (the default) and on PostgreSQL
(`central_database_url`, tests/conftest.py), the same code and migrations on both."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from sync.central.setup import InitResult, init_central
from tests.support.central import Central, running_central
from tests.support.console import QUICK_HASHERS, Console
from tests.support.postgres import central_database

from .central_kit import SAMPLE_FORM


def _set_up(folder: Path, database_url: str | None = None) -> tuple[Path, InitResult]:
    init = init_central(folder, "http://127.0.0.1:8765", database_url=database_url)
    shutil.copy(SAMPLE_FORM, folder / "forms" / SAMPLE_FORM.name)
    return folder, init


@pytest.fixture
def central_dir(tmp_path, central_database_url) -> tuple[Path, InitResult]:
    return _set_up(tmp_path / "central", central_database_url)


@pytest.fixture
def service(central) -> Central:
    return central


@pytest.fixture
def console(central) -> Iterator[Console]:
    """The staff console of `central`: accounts made on demand, sessions signed in, passwords
    hashed at fewer rounds (tests/support/console.py's QuickPBKDF2)."""
    with override_settings(PASSWORD_HASHERS=QUICK_HASHERS):
        yield Console(central)


@pytest.fixture(scope="module", params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def shared_database_url(request) -> Iterator[str | None]:
    """`central_database_url` for a module's one service (shared_service): each way once."""
    with central_database(request) as url:
        yield url


@pytest.fixture(scope="module")
def shared_service(tmp_path_factory, shared_database_url) -> Iterator[Central]:
    """One service for a module's many small cases, each of which leaves it as it found it
    (they show it: each compares the tables before and after)."""
    folder = tmp_path_factory.mktemp("central") / "central"
    with running_central(*_set_up(folder, shared_database_url)) as central:
        yield central
