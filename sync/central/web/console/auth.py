"""Signing in and out. Django checks the password against its hash; guard.py keeps the lockout.
A wrong password and an unknown account get the same answer, and a locked name is refused
before its password is checked. Every attempt is audited."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from ...rate_windows import Limit, admit
from ..addresses import client_address, rate_key
from . import guard
from .access import audit, private, role_of

WRONG = "The account name or password is not right. Check both and try again."
HOME = "/console/inbox"
# Sign-in attempts per address in a window, checked before the password: each check costs
# the server about a second of work (PBKDF2), so trying many names cannot take every worker.
SIGN_INS_PER_ADDRESS = (30, 600)  # (attempts, seconds); the setting CONSOLE_SIGN_INS overrides


def _throttled(request: HttpRequest) -> int:
    attempts, seconds = getattr(settings, "CONSOLE_SIGN_INS", SIGN_INS_PER_ADDRESS)
    return admit(request.central.store, "sign-in:" + rate_key(client_address(request)),
                 Limit(attempts, seconds))


def locked_message(until: datetime) -> str:
    # The next whole minute: trying at the minute said always works.
    when = (until + timedelta(seconds=59)).replace(second=0, microsecond=0)
    return ("This account is locked after too many failed sign-ins. Try again from "
            f"{when:%H:%M} UTC on {when.day} {when:%B %Y}.")


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("next") or request.GET.get("next") or HOME
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        wanted = HOME
    if request.method == "GET":
        if role_of(request.user) is not None:
            return redirect(wanted)
        return _page(request, wanted)
    username = request.POST.get("username", "").strip()[:150]
    password = request.POST.get("password", "")
    if not username or not password:
        return _page(request, wanted, "Enter your account name and your password.", username,
                     status=400)
    wait = _throttled(request)
    if wait:
        audit(request, "sign_in_throttled", username, actor=username)
        minutes = math.ceil(wait / 60)
        return _page(request, wanted, "Too many sign-in attempts have come from this address. "
                     f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.", username,
                     status=429)
    now = datetime.now(UTC)
    until = guard.locked_until(username, now)
    if until is not None:
        audit(request, "sign_in_locked", username, actor=username)
        return _page(request, wanted, locked_message(until), username, status=403)
    user = authenticate(request, username=username, password=password)
    if user is None or role_of(user) is None:  # not staff: as if unknown
        until = guard.record_failure(username, now)
        audit(request, "sign_in_failed", username, "locked" if until else "", actor=username)
        message = locked_message(until) if until else WRONG
        return _page(request, wanted, message, username, status=403 if until else 200)
    guard.record_success(username)
    login(request, user)  # a new session key: a session fixed before sign-in is not reused
    audit(request, "sign_in", username)
    return redirect(wanted)


def _page(request: HttpRequest, wanted: str, error: str = "", username: str = "",
          status: int = 200) -> HttpResponse:
    return private(render(request, "console/sign_in.html",
                          {"next": wanted, "error": error, "username": username},
                          status=status))


@csrf_protect
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(request, "sign_out", request.user.get_username())
    logout(request)
    return redirect("/console/sign-in?signed_out=1")
