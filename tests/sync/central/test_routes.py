"""Health, the key, the form catalogue, heartbeats and the staff listings."""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import datetime

import pytest
import requests

from kiosk.sealing import ALGORITHM

from .central_kit import SAMPLE_FORM, sealed_body


def test_health_needs_no_token(service):
    answer = requests.get(service.url + "/health", timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["version"]
    assert datetime.fromisoformat(body["time"]).utcoffset().total_seconds() == 0
    assert answer.headers["Content-Length"] == str(len(answer.content))


def test_the_key_matches_the_pinned_fingerprint(service):
    body = requests.get(service.url + "/v1/key", timeout=10).json()
    assert body == {"public_key": service.init.public_key,
                    "fingerprint": service.init.key_fingerprint, "algorithm": ALGORITHM,
                    "opens": [service.init.key_fingerprint],  # no earlier keys yet
                    "receipt_key": service.init.receipt_key}  # as init printed it for kiosks
    assert body["fingerprint"] == service.key.fingerprint


def test_unknown_paths_are_404_and_wrong_methods_405(service):
    missing = requests.get(service.url + "/v2/anything", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]
    wrong = requests.delete(service.url + "/v1/submissions", timeout=10)
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "GET, POST"


def _forms(service, etag: str | None = None) -> requests.Response:
    headers = service.device_headers() | ({"If-None-Match": etag} if etag else {})
    return requests.get(service.url + "/v1/forms", headers=headers, timeout=10)


def test_the_catalogue_has_an_etag_and_answers_304_when_unchanged(service):
    first = _forms(service)
    assert first.status_code == 200
    [form] = first.json()["forms"]
    source = SAMPLE_FORM.read_text(encoding="utf-8")
    assert form == {"form_id": "feedback_services", "version": "2026-11-27",
                    "filename": SAMPLE_FORM.name, "source": source,
                    "sha256": hashlib.sha256(source.encode()).hexdigest()}
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    unchanged = _forms(service, etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    assert _forms(service, '"stale"').status_code == 200


def test_a_change_to_the_forms_folder_changes_the_etag(service):
    etag = _forms(service).headers["ETag"]
    text = SAMPLE_FORM.read_text(encoding="utf-8").replace("form_id: feedback_services",
                                                           "form_id: feedback_copy")
    (service.data_dir / "forms" / "copy.yaml").write_text(text, encoding="utf-8")
    changed = _forms(service, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert [f["form_id"] for f in changed.json()["forms"]] == ["feedback_copy",
                                                               "feedback_services"]
    (service.data_dir / "forms" / "copy.yaml").unlink()
    assert _forms(service, etag).status_code == 304


def test_a_broken_form_is_not_served_and_is_logged_by_name(service):
    broken = service.data_dir / "forms" / "broken.yaml"
    broken.write_text("form_id: broken\nversion: '1'\nsurvey:\n  - type: nonsense\n")
    forms = _forms(service).json()["forms"]
    assert [f["filename"] for f in forms] == [SAMPLE_FORM.name]
    assert any("broken.yaml" in line and "not served" in line for line in service.log)


def test_the_catalogue_needs_a_device_token(service):
    assert requests.get(service.url + "/v1/forms", timeout=10).status_code == 401
    admin = requests.get(service.url + "/v1/forms", headers=service.admin_headers, timeout=10)
    assert admin.status_code == 403


BEAT = {"queue_depth": 3, "rejected": 1, "oldest_waiting": "2026-03-01T08:00:00+00:00",
        "last_sync_at": None, "version": "0.1.0", "free_disk_bytes": 123456789}


def _beat(service, device_id: str, body: dict) -> requests.Response:
    return requests.post(f"{service.url}/v1/devices/{device_id}/heartbeat", json=body,
                         headers=service.device_headers(), timeout=10)


def _devices(service) -> list[dict]:
    answer = requests.get(service.url + "/v1/devices", headers=service.admin_headers, timeout=10)
    assert answer.status_code == 200
    return answer.json()["devices"]


def test_a_heartbeat_is_kept_per_device_and_replaced_by_the_next(service):
    assert _devices(service)[0]["last_heartbeat"] is None
    first = _beat(service, "kiosk-01", BEAT)
    assert first.status_code == 200 and datetime.fromisoformat(first.json()["server_time"])
    assert _beat(service, "kiosk-01", {**BEAT, "queue_depth": 0}).status_code == 200
    [device] = _devices(service)
    assert device["id"] == "kiosk-01" and device["revoked"] is False
    last = device["last_heartbeat"]
    assert last["queue_depth"] == 0 and last["rejected"] == 1
    assert last["oldest_waiting"] == BEAT["oldest_waiting"] and last["last_sync_at"] is None
    assert last["received_at"] >= first.json()["server_time"]


def test_a_heartbeat_for_another_device_is_403_and_a_bad_one_400(service):
    assert _beat(service, "kiosk-02", BEAT).status_code == 403
    assert _beat(service, "kiosk%2F01", BEAT).status_code == 403  # decoded after routing
    assert _beat(service, "kiosk%2D01", BEAT).status_code == 200  # "kiosk-01", encoded
    bad = _beat(service, "kiosk-01", {**BEAT, "queue_depth": -1})
    assert bad.status_code == 400 and bad.json()["error"].startswith("queue_depth")
    missing = _beat(service, "kiosk-01", {k: v for k, v in BEAT.items() if k != "version"})
    assert missing.status_code == 400 and missing.json()["error"].startswith("version")
    assert _devices(service)[0]["last_heartbeat"]["queue_depth"] == BEAT["queue_depth"]


def test_staff_page_through_opened_submissions_in_receive_order(service):
    sent = [sealed_body(service.key, {"n": n}) for n in range(5)]
    receipts = [service.post(body).json()["receipt_id"] for body in sent]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"after": cursor} if cursor else {})
        answer = requests.get(service.url + "/v1/submissions", params=query,
                              headers=service.admin_headers, timeout=10)
        assert answer.status_code == 200
        page = answer.json()
        seen += page["submissions"]
        cursor, pages = page["next"], pages + 1
        if cursor is None:
            break
    assert pages == 3
    assert [s["receipt_id"] for s in seen] == receipts
    assert [s["payload"]["answers"] for s in seen] == [{"n": n} for n in range(5)]
    assert seen[0]["reference"] == sent[0]["reference"] and seen[0]["device_id"] == "kiosk-01"


def test_staff_listing_filters_by_form_and_checks_its_query(service):
    service.post(sealed_body(service.key, {"n": 1}))
    url = service.url + "/v1/submissions"
    other = requests.get(url, params={"form_id": "other"}, headers=service.admin_headers,
                         timeout=10)
    assert other.json() == {"submissions": [], "next": None}
    for query in ({"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"after": "rcpt-unknown"}):
        refused = requests.get(url, params=query, headers=service.admin_headers, timeout=10)
        assert refused.status_code == 400, query


def test_a_device_token_cannot_read_the_staff_listings(service):
    for path in ("/v1/submissions", "/v1/devices"):
        answer = requests.get(service.url + path, headers=service.device_headers(), timeout=10)
        assert answer.status_code == 403, path
        assert requests.get(service.url + path, timeout=10).status_code == 401


@pytest.mark.network  # starts its own server, not the fixture
def test_stopping_ends_idle_keep_alive_connections(central_dir):
    from sync.central.server import CentralServer

    server = CentralServer(central_dir[0], log=lambda line: None).start()
    session = requests.Session()
    try:
        assert session.get(server.url + "/health", timeout=10).status_code == 200
        server.stop()  # returns without waiting for the client's 30 s idle timeout
        assert not [t for t in threading.enumerate() if t.name.startswith("central-")]
    finally:
        session.close()
        server.stop()


def test_the_key_file_is_private(service):
    assert os.stat(service.data_dir / "central.key").st_mode & 0o777 == 0o600
