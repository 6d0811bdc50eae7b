"""A loopback OpenRosa server for tests, written from the OpenRosa specifications (HTTP
Request, Form Submission, Form List APIs) and ODK Central's documented behaviour, not from
the kiosk's client:

- every request must carry X-OpenRosa-Version: 1.0 and a Date (400 otherwise); every answer
  carries X-OpenRosa-Version, Date and X-OpenRosa-Accept-Content-Length;
- HEAD .../submission: 204; POST .../submission: multipart/form-data with exactly one
  xml_submission_file part (text/xml) and files named as the XML names them; 201 with an
  OpenRosaResponse; a body over the accepted length: 413 (after reading it all);
- the same instanceID with identical XML: 201 again and no second record, its files merged
  (that is how a submission split over several POSTs arrives); different XML: 409;
- sign-in: none, Basic or Digest (with a challenge, or Basic without one as ODK Central does),
  or an ODK Central app-user token in the path (/v1/key/TOKEN/projects/N/...);
- formList as Central writes it (lib/formats/openrosa.js: formID, name, version, `md5:` hash
  of the XForm, downloadUrl `.../forms/ID.xml`) with Express's weak ETag and 304; the XForm
  download (`GET .../forms/ID.xml`); faults on demand (a status, a captive portal's 200, a
  dropped connection, an answer lost after the submission was stored);
- each form is a real XForm: pyxform's of the kit's XLSForm unless a test publishes its own;
  a submission for a version the server never had is answered as Central answers it (404,
  "The form version specified in this submission '...' does not exist.");
- Central's managed encryption (central-backend lib/model/frames/form.js withManagedKey): the
  project's key goes into each XForm's <submission base64RsaPublicKey> and "[encrypted:XXXXXXXX]"
  is appended to its version, which is from then on the only new name Central knows it by;
- an ODK-encrypted submission is opened with the form's private key once all its files are in
  (Central checks no signature: `signature_checked = False` opens it as Central does).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from tests.sync.loopback import LoopbackServer
from tests.sync.odk_decryption import SUBMISSIONS, Undecryptable, decrypt_submission
from tests.sync.openrosa_kit import kit_xform

REALM = "openrosa-test"
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]+))')
_FILE_NAME = re.compile(r"[\w.-]+\.(svg|png|jpe?g|mp3|m4a|mp4|pdf|csv)")


@dataclass
class Record:
    instance_id: str
    form_id: str
    version: str
    xml: bytes
    expected: set[str]  # the files the XML names
    files: dict[str, bytes] = field(default_factory=dict)
    posts: int = 0
    decrypted: bytes | None = None  # an encrypted submission's instance, once complete
    decrypted_files: dict[str, bytes] = field(default_factory=dict)
    problem: str | None = None

    @property
    def complete(self) -> bool:
        return self.expected <= set(self.files)


@dataclass
class Fault:
    """What the next request of `method` gets instead of the normal answer."""

    method: str
    status: int = 500
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False  # close the connection without answering
    after_storing: bool = False  # handle the submission, then drop the connection
    delay: float = 0.0  # seconds to wait before answering


def _response(message: str, nature: str = "") -> bytes:
    return ('<OpenRosaResponse xmlns="http://openrosa.org/http/response" items="0">'
            f'<message nature="{nature}">{escape(message)}</message></OpenRosaResponse>').encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_multipart(body: bytes, content_type: str) -> list[tuple[str, str, str, bytes]]:
    """(name, filename, content type, data) of each part; ValueError if it is not one."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not found:
        raise ValueError("the body is not multipart/form-data")
    delimiter = b"--" + found[1].encode()
    sections = body.split(delimiter)
    if len(sections) < 3 or sections[0] not in (b"", b"\r\n") or not sections[-1].startswith(b"--"):
        raise ValueError("the multipart body is not closed properly")
    parts = []
    for section in sections[1:-1]:
        if not (section.startswith(b"\r\n") and section.endswith(b"\r\n")):
            raise ValueError("a part is not delimited properly")
        head, separator, data = section[2:-2].partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part has no header")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        disposition = dict((m[0], m[1] or m[2]) for m in _PARAM.findall(
            headers.get("Content-Disposition", "")))
        parts.append((disposition.get("name", ""), disposition.get("filename", ""),
                      headers.get("Content-Type", "").split(";")[0].strip(), data))
    return parts


def version_suffix() -> str:
    """Central's generateVersionSuffix: the time in milliseconds, 6 bytes, in base64."""
    now = int(time.time() * 1000).to_bytes(6, "big")
    return f"[encrypted:{base64.b64encode(now).decode()}]"


def _primary_instance(xform: bytes) -> ET.Element:
    model = next(e for e in ET.fromstring(xform).iter() if _local(e.tag) == "model")
    instance = next(e for e in model if _local(e.tag) == "instance" and e.get("id") is None)
    return instance[0]


def _with_managed_key(xform: bytes, public_key: str, version: str,
                      suffix: str) -> tuple[bytes, str]:
    """Central's withManagedKey, by splicing the text as Central does (lib/data/schema.js
    injectPublicKey, addVersionSuffix): the key on <submission> (one made before </model> when
    there is none), the suffix appended to the primary instance's version attribute."""
    text = xform.decode("utf-8")
    found = re.search(r"<submission\b[^>]*?(/?)>", text)
    key = f' base64RsaPublicKey="{public_key}"'
    if found:
        at = found.start(1)
        text = text[:at] + key + text[at:]
    else:
        at = text.index("</model>")
        text = text[:at] + f"<submission{key}/>" + text[at:]
    renamed = version + suffix
    root = re.search(r"<instance>\s*<[A-Za-z_][^\s/>]*([^>]*)>", text)  # the primary instance's
    assert root is not None, "pyxform's XForms start the primary instance so"
    attributes = root[1]
    stated = re.search(r'\sversion="[^"]*"', attributes)
    new = f' version="{escape(renamed)}"'
    attributes = (attributes[:stated.start()] + new + attributes[stated.end():] if stated
                  else attributes + new)
    text = text[:root.start(1)] + attributes + text[root.end(1):]
    return text.encode("utf-8"), renamed


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    # -- plumbing -------------------------------------------------------------------------------
    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # the spec's MUST
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, status: int, body: bytes = b"", headers: dict | None = None,
               openrosa: bool = True) -> None:
        server = self.server.openrosa
        with server.lock:
            server.answers.append((self.command, self.path, status))
        self.send_response(status)
        every = {"X-OpenRosa-Version": "1.0", "Date": formatdate(usegmt=True),
                 "X-OpenRosa-Accept-Content-Length": str(server.advertised_content_length)}
        for name, value in {**(every if openrosa else {}), **(headers or {})}.items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def _handle(self, method: str) -> None:
        server = self.server.openrosa
        body = self._body() if method == "POST" else b""
        with server.lock:
            server.requests.append((method, self.path, dict(self.headers), len(body)))
            fault = next((f for f in server.faults if f.method == method), None)
            if fault is not None:
                server.faults.remove(fault)
        if fault is not None and not fault.after_storing:
            time.sleep(fault.delay)
            if fault.drop:
                self.close_connection = True
                return
            # something else answers (a portal, a proxy): no OpenRosa headers unless scripted
            self._reply(fault.status, fault.body, fault.headers, openrosa=False)
            return
        if self.headers.get("X-OpenRosa-Version") != "1.0":
            self._reply(400, _response("X-OpenRosa-Version: 1.0 is required", "error"))
            return
        if not self.headers.get("Date"):
            self._reply(400, _response("a Date header is required (OpenRosa HTTP Request API)",
                                       "error"))
            return
        route = server.route(urlsplit(self.path).path)
        if route == "forbidden":
            self._reply(403, _response("The authenticated actor does not have rights to perform "
                                       "that action.", "error"))
            return
        if route is None:
            self._reply(404, _response("not found", "error"))
            return
        challenge = server.check_auth(method, self.path, self.headers.get("Authorization", ""))
        if challenge is not None:
            self._reply(401, _response("Could not authenticate with the provided credentials.",
                                       "error"), challenge)
            return
        kind, argument = route
        if method == "HEAD" and kind == "submission":
            self._reply(204)
        elif method == "POST" and kind == "submission":
            status, message = server.receive(body, self.headers.get("Content-Type", ""))
            if fault is not None:  # stored, and the answer never reaches the kiosk
                self.close_connection = True
                return
            self._reply(status, _response(message, "submit_success" if status < 300 else "error"))
        elif method == "GET" and kind in ("formList", "download"):
            document = server.form_list() if kind == "formList" else server.xform(argument)
            if document is None:
                self._reply(404, _response("Could not find the resource you were looking for.",
                                           "error"))
                return
            # Express's own ETag for what res.send sends: weak, the length and a SHA-1
            etag = (f'W/"{len(document):x}-'
                    f'{base64.b64encode(hashlib.sha1(document).digest()).decode()[:27]}"')
            if self.headers.get("If-None-Match") == etag:
                self._reply(304, b"", {"ETag": etag})
            else:
                self._reply(200, document, {"ETag": etag})
        else:
            self._reply(405, _response("method not allowed", "error"))


class OpenRosaServer(LoopbackServer):
    def __init__(self, forms: dict[str, list[str]] | None = None, *, auth: str | None = None,
                 challenge: bool = True, username: str = "collector", password: str = "field-pass-1",
                 token: str | None = None, project: int = 7, accept_content_length: int = 10_000_000,
                 private_key=None, duplicate_status: int = 201,
                 advertised_content_length: int | None = None, managed_key: str | None = None,
                 signature_checked: bool = True):
        self.forms = forms if forms is not None else {"report_problem": ["1"]}
        self.managed_key = managed_key  # the project's managed encryption, on from the start
        self.signature_checked = signature_checked
        self.published: dict[str, bytes] = {}  # form id -> its current XForm, as Central keeps it
        self.auth, self.challenge = auth, challenge
        self.username, self.password = username, password
        self.token, self.project = token, project
        self.accept_content_length = accept_content_length  # what it takes
        self.advertised_content_length = advertised_content_length or accept_content_length
        self.private_key = private_key
        self.duplicate_status = duplicate_status
        self.records: dict[str, Record] = {}
        self.requests: list[tuple[str, str, dict, int]] = []  # method, path, headers, body size
        self.answers: list[tuple[str, str, int]] = []  # method, path, status
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        given, self.forms = self.forms, {}
        for form_id, versions in given.items():  # each version published in turn, as on Central
            for version in versions:
                self.publish(kit_xform(form_id, version))
        self._nonces: dict[str, int] = {}  # digest nonce -> the last nc seen
        super().__init__(_Handler)
        self._httpd.openrosa = self
        self.origin = f"http://127.0.0.1:{self.port}"
        self.prefix = f"/v1/key/{token}/projects/{project}" if token else ""
        self.url = self.origin + self.prefix  # what the kiosk's config names

    # -- who may come in ----------------------------------------------------------------------
    def route(self, path: str):
        if self.token and path.startswith("/v1/key/") and not path.startswith(self.prefix + "/"):
            return "forbidden"  # an unknown or revoked app user
        if not path.startswith(self.prefix + "/"):
            return None
        rest = path[len(self.prefix):]
        if rest in ("/submission", "/formList"):
            return rest[1:], None
        if found := re.fullmatch(r"/forms/([^/]+)\.xml", rest):
            return "download", found[1]
        return None

    def check_auth(self, method: str, uri: str, given: str) -> dict | None:
        """None when the request may go on; else the headers of the 401."""
        if self.auth is None:
            return None
        scheme, _, credentials = given.partition(" ")
        if self.auth == "basic":
            expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            if scheme.lower() == "basic" and credentials.strip() == expected:
                return None
            return {"WWW-Authenticate": f'Basic realm="{REALM}"'} if self.challenge else {}
        if scheme.lower() == "digest" and self._digest_ok(method, uri, credentials):
            return None
        nonce = secrets.token_hex(16)
        with self.lock:
            self._nonces[nonce] = 0
        return {"WWW-Authenticate": f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", '
                                    f'opaque="{secrets.token_hex(8)}", algorithm=MD5'}

    def _digest_ok(self, method: str, uri: str, credentials: str) -> bool:
        """RFC 7616 with MD5 and qop=auth; a nonce's count must go up (no replays)."""
        fields = {m[0]: m[1] or m[2] for m in _PARAM.findall(credentials)}
        try:
            nc = int(fields["nc"], 16)
            with self.lock:
                if fields["nonce"] not in self._nonces or nc <= self._nonces[fields["nonce"]]:
                    return False
                self._nonces[fields["nonce"]] = nc

            def md5(text: str) -> str:
                return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

            ha1 = md5(f"{self.username}:{REALM}:{self.password}")
            ha2 = md5(f"{method}:{fields['uri']}")
            expected = md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
            return (fields["username"] == self.username and fields["realm"] == REALM
                    and fields["uri"] == uri and fields.get("qop") == "auth"
                    and fields["response"] == expected)
        except (KeyError, ValueError):
            return False

    # -- submissions --------------------------------------------------------------------------
    def receive(self, body: bytes, content_type: str) -> tuple[int, str]:
        if len(body) > self.accept_content_length:
            return 413, f"the request is larger than {self.accept_content_length} bytes"
        try:
            parts = parse_multipart(body, content_type)
        except ValueError as error:
            return 400, str(error)
        xml_parts = [p for p in parts if p[0] == "xml_submission_file"]
        if len(xml_parts) != 1 or xml_parts[0][2] not in ("text/xml", "application/xml"):
            return 400, "exactly one xml_submission_file part, of type text/xml, is required"
        xml = xml_parts[0][3]
        try:
            root = ET.fromstring(xml)
        except ET.ParseError as error:
            return 400, f"the submission is not XML ({error})"
        encrypted = root.tag == f"{{{SUBMISSIONS}}}data" and root.get("encrypted") == "yes"
        instance_id = next((e.text for e in root.iter() if _local(e.tag) == "instanceID"), None)
        form_id, version = root.get("id"), root.get("version") or ""
        if not instance_id:
            return 400, "the submission has no meta/instanceID"
        if form_id not in self.forms:
            return 404, "Could not find the resource you were looking for."
        if version not in self.forms[form_id]:  # Problem.user.formVersionNotFound, 404.6
            return 404, f"The form version specified in this submission '{version}' does not exist."
        # Central knows a form's binary questions from its binds; this server, holding no form
        # definitions, takes an answer that is a file name as naming a file.
        named = {(e.text or "").strip() for e in root.iter()
                 if len(e) == 0 and _FILE_NAME.fullmatch((e.text or "").strip())}
        if encrypted:
            named = {(e.text or "").strip() for e in root.iter()
                     if _local(e.tag) in ("file", "encryptedXmlFile")}
        files = {name: data for name, _, _, data in parts if name != "xml_submission_file"}
        if unexpected := sorted(set(files) - named):
            return 400, f"the submission does not name the file(s) {', '.join(unexpected)}"
        with self.lock:
            record = self.records.get(instance_id)
            if record is not None and record.xml != xml:
                return 409, ("A submission already exists with this ID, but with different XML. "
                             "Resubmissions to attach additional multimedia must resubmit an "
                             "identical xml_submission_file.")
            if record is None:
                record = self.records[instance_id] = Record(instance_id, form_id, version, xml, named)
            clash = [n for n, d in files.items() if n in record.files and record.files[n] != d]
            if clash:
                return 409, f"a different file named {clash[0]} was received before"
            repeated = record.posts > 0 and record.complete and set(files) <= set(record.files)
            record.files.update(files)
            record.posts += 1
            if encrypted and record.complete and record.decrypted is None:
                self._decrypt(record)
        if repeated:
            return self.duplicate_status, "Duplicate submission"
        if not record.complete:
            return 201, f"received; waiting for {len(record.expected - set(record.files))} file(s)"
        return 201, "full submission upload was successful!"

    def _decrypt(self, record: Record) -> None:
        if self.private_key is None:
            record.problem = "no private key to open it"
            return
        try:
            record.decrypted, record.decrypted_files = decrypt_submission(
                self.private_key, record.xml, record.files, check_signature=self.signature_checked)
        except (Undecryptable, KeyError, ValueError) as error:
            record.problem = f"{error.__class__.__name__}: {error}"

    # -- forms --------------------------------------------------------------------------------
    def publish(self, xform: bytes, suffix: str | None = None) -> str:
        """A new version of a form, as Central publishes it (with its managed key and a version
        suffix when the project has managed encryption); the version it is known by."""
        root = _primary_instance(xform)
        form_id, version = root.get("id") or "", root.get("version") or ""
        if self.managed_key is not None:
            xform, version = _with_managed_key(xform, self.managed_key, version,
                                               suffix or version_suffix())
        with self.lock:
            versions = self.forms.setdefault(form_id, [])
            if version not in versions:
                versions.append(version)
            else:  # the same version again stays the current one
                versions.append(versions.pop(versions.index(version)))
            self.published[form_id] = xform
        return version

    def turn_on_managed_encryption(self, public_key: str) -> None:
        """Central's setManagedEncryption: every form's current version gets the key and one
        common suffix; the versions before stay known."""
        self.managed_key = public_key
        suffix = version_suffix()
        for form_id in list(self.published):
            root = _primary_instance(self.published[form_id])
            xform, version = _with_managed_key(self.published[form_id], public_key,
                                               root.get("version") or "", suffix)
            with self.lock:
                self.forms[form_id].append(version)
                self.published[form_id] = xform

    def xform(self, form_id: str) -> bytes | None:
        return self.published.get(form_id)

    def form_list(self) -> bytes:
        base = self.url
        items = "".join(
            f"<xform><formID>{escape(form_id)}</formID><name>{escape(form_id)}</name>"
            f"<version>{escape(_primary_instance(xform).get('version') or '')}</version>"
            f"<hash>md5:{hashlib.md5(xform, usedforsecurity=False).hexdigest()}</hash>"
            f"<downloadUrl>{base}/forms/{quote(form_id, safe='')}.xml</downloadUrl></xform>"
            for form_id, xform in self.published.items())
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<xforms xmlns="http://openrosa.org/xforms/xformsList">{items}</xforms>').encode()

    # -- for the tests --------------------------------------------------------------------------
    def submission_posts(self) -> list[tuple[str, str, dict, int]]:
        return [r for r in self.requests if r[0] == "POST"]
