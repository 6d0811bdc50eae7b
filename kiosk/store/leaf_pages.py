"""Rows read straight off the table leaf pages of a damaged SQLite file, as SQLite's own
`.recover` does: a table whose root or inner pages are damaged still has its rows on its leaf
pages, which SQLite itself can no longer reach.

Only the file format is used (https://www.sqlite.org/fileformat2.html): each page that looks
like a table leaf (type 0x0D) is walked cell by cell, each record decoded, and its overflow
chain followed. Nothing here knows which table a row came from: the caller tells by its shape
and checks each value (salvage.py). A cell that does not decode is skipped, never guessed at.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

LEAF_TABLE = 0x0D
_DEFAULT_PAGE_SIZE = 4096
Record = tuple[Any, ...]


class _Damaged(Exception):
    """A cell or record that does not decode."""


def leaf_rows(data: bytes) -> Iterator[tuple[int, Record]]:
    """(rowid, values) of every cell that decodes, on every table leaf page of `data` (the
    file's bytes, WAL already checkpointed into them)."""
    page_size, usable = _sizes(data)
    pages = len(data) // page_size
    for number in range(1, pages + 1):
        start = (number - 1) * page_size
        page = data[start:start + page_size]
        header = 100 if number == 1 else 0
        if page[header] != LEAF_TABLE:
            continue
        cells = int.from_bytes(page[header + 3:header + 5], "big")
        for index in range(cells):
            pointer_at = header + 8 + 2 * index
            offset = int.from_bytes(page[pointer_at:pointer_at + 2], "big")
            try:
                yield _cell(data, page, offset, page_size, usable)
            except (_Damaged, IndexError, UnicodeDecodeError, struct.error):
                continue


def _sizes(data: bytes) -> tuple[int, int]:
    """The page size and usable size the header gives, or SQLite's default when the header is
    itself damaged."""
    if len(data) < 100 or not data.startswith(b"SQLite format 3\x00"):
        return _DEFAULT_PAGE_SIZE, _DEFAULT_PAGE_SIZE
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    if size < 512 or size & (size - 1):
        return _DEFAULT_PAGE_SIZE, _DEFAULT_PAGE_SIZE
    return size, size - data[20]


def _varint(buffer: bytes, at: int) -> tuple[int, int]:
    value = 0
    for index in range(8):
        byte = buffer[at + index]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + index + 1
    return (value << 8) | buffer[at + 8], at + 9


def _cell(data: bytes, page: bytes, offset: int, page_size: int,
          usable: int) -> tuple[int, Record]:
    if not 8 <= offset < len(page):
        raise _Damaged
    size, at = _varint(page, offset)
    rowid, at = _varint(page, at)
    if size > len(data):
        raise _Damaged
    most_local = usable - 35
    if size <= most_local:
        payload = page[at:at + size]
    else:
        payload = _overflowing(data, page[at:], size, page_size, usable)
    if len(payload) != size:
        raise _Damaged
    return rowid, _record(payload)


def _overflowing(data: bytes, cell: bytes, size: int, page_size: int, usable: int) -> bytes:
    """A payload too large for its page: what fits there, then a chain of overflow pages."""
    most_local = usable - 35
    least = (usable - 12) * 32 // 255 - 23
    local = least + (size - least) % (usable - 4)
    local = local if local <= most_local else least
    payload = bytearray(cell[:local])
    following = int.from_bytes(cell[local:local + 4], "big")
    seen: set[int] = set()
    while len(payload) < size:
        if following in seen or not 1 < following <= len(data) // page_size:
            raise _Damaged
        seen.add(following)
        start = (following - 1) * page_size
        following = int.from_bytes(data[start:start + 4], "big")
        payload += data[start + 4:start + usable][:size - len(payload)]
    return bytes(payload)


def _record(payload: bytes) -> Record:
    header_size, at = _varint(payload, 0)
    if not 0 < header_size <= len(payload):
        raise _Damaged
    types = []
    while at < header_size:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[Any] = []
    body = header_size
    for kind in types:
        value, body = _value(payload, kind, body)
        values.append(value)
    if body != len(payload):
        raise _Damaged
    return tuple(values)


_INTEGER_BYTES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _value(payload: bytes, kind: int, at: int) -> tuple[Any, int]:
    if kind == 0:
        return None, at
    if kind in _INTEGER_BYTES:
        width = _INTEGER_BYTES[kind]
        if at + width > len(payload):
            raise _Damaged
        return int.from_bytes(payload[at:at + width], "big", signed=True), at + width
    if kind == 7:
        return struct.unpack(">d", payload[at:at + 8])[0], at + 8
    if kind in (8, 9):
        return kind - 8, at
    if kind < 12:
        raise _Damaged  # reserved: never written
    width = (kind - 12) // 2
    if at + width > len(payload):
        raise _Damaged
    raw = payload[at:at + width]
    return (bytes(raw) if kind % 2 == 0 else raw.decode("utf-8")), at + width
