"""Malformed input, as a hostile or broken client sends it, is answered 4xx with a JSON error
that names the problem, and writes nothing: each case one the old server answered 500 (or not
at all), or one the fuzzer (test_fuzz_contract.py) found, sent here byte for byte."""

from __future__ import annotations

import json

import pytest
import requests

from tests.support.central import Central
from tests.support.central_rows import table_rows
from tests.support.raw_http import exchange, raw_request

from .central_kit import answer_body, sealed_body

HEARTBEAT = {"queue_depth": 0, "rejected": 0, "oldest_waiting": None, "last_sync_at": None,
             "version": "1.0.0", "free_disk_bytes": 1_000_000}
DEEP = 100_000


def _deep(opening: str, closing: str, inner: str = "1") -> bytes:
    return (opening * DEEP + inner + closing * DEEP).encode()


def _json(value: object) -> bytes:
    # ensure_ascii: lone surrogates go out as the \ud800 escapes a hostile client would send
    return json.dumps(value).encode()


def _heartbeat(**fields: object) -> bytes:
    return _json({**HEARTBEAT, **fields})


def _submission(central: Central, **fields: object) -> bytes:
    return _json({**sealed_body(central.key, {"rating": 5}), **fields})


# (id, route, body or a function of the service giving it, words the error must contain)
# Route "submit": POST /v1/submissions (Idempotency-Key as the body's instance_id);
# "batch": POST /v1/submissions/batch; "beat": POST /v1/devices/kiosk-01/heartbeat.
BODIES = [
    ("object-nested-100000-deep", "submit", _deep('{"a":', "}"), "nested"),
    ("array-nested-100000-deep", "submit", _deep("[", "]"), "nested"),
    ("nested-heartbeat", "beat", _deep('{"a":', "}"), "nested"),
    ("nested-batch", "batch", _deep("[", "]"), "nested"),
    ("nested-inside-a-field", "beat",
     b'{"queue_depth": 0, "audit": ' + _deep("[", "]") + b"}", "nested"),
    ("queue_depth-2^63", "beat", _heartbeat(queue_depth=2**63), "queue_depth"),
    ("queue_depth-2^64", "beat", _heartbeat(queue_depth=2**64), "queue_depth"),
    ("free_disk_bytes-2^63", "beat", _heartbeat(free_disk_bytes=2**63), "free_disk_bytes"),
    ("rejected-minus-2^63-1", "beat", _heartbeat(rejected=-2**63 - 1), "rejected"),
    ("queue_depth-10^400", "beat", b'{"queue_depth": 1' + b"0" * 400 + b"}", "queue_depth"),
    ("queue_depth-1e400", "beat", b'{"queue_depth": 1e400}', "queue_depth"),
    ("queue_depth-NaN", "beat", b'{"queue_depth": NaN}', "JSON"),
    ("audit-head_seq-2^63", "beat",
     _heartbeat(audit={"head_seq": 2**63, "head_hash": None, "anchor_seq": None,
                       "anchor_hash": None}), "head_seq"),
    ("lone-surrogate-in-version", "beat", _heartbeat(version="1.0\ud800"), "surrogate"),
    ("lone-surrogate-in-a-key", "beat", _json({**HEARTBEAT, "\udc00": 1}), "surrogate"),
    ("lone-surrogate-in-device_id", "submit",
     lambda s: _submission(s, device_id="kiosk-\ud800"), "surrogate"),
    ("lone-surrogate-in-instance_id", "batch",
     lambda s: _json({"submissions": [{**sealed_body(s.key, {}), "instance_id": "\udfff"}]}),
     "surrogate"),
    ("date-as-oldest_waiting", "beat", _heartbeat(oldest_waiting="2026-01-01"), "oldest_waiting"),
    ("date-as-last_sync_at", "beat", _heartbeat(last_sync_at="2026-01-01"), "last_sync_at"),
    ("time-without-offset", "beat", _heartbeat(last_sync_at="2026-01-01T10:00:00"),
     "last_sync_at"),
    ("basic-format-time", "beat", _heartbeat(last_sync_at="20260101T100000Z"), "last_sync_at"),
    ("date-as-created_at", "submit", lambda s: _submission(s, created_at="2026-01-01"),
     "created_at"),
    ("nul-in-instance_id", "submit",
     lambda s: _submission(s, instance_id="uuid:1\x002"), "instance_id"),
    ("newline-in-reference", "submit",
     lambda s: _submission(s, reference="HALL7-ABCDE\n-FGHJK"), "reference"),
    ("escape-in-form_id", "submit", lambda s: _submission(s, form_id="feedback\x1b[2J"),
     "form_id"),
    ("delete-in-form_version", "submit", lambda s: _submission(s, form_version="1\x7f"),
     "form_version"),
    ("c1-control-in-device_id", "submit", lambda s: _submission(s, device_id="kiosk-01\x85"),
     "not kiosk-01"),
    ("nul-in-version", "beat", _heartbeat(version="1.0\x00"), "version"),
    ("batch-device_id-a-list", "batch",
     lambda s: _json({"device_id": ["kiosk-01"], "submissions": [sealed_body(s.key, {})]}),
     "device_id must be a string"),
    ("version-empty", "beat", _heartbeat(version=""), "version"),
    ("version-101-characters", "beat", _heartbeat(version="1" * 101), "version"),
    ("reference-65-characters", "submit", lambda s: _submission(s, reference="R" * 65),
     "reference"),
    ("time-41-characters", "beat",
     _heartbeat(last_sync_at="2026-01-01T10:00:00.123456789012345+00:00"), "last_sync_at"),
    ("nul-in-a-batch-item", "batch",
     lambda s: _json({"submissions": [{**sealed_body(s.key, {}), "instance_id": "a\x00"}]}),
     "instance_id"),
]


@pytest.mark.parametrize(("route", "body", "words"), [case[1:] for case in BODIES],
                         ids=[case[0] for case in BODIES])
def test_a_malformed_body_is_refused_with_a_message_and_writes_nothing(shared_service, route, body,
                                                                        words):
    sent = body(shared_service) if callable(body) else body
    path = {"submit": "/v1/submissions", "batch": "/v1/submissions/batch",
            "beat": f"/v1/devices/{shared_service.init.device_id}/heartbeat"}[route]
    headers = {**shared_service.device_headers(), "Content-Type": "application/json"}
    if route == "submit":
        headers["Idempotency-Key"] = _instance_id(sent)
    before = table_rows(shared_service.server.store)
    answer = exchange(shared_service.url, raw_request("POST", path, headers, sent))
    if route == "batch" and answer.status == 200:  # a batch answers each submission on its own
        error = _batch_refusal(answer)
    else:
        error = _refusal(answer, 400, 403)
    assert words in error
    assert table_rows(shared_service.server.store) == before


def _instance_id(body: bytes) -> str:
    try:
        said = json.loads(body).get("instance_id")
    except (ValueError, RecursionError, AttributeError):
        return "uuid:none"
    return said.encode("ascii", "backslashreplace").decode() if isinstance(said, str) else "x"


def _refusal(answer, *statuses: int) -> str:
    assert answer.status in statuses, (answer.status, answer.body[:300])
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert isinstance(error, str) and error
    return error


def _batch_refusal(answer) -> str:
    (result,) = answer.json()["results"]
    assert result["status"] == 400 and "receipt" not in result
    return str(result["error"])


QUERIES = [
    ("limit-superscript-two", "limit=%C2%B2", "limit"),
    ("limit-1e3", "limit=1e3", "limit"),
    ("limit-arabic-indic-digits", "limit=%D9%A1%D9%A2", "limit"),
    ("limit-2^64", f"limit={2**64}", "limit"),
    ("limit-0", "limit=0", "limit"),
    ("limit-nul", "limit=%00", "limit"),
    ("form_id-nul", "form_id=a%00b", "form_id"),
    ("after-nul", "after=rcpt-%00", "after"),
    ("form_id-lone-surrogate-bytes", "form_id=%ED%A0%80", "form_id"),
    ("form_id-not-utf8", "form_id=%FF%FE", "form_id"),
]


@pytest.mark.parametrize(("query", "words"), [case[1:] for case in QUERIES],
                         ids=[case[0] for case in QUERIES])
def test_a_malformed_query_is_refused_with_a_message(shared_service, query, words):
    answer = exchange(shared_service.url, raw_request("GET", f"/v1/submissions?{query}",
                                               shared_service.admin_headers))
    assert words in _refusal(answer, 400)


LENGTHS = ["²", "-1", "1e3", "0x10", " 1 2", "+5", "99999999999999999999999999"]


@pytest.mark.parametrize("length", LENGTHS)
def test_a_content_length_that_is_not_a_number_is_refused_with_a_message(shared_service, length):
    before = table_rows(shared_service.server.store)
    answer = exchange(shared_service.url, raw_request(
        "POST", f"/v1/devices/{shared_service.init.device_id}/heartbeat",
        shared_service.device_headers(), _heartbeat(), length=length))
    error = _refusal(answer, 400, 413)
    assert ("Content-Length" if answer.status == 400 else "larger than") in error
    assert table_rows(shared_service.server.store) == before


def test_two_content_lengths_are_refused(shared_service):
    answer = exchange(shared_service.url, raw_request(
        "POST", f"/v1/devices/{shared_service.init.device_id}/heartbeat",
        [*shared_service.device_headers().items(), ("Content-Length", "3")], _heartbeat()))
    _refusal(answer, 400)


METHODS = ["TRACE", "CONNECT", "PROPFIND", "PATCH", "DELETE", "PUT", "OPTIONS", "BREW"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/health", "/v1/submissions", "/nothing-here"])
def test_odd_methods_are_refused_with_a_message(shared_service, method, path):
    answer = exchange(shared_service.url,
                      raw_request(method, path, shared_service.device_headers()))
    error = _refusal(answer, 404, 405)
    if answer.status == 405:
        assert "accepts only" in error and answer.headers["allow"]
    assert method not in error or path in error


ODD_HEADERS = [
    ("token-with-high-bytes", {"Authorization": "Bearer \xff\xfe\x80"}, 401),
    ("token-as-utf8-bytes", {"Authorization": "Bearer " + "é".encode().decode("latin-1")}, 401),
    ("token-with-a-control", {"Authorization": "Bearer abc\x01def"}, 401),
    ("scheme-only", {"Authorization": "Bearer"}, 401),
    ("scheme-with-high-bytes", {"Authorization": "B\xe9arer token"}, 401),
]


@pytest.mark.parametrize(("headers", "status"), [case[1:] for case in ODD_HEADERS],
                         ids=[case[0] for case in ODD_HEADERS])
def test_odd_bytes_in_a_header_are_refused_with_a_message(shared_service, headers, status):
    answer = exchange(shared_service.url, raw_request("GET", "/v1/forms", headers))
    assert "token" in _refusal(answer, status)


def test_an_idempotency_key_with_odd_bytes_is_refused(shared_service):
    body = _submission(shared_service)
    headers = {**shared_service.device_headers(), "Content-Type": "application/json",
               "Idempotency-Key": _instance_id(body) + "\xff"}
    before = table_rows(shared_service.server.store)
    answer = exchange(shared_service.url, raw_request("POST", "/v1/submissions", headers, body))
    assert "Idempotency-Key" in _refusal(answer, 400)
    assert table_rows(shared_service.server.store) == before


def test_a_form_this_service_does_not_serve_is_still_received(shared_service):
    """Not refused, on purpose: a kiosk sends forms of its own forms folder (the sample forms
    all go to `central`) and forms staff have since taken out of the service's folder, with
    submissions still queued. A 422 would set those citizens' submissions aside for good."""
    body = answer_body(shared_service.key, {"comment": "made up"},
                       form_id="a_form_only_this_kiosk_has")
    answer = shared_service.post(body)
    assert answer.status_code == 201
    listed = requests.get(f"{shared_service.url}/v1/submissions?form_id={body['form_id']}",
                          headers=shared_service.admin_headers, timeout=10).json()["submissions"]
    assert [row["instance_id"] for row in listed] == [body["instance_id"]]


# What the fuzzer found refused although openapi.yaml allows it (now taken, as the contract says)
TAKEN = [
    ("counts-as-whole-floats", {"queue_depth": 3.0, "rejected": 0.0, "free_disk_bytes": 5e9}),
    ("count-at-2^63-1", {"free_disk_bytes": 2**63 - 1}),
    ("times-absent", {"oldest_waiting": ..., "last_sync_at": ...}),
    ("times-with-z", {"oldest_waiting": "2026-01-01T10:00:00Z",
                      "last_sync_at": "2026-01-01T10:00:00.123456+05:30"}),
    ("audit-null", {"audit": None}),
    ("audit-head-only", {"audit": {"head_seq": 0}}),
]


@pytest.mark.parametrize("fields", [case[1] for case in TAKEN], ids=[case[0] for case in TAKEN])
def test_a_heartbeat_the_contract_allows_is_taken(shared_service, fields):
    body = {name: value for name, value in {**HEARTBEAT, **fields}.items() if value is not ...}
    answer = requests.post(
        f"{shared_service.url}/v1/devices/{shared_service.init.device_id}/heartbeat",
        json=body, headers=shared_service.device_headers(), timeout=10)
    assert answer.status_code == 200, answer.text
