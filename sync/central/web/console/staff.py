"""Staff accounts in the console, for administrators: add one (its password shown once), change
a role, set a new password, remove one. Each is audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ...errors import CentralError
from ..models import StaffRole
from . import accounts
from .access import audit, staff_required


class NewStaff(forms.Form):
    username = forms.CharField(max_length=150, label="Account name")
    role = forms.ChoiceField(choices=StaffRole.choices, label="Role")


def _page(request: HttpRequest, new: NewStaff | None = None, shown_password: str = "",
          shown_for: str = "", status: int = 200) -> HttpResponse:
    response = render(request, "console/staff.html", {
        "section": "staff", "members": accounts.staff(), "roles": StaffRole.choices,
        "new": new or NewStaff(), "shown_password": shown_password, "shown_for": shown_for},
        status=status)
    return response


@require_GET
@never_cache
@staff_required("administrator")
def staff_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@never_cache
@staff_required("administrator")
def staff_add(request: HttpRequest) -> HttpResponse:
    new = NewStaff(request.POST)
    if not new.is_valid():
        return _page(request, new, status=400)
    username, role = new.cleaned_data["username"].strip(), new.cleaned_data["role"]
    try:
        password = accounts.add_staff(username, role)
    except CentralError as error:
        new.add_error("username", str(error))
        return _page(request, new, status=400)
    audit(request, "add_staff", username, f"role {role}")
    # Shown in this answer only, never stored or redirected with: a reload does not repeat it.
    return _page(request, shown_password=password, shown_for=username)


@require_POST
@staff_required("administrator")
def staff_role(request: HttpRequest, username: str) -> HttpResponse:
    role = request.POST.get("role", "")
    try:
        before = accounts.set_role(username, role)
    except CentralError as error:
        messages.error(request, str(error))
        return redirect("console:staff")
    audit(request, "change_role", username, f"{before} -> {role}")
    messages.success(request, f"{username} is now {StaffRole(role).label.lower()}.")
    return redirect("console:staff")


@require_POST
@never_cache
@staff_required("administrator")
def staff_password(request: HttpRequest, username: str) -> HttpResponse:
    try:
        password = accounts.set_password(username)
    except CentralError as error:
        messages.error(request, str(error))
        return redirect("console:staff")
    audit(request, "set_password", username)
    return _page(request, shown_password=password, shown_for=username)


@require_POST
@staff_required("administrator")
def staff_remove(request: HttpRequest, username: str) -> HttpResponse:
    try:
        accounts.remove_staff(username)
    except CentralError as error:
        messages.error(request, str(error))
        return redirect("console:staff")
    audit(request, "remove_staff", username)
    messages.success(request, f"The account {username} is removed.")
    return redirect("console:staff")
