"""The multipart/form-data body of an OpenRosa submission, and how to share a submission's
files across several POSTs when the server takes less than all of them at once.

Each body: exactly one part `xml_submission_file` (text/xml), then one part per file, named by
its file name. Every POST of a submission carries the same XML (the server matches the parts by
it); the files are shared out so that no body is over the server's limit, and a file that is
over it on its own goes alone with the XML (OpenRosa Form Submission API).
"""

from __future__ import annotations

import secrets

from .instance import Attachment

XML_PART = "xml_submission_file"
XML_FILENAME = "submission.xml"
_BOUNDARY_LENGTH = 32


def _part(boundary: str, name: str, filename: str, content_type: str, data: bytes) -> bytes:
    # Our names are letters, digits, '.', '_' and '-' (instance.py): nothing to quote.
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"


def encode(xml: bytes, attachments: list[Attachment] | tuple[Attachment, ...],
           boundary: str | None = None) -> tuple[bytes, str]:
    """The body and its Content-Type header."""
    boundary = boundary or secrets.token_hex(_BOUNDARY_LENGTH // 2)
    parts = [_part(boundary, XML_PART, XML_FILENAME, "text/xml", xml)]
    parts += [_part(boundary, item.name, item.name, item.content_type, item.data)
              for item in attachments]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def body_size(xml: bytes, attachments: list[Attachment] | tuple[Attachment, ...]) -> int:
    boundary = "b" * _BOUNDARY_LENGTH  # every boundary has this length: the size is exact
    return len(encode(xml, attachments, boundary)[0])


def plan(xml: bytes, attachments: list[Attachment] | tuple[Attachment, ...],
         limit: int | None) -> list[list[Attachment]]:
    """The files of each POST, in order: all in one unless that is over `limit` bytes."""
    everything = list(attachments)
    if limit is None or body_size(xml, everything) <= limit:
        return [everything]
    base = body_size(xml, [])
    groups: list[list[Attachment]] = []
    current: list[Attachment] = []
    size = base
    for item in everything:
        grows = body_size(xml, [item]) - base
        if current and size + grows > limit:
            groups.append(current)
            current, size = [], base
        current.append(item)
        size += grows
    groups.append(current)
    return groups
