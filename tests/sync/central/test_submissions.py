"""POST /v1/submissions: stored once, the same receipt for a resend, refusals that say why."""

from __future__ import annotations

import threading

import requests

from kiosk.sealing import OpeningKey
from sync.central.setup import revoke_device

from .central_kit import new_instance_id, sealed_body


def _rows(service) -> list[tuple]:
    return service.stored("instance_id", "receipt_id")


def test_a_submission_is_stored_once_and_a_resend_gets_the_same_receipt(service):
    body = sealed_body(service.key, {"service": "library", "rating": 5})
    first = service.post(body)
    assert first.status_code == 201
    receipt = first.json()
    assert receipt["instance_id"] == body["instance_id"] and receipt["receipt_id"]
    again = service.post(body)
    assert again.status_code == 200
    assert again.json() == receipt
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _rows(service) == [(body["instance_id"], receipt["receipt_id"])]


def test_the_same_payload_sealed_again_is_a_resend(service):
    answers = {"service": "library"}
    body = sealed_body(service.key, answers)
    first = service.post(body).json()
    resealed = sealed_body(service.key, answers, instance_id=body["instance_id"])
    assert resealed["envelope"] != body["envelope"]
    assert service.post(resealed).json() == first


def test_other_answers_under_the_same_id_are_a_conflict(service):
    body = sealed_body(service.key, {"service": "library"})
    assert service.post(body).status_code == 201
    other = sealed_body(service.key, {"service": "parks"}, instance_id=body["instance_id"])
    refused = service.post(other)
    assert refused.status_code == 409
    assert "different submission with this id was already received" in refused.json()["error"]
    assert len(_rows(service)) == 1


def test_concurrent_identical_posts_store_one_row_and_share_one_receipt(service):
    body = sealed_body(service.key, {"service": "library"})
    start = threading.Barrier(8)
    answers: list[requests.Response] = []

    def send() -> None:
        start.wait()
        answers.append(service.post(body))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201]
    assert len({r.json()["receipt_id"] for r in answers}) == 1
    assert len(_rows(service)) == 1


def test_a_missing_or_unknown_token_is_401(service):
    body = sealed_body(service.key, {"service": "library"})
    missing = service.post(body, headers={"Idempotency-Key": body["instance_id"]})
    assert missing.status_code == 401 and missing.json()["error"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = service.post(body, headers=service.device_headers(body["instance_id"], "nope"))
    assert unknown.status_code == 401
    assert _rows(service) == []


def test_a_revoked_device_or_another_devices_id_is_403(service):
    body = sealed_body(service.key, {"service": "library"}, device_id="kiosk-02")
    other = service.post(body)
    assert other.status_code == 403 and "kiosk-01" in other.json()["error"]
    admin = service.post(body, headers={**service.admin_headers,
                                        "Idempotency-Key": body["instance_id"]})
    assert admin.status_code == 403
    revoke_device(service.data_dir, "kiosk-01")
    revoked = service.post(sealed_body(service.key, {"service": "library"}))
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]
    assert _rows(service) == []


def test_a_bad_body_is_400_naming_the_field(service):
    body = sealed_body(service.key, {"service": "library"})
    url, headers = service.url + "/v1/submissions", service.device_headers(body["instance_id"])
    not_json = requests.post(url, data=b"{not json", headers=headers, timeout=10)
    assert not_json.status_code == 400 and "JSON" in not_json.json()["error"]
    for field, value in [("reference", None), ("form_version", 3), ("created_at", "yesterday"),
                         ("envelope", "sealed")]:
        changed = {**body, field: value} if value is not None else \
            {k: v for k, v in body.items() if k != field}
        refused = service.post(changed)
        assert refused.status_code == 400, field
        assert refused.json()["error"].startswith(field), refused.json()
    no_key = service.post(body, headers=service.device_headers())
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["error"]
    wrong_key = service.post(body, headers=service.device_headers(new_instance_id()))
    assert wrong_key.status_code == 400 and "Idempotency-Key" in wrong_key.json()["error"]
    assert _rows(service) == []


def test_an_envelope_for_another_key_is_422(service):
    stranger = OpeningKey.generate().public
    refused = service.post(sealed_body(stranger, {"service": "library"}))
    assert refused.status_code == 422
    assert "another key" in refused.json()["error"]


def test_mismatched_instance_ids_are_422(service):
    # The envelope is bound to one id but the request claims another.
    body = sealed_body(service.key, {"service": "library"})
    moved = {**body, "instance_id": new_instance_id()}
    refused = service.post(moved)
    assert refused.status_code == 422 and "another submission" in refused.json()["error"]
    # Sealed for the right id, but the payload inside names another.
    inner = sealed_body(service.key, {"a": 1}, inside={"instance_id": new_instance_id()})
    refused = service.post(inner)
    assert refused.status_code == 422 and "instance_id" in refused.json()["error"]
    other_form = service.post(sealed_body(service.key, {"a": 1}, inside={"form_id": "other"}))
    assert other_form.status_code == 422 and "form_id" in other_form.json()["error"]
    no_answers = service.post(sealed_body(service.key, {}, inside={"answers": ["a", "list"]}))
    assert no_answers.status_code == 422 and "answers" in no_answers.json()["error"]
    assert _rows(service) == []


def test_a_body_over_5_mb_is_413_and_the_connection_stays_usable(service):
    with requests.Session() as session:
        big = session.post(service.url + "/v1/submissions", data=b"x" * (5 * 1024 * 1024 + 1),
                           headers=service.device_headers(new_instance_id()), timeout=30)
        assert big.status_code == 413 and "larger" in big.json()["error"]
        assert session.get(service.url + "/health", timeout=10).status_code == 200


def test_a_chunked_body_is_411(service):
    body = sealed_body(service.key, {"service": "library"})
    refused = requests.post(service.url + "/v1/submissions", data=iter([b"{}"]),
                            headers=service.device_headers(body["instance_id"]), timeout=10)
    assert refused.status_code == 411


def test_the_answers_stay_sealed_at_rest(service):
    secret = "zebra-marmalade-4711"
    assert service.post(sealed_body(service.key, {"comment": secret})).status_code == 201
    [(envelope,)] = service.stored("envelope")
    assert secret.encode() not in envelope and b"comment" not in envelope
    for path in service.data_dir.glob("central.db*"):  # the WAL too: it may not be merged yet
        assert secret.encode() not in path.read_bytes(), path.name


def test_the_log_has_one_line_per_request_and_no_answers(service):
    secret = "unicorn-porridge-0815"
    body = sealed_body(service.key, {"comment": secret})
    service.post(body)
    service.post(body)
    requests.get(service.url + "/v1/submissions?form_id=feedback&limit=5",
                 headers=service.admin_headers, timeout=10)
    lines = [line for line in service.log if "/v1/submissions" in line]
    assert len(lines) == 3
    assert [line.split()[-2] for line in lines] == ["201", "200", "200"]
    assert all(line.endswith("ms") for line in lines)
    assert not any(secret in line or "form_id=" in line for line in service.log)
