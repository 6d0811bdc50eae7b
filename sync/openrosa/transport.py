"""An OpenRosa server (ODK Central, KoboToolbox), client side: the same answers as the REST
transport gives the worker (Delivered, Rejected, Retry; LinkDown, AuthRefused).

- every request carries `X-OpenRosa-Version: 1.0` and a `Date`;
- a round begins with `HEAD .../submission`: only a 204 with X-OpenRosa-Version is the server
  (a captive portal's or proxy's page is not), and it says how large a POST may be
  (X-OpenRosa-Accept-Content-Length);
- the form list (`GET .../formList`, ETag-cached) says which forms the server takes;
- a submission is one or more multipart POSTs to `.../submission` (multipart.py); it is
  delivered only when every one was answered 201 or 202 with an OpenRosaResponse;
- sign-in: an ODK Central app user's token in the url, or a username and password sent as
  Basic (ODK Central sends no challenge), Digest, or whichever the server's challenge asks for.
Every request has a deadline for its whole answer and a cap on the answer's size, TLS is verified, proxies come from the config only, and no
message repeats the url (an app user's token is in it).
"""

from __future__ import annotations

import re
from email.utils import formatdate
from typing import TYPE_CHECKING

import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from ..transport import (
    AuthRefused,
    Delivered,
    LinkDown,
    Outcome,
    Rejected,
    Retry,
    connect,
    failure_outcome,
    request_or_link_down,
)
from .documents import ServerForm, parse_form_list, response_message
from .multipart import encode, plan
from .package import Package

if TYPE_CHECKING:
    from kiosk.config import Destination
    from kiosk.store.records import Outgoing

DELIVERED = (201, 202)
_SCHEME = re.compile(r"(?:^|,)\s*([A-Za-z]+)\s+[A-Za-z]+=")  # "Digest realm=..., Basic realm=..."


def _challenge(response: requests.Response) -> str:
    """The scheme the server's 401 asks for: digest when it offers it (the password then
    never travels), else basic; "" when it sent no challenge."""
    offered = {scheme.lower() for scheme in _SCHEME.findall(
        response.headers.get("WWW-Authenticate", ""))}
    return next((scheme for scheme in ("digest", "basic") if scheme in offered), "")


class OpenRosaTransport:
    def __init__(self, destination: Destination, session: requests.Session | None = None):
        self.destination = destination
        self.base, self.limits, self.http = connect(destination, session,
                                                     {"X-OpenRosa-Version": "1.0"})
        credentials = self._credentials = destination.credentials
        self._answer_challenge = False
        if credentials is not None:
            if destination.auth == "basic":
                self.http.auth = HTTPBasicAuth(*credentials)
            elif destination.auth == "digest":
                self.http.auth = HTTPDigestAuth(*credentials)
            else:
                self._answer_challenge = True
        self.accept_content_length: int | None = None  # from the last HEAD
        self.server_forms: dict[str, ServerForm] | None = None  # None: the list is not known
        self._forms_etag: str | None = None
        self._forms: list[ServerForm] = []

    def close(self) -> None:
        self.http.close()

    # -- requests ----------------------------------------------------------------------------
    def _send(self, method: str, url: str, headers: dict[str, str],
              data: bytes | None) -> requests.Response:
        headers = {**headers, "Date": formatdate(usegmt=True)}  # the device's time, in GMT
        return request_or_link_down(self.http, method, url, "server", self.limits,
                                    headers=headers, data=data)

    def _request(self, method: str, url: str, headers: dict[str, str] | None = None,
                 data: bytes | None = None) -> requests.Response:
        response = self._send(method, url, headers or {}, data)
        if response.status_code == 401 and self._answer_challenge:
            scheme = {"basic": HTTPBasicAuth, "digest": HTTPDigestAuth}.get(_challenge(response))
            # auth = "auto": sign in the way the server asked (_answer_challenge: credentials)
            if scheme is not None and self._credentials is not None:
                self.http.auth = scheme(*self._credentials)
                self._answer_challenge = False
                response = self._send(method, url, headers or {}, data)
        if response.status_code in (401, 403):
            raise AuthRefused(self._refusal(response))
        return response

    def _refusal(self, response: requests.Response) -> str:
        status = response.status_code
        said = response_message(response.content) or response.reason or "no reason given"
        if status == 403:
            hint = ("the account or app user may not submit to this project or form, or was "
                    "revoked: check the url, username and password of this destination")
        elif self.destination.username is None:
            hint = ("the server wants to know who is sending: give an ODK Central app user's url, "
                    "or a username and password")
        elif not _challenge(response) and self.destination.auth == "auto":
            hint = ('the server asked for no particular sign-in: for ODK Central set auth = "basic"')
        else:
            hint = "check the username and password of this destination"
        return f"the OpenRosa server refused this kiosk ({status}: {said[:200]}): {hint}"

    # -- the calls ----------------------------------------------------------------------------
    def probe(self) -> None:
        """HEAD .../submission: LinkDown unless the OpenRosa server itself answers."""
        response = self._request("HEAD", self.base + "/submission")
        status = response.status_code
        if "X-OpenRosa-Version" not in response.headers:
            raise LinkDown(f"something other than the OpenRosa server answered ({status}, "
                           "without X-OpenRosa-Version): a captive portal or a proxy's page?")
        if status == 404:
            raise LinkDown("the server has no submission address there (404): check the url "
                           "of this destination")
        if status != 204:
            raise LinkDown(f"the OpenRosa server is not taking submissions ({status})")
        try:
            limit = int(response.headers.get("X-OpenRosa-Accept-Content-Length", ""))
        except ValueError:
            limit = None
        self.accept_content_length = limit if limit and limit > 0 else None

    def refresh_forms(self) -> dict[str, ServerForm]:
        """The server's form list (a 304 when unchanged since the last ETag)."""
        headers = {"If-None-Match": self._forms_etag} if self._forms_etag else {}
        response = self._request("GET", self.base + "/formList", headers)
        if response.status_code == 200:
            try:
                self._forms = parse_form_list(response.content)
            except ValueError as error:
                raise LinkDown(f"the server's form list was not understood ({error})") from None
            self._forms_etag = response.headers.get("ETag")
        elif response.status_code != 304:
            raise LinkDown(f"the server's form list could not be fetched ({response.status_code})")
        self.server_forms = {form.form_id: form for form in self._forms}
        return self.server_forms

    def send(self, item: Outgoing) -> Outcome:
        try:
            package = Package.from_bytes(item.envelope)
        except ValueError as error:
            return Rejected(f"the stored submission cannot be sent to an OpenRosa server ({error})")
        if package.instance_id != item.submission_id:
            return Rejected("the stored submission belongs to another instance id")
        listed = None if self.server_forms is None else self.server_forms.get(package.form_id)
        if self.server_forms is not None and listed is None:
            return Retry(f"the server lists no form '{package.form_id}' for this account: publish "
                         "it there (or let this account submit to it); the submission waits")
        note = ""
        if listed is not None and listed.version != package.version:
            note = (f" (the server's current version of '{package.form_id}' is "
                    f"'{listed.version}'; this submission was made on '{package.version}')")
        return self._post(package, note)

    def _post(self, package: Package, note: str) -> Outcome:
        queue = plan(package.xml, package.attachments, self.accept_content_length)
        answers: list[tuple[int, str | None]] = []
        while queue:
            files = queue.pop(0)
            body, content_type = encode(package.xml, files)
            try:
                response = self._request("POST", self.base + "/submission",
                                         {"Content-Type": content_type}, body)
            except LinkDown as error:
                return Retry(str(error), link_down=True)
            if response.status_code == 413 and len(files) > 1:
                # Smaller than the server said (or it said nothing): fewer files per POST.
                self.accept_content_length = len(body) - 1
                queue[:0] = [files[:len(files) // 2], files[len(files) // 2:]]
                continue
            failed = self._failure(response, note, len(body))
            if failed is not None:
                return failed
            answers.append((response.status_code, response_message(response.content)))
        status, message = answers[-1]
        return Delivered({"instance_id": package.instance_id, "status": status,
                          "message": (message or "")[:300], "posts": len(answers),
                          "encrypted": package.encrypted})

    @staticmethod
    def _failure(response: requests.Response, note: str, size: int) -> Outcome | None:
        """None when this POST was taken; else what the answer means."""
        status = response.status_code
        message = response_message(response.content)
        if status in DELIVERED and message is not None:
            return None
        if 200 <= status < 300:  # OpenRosa: a 200 (or a bare 201) may be a proxy's or portal's
            what = "a 200" if status == 200 else f"a {status} without an OpenRosaResponse"
            return Retry(f"{what} is not a delivery (only 201 or 202 with an OpenRosaResponse "
                         "is): a captive portal or a proxy may have answered")
        reason = f"{status}: {message or response.reason or 'no reason given'}"[:400]
        if status == 413:
            return Rejected(f"{reason}: the server takes no request of {size} bytes, even with "
                            "one file per request" + note)
        # Any other 4xx (409: a different submission with the same instance id) is Rejected.
        return failure_outcome(response, reason, note)
