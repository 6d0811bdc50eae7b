"""The REST contract (openapi.yaml) as plain functions: a Request in, a Response out.

No sockets here, so every rule (auth, validation, idempotency) reads top to bottom. Each route
declares the statuses it may answer with; tests compare them with openapi.yaml, and a status a
route did not declare is recorded in `undeclared` so a test fails on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

import yaml

from kiosk.sealing import ALGORITHM, SealingError
from kiosk.store.codes import read_reference
from kiosk.version import version

from . import updates
from .catalogue import FormCatalogue, etag_matches, strong_etag
from .consultations import Consultations
from .errors import CentralError
from .rate_windows import Limit, admit
from .records import Device, Incoming, utc_now
from .store import CentralStore
from .validation import (
    ApiError,
    JSONObject,
    audit_fields,
    batch_items,
    heartbeat_fields,
    incoming_fields,
    json_object,
    progress_references,
    query_text,
    submission_fields,
)

OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")


VERSION = version()  # the same as `kiosk --version`, a bundle's baked-in one included
# Submissions one POST /v1/submissions/batch may carry (/health says so): a batch costs one
# commit to disk instead of one each; at about 2 KB a submission it stays far under 5 MB.
MAX_BATCH = 100
# References one POST /v1/progress may ask about: a kiosk asks about those it issued that are
# not settled yet, once a round, and about one a citizen types at it.
MAX_PROGRESS = 200
# Generous (a request a second on average): a kiosk polls once a round; the limit is there so
# a stolen token cannot be used to guess references at speed.
PROGRESS_LIMIT = Limit(requests=600, window_seconds=600)


class Headers(Protocol):
    """A request's headers, looked up case-insensitively: http.server's email.message.Message
    (a dict in the tests)."""

    def get(self, name: str, /) -> str | None: ...


@dataclass
class Request:
    method: str
    path: str  # as sent (still percent-encoded), without the query
    query: Mapping[str, list[str]]
    headers: Headers
    read_body: Callable[[], bytes] = bytes  # called once, after the token is checked

    @functools.cached_property
    def body(self) -> bytes:
        # Read only when a route asks, and every route asks after checking the token: a
        # client without one never gets its body read (nor held in memory).
        return self.read_body()


@dataclass(frozen=True)
class FileBody:
    """A part of a file on disk, sent as it is read (never read into memory whole)."""

    path: Path
    start: int
    length: int


@dataclass
class Response:
    status: int
    body: dict[str, Any] | bytes | FileBody | None = None  # a dict is sent as JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    handler: str  # the CentralApp method
    statuses: frozenset[int]


@dataclass(frozen=True)
class Route:
    template: str  # "/v1/devices/{device_id}/heartbeat"
    operations: dict[str, Operation]

    def match(self, path: str) -> dict[str, str] | None:
        found = _pattern(self.template).fullmatch(path)
        # Matched before decoding, so an encoded "/" in a device id cannot change the route.
        return {name: unquote(value) for name, value in found.groupdict().items()} \
            if found else None


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))


def _op(handler: str, *statuses: int) -> Operation:
    return Operation(handler, frozenset(statuses))


ROUTES = (
    Route("/health", {"GET": _op("health", 200)}),
    Route("/openapi.json", {"GET": _op("openapi", 200)}),
    Route("/v1/key", {"GET": _op("public_key", 200)}),
    Route("/v1/submissions", {
        "POST": _op("receive_submission", 200, 201, 400, 401, 403, 409, 411, 413, 422),
        "GET": _op("list_submissions", 200, 400, 401, 403)}),
    Route("/v1/submissions/batch", {
        "POST": _op("receive_batch", 200, 400, 401, 403, 411, 413)}),
    Route("/v1/forms", {"GET": _op("forms", 200, 304, 401, 403)}),
    Route("/v1/devices/{device_id}/heartbeat", {
        "POST": _op("heartbeat", 200, 400, 401, 403, 411, 413)}),
    Route("/v1/devices", {"GET": _op("devices", 200, 401, 403)}),
    Route("/v1/consultations", {"GET": _op("consultations", 200, 304, 401, 403)}),
    Route("/v1/progress", {"POST": _op("progress", 200, 400, 401, 403, 411, 413, 429)}),
    Route("/v1/updates/{version}/package", {
        "GET": _op("update_package", 200, 206, 304, 401, 403, 404, 416)}),
)
# Answered by the server itself on any path, so not listed per route.
SERVER_WIDE_STATUSES = frozenset({404, 405, 500})


def find_operation(method: str, path: str,
                   ) -> tuple[Route, Operation, dict[str, str]] | Response:
    """The route's operation for a request, or the 404/405 response."""
    for route in ROUTES:
        params = route.match(path)
        if params is None:
            continue
        operation = route.operations.get(method)
        if operation is None:
            allowed = ", ".join(sorted(route.operations))
            return Response(405, {"error": f"{path} accepts only {allowed}."}, {"Allow": allowed})
        return route, operation, params
    return Response(404, {"error": f"There is nothing at {path}."})


class CentralApp:
    def __init__(self, store: CentralStore, catalogue: FormCatalogue):
        self.store, self.catalogue = store, catalogue
        self.tallies = Consultations(store, catalogue)
        self.undeclared: list[tuple[str, str, int]] = []  # (method, route, status) to fix
        spec = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
        self._openapi = json.dumps(spec, ensure_ascii=False).encode()

    def handle(self, request: Request) -> Response:
        found = find_operation(request.method, request.path)
        if isinstance(found, Response):
            return found
        route, operation, params = found
        try:
            response: Response = getattr(self, operation.handler)(request, **params)
        except ApiError as error:
            response = Response(error.status, {"error": str(error)}, error.headers)
        if response.status not in operation.statuses:
            self.undeclared.append((request.method, route.template, response.status))
        return response

    # -- who is asking ----------------------------------------------------------------------
    def _token(self, request: Request) -> str:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "Send a token: Authorization: Bearer <token>.",
                           {"WWW-Authenticate": "Bearer"})
        return token.strip()

    def _device(self, request: Request) -> Device:
        token = self._token(request)
        device = self.store.device_for_token(token)
        if device is None:
            if self.store.is_admin_token(token):
                raise ApiError(403, "This needs a device token, not an admin token.")
            raise ApiError(401, "The token is not known to this service.",
                           {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if device.revoked:
            raise ApiError(403, f"The device {device.id} has been revoked.")
        return device

    def _admin(self, request: Request) -> None:
        token = self._token(request)
        if self.store.is_admin_token(token):
            return
        if self.store.device_for_token(token) is not None:
            raise ApiError(403, "This needs an admin token; a device token cannot read it.")
        raise ApiError(401, "The token is not known to this service.",
                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    # -- open routes ------------------------------------------------------------------------
    def health(self, request: Request) -> Response:
        # The current key's fingerprint: a kiosk sealing to another one fetches the key anew.
        # max_batch: kiosks that see it send many submissions a request (older ones, one).
        # progress: POST /v1/progress is served (a kiosk does not ask older services).
        return Response(200, {"status": "ok", "version": VERSION, "time": utc_now(),
                              "key_fingerprint": self.store.keyring.current.public.fingerprint,
                              "max_batch": MAX_BATCH, "progress": True})

    def openapi(self, request: Request) -> Response:
        return Response(200, self._openapi)

    def public_key(self, request: Request) -> Response:
        ring = self.store.keyring
        key = ring.current.public
        return Response(200, {"public_key": key.text, "fingerprint": key.fingerprint,
                              "algorithm": ALGORITHM, "opens": ring.fingerprints,
                              "receipt_key": self.store.receipts.public.text})

    # -- kiosks -----------------------------------------------------------------------------
    def receive_submission(self, request: Request) -> Response:
        device = self._device(request)
        body = json_object(request.body)
        _same_device(body, device)
        incoming, envelope = submission_fields(body, request.headers.get("Idempotency-Key"))
        outcome = self.store.receive(incoming, *self._opened(incoming, envelope))
        if outcome.kind == "conflict":
            raise ApiError(409, _conflict(incoming.instance_id))
        receipt = outcome.receipt
        assert receipt is not None  # a submission taken, or taken before, has its receipt
        signed = self.store.receipts.sign(receipt.as_json())
        if outcome.kind == "replayed":
            return Response(200, signed, {"Idempotent-Replayed": "true"})
        return Response(201, signed)

    def receive_batch(self, request: Request) -> Response:
        """Many submissions in one request, stored in one transaction. Each is answered on its
        own, in the order sent, with the status and body it would get alone (201 or 200 with
        its receipt; 400, 409 or 422 with the reason): one bad submission spoils no other."""
        device = self._device(request)
        body = json_object(request.body)
        _same_device(body, device)
        items = batch_items(body, MAX_BATCH)
        for item in items:  # another device's submission in it: the whole batch is refused
            if isinstance(item, dict):
                _same_device(item, device, whole=False)
        answers: list[dict[str, Any]] = [{} for _ in items]
        arrivals: list[tuple[Incoming, str, bytes]] = []
        places: list[int] = []
        for place, item in enumerate(items):
            said = item.get("instance_id") if isinstance(item, dict) else None
            answers[place]["instance_id"] = said if isinstance(said, str) else None
            try:
                if not isinstance(item, dict):
                    raise ApiError(400, "Each submission must be a JSON object.")
                incoming, envelope = incoming_fields(item)
                arrivals.append((incoming, *self._opened(incoming, envelope)))
                places.append(place)
            except ApiError as error:
                answers[place].update(status=error.status, error=str(error))
        for place, (incoming, _, _), outcome in zip(places, arrivals,
                                                     self.store.receive_many(arrivals),
                                                     strict=True):
            if outcome.kind == "conflict" or outcome.receipt is None:
                answers[place].update(status=409, error=_conflict(incoming.instance_id))
            else:
                answers[place].update(status=201 if outcome.kind == "created" else 200,
                                      receipt=self.store.receipts.sign(outcome.receipt.as_json()))
        return Response(200, {"results": answers})

    def _opened(self, incoming: Incoming, envelope: JSONObject) -> tuple[str, bytes]:
        """The payload's digest and the envelope to keep, once the envelope opens (with the key
        it names) to the submission the outer fields describe; 422 otherwise."""
        try:
            opened = self.store.keyring.open(envelope, incoming.instance_id)
        except SealingError as error:
            raise ApiError(422, f"The envelope cannot be opened: {error}.") from None
        _check_payload(opened, incoming)
        return (hashlib.sha256(opened).hexdigest(),
                json.dumps(envelope, separators=(",", ":")).encode())

    def forms(self, request: Request) -> Response:
        self._device(request)
        listing = self.catalogue.listing()
        return _conditional(request, listing.body, listing.etag)

    def heartbeat(self, request: Request, device_id: str) -> Response:
        device = self._device(request)
        if device.id != device_id:
            raise ApiError(403, f"This token belongs to device {device.id}, not {device_id}.")
        body = json_object(request.body)
        beat = heartbeat_fields(body)
        moment, verdict = self.store.record_heartbeat(device.id, beat, audit_fields(body))
        answer: dict[str, Any] = {"server_time": moment}
        if verdict is not None:  # a kiosk older than anchoring sends no audit, and gets none
            answer["audit"] = verdict
        offer = updates.update_for(self.store, device.id, str(beat["version"]))
        if offer is not None:  # a kiosk that does not fetch updates just ignores it
            answer["update"] = offer.as_update()
        return Response(200, answer)

    def update_package(self, request: Request, version: str) -> Response:
        """An offered package, to the kiosks it is offered to: ETag (its SHA-256), and byte
        ranges so a kiosk whose download broke off asks for the rest only."""
        device = self._device(request)
        offer = updates.served_offer(self.store, device.id, version)
        if offer is None:
            raise ApiError(404, f"Version {version} is not offered to {device.id}.")
        path = updates.package_path(self.store, offer)
        try:
            size = path.stat().st_size
        except OSError:
            raise ApiError(404, f"The package of version {version} is missing on this service; "
                                "its staff must offer it again.") from None
        headers = {"ETag": offer.etag, "Accept-Ranges": "bytes", "Cache-Control": "no-cache",
                   "Content-Type": updates.CONTENT_TYPE,
                   "Content-Disposition": f'attachment; filename="{offer.file_name}"'}
        if etag_matches(request.headers.get("If-None-Match"), offer.etag):
            return Response(304, None, {"ETag": offer.etag, "Cache-Control": "no-cache",
                                        "Content-Length": str(size)})
        wanted = request.headers.get("Range")
        if_range = request.headers.get("If-Range")
        if wanted is not None and (if_range is None or if_range.strip() == offer.etag):
            span = byte_range(wanted, size)
            if span == "unsatisfiable":
                raise ApiError(416, f"The range {_printable(wanted)} is outside the package's "
                                    f"{size} bytes.", {"Content-Range": f"bytes */{size}"})
            if isinstance(span, tuple):
                start, end = span
                return Response(206, FileBody(path, start, end - start + 1), {
                    **headers, "Content-Range": f"bytes {start}-{end}/{size}"})
        return Response(200, FileBody(path, 0, size), headers)

    def consultations(self, request: Request) -> Response:
        """The running results of every consultation: counts per option, never per person."""
        self._device(request)
        body = json.dumps({"consultations": self.tallies.results()}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        return _conditional(request, body, strong_etag(body))

    def progress(self, request: Request) -> Response:
        """The review state of references, as the citizen's status page shows them: a
        reference not known here, or not a whole reference (its check character wrong), is
        left out, so the answer says nothing about references that were never given."""
        device = self._device(request)
        wait = admit(self.store, f"progress:{device.id}", PROGRESS_LIMIT)
        if wait:
            raise ApiError(429, f"Too many progress requests from {device.id}; try again in "
                                f"{wait} seconds.", {"Retry-After": str(wait)})
        asked = progress_references(json_object(request.body), MAX_PROGRESS)
        printed = {sent: read_reference(sent) for sent in asked}
        known = {found["reference"]: found for found in
                 self.store.progress([ref for ref in printed.values() if ref is not None])}
        # Each answered under the reference as sent, so the kiosk finds its own in the answer.
        return Response(200, {"progress": [{**known[ref], "reference": sent}
                                           for sent, ref in printed.items() if ref in known]})

    # -- staff ------------------------------------------------------------------------------
    def devices(self, request: Request) -> Response:
        self._admin(request)
        return Response(200, {"devices": self.store.devices()})

    def list_submissions(self, request: Request) -> Response:
        self._admin(request)
        query = {name: values[-1] for name, values in request.query.items()}
        limit_text = query.get("limit", "100")
        # ASCII digits only: "²" and "١٢" are digits to str.isdigit, and int() takes the second
        if not (limit_text.isascii() and limit_text.isdigit()) or not 1 <= int(limit_text) <= 1000:
            raise ApiError(400, "limit must be a whole number from 1 to 1000.")
        try:
            page, cursor = self.store.submissions(query_text(query, "form_id"),
                                                  query_text(query, "after"), int(limit_text))
        except CentralError as error:
            raise ApiError(400, f"{error}.") from None
        return Response(200, {"submissions": page, "next": cursor})


_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.ASCII)


def byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """A Range header's one byte range within `size` bytes, as (first, last) inclusive;
    "unsatisfiable" when it starts past the end (416); None when the header is malformed or
    asks for several ranges, which RFC 9110 (14.2) lets a server answer with the whole file."""
    found = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if found is None or found.group(1) == found.group(2) == "":
        return None
    first, last = found.groups()
    if first == "":  # the last N bytes
        suffix = int(last)
        return (max(size - suffix, 0), size - 1) if suffix > 0 and size > 0 else "unsatisfiable"
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        return "unsatisfiable"
    return start, min(int(last), size - 1) if last else size - 1


def _printable(text: str, limit: int = 60) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


def _same_device(body: JSONObject, device: Device, *, whole: bool = True) -> None:
    """403 for another device's body; a device_id not a string refuses the whole body (400),
    but only that submission of a batch (answered on its own, later)."""
    claimed = body.get("device_id")
    if whole and claimed is not None and not isinstance(claimed, str):
        raise ApiError(400, "device_id must be a string, the token's device.")
    if isinstance(claimed, str) and claimed != device.id:
        raise ApiError(403, f"This token belongs to device {device.id}, not {claimed}.")


def _conflict(instance_id: str) -> str:
    return (f"A different submission with this id was already received ({instance_id}); "
            "the first one is kept.")


def _conditional(request: Request, body: bytes, etag: str) -> Response:
    """`body` with its ETag, or a 304 when the request's If-None-Match already has it."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        # The length of what a 200 would carry (RFC 9110 8.6); a 304 has no body.
        return Response(304, None, {**headers, "Content-Length": str(len(body))})
    return Response(200, body, headers)


def _check_payload(opened: bytes, incoming: Incoming) -> None:
    """The sealed payload must be the submission the outer fields describe."""
    try:
        payload = json.loads(opened.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(422, "The sealed payload is not JSON.") from None
    if not isinstance(payload, dict):
        raise ApiError(422, "The sealed payload is not a JSON object.")
    for name in ("instance_id", "form_id", "form_version"):
        if payload.get(name) != getattr(incoming, name):
            raise ApiError(422, f"The sealed payload's {name} is not the request's {name}.")
    # Sealed too by kiosks since receipts are signed (older ones leave them out), so nothing
    # on the way can relabel a submission as another device's, time or reference.
    for name in ("reference", "created_at", "device_id"):
        if name in payload and payload[name] != getattr(incoming, name):
            raise ApiError(422, f"The sealed payload's {name} is not the request's {name}.")
    if not isinstance(payload.get("answers"), dict):
        raise ApiError(422, "The sealed payload has no answers object.")
