"""Submissions opened for staff: as dicts, as JSON Lines, or as a CSV a spreadsheet can open."""

from __future__ import annotations

import csv
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
    try:
        after = None
        while True:  # a page at a time: a large export never sits in memory at once
            page, after = store.submissions(form_id, after, limit=500)
            for record in page:
                payload = record["payload"]
                kept = {k: v for k, v in record.items() if k != "payload"}
                yield {**kept, **{k: v for k, v in payload.items() if k not in kept}}
            if after is None:
                return
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
