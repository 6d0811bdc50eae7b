"""The central service's own tests: the service (`central`, tests/conftest.py) over a folder set
up with the default device and a sample form to serve, under the name these tests use."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.central.setup import InitResult, init_central
from tests.support.central import Central, running_central

from .central_kit import SAMPLE_FORM


def _set_up(folder: Path) -> tuple[Path, InitResult]:
    init = init_central(folder, "http://127.0.0.1:8765")
    shutil.copy(SAMPLE_FORM, folder / "forms" / SAMPLE_FORM.name)
    return folder, init


@pytest.fixture
def central_dir(tmp_path) -> tuple[Path, InitResult]:
    return _set_up(tmp_path / "central")


@pytest.fixture
def service(central) -> Central:
    return central


@pytest.fixture(scope="module")
def shared_service(tmp_path_factory) -> Iterator[Central]:
    """One service for a module's many small cases, each of which leaves it as it found it
    (they show it: each compares the tables before and after)."""
    with running_central(*_set_up(tmp_path_factory.mktemp("central") / "central")) as central:
        yield central
