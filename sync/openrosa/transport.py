"""An OpenRosa server (ODK Central, KoboToolbox), client side: the same answers as the REST
transport gives the worker (Delivered, Rejected, Retry; LinkDown, AuthRefused).

- every request carries `X-OpenRosa-Version: 1.0` and a `Date`;
- a round begins with `HEAD .../submission`: only a 204 with X-OpenRosa-Version is the server
  (a captive portal's or proxy's page is not), and it says how large a POST may be
  (X-OpenRosa-Accept-Content-Length);
- the form list (`GET .../formList`, ETag-cached) says which forms the server takes, and the
  version each is known by now: a submission sealed before the server renamed its version
  (ODK Central's managed encryption appends "[encrypted:...]") is sent stating the new name;
- before a form's first submission is posted, the server's XForm of it (fetched once per hash
  the form list states) must have every path the kiosk's form sends: a path it lacks holds
  that form's submissions (not the others') with a message naming it, since the server would
  store the answer and leave it out of every export;
- a submission is one or more multipart POSTs to `.../submission` (multipart.py); it is
  delivered only when every one was answered 201 or 202 with an OpenRosaResponse;
- sign-in: an ODK Central app user's token in the url, or a username and password sent as
  Basic (ODK Central sends no challenge), Digest, or whichever the server's challenge asks for.
Every request has a deadline for its whole answer and a cap on the answer's size, TLS is verified, proxies come from the config only, and no
message repeats the url (an app user's token is in it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

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
from .documents import (
    ServerForm,
    ServerXForm,
    parse_form_list,
    parse_xform,
    response_message,
    version_to_send,
)
from .multipart import encode, plan
from .package import Package

if TYPE_CHECKING:
    from kiosk.config import Destination
    from kiosk.store.records import Outgoing

DELIVERED = (201, 202)
SHOWN_PATHS = 5  # a message names at most this many missing paths
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
        # form id -> the XForm last fetched, under the hash the form list stated for it (the
        # worker keeps them across restarts)
        self.xforms: dict[str, tuple[str, ServerXForm]] = {}
        # (form id, this kiosk's version) -> the paths its submissions send; None: not known
        self.paths_of: Callable[[str, str], frozenset[str] | None] = lambda form_id, version: None

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

    def server_xform(self, listed: ServerForm) -> ServerXForm:
        """The server's XForm of a listed form: fetched once for each hash (and version) the
        form list states. LinkDown when it cannot be had."""
        key = f"{listed.hash}|{listed.version}"
        cached = self.xforms.get(listed.form_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        response = self._request("GET", self._download_url(listed))
        if response.status_code != 200:
            raise LinkDown(f"the server's form '{listed.form_id}' could not be fetched "
                           f"({response.status_code})")
        try:
            xform = parse_xform(response.content)
        except ValueError as error:
            raise LinkDown(f"the server's form '{listed.form_id}' was not understood "
                           f"({error})") from None
        self.xforms[listed.form_id] = (key, xform)
        return xform

    def _download_url(self, listed: ServerForm) -> str:
        """The form list's downloadUrl when it is on the server the kiosk signs in to (the
        credentials never go elsewhere), else Central's own route beside formList."""
        ours, theirs = urlsplit(self.base), urlsplit(listed.download_url)
        if (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc):
            return listed.download_url
        return f"{self.base}/forms/{quote(listed.form_id, safe='')}.xml"

    def check_paths(self, form_id: str, kiosk_version: str, listed: ServerForm) -> str | None:
        """Why submissions of this form version cannot go to the server's current form (a path
        the kiosk sends that the server's XForm lacks), or None. LinkDown: its XForm could not
        be fetched."""
        sent = self.paths_of(form_id, kiosk_version)
        if sent is None:
            return None
        missing = sorted(sent - self.server_xform(listed).paths)
        if not missing:
            return None
        shown = ", ".join(missing[:SHOWN_PATHS]) + (
            f" and {len(missing) - SHOWN_PATHS} more" if len(missing) > SHOWN_PATHS else "")
        return (f"the server's form '{form_id}' (version '{listed.version}') has no "
                   f"{'element' if len(missing) == 1 else 'elements'} {shown}, which this "
                   f"kiosk's form (version '{kiosk_version}') sends: the server would keep "
                   "those answers out of its exports. Give the questions the same names, in the "
                   "same groups, on both (then publish the form on the server again, or replace "
                   "the kiosk's form); this form's submissions wait, nothing is lost")

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
                         "it there (or let this account submit to it); the submission waits",
                         held=True)
        note = ""
        if listed is not None:
            stated = version_to_send(package.version, listed.version)
            if stated is None:  # another version: Central takes any it has had published
                note = (f" (the server's current version of '{package.form_id}' is "
                        f"'{listed.version}'; this submission was made on '{package.version}')")
            else:
                try:
                    problem = self.check_paths(package.form_id, item.form_version, listed)
                except LinkDown as error:
                    return Retry(str(error), link_down=True)
                if problem is not None:
                    return Retry(problem, held=True)
                package = package.readdressed(stated) if stated != package.version else package
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
        if status == 404 and message and "version" in message.lower():
            # The server itself (an OpenRosaResponse) has no such version of the form (Central:
            # "The form version specified in this submission ... does not exist"): the form's
            # submissions wait for it, the address is right.
            return Retry(f"{reason}: publish this version of the form on the server, or let "
                         "the kiosk use the server's current one" + note, held=True, status=404)
        if status == 413:
            return Rejected(f"{reason}: the server takes no request of {size} bytes, even with "
                            "one file per request" + note)
        # Any other 4xx (409: a different submission with the same instance id) is Rejected.
        return failure_outcome(response, reason, note)
