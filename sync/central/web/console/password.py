"""Changing one's own password: the one handed over by an administrator or `kiosk central
add-staff` is meant to be replaced. Django checks the old one and the validators the new."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .access import audit, staff_required


@require_http_methods(["GET", "POST"])
@staff_required("viewer")
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, form.user)  # this session stays signed in
            audit(request, "change_own_password", request.user.get_username())
            messages.success(request, "Your password is changed.")
            return redirect("console:inbox")
        return render(request, "console/password.html", {"form": form}, status=400)
    return render(request, "console/password.html", {"form": form})
