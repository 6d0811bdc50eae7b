"""The reference REST contract, client side: what each answer of the central service means.

Every request has a deadline for its whole answer and a cap on the answer's size
(sync/bounded_http.py); TLS is verified (a private CA can be named with `ca_file`); proxies
come from the config only, never from whatever environment the kiosk was started in.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests

from kiosk.sealing import SealingError, SealingKey, same_fingerprint
from kiosk.signed_receipts import ReceiptKey
from kiosk.store.records import Outgoing

from .bounded_http import AnswerTooLarge, DeadlinePassed, Limits, bound_session, bounded_request

if TYPE_CHECKING:
    from kiosk.config import Destination
    from kiosk.store.sealers import Sealer

USER_AGENT = "public-service-kiosk/0.1"
RETRY_STATUSES = {408, 425, 429}  # client-side codes that mean "later", not "never"
# Answers that say the address or a proxy's configuration is wrong, not this submission: no
# service of ours has a POST route that 404s or 405s, nor refuses a body this small (413).
WRONG_ADDRESS_STATUSES = {404, 405}
SMALL_BODY = 1024 * 1024
HOSTNAME_MISMATCH = 62  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH


class LinkDown(Exception):
    """The service could not be reached or did not answer in time: try again later."""


class WrongAddress(LinkDown):
    """The service's TLS certificate is for another name: the url is wrong, or something (a
    proxy, a wifi sign-in page) answers in its place. Only IT can fix it."""


class AuthRefused(Exception):
    """401/403: this kiosk's token is wrong or revoked. Only IT can fix it; sending stops."""


class KeyMismatch(Exception):
    """The service offers a sealing key whose fingerprint is not the pinned one."""


class BatchesRefused(Exception):
    """The service announced batches, but a batch was refused as a whole (its route not there,
    its body not taken: something between, or a service rolled back). Nothing was stored;
    send these one at a time."""


@dataclass(frozen=True)
class Delivered:
    receipt: dict[str, Any]  # the service's receipt, as JSON


@dataclass(frozen=True)
class Rejected:
    reason: str


@dataclass(frozen=True)
class Retry:
    reason: str
    after_seconds: float | None = None  # the server's Retry-After, when it gave one
    link_down: bool = False  # no answer at all: the next ones would fail the same way
    pause_all: bool = False  # the service asked for a pause (429, 503 + Retry-After)
    wrong_address: bool = False  # the answer says the address or configuration is wrong
    status: int | None = None  # the HTTP status, when something answered
    # not sent: the server's form does not match this one's (a path it lacks, a version it does
    # not have): that form's submissions wait, the link and the rest of the queue are fine
    held: bool = False


Outcome = Delivered | Rejected | Retry
# A batch's answer: one outcome per submission sent, in order; or one Retry when the request
# itself got no usable answer, which says nothing about any one of them.
BatchOutcome = list[Outcome] | Retry
ITEM_REJECTIONS = {400, 409, 422}  # a batch item's answer that resending will not change
# A batch refused as a whole by something that would take the submissions one by one: a route
# not there, a body or a length some proxy will not pass. Each is then sent alone, and judged so.
BATCH_REFUSALS = {400, 404, 405, 411, 413}


def _reason(response: requests.Response) -> str:
    """The server's own sentence when it sent one, else the status line."""
    try:
        said = response.json().get("error")
    except (ValueError, AttributeError):
        said = None
    return f"{response.status_code}: {said or response.reason or 'no reason given'}"[:500]


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def request_or_link_down(http: requests.Session, method: str, url: str, who: str,
                         limits: Limits, **kwargs: Any) -> requests.Response:
    """One request, never following a redirect (a captive portal's), its answer read whole
    within `limits`. Every way of getting no answer (none in time, none whole, one too large)
    is LinkDown, said for staff in a sentence; `who` is "service" or "server"."""
    try:
        return bounded_request(http, method, url, limits, allow_redirects=False, **kwargs)
    except DeadlinePassed:
        raise LinkDown(f"the {who} did not answer in full within {limits.deadline_seconds:g} s "
                       "(request_deadline_seconds)") from None
    except AnswerTooLarge as error:
        raise LinkDown(f"the {who}'s answer was too large: {error} (max_response_bytes)") from None
    except requests.exceptions.SSLError as error:
        if _name_mismatch(error):
            raise WrongAddress(f"the {who}'s TLS certificate is for another name than the url's "
                               "host: check the url, or what answers in its place") from None
        raise LinkDown(f"the {who}'s TLS certificate was not accepted ({error.__class__.__name__})") from None
    except requests.exceptions.Timeout:
        raise LinkDown(f"the {who} did not answer in time") from None
    except requests.exceptions.RequestException as error:
        raise LinkDown(f"the {who} could not be reached ({error.__class__.__name__})") from None
    except (ValueError, OSError) as error:  # a CA file gone, a header that cannot be sent
        raise LinkDown(f"the request could not be made ({error.__class__.__name__}: "
                       f"{str(error)[:120]})") from None


def _name_mismatch(error: BaseException) -> bool:
    """Whether the certificate was refused for its name (not for its issuer or dates)."""
    seen: list[BaseException] = []
    found: BaseException | None = error
    while found is not None and found not in seen:
        if isinstance(found, ssl.SSLCertVerificationError):
            return found.verify_code == HOSTNAME_MISMATCH
        seen.append(found)
        inner = getattr(found, "reason", None)  # urllib3 keeps the cause there
        found = inner if isinstance(inner, BaseException) else (
            found.args[0] if found.args and isinstance(found.args[0], BaseException)
            else found.__cause__ or found.__context__)
    return False


def connect(destination: Destination, session: requests.Session | None,
            headers: dict[str, str]) -> tuple[str, Limits, requests.Session]:
    """The destination's base url, its requests' limits and an HTTP session: no proxy, CA or
    .netrc password from the environment, only the config's; a User-Agent plus `headers`."""
    base = destination.url.rstrip("/")
    limits = Limits(destination.connect_timeout_seconds, destination.timeout_seconds,
                    destination.request_deadline_seconds, destination.max_response_bytes)
    http = bound_session(session or requests.Session())
    http.trust_env = False
    http.verify = str(destination.ca_file) if destination.ca_file else True
    if destination.proxy:
        http.proxies = {"http": destination.proxy, "https": destination.proxy}
    http.headers.update({"User-Agent": USER_AGENT, **headers})
    return base, limits, http


def failure_outcome(response: requests.Response, reason: str, note: str = "") -> Outcome:
    """What an answer that is not a delivery means: retryable statuses and 5xx are Retry (with
    the server's Retry-After; 429, or 503 with a Retry-After, pauses every send), any other
    4xx is Rejected (`note` appended), anything else (1xx/3xx) is Retry. An answer that says
    the address is wrong (404, 405, 413 to a small body) is a Retry marked `wrong_address`."""
    status = response.status_code
    body = response.request.body if response.request is not None else None
    if status in WRONG_ADDRESS_STATUSES or (
            status == 413 and isinstance(body, bytes | str) and len(body) < SMALL_BODY):
        return Retry(reason, wrong_address=True, status=status)
    if status in RETRY_STATUSES or status >= 500:
        after = _retry_after(response)
        return Retry(reason, after, pause_all=status == 429 or (status == 503 and after is not None),
                     status=status)
    if 400 <= status < 500:
        return Rejected(reason + note)
    return Retry(reason)  # 1xx/3xx: nothing we asked for


class RestTransport:
    def __init__(self, destination: Destination, device_id: str,
                 session: requests.Session | None = None):
        self.destination = destination
        self.device_id = destination.device_id or device_id
        self.base, self.limits, self.http = connect(
            destination, session, {"Authorization": f"Bearer {destination.token}"})
        self.announced_key: str | None = None  # the service's current key, as /health says
        # What the service's receipts must be signed with: pinned in the config, else learnt
        # from the service at first contact (the worker keeps it); None: not known yet, or a
        # service older than signed receipts, whose receipts are taken unsigned.
        self.receipt_key = ReceiptKey.from_text(destination.receipt_key) \
            if destination.receipt_key else None
        # Submissions a request: more once /health says the service takes batches (never more
        # than the destination's max_batch); one until then.
        self.max_batch = 1
        self.has_progress = False  # /health says the service answers POST /v1/progress

    def close(self) -> None:
        self.http.close()

    def _request(self, method: str, path: str, authenticated: bool = True,
                 **kwargs: Any) -> requests.Response:
        response = request_or_link_down(self.http, method, self.base + path, "service",
                                        self.limits, **kwargs)
        if not authenticated and response.status_code in (401, 403):
            # Nothing of ours was checked: a web filter or proxy is in the way, not our token.
            raise LinkDown(f"something between the kiosk and the service refused the request "
                           f"({response.status_code}): a web filter or proxy?")
        if response.status_code in (401, 403):
            raise AuthRefused(f"the central service refused this kiosk ({_reason(response)}): "
                              "check the token and device_id in the kiosk's config")
        return response

    # -- the calls ----------------------------------------------------------------------------
    def probe(self) -> None:
        """Cheap connectivity check before a round; LinkDown when the service is not there
        (or something else, such as a captive portal, answers instead)."""
        response = self._request("GET", "/health", authenticated=False)
        try:
            answer = response.json()
            healthy = response.status_code == 200 and answer.get("status") == "ok"
        except (ValueError, AttributeError):
            healthy = False
        if not healthy:
            raise LinkDown(f"the service's health check failed ({response.status_code})")
        announced = answer.get("key_fingerprint")  # absent from services before key rotation
        self.announced_key = announced if isinstance(announced, str) else None
        batch = answer.get("max_batch")  # absent from services before batches: one at a time
        self.max_batch = min(batch, self.destination.max_batch) if isinstance(batch, int) \
            and not isinstance(batch, bool) and batch > 1 else 1
        self.has_progress = answer.get("progress") is True  # absent from older services

    def needs_key(self, sealer: Sealer | None) -> bool:
        """Whether to fetch the key: none yet, or the service announced another one (it
        rotated its key; what was sealed to the old one still opens there)."""
        return sealer is None or (self.announced_key is not None and
                                  not same_fingerprint(self.announced_key, sealer.fingerprint))

    def fetch_key(self) -> SealingKey:
        response = self._request("GET", "/v1/key", authenticated=False)
        if response.status_code != 200:
            raise LinkDown(f"the sealing key could not be fetched ({_reason(response)})")
        try:
            return SealingKey.from_text(response.json()["public_key"],
                                        self.destination.key_fingerprint)
        except (ValueError, KeyError, TypeError):
            raise LinkDown("the service's answer for its key was not understood") from None
        except SealingError as error:
            raise KeyMismatch(str(error)) from None

    def offered_receipt_key(self) -> ReceiptKey | None:
        """The receipt key the service offers (GET /v1/key); None from a service older than
        signed receipts."""
        response = self._request("GET", "/v1/key", authenticated=False)
        if response.status_code != 200:
            raise LinkDown(f"the service's keys could not be fetched ({_reason(response)})")
        try:
            offered = response.json().get("receipt_key")
            return ReceiptKey.from_text(offered) if offered is not None else None
        except (ValueError, AttributeError):
            raise LinkDown("the service's answer for its keys was not understood") from None

    def _delivery(self, receipt: object, item: Outgoing, status: int) -> Outcome:
        """Delivered, if `receipt` is the service's receipt for this very submission: its
        instance id, signed with the receipt key (when one is known) over the digest of what
        was sealed. Anything else delivers nothing; a receipt that fails its signature or
        names other contents means something else answers in the service's place."""
        if not (isinstance(receipt, dict) and receipt.get("instance_id") == item.submission_id
                and receipt.get("receipt_id")):
            # A 200 that is not our receipt: a proxy or captive portal answered.
            return Retry(f"{status} without a receipt (not the central service?)", status=status)
        if self.receipt_key is not None:
            if not self.receipt_key.verifies(receipt):
                return Retry(f"{status} with a receipt not signed by the service's receipt key "
                             "(receipt_key): something else answers in its place", status=status,
                             wrong_address=True)
            if item.content_sha256 is not None and \
                    receipt.get("payload_sha256") != item.content_sha256:
                return Retry(f"{status} with a signed receipt for other contents than were sent",
                             status=status, wrong_address=True)
        return Delivered(receipt)

    def _body(self, item: Outgoing) -> dict[str, Any] | Rejected:
        try:
            envelope = json.loads(item.envelope)
        except ValueError:
            return Rejected("the stored envelope is damaged")
        return {"instance_id": item.submission_id, "reference": item.reference,
                "form_id": item.form_id, "form_version": item.form_version,
                "device_id": self.device_id, "created_at": item.created_at, "envelope": envelope}

    def send(self, item: Outgoing) -> Outcome:
        body = self._body(item)
        if isinstance(body, Rejected):
            return body
        try:
            response = self._request("POST", "/v1/submissions", json=body,
                                     headers={"Idempotency-Key": item.submission_id})
        except LinkDown as error:
            return Retry(str(error), link_down=True, wrong_address=isinstance(error, WrongAddress))
        status = response.status_code
        if status in (200, 201):
            try:
                receipt = response.json()
            except ValueError:
                receipt = None
            return self._delivery(receipt, item, status)
        return failure_outcome(response, _reason(response))

    def send_many(self, items: list[Outgoing]) -> BatchOutcome:
        """Post `items` as one batch (the service announced max_batch). BatchesRefused when
        its batch route is not there after all; from then on this transport sends singly."""
        bodies = [self._body(item) for item in items]
        sent = [body for body in bodies if not isinstance(body, Rejected)]
        if not sent:
            return [body for body in bodies if isinstance(body, Rejected)]
        try:
            response = self._request("POST", "/v1/submissions/batch",
                                     json={"device_id": self.device_id, "submissions": sent})
        except LinkDown as error:
            return Retry(str(error), link_down=True, wrong_address=isinstance(error, WrongAddress))
        status = response.status_code
        if status in BATCH_REFUSALS:
            self.max_batch = 1
            raise BatchesRefused(_reason(response))
        if status != 200:
            outcome = failure_outcome(response, _reason(response))
            return outcome if isinstance(outcome, Retry) else Retry(_reason(response),
                                                                    status=status)
        try:
            results = response.json()["results"]
            answers = {result["instance_id"]: result for result in results
                       if isinstance(result, dict) and isinstance(result.get("instance_id"), str)}
        except (ValueError, KeyError, TypeError):
            # A 200 that is not our answer: a proxy or captive portal answered. Not delivered.
            return Retry("200 without an answer for each submission (not the central service?)",
                         status=status)
        outcomes = [body if isinstance(body, Rejected)
                    else self._item_outcome(answers.get(item.submission_id), item)
                    for item, body in zip(items, bodies, strict=True)]
        forged = next((outcome for outcome in outcomes
                       if isinstance(outcome, Retry) and outcome.wrong_address), None)
        return forged or outcomes  # one forged receipt: the whole answer is not the service's

    def _item_outcome(self, answer: dict[str, Any] | None, item: Outgoing) -> Outcome:
        """What a batch's answer says of one submission in it."""
        if answer is None:
            return Retry("the service's answer to the batch did not mention it")
        status = answer.get("status")
        if status in (200, 201):
            return self._delivery(answer.get("receipt"), item, status)
        error = str(answer.get("error") or "no reason given")
        if status in ITEM_REJECTIONS:
            return Rejected(f"{status}: {error}"[:500])
        return Retry(f"{status}: {error}"[:500])

    def heartbeat(self, report: dict[str, Any]) -> dict[str, Any]:
        response = self._request("POST", f"/v1/devices/{quote(self.device_id, safe='')}/heartbeat",
                                 json=report)
        if response.status_code != 200:
            raise LinkDown(f"the heartbeat was not taken ({_reason(response)})")
        try:
            answer = response.json()
        except ValueError:  # a proxy's page, not the service: the heartbeat did not arrive
            answer = None
        if not isinstance(answer, dict):
            raise LinkDown("the heartbeat's answer was not the service's")
        return answer

    def _conditional_get(self, path: str, etag: str | None,
                         what: str) -> requests.Response | None:
        """GET `path` with If-None-Match: None on a 304, the response on a 200; anything else
        is LinkDown ("`what` could not be fetched")."""
        headers = {"If-None-Match": etag} if etag else {}
        response = self._request("GET", path, headers=headers)
        if response.status_code == 304:
            return None
        if response.status_code != 200:
            raise LinkDown(f"{what} could not be fetched ({_reason(response)})")
        return response

    def forms(self, etag: str | None) -> tuple[str | None, list[dict[str, Any]]] | None:
        """The catalogue, or None when it has not changed since `etag`."""
        response = self._conditional_get("/v1/forms", etag, "the form catalogue")
        if response is None:
            return None
        try:
            return response.headers.get("ETag"), list(response.json()["forms"])
        except (ValueError, KeyError, TypeError):
            raise LinkDown("the form catalogue was not understood") from None

    def consultation_results(self, etag: str | None,
                             ) -> tuple[str | None, list[dict[str, Any]]] | None:
        """The consultations' running results, or None when unchanged since `etag`."""
        # not a 200: an older service without results, say
        response = self._conditional_get("/v1/consultations", etag, "the consultation results")
        if response is None:
            return None
        try:
            found = response.json()["consultations"]
            if not isinstance(found, list) or not all(isinstance(c, dict) for c in found):
                raise TypeError
            return response.headers.get("ETag"), found
        except (ValueError, KeyError, TypeError):
            raise LinkDown("the consultation results were not understood") from None

    def progress(self, references: list[str]) -> Any | None:
        """The review states of `references` (`POST /v1/progress`), as the service's JSON;
        None from a service without the route (an older central: 404, 405)."""
        response = self._request("POST", "/v1/progress", json={"references": references})
        if response.status_code in WRONG_ADDRESS_STATUSES:
            return None
        if response.status_code != 200:
            raise LinkDown(f"the progress of applications could not be fetched "
                           f"({_reason(response)})")
        try:
            return response.json()
        except ValueError:
            raise LinkDown("the progress of applications was not understood") from None

    def update_piece(self, path: str, start: int, end: int) -> tuple[int, bytes]:
        """Bytes start..end (inclusive) of an offered update package (`GET path` with Range):
        (status, bytes). 206 for the piece, 200 when the service sent the whole file instead,
        416 when `start` is past its end, 404 when the offer is gone; anything else is
        LinkDown."""
        response = self._request("GET", path, headers={"Range": f"bytes={start}-{end}"})
        status = response.status_code
        if status not in (200, 206, 404, 416):
            raise LinkDown(f"the update could not be downloaded ({_reason(response)})")
        return status, response.content if status in (200, 206) else b""
