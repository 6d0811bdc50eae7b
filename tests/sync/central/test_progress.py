"""POST /v1/progress, as a kiosk asks it for the review state of the references it issued, and
/health announcing it: against the real service on loopback, every body checked against
openapi.yaml."""

from __future__ import annotations

import requests
from jsonschema import Draft202012Validator

from kiosk.store.codes import ALPHABET, new_reference
from sync.central import api
from sync.central.rate_windows import Limit
from sync.central.server import CentralServer

from .central_kit import conforms, deliver

PROGRESS = "/paths/~1v1~1progress/post"
ANSWER = PROGRESS + "/responses/200/content/application~1json/schema"
ASKED = PROGRESS + "/requestBody/content/application~1json/schema"
ERROR = "/components/schemas/Error"
# /health as kiosks before review states read it (openapi.yaml before /v1/progress).
OLDER_HEALTH = {"type": "object", "required": ["status", "version", "time"],
                "properties": {"status": {"const": "ok"}, "version": {"type": "string"},
                               "time": {"type": "string"},
                               "key_fingerprint": {"type": "string"},
                               "max_batch": {"type": "integer", "minimum": 1}}}


def _ask(service, references, headers: dict | None = None, url: str | None = None,
         ) -> requests.Response:
    body = {"references": references}
    return requests.post((url or service.url) + "/v1/progress", json=body,
                         headers=headers or service.device_headers(), timeout=10)


def _mistyped(reference: str) -> str:
    last = reference[-1]
    return reference[:-1] + ALPHABET[(ALPHABET.index(last) + 1) % len(ALPHABET)]


def test_known_references_answer_with_their_state_and_the_rest_are_absent(service):
    waiting, reviewed = new_reference("LIB01"), new_reference("LIB01")
    deliver(service, waiting, {"full_name": "Zebedee Quillfeather"})
    instance = deliver(service, reviewed, {"full_name": "Philomena Brackwater"})
    changed_at = service.server.store.change_review_state(
        instance, "needs_information", "a caseworker", "Please bring a proof of address.")
    typed = reviewed.lower().replace("-", " ")  # as a citizen typed it at the kiosk
    asked = [waiting, new_reference("LIB01"), _mistyped(waiting), "not a reference", typed]
    conforms({"references": asked}, ASKED)
    answer = _ask(service, asked)
    assert answer.status_code == 200
    conforms(answer.json(), ANSWER)
    progress = answer.json()["progress"]
    assert [entry["reference"] for entry in progress] == [waiting, typed]  # as sent, in order
    received, needs = progress
    assert received["state"] == "received" and received["note"] is None
    assert needs == {"reference": typed, "state": "needs_information", "changed_at": changed_at,
                     "note": "Please bring a proof of address."}
    assert "Quillfeather" not in answer.text and "Brackwater" not in answer.text


def test_nothing_known_is_an_empty_list_and_a_state_change_shows_at_the_next_ask(service):
    reference = new_reference("LIB01")
    assert _ask(service, [reference]).json() == {"progress": []}
    instance = deliver(service, reference, {"full_name": "Zebedee Quillfeather"})
    assert _ask(service, [reference]).json()["progress"][0]["state"] == "received"
    service.server.store.change_review_state(instance, "approved", "a caseworker", "")
    again = _ask(service, [reference]).json()["progress"][0]
    assert again["state"] == "approved" and again["note"] is None


def test_a_bad_body_is_400_and_names_what_is_wrong(service):
    cases = [({}, "references"), ({"references": []}, "1 to 200"),
             ({"references": "LIB01-K7QFM-2XD9H"}, "list"),
             ({"references": [new_reference("LIB01")] * 201}, "1 to 200"),
             ({"references": ["LIB01-K7QFM-2XD9H", 7]}, "references[1]"),
             ({"references": ["x" * 201]}, "references[0]")]
    for body, named in cases:
        answer = requests.post(service.url + "/v1/progress", json=body,
                               headers=service.device_headers(), timeout=10)
        assert answer.status_code == 400, body
        conforms(answer.json(), ERROR)
        assert named in answer.json()["error"]
    not_json = requests.post(service.url + "/v1/progress", data=b"{references",
                             headers=service.device_headers(), timeout=10)
    assert not_json.status_code == 400
    assert len(_ask(service, [new_reference("LIB01")] * 200).json()["progress"]) == 0


def test_it_needs_a_device_token_of_a_device_not_revoked(service):
    reference = new_reference("LIB01")
    deliver(service, reference, {"full_name": "Zebedee Quillfeather"})
    nobody = requests.post(service.url + "/v1/progress", json={"references": [reference]},
                           timeout=10)
    assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"] == "Bearer"
    assert _ask(service, [reference], {"Authorization": "Bearer guess"}).status_code == 401
    assert _ask(service, [reference], service.admin_headers).status_code == 403
    service.server.store.revoke_device("kiosk-01")
    revoked = _ask(service, [reference])
    assert revoked.status_code == 403
    conforms(revoked.json(), ERROR)


def test_asks_are_limited_per_device_across_servers_over_one_database(service, monkeypatch):
    monkeypatch.setattr(api, "PROGRESS_LIMIT", Limit(requests=4, window_seconds=600))
    reference = new_reference("LIB01")
    second = CentralServer(service.data_dir, log=service.log.append).start()
    try:
        for place in range(4):
            url = service.url if place % 2 else second.url
            assert _ask(service, [reference], url=url).status_code == 200
        refused = _ask(service, [reference], url=service.url)
        assert refused.status_code == 429
        conforms(refused.json(), ERROR)
        assert 540 <= int(refused.headers["Retry-After"]) <= 600
        assert _ask(service, [reference], url=second.url).status_code == 429
        # Another kiosk is counted on its own.
        token = service.server.store.add_device("kiosk-02")
        assert _ask(service, [reference], service.device_headers(token=token)).status_code == 200
    finally:
        second.stop()
    assert second.undeclared_statuses == []


def test_health_announces_progress_and_still_reads_as_older_kiosks_expect(service):
    health = requests.get(service.url + "/health", timeout=10).json()
    assert health["progress"] is True
    conforms(health, "/paths/~1health/get/responses/200/content/application~1json/schema")
    assert not list(Draft202012Validator(OLDER_HEALTH).iter_errors(health))


def test_a_reference_asked_twice_or_received_twice_is_answered_once(service):
    reference = new_reference("LIB01")
    deliver(service, reference, {"full_name": "Zebedee Quillfeather"})
    later = deliver(service, reference, {"full_name": "Zebedee Quillfeather"})  # a faulty kiosk
    service.server.store.change_review_state(later, "in_review", "a caseworker", "")
    progress = _ask(service, [reference, reference]).json()["progress"]
    assert [(entry["reference"], entry["state"]) for entry in progress] == \
        [(reference, "in_review")]
