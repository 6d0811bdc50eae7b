"""Exports per form from the browser: the opened submissions as CSV or JSON Lines
(caseworkers and up; each download audited with its form and count) and the open-data
aggregate as CSV (anyone signed in: it holds only suppressed counts).

The submissions stream out a page at a time (export.py): a large export never sits in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from ...aggregate import aggregate, definitions, write_aggregate
from ...export import csv_lines, jsonl_lines, store_records
from ...store import FORMS_DIR
from ..models import Submission
from ..service import Service
from .access import CASEWORKER, VIEWER, audit, has_role, staff_required
from .common import service_of

# Excel opens a UTF-8 CSV as UTF-8 only when it starts with a byte order mark; staff open
# these by double-clicking, and answers hold accents and Arabic.
BOM = "\ufeff"


@staff_required(VIEWER)
def exports(request: HttpRequest) -> HttpResponse:
    service = service_of(request)
    counts = {row["form_id"]: row["count"] for row in _counted(service)}
    served = {entry["form_id"] for entry in service.catalogue.served()
              if entry.get("kind") is None}
    forms = [{"form_id": form_id, "count": counts.get(form_id, 0), "served": form_id in served}
             for form_id in sorted(served | set(counts))]
    return render(request, "console/ops/exports.html", {
        "section": "exports", "forms": forms,
        "may_open": has_role(request.user, CASEWORKER)})


@staff_required(CASEWORKER)
def submissions_csv(request: HttpRequest, form_id: str) -> StreamingHttpResponse:
    service = service_of(request)
    store, count = service.store, _known(service, form_id)
    audit(request, "exported submissions", form_id, f"CSV, {count} submissions")
    lines = _with_bom(csv_lines(store, form_id))
    return _download(lines, "text/csv; charset=utf-8", f"{form_id}-submissions.csv")


@staff_required(CASEWORKER)
def submissions_jsonl(request: HttpRequest, form_id: str) -> StreamingHttpResponse:
    service = service_of(request)
    store, count = service.store, _known(service, form_id)
    audit(request, "exported submissions", form_id, f"JSON Lines, {count} submissions")
    return _download(jsonl_lines(store_records(store, form_id)),
                     "application/x-ndjson; charset=utf-8", f"{form_id}-submissions.jsonl")


@staff_required(VIEWER)
def open_data_csv(request: HttpRequest, form_id: str) -> HttpResponse:
    service = service_of(request)
    _known(service, form_id)
    result = aggregate(store_records(service.store, form_id),
                       definitions([service.data_dir / FORMS_DIR]))
    out = io.StringIO()
    out.write(BOM)
    write_aggregate(result, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{form_id}-open-data-{_today()}.csv"'
    return response


def _counted(service: Service) -> list[dict[str, Any]]:
    rows = service.store._objects(Submission).values("form_id")
    return list(rows.annotate(count=Count("instance_id")).order_by("form_id"))


def _known(service: Service, form_id: str) -> int:
    """How many submissions the form has; 404 for a form neither served nor ever sent."""
    count: int = service.store._objects(Submission).filter(form_id=form_id).count()
    if count == 0 and form_id not in {entry["form_id"] for entry in service.catalogue.served()}:
        raise Http404("no such form")
    return count


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield BOM
    yield from lines


def _download(lines: Iterator[str], content_type: str, name: str) -> StreamingHttpResponse:
    stem, dot, suffix = name.rpartition(".")
    response = StreamingHttpResponse((line.encode("utf-8") for line in lines),
                                     content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{_today()}{dot}{suffix}"'
    return response


def _today() -> str:
    return datetime.now(UTC).date().isoformat()
