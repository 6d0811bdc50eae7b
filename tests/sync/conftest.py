"""A kiosk configured to send to the central service on loopback (`central`, tests/conftest.py)."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from tests.support.central import kiosk_config


@pytest.fixture
def config(tmp_path, central) -> Config:
    return kiosk_config(tmp_path, central)
