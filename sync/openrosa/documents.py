"""The XML documents an OpenRosa server answers with: the OpenRosaResponse envelope, the form
list (`<xforms>`) and a form's XForm, of which only what a submission must match is read: the
version its primary instance states, the paths of its elements and the public key of its
`<submission>`. A form's manifest (its media files) is not read: the kiosk's forms are its own.
Elements are matched by local name, so a server that puts them in another namespace (or none)
is still understood."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_DOCUMENT = 5_000_000  # bytes: a form list beyond this is not one
# What ODK Central's managed encryption appends to each form's version: the time it was turned
# on, 6 bytes of milliseconds in base64 (central-backend lib/util/crypto.js,
# generateVersionSuffix). Central then knows the form only by the version with it.
CENTRAL_ENCRYPTED_SUFFIX = re.compile(r"\[encrypted:[A-Za-z0-9+/]{8}\]")


@dataclass(frozen=True)
class ServerForm:
    form_id: str
    name: str
    version: str
    hash: str  # "md5:..."
    download_url: str


@dataclass(frozen=True)
class ServerXForm:
    """What a submission must match in the server's XForm."""

    version: str
    paths: frozenset[str]  # each element of the primary instance, from its root: "/group/name"
    public_key: str | None  # base64RsaPublicKey: the form is encrypted (Central's managed key)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(body: bytes, root_name: str) -> ET.Element:
    if len(body) > MAX_DOCUMENT:
        raise ValueError(f"the {root_name} document is too large")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise ValueError(f"the answer is not XML ({error})") from None
    if _local(root.tag) != root_name:
        raise ValueError(f"the answer is <{_local(root.tag)}>, not <{root_name}>")
    return root


def _children(element: ET.Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "").strip() for child in element}


def response_message(body: bytes) -> str | None:
    """The message of an OpenRosaResponse envelope ("" when it has none); None when the body
    is not an OpenRosaResponse at all (a proxy's page, a captive portal's)."""
    try:
        root = _parse(body[:MAX_DOCUMENT], "OpenRosaResponse")
    except ValueError:
        return None
    messages = [" ".join("".join(child.itertext()).split()) for child in root
                if _local(child.tag) == "message"]
    return "; ".join(message for message in messages if message)


def parse_form_list(body: bytes) -> list[ServerForm]:
    """The forms of an `<xforms>` document (groups are not followed). ValueError if it is not
    one."""
    forms = []
    for element in _parse(body, "xforms"):
        if _local(element.tag) != "xform":
            continue
        fields = _children(element)
        if not fields.get("formID"):
            raise ValueError("an <xform> has no <formID>")
        forms.append(ServerForm(fields["formID"], fields.get("name", ""), fields.get("version", ""),
                                fields.get("hash", ""), fields.get("downloadUrl", "")))
    return forms


def parse_xform(body: bytes) -> ServerXForm:
    """The primary instance of an XForm (`h:html/h:head/model/instance`, the first without an
    id). ValueError if it is not an XForm."""
    html = _parse(body, "html")
    head = next((child for child in html if _local(child.tag) == "head"), None)
    model = None if head is None else next(
        (child for child in head if _local(child.tag) == "model"), None)
    if model is None:
        raise ValueError("the XForm has no <model>")
    instance = next((child for child in model if _local(child.tag) == "instance"
                     and child.get("id") is None), None)
    root = None if instance is None else next(iter(instance), None)
    if root is None:
        raise ValueError("the XForm has no primary instance")
    submission = next((child for child in model if _local(child.tag) == "submission"), None)
    key = None if submission is None else submission.get("base64RsaPublicKey")
    return ServerXForm(root.get("version") or "", element_paths(root), key or None)


def element_paths(root: ET.Element) -> frozenset[str]:
    """The path of every element under `root`, from it ("/group/name"): the root's own name
    is left out (pyxform names it `data`, the kiosk after the form id; servers match the id
    attribute), and so are repeat items' numbers."""
    paths: set[str] = set()
    stack = [(root, "")]
    while stack:
        element, where = stack.pop()
        for child in element:
            path = f"{where}/{_local(child.tag)}"
            paths.add(path)
            stack.append((child, path))
    return frozenset(paths)


def version_to_send(kiosk_version: str, server_version: str) -> str | None:
    """The version a visit made on `kiosk_version` must state for the server whose current
    version of the form is `server_version`: the same one, or the one Central renamed it to
    when its managed encryption was turned on. None: another version altogether."""
    if server_version == kiosk_version:
        return kiosk_version
    if server_version.startswith(kiosk_version) and CENTRAL_ENCRYPTED_SUFFIX.fullmatch(
            server_version[len(kiosk_version):]):
        return server_version
    return None
