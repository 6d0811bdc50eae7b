"""The multipart/form-data body of an OpenRosa submission, and how to share a submission's
files across several POSTs when the server takes less than all of them at once.

Each body: exactly one part `xml_submission_file` (text/xml), then one part per file, named by
its file name. Every POST of a submission carries the same XML (the server matches the parts by
it); the files are shared out so that no body is over the server's limit, and a file that is
over it on its own goes alone with the XML (OpenRosa Form Submission API).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from .instance import Attachment

XML_PART = "xml_submission_file"
XML_FILENAME = "submission.xml"
_BOUNDARY_LENGTH = 32


def _head(boundary: str, name: str, filename: str, content_type: str) -> bytes:
    # Our names are letters, digits, '.', '_' and '-' (instance.py): nothing to quote.
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()


def _parts(xml: bytes, attachments: Sequence[Attachment],
           boundary: str) -> list[tuple[bytes, bytes]]:
    """Each part's head and data; every part ends with CRLF, and the body with the close."""
    return [(_head(boundary, XML_PART, XML_FILENAME, "text/xml"), xml)] + [
        (_head(boundary, item.name, item.name, item.content_type), item.data)
        for item in attachments]


def _close(boundary: str) -> bytes:
    return f"--{boundary}--\r\n".encode()


def encode(xml: bytes, attachments: list[Attachment] | tuple[Attachment, ...],
           boundary: str | None = None) -> tuple[bytes, str]:
    """The body and its Content-Type header."""
    boundary = boundary or secrets.token_hex(_BOUNDARY_LENGTH // 2)
    body = b"".join(head + data + b"\r\n" for head, data in _parts(xml, attachments, boundary))
    return body + _close(boundary), f"multipart/form-data; boundary={boundary}"


def body_size(xml: bytes, attachments: list[Attachment] | tuple[Attachment, ...]) -> int:
    """The exact size of encode()'s body, counted without building it (files can be large)."""
    boundary = "b" * _BOUNDARY_LENGTH  # every boundary has this length
    return (sum(len(head) + len(data) + 2 for head, data in _parts(xml, attachments, boundary))
            + len(_close(boundary)))


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
