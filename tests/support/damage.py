"""Damage a real database file the ways disks and power cuts do (issue 19): cut short, bytes
flipped in pages in its middle, one byte flipped inside a stored payload."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAGE = 4096  # the kiosk's databases use SQLite's default page size


def cut_short(path: Path, lose: int) -> None:
    """The last `lose` bytes gone, as a write cut by a power cut can leave a file."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size - lose)


def flip_page_headers(path: Path) -> int:
    """In every b-tree page of the middle third of the file, one bit of its cell count flipped
    (SQLite's integrity check sees it; a reader that trusts the count reads garbage). Returns
    how many pages were hit."""
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    hit = 0
    for number in range(max(2, pages // 3), 2 * pages // 3 + 1):
        start = (number - 1) * PAGE
        if data[start] in (0x02, 0x05, 0x0A, 0x0D):  # an index or table page, inner or leaf
            data[start + 3] ^= 0x01
            hit += 1
    path.write_bytes(bytes(data))
    return hit


def flip_in_payload(path: Path, submission_id: str) -> None:
    """One byte flipped inside a submission's stored payload, the pages around it untouched
    (so SQLite's integrity check still passes)."""
    conn = sqlite3.connect(path)
    try:
        (payload,) = conn.execute("SELECT payload FROM submissions WHERE id = ?",
                                  (submission_id,)).fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    middle = len(payload) // 2
    stretch = payload[middle:middle + 48]  # random ciphertext: no other row has it
    at = data.find(stretch)
    assert at > 0 and data.find(stretch, at + 1) < 0, "the payload is not in the file once"
    data[at + 10] ^= 0x20
    path.write_bytes(bytes(data))
