"""The one JavaRosa (ODK Collect's engine) that a test run's conformance tests share."""

from __future__ import annotations

import pytest

from .javarosa import JavaRosa


@pytest.fixture(scope="session")
def javarosa(tmp_path_factory):
    engine = JavaRosa(tmp_path_factory.mktemp("javarosa"))
    yield engine
    engine.close()
