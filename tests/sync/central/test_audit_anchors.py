"""Heartbeats anchor each kiosk's audit log at the central service: a log that later ends
before an anchored entry, or whose anchored entry changed, is flagged until staff accept it."""

from __future__ import annotations

import hashlib

import requests

from .central_kit import conforms, run

BEAT = {"queue_depth": 0, "rejected": 0, "oldest_waiting": None, "last_sync_at": None,
        "version": "0.1.0", "free_disk_bytes": 1}
ANSWER = ("/paths/~1v1~1devices~1{device_id}~1heartbeat/post/responses/200/content/"
          "application~1json/schema")
DEVICES = "/paths/~1v1~1devices/get/responses/200/content/application~1json/schema"


def _hash(entry: int, text: str = "") -> str:
    return hashlib.sha256(f"{entry}{text}".encode()).hexdigest()


def _beat(service, head: int, anchor: int | None, anchor_hash: str | None = None) -> dict:
    audit = {"head_seq": head, "head_hash": _hash(head) if head else None,
             "anchor_seq": anchor,
             "anchor_hash": anchor_hash if anchor_hash or anchor is None else _hash(anchor)}
    answer = requests.post(f"{service.url}/v1/devices/kiosk-01/heartbeat",
                           json={**BEAT, "audit": audit}, headers=service.device_headers(),
                           timeout=10)
    assert answer.status_code == 200, answer.text
    conforms(answer.json(), ANSWER)
    return answer.json()["audit"]


def _fleet(service) -> dict:
    answer = requests.get(service.url + "/v1/devices", headers=service.admin_headers, timeout=10)
    conforms(answer.json(), DEVICES)
    (device,) = answer.json()["devices"]
    return device["audit"]


def test_a_log_that_grows_from_its_anchor_is_ok_and_anchored_anew(service):
    first = _beat(service, head=4, anchor=None)
    assert (first["state"], first["anchor_seq"]) == ("ok", 4)
    later = _beat(service, head=9, anchor=4)  # entry 4 is still what it was
    assert (later["state"], later["anchor_seq"], later["since"]) == ("ok", 9, None)
    assert _fleet(service)["state"] == "ok"


def test_a_log_cut_short_is_flagged_and_stays_flagged_until_staff_accept_it(service, capsys):
    _beat(service, head=12, anchor=None)
    cut = _beat(service, head=10, anchor=12)  # entries 11 and 12 deleted on the kiosk's disk
    assert cut["state"] == "cut short" and "entry 12" in cut["detail"] and cut["since"]
    # The kiosk goes on logging: the problem stays on record, the anchor moves on.
    again = _beat(service, head=11, anchor=10)
    assert (again["state"], again["since"], again["anchor_seq"]) == ("cut short", cut["since"], 11)
    assert _fleet(service)["detail"] == cut["detail"]

    assert run("devices", "--data-dir", str(service.data_dir)) == 1
    said = capsys.readouterr()
    assert "AUDIT LOG CUT SHORT" in said.out and "accept-audit" in said.err
    assert run("accept-audit", "--device", "kiosk-01", "--data-dir", str(service.data_dir)) == 0
    assert _fleet(service)["state"] == "ok"
    assert _beat(service, head=12, anchor=11)["state"] == "ok"
    assert run("devices", "--data-dir", str(service.data_dir)) == 0


def test_an_anchored_entry_that_changed_is_a_rewritten_log(service):
    _beat(service, head=5, anchor=None)
    rewritten = _beat(service, head=7, anchor=5, anchor_hash=_hash(5, "forged"))
    assert rewritten["state"] == "rewritten" and "entry 5" in rewritten["detail"]


def test_a_kiosk_that_cannot_show_the_anchored_entry_is_not_proven(service):
    _beat(service, head=5, anchor=None)
    replaced = _beat(service, head=30, anchor=None)  # its data replaced: it knows no anchor
    assert replaced["state"] == "not proven"


def test_an_older_kiosk_without_audit_gets_the_old_answer(service):
    answer = requests.post(f"{service.url}/v1/devices/kiosk-01/heartbeat", json=BEAT,
                           headers=service.device_headers(), timeout=10)
    assert answer.status_code == 200 and "audit" not in answer.json()
    assert _fleet(service) is None


def test_a_malformed_audit_report_is_refused_by_name(service):
    for audit, says in (("all fine", "audit must be"),
                        ({"head_seq": 1, "head_hash": "xyz", "anchor_seq": None,
                          "anchor_hash": None}, "audit.head_hash"),
                        ({"head_seq": -1, "head_hash": None, "anchor_seq": None,
                          "anchor_hash": None}, "head_seq")):
        answer = requests.post(f"{service.url}/v1/devices/kiosk-01/heartbeat",
                               json={**BEAT, "audit": audit}, headers=service.device_headers(),
                               timeout=10)
        assert answer.status_code == 400 and says in answer.json()["error"]
