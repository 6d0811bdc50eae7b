"""openapi.yaml and the server agree: the same paths, methods and status codes."""

from __future__ import annotations

import requests
import yaml

from sync.central.api import OPENAPI_FILE, ROUTES, SERVER_WIDE_STATUSES

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _document() -> dict:
    return yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))


def test_every_route_is_documented_with_its_methods_and_statuses_and_vice_versa():
    documented = {
        (path, method.upper()): {int(code) for code in operation["responses"]}
        for path, item in _document()["paths"].items()
        for method, operation in item.items() if method in METHODS
    }
    served = {(route.template, method): set(operation.statuses)
              for route in ROUTES for method, operation in route.operations.items()}
    assert documented == served


def test_the_server_wide_statuses_are_documented():
    document = _document()
    assert document["openapi"].startswith("3.1")
    assert {int(code) for code in document["x-server-wide-responses"]} == SERVER_WIDE_STATUSES


def test_the_server_serves_the_document_as_json(service):
    answer = requests.get(service.url + "/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == _document()
