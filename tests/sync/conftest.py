"""A real central service on loopback, and a kiosk configured to send to it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.sealing import SealingKey
from sync.central.server import CentralServer
from sync.central.setup import InitResult, init_central

# Fast enough for a test, the same code paths as in the field.
TEST_TIMINGS = {"connect_timeout_seconds": 1, "timeout_seconds": 0.5,
                "retry_first_seconds": 0.01, "retry_max_seconds": 0.05}


@dataclass
class Central:
    data_dir: Path
    init: InitResult
    server: CentralServer
    log: list[str]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def public_key(self) -> SealingKey:
        return SealingKey.from_text(self.init.public_key, self.init.key_fingerprint)


@pytest.fixture
def central(tmp_path):
    folder = tmp_path / "central"
    init = init_central(folder, "http://127.0.0.1:8765", device_id="hall-7")
    log: list[str] = []
    server = CentralServer(folder, log=log.append).start()
    try:
        yield Central(folder, init, server, log)
    finally:
        server.stop()


def kiosk_config(tmp_path: Path, central: Central, url: str | None = None,
                 **destination) -> Config:
    """The kiosk's config file as IT would write it: the block `central init` printed, with
    the address the service really listens on (and, for tests, short timings)."""
    block = tomllib.loads(central.init.toml_block)["destinations"]["central"]
    block.update(TEST_TIMINGS, url=url or central.url, **destination)
    lines = ['site_id = "HALL7"', f"data_dir = {json.dumps(str(tmp_path / 'kiosk'))}",
             "heartbeat_minutes = 5", "", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in block.items() if value is not None]
    file = tmp_path / "kiosk.toml"
    file.write_text("\n".join(lines) + "\n")
    return load_config(file, environ={})


@pytest.fixture
def config(tmp_path, central) -> Config:
    return kiosk_config(tmp_path, central)
