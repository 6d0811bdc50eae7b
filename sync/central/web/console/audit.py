"""The staff audit log, for administrators: newest first, a page at a time."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import StaffAudit
from .access import staff_required

PAGE_SIZE = 50


@require_GET
@staff_required("administrator")
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(StaffAudit.objects.order_by("-at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "console/audit.html", {"section": "audit", "page": page})
