"""The fleet in the staff console: every kiosk's last heartbeat, silent ones marked in words;
the heartbeat's interval; adding a kiosk (token and config block shown once) and revoking one
after a confirmation step."""

from __future__ import annotations

import html
import re
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sync.central.web.databases import serving
from sync.central.web.models import Heartbeat, StaffAudit
from tests.support.console import csrf_token

BEAT = {"queue_depth": 3, "rejected": 0, "oldest_waiting": "2026-03-01T08:00:00+00:00",
        "last_sync_at": None, "version": "0.1.0", "free_disk_bytes": 2_500_000_000}


def _beat(service, body: dict, token: str | None = None,
          device_id: str = "kiosk-01") -> requests.Response:
    return requests.post(f"{service.url}/v1/devices/{device_id}/heartbeat", json=body,
                         headers=service.device_headers(token=token), timeout=10)


def _heard_ago(service, device_id: str, minutes: float) -> None:
    """As if the kiosk's last heartbeat came `minutes` ago (a test cannot wait for silence)."""
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    with serving(service.server.store.alias):
        Heartbeat.objects.filter(device_id=device_id).update(
            received_at=moment.isoformat(timespec="milliseconds"))


def _row(page: requests.Response, device_id: str) -> str:
    found = re.search(rf'<tr id="kiosk-{re.escape(device_id)}".*?</tr>', page.text, re.S)
    assert found, f"no row for {device_id}"
    return found[0]


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def admin(console) -> requests.Session:
    return console.signed_in("test-administrator", "administrator")


def _add(admin: requests.Session, service, device_id: str) -> requests.Response:
    page = admin.get(service.url + "/console/kiosks")
    return admin.post(service.url + "/console/kiosks/add",
                      data={"csrfmiddlewaretoken": csrf_token(None, page.text), "device_id": device_id})


def test_a_silent_kiosk_is_marked_silent_and_a_beating_one_is_not(console, service, admin):
    token = re.search(r'id="kiosk-token">([^<]+)<', _add(admin, service, "library-2").text)[1]
    assert _beat(service, {**BEAT, "interval_minutes": 5}).status_code == 200
    assert _beat(service, {**BEAT, "interval_minutes": 30}, token, "library-2").status_code == 200
    _heard_ago(service, "kiosk-01", 11)  # two intervals of 5 minutes and more: silent
    _heard_ago(service, "library-2", 59)  # less than two of its 30: beating
    viewer = console.signed_in("test-viewer", "viewer")
    page = viewer.get(service.url + "/console/fleet")
    assert page.status_code == 200
    silent, beating = _row(page, "kiosk-01"), _row(page, "library-2")
    assert 'data-standing="silent"' in silent
    assert "Silent for 11 minutes (beats every 5 min)" in _words(silent)
    assert 'data-standing="beating"' in beating and "Beating" in _words(beating)
    assert "0.1.0" in _words(silent) and "2.5 GB" in _words(silent)
    assert "2026-03-01 08:00" in silent  # the oldest submission still waiting
    assert "1 silent" in _words(page.text)
    _heard_ago(service, "library-2", 61)
    assert 'data-standing="silent"' in _row(viewer.get(service.url + "/console/fleet"),
                                             "library-2")


def test_a_kiosk_that_does_not_say_its_interval_is_taken_to_beat_every_5_minutes(service,
                                                                                  admin):
    assert _beat(service, BEAT).status_code == 200
    _heard_ago(service, "kiosk-01", 9)
    assert 'data-standing="beating"' in _row(admin.get(service.url + "/console/fleet"),
                                             "kiosk-01")
    _heard_ago(service, "kiosk-01", 10.5)
    assert 'data-standing="silent"' in _row(admin.get(service.url + "/console/fleet"),
                                            "kiosk-01")


def test_a_heartbeat_interval_is_kept_in_whole_minutes_and_checked(service):
    assert _beat(service, {**BEAT, "interval_minutes": 0.5}).status_code == 200
    with serving(service.server.store.alias):
        assert Heartbeat.objects.get(device_id="kiosk-01").interval_minutes == 1
    for wrong in (0, -5, 1441, "5", True, 2 ** 63):
        answer = _beat(service, {**BEAT, "interval_minutes": wrong})
        assert answer.status_code == 400, wrong
        assert answer.json()["error"].startswith("interval_minutes")
    assert _beat(service, {**BEAT, "interval_minutes": None}).status_code == 200


def test_a_kiosk_added_gets_a_working_token_shown_once_and_a_revoked_one_gets_403(service,
                                                                                  admin):
    added = _add(admin, service, "library-2")
    assert added.status_code == 200
    assert "no-store" in added.headers["Cache-Control"]  # the token, shown once
    token = re.search(r'id="kiosk-token">([^<]+)<', added.text)[1]
    block = re.search(r'id="kiosk-config-block">(.*?)</pre>', added.text, re.S)[1]
    config = tomllib.loads(html.unescape(block))["destinations"]["central"]
    assert config["device_id"] == "library-2" and config["token"] == token
    assert config["url"] == "http://127.0.0.1:8765"
    assert config["key_fingerprint"] == service.init.key_fingerprint
    forms = requests.get(service.url + "/v1/forms", headers={"Authorization": f"Bearer {token}"},
                         timeout=10)
    assert forms.status_code == 200
    assert token not in admin.get(service.url + "/console/kiosks").text  # shown only once
    twice = _add(admin, service, "library-2")
    assert twice.status_code == 400 and "already exists" in twice.text
    assert _add(admin, service, "../etc").status_code == 400

    confirm = admin.get(service.url + "/console/kiosks/library-2/revoke")
    assert confirm.status_code == 200 and 'id="confirm-revoke"' in confirm.text
    assert requests.get(service.url + "/v1/forms", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 200  # asking is not revoking
    done = admin.post(service.url + "/console/kiosks/library-2/revoke",
                      data={"csrfmiddlewaretoken": csrf_token(None, confirm.text)})
    assert done.status_code == 200 and "library-2 is revoked" in done.text
    assert requests.get(service.url + "/v1/forms", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 403
    assert 'data-standing="revoked"' in _row(admin.get(service.url + "/console/fleet"),
                                             "library-2")
    with serving(service.server.store.alias):
        actions = [(a.actor, a.action, a.target) for a in StaffAudit.objects.order_by("id")]
    assert ("test-administrator", "kiosk added", "library-2") in actions
    assert ("test-administrator", "kiosk revoked", "library-2") in actions


def test_only_an_administrator_adds_or_revokes(console, service):
    viewer = console.signed_in("test-viewer", "viewer")
    assert viewer.get(service.url + "/console/fleet").status_code == 200
    assert viewer.get(service.url + "/console/kiosks").status_code == 403
    assert viewer.post(service.url + "/console/kiosks/kiosk-01/revoke").status_code == 403
    assert requests.get(service.url + "/v1/forms", headers=service.device_headers(),
                        timeout=10).status_code == 200


def test_a_kiosk_says_its_interval_in_its_heartbeat(console, service, config, sync_worker):
    with config.open_store() as store:
        worker = sync_worker(store, config)
        worker.run_once()
        worker.close()
    with serving(service.server.store.alias):
        beat = Heartbeat.objects.get(device_id="kiosk-01")
    assert beat.interval_minutes == config.heartbeat_minutes == 5
    page = console.signed_in("test-viewer", "viewer").get(service.url + "/console/fleet")
    assert 'data-standing="beating"' in _row(page, "kiosk-01")
