"""POST /v1/submissions/batch: many submissions in one request, each stored once and answered
on its own, as openapi.yaml says; one bad submission spoils no other."""

from __future__ import annotations

import pytest
import requests

from sync.central.api import MAX_BATCH

from .central_kit import DOCUMENT, conforms, sealed_body

BATCH = "/paths/~1v1~1submissions~1batch/post"
ANSWER = BATCH + "/responses/200/content/application~1json/schema"
REQUEST = BATCH + "/requestBody/content/application~1json/schema"


def _post(service, submissions: list[dict], token: str | None = None,
          device_id: str = "kiosk-01") -> requests.Response:
    return requests.post(service.url + "/v1/submissions/batch",
                         json={"device_id": device_id, "submissions": submissions},
                         headers=service.device_headers(token=token), timeout=10)


def _stored(service) -> dict[str, str]:
    return dict(service.stored("instance_id", "receipt_id"))


def test_a_batch_is_stored_once_each_and_sent_again_gets_the_same_receipts(service):
    bodies = [sealed_body(service.key, {"service": "library", "rating": n}) for n in range(30)]
    conforms({"device_id": "kiosk-01", "submissions": bodies}, REQUEST)

    first = _post(service, bodies)
    assert first.status_code == 200
    conforms(first.json(), ANSWER)
    results = first.json()["results"]
    assert [r["instance_id"] for r in results] == [b["instance_id"] for b in bodies]
    assert {r["status"] for r in results} == {201}
    assert {r["receipt"]["instance_id"] for r in results} == {b["instance_id"] for b in bodies}

    again = _post(service, bodies)  # the kiosk never saw the first answer
    assert {r["status"] for r in again.json()["results"]} == {200}
    assert [r["receipt"] for r in again.json()["results"]] == [r["receipt"] for r in results]
    assert _stored(service) == {r["instance_id"]: r["receipt"]["receipt_id"] for r in results}

    alone = service.post(bodies[0])  # the one-at-a-time route knows them too
    assert alone.status_code == 200 and alone.json() == results[0]["receipt"]


def test_each_bad_submission_is_answered_on_its_own_and_the_others_are_stored(service):
    taken = sealed_body(service.key, {"service": "library"})
    assert service.post(taken).status_code == 201
    clash = sealed_body(service.key, {"service": "parks"}, instance_id=taken["instance_id"])
    damaged = sealed_body(service.key, {"service": "pool"})
    damaged["envelope"]["ciphertext"] = damaged["envelope"]["ciphertext"][::-1]
    mismatched = sealed_body(service.key, {"service": "pool"}, inside={"form_id": "other"})
    no_reference = sealed_body(service.key, {"service": "pool"})
    del no_reference["reference"]
    good = [sealed_body(service.key, {"service": "museum"}) for _ in range(2)]
    batch = [good[0], clash, damaged, "not a submission", mismatched, no_reference, good[1]]

    answer = _post(service, batch)
    assert answer.status_code == 200
    conforms(answer.json(), ANSWER)
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [201, 409, 422, 400, 422, 400, 201]
    assert "already received" in results[1]["error"]
    assert "cannot be opened" in results[2]["error"]
    assert results[3]["instance_id"] is None
    assert "form_id" in results[4]["error"] and "reference is missing" in results[5]["error"]
    stored = _stored(service)
    assert set(stored) == {taken["instance_id"], good[0]["instance_id"], good[1]["instance_id"]}


def test_one_submission_of_another_device_refuses_the_whole_batch(service):
    mine = sealed_body(service.key, {"service": "library"})
    theirs = sealed_body(service.key, {"service": "library"}, device_id="kiosk-99")
    answer = _post(service, [mine, theirs])
    assert answer.status_code == 403 and "not kiosk-99" in answer.json()["error"]
    assert _stored(service) == {}


@pytest.mark.parametrize("submissions, says", [
    ([], "a list of 1 or more"), ("none", "a list of 1 or more"),
    ([{}] * (MAX_BATCH + 1), f"at most {MAX_BATCH}")])
def test_a_batch_of_the_wrong_shape_is_refused_whole(service, submissions, says):
    answer = _post(service, submissions)
    assert answer.status_code == 400 and says in answer.json()["error"]
    assert _stored(service) == {}


def test_the_batch_needs_a_device_token(service):
    body = sealed_body(service.key, {"service": "library"})
    assert _post(service, [body], token="wrong").status_code == 401
    assert _post(service, [body], token=service.init.admin_token).status_code == 403


def test_the_service_announces_batches_as_the_contract_bounds_them(service):
    health = requests.get(service.url + "/health", timeout=10).json()
    assert health["max_batch"] == MAX_BATCH
    schema = DOCUMENT["paths"]["/v1/submissions/batch"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert schema["properties"]["submissions"]["maxItems"] == MAX_BATCH
    conforms(health, "/paths/~1health/get/responses/200/content/application~1json/schema")
