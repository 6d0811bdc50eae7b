"""The XML documents an OpenRosa server answers with: the OpenRosaResponse envelope and the
form list (`<xforms>`). A form's manifest (its media files) is not read: the kiosk's forms are
its own, and the server's XForms only say which forms it takes. Elements are matched by local
name, so a server that puts them in another namespace (or none) is still understood."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_DOCUMENT = 5_000_000  # bytes: a form list beyond this is not one


@dataclass(frozen=True)
class ServerForm:
    form_id: str
    name: str
    version: str
    hash: str  # "md5:..."
    download_url: str


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
