"""What the kiosk keeps for a submission to an OpenRosa destination, and the sealer that makes
it (the store's sealer for that destination, made by sync/sealers.py).

Sealing turns the stored answers into exactly what will be posted: the instance XML and its
files, built once from the form version the citizen filled in, stating the version the server
knows that form version by (ODK Central renames every version when its managed encryption is
turned on: the sealer is told the server's versions from its form list). For a form with a public key
they are encrypted with ODK's scheme (encryption.py) and nothing readable is left on the
kiosk. For a form without one, the ready package is kept under the kiosk's install key only
(`Sealed.sealed_to` is None): weaker, see docs/sync.md. Either way a retry posts the same bytes,
which is what lets the server recognise it as the same submission.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from kiosk.forms.catalogue import Catalogue
from kiosk.forms.form import Form
from kiosk.sealing import Sealed, SealingError, odk_public_key

from .documents import version_to_send
from .encryption import encrypt_record, key_fingerprint
from .instance import Attachment, instance_xml

FORMAT = "openrosa-package-v1"
# A form version not found makes the sealer read the forms again (it may have just arrived);
# one still not found is not looked for again for this long (a batch of its visits).
MISSING_FOR_SECONDS = 30
_FIRST_TAG = re.compile(rb"<[A-Za-z_][^>]*>")  # the root element's start tag, after <?xml ...?>
_VERSION = re.compile(rb"""\sversion=(?:"[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Package:
    instance_id: str
    form_id: str
    version: str  # the version the XML states: the server's name for the form version
    encrypted: bool
    xml: bytes  # the instance, or for an encrypted submission its manifest
    attachments: tuple[Attachment, ...]

    def to_bytes(self) -> bytes:
        return json.dumps({
            "format": FORMAT, "instance_id": self.instance_id, "form_id": self.form_id,
            "version": self.version, "encrypted": self.encrypted, "xml": _b64(self.xml),
            "attachments": [{"name": item.name, "type": item.content_type, "data": _b64(item.data)}
                            for item in self.attachments],
        }, separators=(",", ":")).encode()

    def readdressed(self, version: str) -> Package:
        """The same package stating `version` on its root element: for one sealed before the
        kiosk learnt that the server renamed the form's version. The same bytes every time, so
        a retry is still the same submission. An encrypted package's signature keeps the
        version it was sealed with: ODK Central never checks it (it stores it, central-backend
        lib/model/frames/submission.js), and with Central's managed key nothing else can open
        the submission."""
        found = _FIRST_TAG.search(self.xml)
        if found is None:
            return self
        stated = b" version=" + quoteattr(version).encode("utf-8")
        tag = found[0]
        if _VERSION.search(tag):
            tag = _VERSION.sub(lambda _: stated, tag, count=1)
        else:
            tag = tag[:-2] + stated + b"/>" if tag.endswith(b"/>") else tag[:-1] + stated + b">"
        xml = self.xml[:found.start()] + tag + self.xml[found.end():]
        return dataclasses.replace(self, version=version, xml=xml)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Package:
        """ValueError when `blob` is not a package (damaged, or made for another transport)."""
        try:
            fields = json.loads(blob)
            if fields.get("format") != FORMAT:
                raise ValueError("not an OpenRosa package")
            return cls(str(fields["instance_id"]), str(fields["form_id"]), str(fields["version"]),
                       bool(fields["encrypted"]), _unb64(fields["xml"]),
                       tuple(Attachment(str(item["name"]), str(item["type"]), _unb64(item["data"]))
                             for item in fields["attachments"]))
        except (KeyError, TypeError, AttributeError, UnicodeDecodeError, binascii.Error) as error:
            raise ValueError(f"not an OpenRosa package ({error.__class__.__name__})") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class OpenRosaSealer:
    """Seals a destination's submissions with the form each was filled in on: the store calls
    `seal` as a visit is stored (and for visits stored before this sealer was there)."""

    fingerprint = "openrosa (each form's public key)"

    def __init__(self, load_catalogue: Callable[[], Catalogue]):
        self._load_catalogue = load_catalogue
        self._catalogue: Catalogue | None = None
        self._missing: dict[tuple[str, str], float] = {}  # form version -> when last looked for
        self._lock = threading.Lock()  # the kiosk seals on its database lane, sync on its own
        self._server_versions: dict[str, str] = {}  # form id -> the server's current version

    def learn_server_versions(self, versions: Mapping[str, str]) -> None:
        """The versions the server's form list states (the sync worker tells, each round)."""
        with self._lock:
            self._server_versions = dict(versions)

    def version_to_state(self, form_id: str, version: str) -> str:
        """The version a visit made on `version` states: the server's name for it when the
        server renamed it (Central's managed encryption), else its own."""
        with self._lock:
            server = self._server_versions.get(form_id)
        return (version_to_send(version, server) if server is not None else None) or version

    def forget_forms(self) -> None:
        """New form versions arrived: read the forms again at the next seal."""
        with self._lock:
            self._catalogue = None
            self._missing.clear()

    def form(self, form_id: str, version: str) -> Form:
        wanted = (form_id, version)
        with self._lock:
            if self._catalogue is None:
                self._catalogue = self._load_catalogue()
            form = self._catalogue.versions.get(wanted)
            now = time.monotonic()
            if form is None and now - self._missing.get(wanted, -MISSING_FOR_SECONDS) >= MISSING_FOR_SECONDS:
                self._catalogue = self._load_catalogue()
                form = self._catalogue.versions.get(wanted)
                self._missing[wanted] = now
        if form is None:
            raise SealingError(f"the form '{form_id}' version '{version}' is no longer on this "
                               "kiosk; put its file back in the forms folder, then send it again "
                               "from the queue")
        return form

    def seal(self, payload: bytes, instance_id: str) -> Sealed:
        try:
            submission = json.loads(payload)
            form_id, version = str(submission["form_id"]), str(submission["form_version"])
        except (ValueError, KeyError, TypeError):
            raise SealingError("the stored answers are not a submission") from None
        if submission.get("instance_id") != instance_id:
            raise SealingError("the stored answers belong to another submission")
        form = self.form(form_id, version)
        stated = self.version_to_state(form_id, version)
        xml, files = instance_xml(form, submission, stated)
        key_text = form.definition.settings.public_key
        if not key_text:
            package = Package(instance_id, form_id, stated, False, xml, tuple(files))
            return Sealed(package.to_bytes(), None)
        key = odk_public_key(key_text)
        manifest, encrypted = encrypt_record(key, form_id, stated, instance_id, xml, files)
        package = Package(instance_id, form_id, stated, True, manifest, tuple(encrypted))
        return Sealed(package.to_bytes(), key_fingerprint(key))
