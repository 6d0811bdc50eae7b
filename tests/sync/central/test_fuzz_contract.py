"""The REST contract fuzzed with schemathesis against the real central service on loopback, as a
kiosk (its device token), as staff (the admin token) and as nobody (no token), with data the
contract allows and data it forbids: every answer is one openapi.yaml allows (never 5xx, a
declared status, its content type, headers and schema), forbidden data is refused with a 4xx,
allowed data from the kiosk is taken, and a request not answered 2xx wrote nothing.

As the kiosk, a generated submission is sealed for real to the service's key (with the outer
fields it was generated with), so it gets past the envelope to the store: the contract is
fuzzed where kiosks reach, not only at the door.

Bounded and reproducible: a fixed number of examples per operation and mode, derandomized, so
every run sends the same requests.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.hypothesis.builder import (  # what the CLI's coverage phase runs
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from sync.central.api import OPENAPI_FILE
from tests.support.central import Central
from tests.support.central_rows import table_rows

EXAMPLES = 20  # per operation and mode
REFUSED_EXAMPLES = 5  # where the token is refused before the body is read: more find nothing
SCHEMA = schemathesis.openapi.from_path(OPENAPI_FILE, config=schemathesis.Config.from_dict({
    # The tokens are ours to send (below); a generated one would only ever be refused.
    "generation": {"with-security-parameters": False, "database": "none"},
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx"]}}}))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          unsupported_method]
# What a kiosk sends that the contract allows must be taken (a single submission is left out:
# its Idempotency-Key must repeat an instance_id that may be any text, a header cannot).
ACCEPTED_AS_A_KIOSK = {"POST /v1/devices/{device_id}/heartbeat", "POST /v1/submissions/batch"}
BATCH = "POST /v1/submissions/batch"
SUBMITTING = {"POST /v1/submissions", BATCH}


@dataclass
class Run:
    """What one identity's run saw: the failures, and the statuses each operation answered."""

    failures: list[str] = field(default_factory=list)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    stored: int = 0  # submissions the answers say were stored for the first time

    def fail(self, label: str, text: str) -> None:
        if len(self.failures) < 20:  # enough to fix; more would bury them
            self.failures.append(f"{label}: {text}")


def _token(central: Central, identity: str) -> dict[str, str]:
    token = {"kiosk": central.init.device_token, "staff": central.init.admin_token}.get(identity)
    return {"Authorization": f"Bearer {token}"} if token else {}


def _sealed(central: Central, item: dict) -> None:
    """A generated submission made one the kiosk would send: the token's device, and its
    answers sealed to the service's key with the outer fields it was generated with."""
    item["device_id"] = central.init.device_id
    named = ("instance_id", "form_id", "form_version", "reference", "created_at", "device_id")
    if all(isinstance(item.get(name), str) for name in named):
        payload = {name: item[name] for name in named} | {"answers": {}}
        item["envelope"] = json.loads(central.key.seal(json.dumps(payload).encode(),
                                                       item["instance_id"]))


def _as_the_kiosk(central: Central, case: schemathesis.Case, mode: GenerationMode) -> None:
    label = case.operation.label
    if "{device_id}" in case.operation.path:
        case.path_parameters = {"device_id": central.init.device_id}
    if label not in SUBMITTING or not isinstance(case.body, dict):
        return
    items = [case.body]
    if label.endswith("batch"):
        items = case.body.get("submissions")
        if isinstance(case.body.get("device_id"), str):  # the batch's own, optional, one
            case.body["device_id"] = central.init.device_id
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("device_id"), str):
            continue
        if mode is GenerationMode.POSITIVE:
            _sealed(central, item)
        else:  # left as generated, so it stays wrong; only the device is the token's
            item["device_id"] = central.init.device_id
    instance_id = case.body.get("instance_id")
    if label == "POST /v1/submissions" and mode is GenerationMode.POSITIVE \
            and isinstance(instance_id, str) and instance_id.isascii() \
            and instance_id.isprintable():
        case.headers = {**(case.headers or {}), "Idempotency-Key": instance_id}


def _may_use(identity: str, operation: schemathesis.APIOperation) -> bool:
    schemes = {name for need in operation.definition.raw.get("security", [])
               for name in need}
    return not schemes or {"deviceToken": "kiosk", "adminToken": "staff"}.get(
        next(iter(schemes))) == identity


def _stored_now(response: requests.Response, label: str) -> int:
    if label == "POST /v1/submissions":
        return int(response.status_code == 201)
    if label == BATCH and response.status_code == 200:
        return sum(result.get("status") == 201 for result in response.json()["results"])
    return 0


def _fuzz(central: Central, identity: str) -> Run:
    run, session, token = Run(), requests.Session(), _token(central, identity)
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        checks = CHECKS + ([positive_data_acceptance] if identity == "kiosk"
                           and operation.label in ACCEPTED_AS_A_KIOSK else [])
        if operation.label == BATCH:  # answered 200, each wrong submission refused in it
            checks.remove(negative_data_rejection)
        send = _sender(central, identity, run, session, token, checks)
        if _may_use(identity, operation):
            # Schemathesis' coverage phase: each boundary (2^63, "", 201 characters), each
            # field missing or of another type, other methods and content types, once each.
            create_test(operation=operation, test_func=send, config=HypothesisTestConfig(
                project=SCHEMA.config, modes=[HypothesisTestMode.COVERAGE],
                settings=SETTINGS))()
        examples = EXAMPLES if _may_use(identity, operation) else REFUSED_EXAMPLES
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                settings(SETTINGS, max_examples=examples)(
                    given(case=operation.as_strategy(generation_mode=mode))(send))()
            except hypothesis.errors.Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing in the request can be wrong
    return run


SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


def _sender(central: Central, identity: str, run: Run, session: requests.Session,
            token: dict[str, str], checks: list) -> Callable[[schemathesis.Case], None]:
    """Sends a case as `identity`, checks the answer, and that nothing was written unless it
    was a 2xx."""
    def send(case: schemathesis.Case) -> None:
        label = case.operation.label
        mode = case.meta.generation.mode if case.meta else GenerationMode.POSITIVE
        if identity == "kiosk":
            _as_the_kiosk(central, case, mode)
        before = table_rows(central.server.store)
        response = case.call(base_url=central.url, session=session, headers=token, timeout=10)
        run.statuses[(label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=checks, headers=token)
        except FailureGroup as failures:
            run.fail(label, str(failures))
        if label == BATCH and mode is GenerationMode.NEGATIVE and response.status_code == 200 \
                and not any(400 <= result["status"] < 500
                            for result in response.json()["results"]):
            run.fail(label, f"wrong data, and no submission of the batch refused: "
                            f"{case.as_curl_command(headers=token)}")
        if not 200 <= response.status_code < 300 and table_rows(central.server.store) != before:
            run.fail(label, f"answered {response.status_code} and wrote to the tables: "
                            f"{case.as_curl_command(headers=token)}")
        if response.status_code < 300:
            run.stored += _stored_now(response, label)
    return send


@pytest.mark.parametrize("identity", ["kiosk", "staff", "nobody"])
def test_fuzzed_requests_get_answers_in_the_contract_and_bad_ones_write_nothing(service,
                                                                                identity):
    run = _fuzz(service, identity)
    assert run.failures == [], "\n\n".join(run.failures)
    rows = table_rows(service.server.store)
    # Only requests answered 201 (alone, or in a batch's results) stored a submission; only a
    # heartbeat answered 200 left one.
    assert len(rows["submissions"]) == run.stored
    beats = sum(count for (label, status), count in run.statuses.items()
                if label.endswith("/heartbeat") and status == 200)
    assert len(rows["heartbeats"]) == min(beats, 1)
    if identity == "kiosk":  # the kiosk's run reached the store, not only the door
        assert run.stored > 0 and beats > 0, sorted(run.statuses.items())
