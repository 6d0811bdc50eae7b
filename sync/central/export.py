"""Submissions opened for staff: as dicts, as JSON Lines, or as a CSV a spreadsheet can open."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .store import CentralStore

CSV_COLUMNS = ("instance_id", "reference", "form_id", "form_version", "device_id",
               "created_at", "received_at")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Record = dict[str, Any]  # a submission opened: its outer fields, then the payload's, as JSON


def export_submissions(data_dir: Path | str, form_id: str | None = None) -> Iterator[Record]:
    """Every submission in receive order, opened: its outer fields, then the payload's own.

    A dict holds instance_id, reference, device_id, form_id, form_version, created_at,
    received_at, receipt_id, then what the kiosk sealed (language, answers, ...).
    """
    store = CentralStore(data_dir)
    try:  # a page at a time: a large export never sits in memory at once
        yield from store_records(store, form_id)
    finally:
        store.close()


def write_jsonl(records: Iterable[Record], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A spreadsheet runs a cell starting with = + - @ as a formula: a citizen's text
        # must never do that on a staff member's computer (OWASP "CSV injection").
        if value.startswith(_FORMULA_STARTS) and not _is_number(value):
            return "'" + value
        return value
    return json.dumps(value, ensure_ascii=False)  # numbers, true/false, repeats and groups


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(records: Iterable[Record], out: TextIO) -> int:
    """One row per submission; one column per top-level answer, in the order first seen."""
    rows = list(records)
    answer_names: dict[str, None] = {}
    for record in rows:
        answer_names.update(dict.fromkeys(record.get("answers") or {}))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *answer_names])
    for record in rows:
        answers = record.get("answers") or {}
        writer.writerow([_cell(record.get(name)) for name in CSV_COLUMNS]
                        + [_cell(answers.get(name)) for name in answer_names])
    return len(rows)


def store_records(store: CentralStore, form_id: str | None = None,
                  until: str | None = None) -> Iterator[Record]:
    """A store's submissions opened a page at a time (as export_submissions), up to and
    including the receipt `until` when given."""
    after = None
    while True:
        page, after = store.submissions(form_id, after, limit=500)
        for record in page:
            payload = record["payload"]
            kept = {k: v for k, v in record.items() if k != "payload"}
            yield {**kept, **{k: v for k, v in payload.items() if k not in kept}}
            if until is not None and record["receipt_id"] == until:
                return
        if after is None:
            return


def jsonl_lines(records: Iterable[Record]) -> Iterator[str]:
    """JSON Lines, a line at a time (a browser download streams them)."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def csv_lines(store: CentralStore, form_id: str | None = None) -> Iterator[str]:
    """write_csv's file a line at a time, never the whole export in memory: a first pass
    over the submissions finds the answer columns (and where it ended: a submission arriving
    meanwhile is left to the next export, not written without its own columns), the second
    writes the rows."""
    answer_names: dict[str, None] = {}
    last = None
    for record in store_records(store, form_id):
        answer_names.update(dict.fromkeys(record.get("answers") or {}))
        last = record["receipt_id"]
    line = _LineWriter()
    yield line.row([*CSV_COLUMNS, *answer_names])
    if last is None:
        return
    for record in store_records(store, form_id, until=last):
        answers = record.get("answers") or {}
        yield line.row([_cell(record.get(name)) for name in CSV_COLUMNS]
                       + [_cell(answers.get(name)) for name in answer_names])


class _LineWriter:
    """csv.writer's quoting, one row at a time as text."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def row(self, cells: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()
