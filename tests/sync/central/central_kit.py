"""What the central service's tests send, as a kiosk or as staff: sealed submission bodies, and
`kiosk central ...` run in this process; and the check that a body is what openapi.yaml says."""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from kiosk.sealing import SealingKey
from sync.central.api import OPENAPI_FILE
from sync.central.cli import add_central_commands

FORMS = Path(__file__).resolve().parents[3] / "assets" / "forms"
SAMPLE_FORM = FORMS / "feedback_services.yaml"
CONSULTATION = "market_square_consultation"
DOCUMENT = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
# OpenAPI 3.1's schemas are JSON Schema 2020-12; $refs resolve within the whole document.
_REGISTRY = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(DOCUMENT))


def conforms(body: object, pointer: str) -> None:
    """`body` is what openapi.yaml says at `pointer` (a JSON pointer into it); every error is
    listed when it is not."""
    validator = Draft202012Validator({"$ref": f"urn:openapi#{pointer}"}, registry=_REGISTRY)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in
              validator.iter_errors(body)]
    assert not errors, errors


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


def answer_body(key: SealingKey, answers: dict, form_id: str = CONSULTATION,
                created_at: str = "2026-11-27T10:00:00+00:00", version: str = "2026-11-27") -> dict:
    """A submission of `form_id` as a kiosk sends it, its answers sealed to `key`."""
    iid = new_instance_id()
    payload = {"instance_id": iid, "form_id": form_id, "form_version": version,
               "language": "en", "answers": answers}
    envelope = json.loads(key.seal(json.dumps(payload).encode(), iid))
    return {"instance_id": iid, "reference": "HALL7-ABCDE-FGHJK", "form_id": form_id,
            "form_version": version, "device_id": "kiosk-01", "created_at": created_at,
            "envelope": envelope}


def run(*argv: str) -> int:
    """`kiosk central ARGV...` in this process; its exit status."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_central_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["central", *argv])
    return args.handler(args)


def deliver(service, reference: str, answers: dict) -> str:
    """A submission under `reference` delivered to `service` as a kiosk does; its instance id."""
    body = sealed_body(service.key, answers)
    body["reference"] = reference
    response = service.post(body)
    assert response.status_code == 201, response.text
    return body["instance_id"]
