"""How much an XLSForm (.xlsx: a zip of XML files) may unpack to before pyxform opens it.

A zip bomb is a few hundred KB that unpacks to gigabytes: openpyxl would build every cell of it
in memory. The zip's own directory says how large each part is; Python's zipfile never gives
more than that size (it stops there and checks the CRC), so checking the directory is enough.
The largest sample XLSForm unpacks to 46 KB: the budgets are far above a real form.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_UNPACKED_BYTES = 16_000_000
MAX_PARTS = 1_000


def zip_problem(path: Path) -> str | None:
    """Why the workbook is refused unopened, or None (a file that is not a zip is left to the
    spreadsheet reader, which says what it is not)."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(parts) > MAX_PARTS:
        return (f"the workbook holds {len(parts):,} parts; a spreadsheet has a few dozen "
                f"(at most {MAX_PARTS:,} are read)")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        return (f"the workbook unpacks to {unpacked / 1e6:,.0f} MB; an XLSForm unpacks to "
                f"well under {MAX_UNPACKED_BYTES / 1e6:.0f} MB (is it a zip bomb?)")
    return None
