"""Who may use which console page, and the audit log every console action is written to.

Roles rank viewer < caseworker < administrator: a page that needs a caseworker is open to an
administrator too. A visitor who is not signed in is sent to the sign-in page; a signed-in
account below the role gets 403 (and the refusal is audited).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from ...records import utc_now
from ..addresses import client_address
from ..models import StaffAudit, StaffProfile

VIEWER, CASEWORKER, ADMINISTRATOR = "viewer", "caseworker", "administrator"
RANK = {VIEWER: 0, CASEWORKER: 1, ADMINISTRATOR: 2}  # StaffRole's values, in order
View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_of(user: Any) -> str | None:
    """The account's console role, or None (not signed in, or not staff)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return str(user.staff.role)
    except StaffProfile.DoesNotExist:
        return None


def has_role(user: Any, role: str) -> bool:
    held = role_of(user)
    return held is not None and RANK.get(held, -1) >= RANK[role]


def record(actor: str, action: str, target: str = "", detail: str = "",
           address: str = "") -> None:
    """One line in the staff audit log: who, what, on what, from where. `detail` says what
    is needed to understand the action, never a citizen's answers or a note's text."""
    StaffAudit.objects.create(at=utc_now(), actor=_printable(actor, 150), action=action[:60],
                              target=_printable(target, 300), detail=_printable(detail, 2000),
                              address=address[:64])


def audit(request: HttpRequest, action: str, target: str = "", detail: str = "",
          actor: str | None = None) -> None:
    """record() for a console request: the signed-in account (or `actor`), its address."""
    who = actor if actor is not None else (request.user.get_username()
                                           if request.user.is_authenticated else "")
    record(who, action, target, detail, client_address(request))


def same_origin_forms(response: HttpResponse) -> HttpResponse:
    """The site's referrer policy is no-referrer, and under it a browser sends a form's POST
    with `Origin: null`, which Django's CSRF check refuses: a page with a form sends its own
    origin back to this server (and still nothing to another)."""
    response["Referrer-Policy"] = "same-origin"
    return response


def private(response: HttpResponse) -> HttpResponse:
    """What staff see is theirs alone: no browser or proxy keeps a copy of it."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return same_origin_forms(response)


def staff_required(role: str = VIEWER) -> Callable[[View], View]:
    """The view answers only staff holding `role` or a higher one; `request.staff_role` is
    set to the role the signed-in account holds."""
    if role not in RANK:  # a misspelt role fails at import, not at a request
        raise ValueError(f"{role!r} is not a staff role")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = role_of(request.user)
            if held is None or RANK.get(held, -1) < RANK[role]:
                audit(request, "refused", request.path, f"needs {role}, holds {held or 'none'}")
                return private(render(request, "console/forbidden.html",
                                      {"needed": role}, status=403))
            request.staff_role = held
            return private(view(request, *args, **kwargs))
        return guarded  # type: ignore[return-value]
    return decorate


def _printable(text: str, limit: int) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])
