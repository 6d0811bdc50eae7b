"""The staff audit log, for administrators: newest first, a page at a time."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import StaffAudit
from .access import staff_required

PAGE_SIZE = 50
# How each action reads on the page (others' actions show their own names until added here).
ACTIONS = {
    "sign_in": "Signed in", "sign_in_failed": "Sign-in failed", "sign_in_locked":
    "Sign-in refused: locked", "sign_in_throttled": "Sign-in refused: too many from there", "sign_out": "Signed out", "refused": "Page refused (role)",
    "search_inbox": "Searched the inbox", "open_submission": "Opened a submission",
    "open_submission_failed": "Could not open a submission", "change_state": "Changed a state",
    "add_staff": "Added an account", "change_role": "Changed a role",
    "set_password": "Gave a new password", "remove_staff": "Removed an account",
    "change_own_password": "Changed their own password",
}


@require_GET
@staff_required("administrator")
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(StaffAudit.objects.order_by("-at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    entries = [{"entry": entry, "action": ACTIONS.get(entry.action, entry.action)}
               for entry in page]
    return render(request, "console/audit.html", {"section": "audit", "page": page,
                                                  "entries": entries})
