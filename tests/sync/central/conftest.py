"""A central service in a temporary folder, started on a free loopback port for each test."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from kiosk.sealing import SealingKey
from sync.central.server import CentralServer
from sync.central.setup import InitResult, init_central
from tests.sync.conftest import Central

FORMS = Path(__file__).resolve().parents[3] / "assets" / "forms"
SAMPLE_FORM = FORMS / "feedback_services.yaml"


class Service(Central):
    """The shared test service, with what the API tests send as a kiosk or as staff."""

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

    def post(self, body: dict, headers: dict | None = None) -> requests.Response:
        return requests.post(self.url + "/v1/submissions", json=body,
                             headers=headers or self.device_headers(body["instance_id"]),
                             timeout=10)


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def sealed_body(key: SealingKey, answers: dict, instance_id: str | None = None,
                device_id: str = "kiosk-01", inside: dict | None = None) -> dict:
    """A submission as a kiosk sends it: outer fields, and the payload sealed to `key`.

    `inside` changes fields of the sealed payload only, to make it disagree with the outside.
    """
    iid = instance_id or new_instance_id()
    payload = {"instance_id": iid, "form_id": "feedback", "form_version": "1",
               "language": "en", "answers": answers, **(inside or {})}
    envelope = json.loads(key.seal(json.dumps(payload).encode(), iid))
    return {"instance_id": iid, "reference": "HALL7-ABCDE-FGHJK", "form_id": "feedback",
            "form_version": "1", "device_id": device_id,
            "created_at": "2026-03-01T09:30:00+00:00", "envelope": envelope}


@pytest.fixture
def central_dir(tmp_path) -> tuple[Path, InitResult]:
    folder = tmp_path / "central"
    init = init_central(folder, "http://127.0.0.1:8765")
    shutil.copy(SAMPLE_FORM, folder / "forms" / SAMPLE_FORM.name)
    return folder, init


@pytest.fixture
def service(central_dir):
    folder, init = central_dir
    log: list[str] = []
    server = CentralServer(folder, log=log.append).start()
    try:
        yield Service(folder, init, server, log)
    finally:
        server.stop()
    # Every status a test saw must be one its route declares (and so openapi.yaml lists).
    assert server.undeclared_statuses == []
