"""The inbox: what citizens sent, per service (form), newest first, a page at a time, found by
reference (the whole or a part; spaces, dashes and case forgiven), received date and state.
Only the list: no answers here, so every staff role may read it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kiosk.store.codes import reference_parts

from ..models import ReviewState, Submission
from .access import audit, has_role, staff_required
from .labels import form_titles, shown_time

PAGE_SIZE = 25
ANY = ""


def squeezed(reference: str) -> str:
    """A reference as compared: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-‐‑–—]+", "", reference).upper()


class InboxFilter(forms.Form):
    form = forms.CharField(required=False, max_length=200)
    reference = forms.CharField(required=False, max_length=64, label="Reference")
    received_from = forms.DateField(required=False, label="Received from",
                                    input_formats=["%Y-%m-%d"],
                                    error_messages={"invalid": "Enter a date such as 2026-03-01."})
    received_to = forms.DateField(required=False, label="Received to",
                                  input_formats=["%Y-%m-%d"],
                                  error_messages={"invalid": "Enter a date such as 2026-03-31."})
    state = forms.ChoiceField(required=False, choices=[(ANY, "Any state"), *ReviewState.choices],
                              label="State")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", "The end date is before the start date.")
        return data


@require_GET
@staff_required("viewer")
def inbox(request: HttpRequest) -> HttpResponse:
    filters = InboxFilter(request.GET)
    rows = Submission.objects.order_by("-seq").only(
        "instance_id", "reference", "form_id", "received_at", "state", "state_changed_at")
    searched = False
    if filters.is_valid():
        wanted = filters.cleaned_data
        if wanted["form"]:
            rows = rows.filter(form_id=wanted["form"])
        if squeezed(wanted["reference"]):
            rows = _by_reference(rows, wanted["reference"])
            searched = True
        if wanted["received_from"]:
            rows = rows.filter(received_at__gte=wanted["received_from"].isoformat())
            searched = True
        if wanted["received_to"]:
            rows = rows.filter(received_at__lt=(wanted["received_to"] + timedelta(days=1))
                               .isoformat())
            searched = True
        if wanted["state"]:
            rows = rows.filter(state=wanted["state"])
            searched = True
    else:
        rows = rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if searched:  # what was looked for, not what was found
        audit(request, "search_inbox", filters.cleaned_data.get("form") or "all services",
              _described(filters.cleaned_data))
    titles = form_titles(request)
    services = [{"form_id": item["form_id"], "count": item["count"],
                 "title": titles.get(item["form_id"], item["form_id"])}
                for item in Submission.objects.values("form_id").annotate(count=Count("pk"))
                .order_by("form_id")]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/inbox.html", {
        "section": "inbox", "filters": filters, "page": page, "services": services,
        "items": [{"row": row, "received": shown_time(row.received_at),
                   "form_title": titles.get(row.form_id, row.form_id)} for row in page],
        "can_open": has_role(request.user, "caseworker"), "chosen_form": request.GET.get("form", ""),
        "states": ReviewState.choices, "query": query.urlencode(), "searched": searched,
        "total": page.paginator.count, "valid": filters.is_valid()})


def _by_reference(rows: QuerySet[Submission], typed: str) -> QuerySet[Submission]:
    """A whole reference (as a person types it) by the index; else any containing the part."""
    parts = reference_parts(typed)
    if parts is not None:
        whole = f"{parts[0]}-{parts[1][:5]}-{parts[1][5:]}"
        if rows.filter(reference=whole).exists():
            return rows.filter(reference=whole)
    return rows.annotate(squeezed=Replace(Upper(F("reference")), Value("-"), Value(""))) \
        .filter(squeezed__contains=squeezed(typed))


def _described(wanted: dict[str, Any]) -> str:
    parts = [f"{name}={value}" for name, value in wanted.items()
             if name != "form" and value not in (None, "")]
    return "; ".join(parts)
