"""A real central service on loopback, as the tests see it, and a kiosk configured to send to it.

The fixture that starts it is `central` in tests/conftest.py; this module holds what test modules
import by name (the service's handle and the kiosk's config), since a conftest is not imported.
"""

from __future__ import annotations

import contextlib
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from kiosk.config import Config, load_config
from kiosk.sealing import SealingKey
from sync.central.server import CentralServer
from sync.central.setup import InitResult

# Fast enough for a test, the same code paths as in the field.
TEST_TIMINGS = {"connect_timeout_seconds": 1, "timeout_seconds": 0.5,
                "retry_first_seconds": 0.01, "retry_max_seconds": 0.05}


@dataclass
class Central:
    """A started central service, with what the API tests send as a kiosk or as staff."""

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

    @property
    def key(self) -> SealingKey:
        return self.public_key

    def device_headers(self, instance_id: str | None = None, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token or self.init.device_token}"}
        if instance_id:
            headers["Idempotency-Key"] = instance_id
        return headers

    @property
    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.init.admin_token}"}

    def stored(self, *fields: str) -> list[tuple]:
        """The submissions table's rows (these fields, receive order), through the service's
        own database connection: the same on SQLite and on PostgreSQL."""
        from sync.central.web.models import Submission

        rows = Submission.objects.using(self.server.store.alias).order_by("seq")
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in rows.values_list(*fields)]

    def post(self, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(self.url + "/v1/submissions", json=body,
                             headers=headers or self.device_headers(body["instance_id"]),
                             timeout=10)


@contextlib.contextmanager
def running_central(folder: Path, init: InitResult) -> Iterator[Central]:
    """The central service over `folder`, on a free loopback port, stopped when done."""
    log: list[str] = []
    server = CentralServer(folder, log=log.append).start()
    try:
        yield Central(folder, init, server, log)
    finally:
        server.stop()
    # Every status a test saw must be one its route declares (and so openapi.yaml lists).
    assert server.undeclared_statuses == []


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
