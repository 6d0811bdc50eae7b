"""Staff accounts: Django's users (passwords hashed by the framework, checked by its password
validators) with a console role. Used by `kiosk central add-staff/set-role/remove-staff` and
by the console's Staff page; both refuse to leave a service without an administrator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import router, transaction

from ...errors import CentralError
from ..models import StaffProfile
from .access import ADMINISTRATOR, RANK

ROLES = tuple(RANK)


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    last_login: str  # "" when never


def _users() -> Any:  # Django's manager: untyped
    return get_user_model().objects


def _atomic() -> transaction.Atomic:
    return transaction.atomic(using=router.db_for_write(StaffProfile))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise CentralError(f"{role!r} is not a role; use one of {', '.join(ROLES)}.")


def _check_password(password: str, user: object) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise CentralError("The password is not accepted: " + " ".join(error.messages)) \
            from None


def new_password() -> str:
    """A password to hand over once: 20 characters from 120 random bits."""
    return secrets.token_urlsafe(15)


def add_staff(username: str, role: str, password: str | None = None) -> str:
    """Make the account; its password (the one given, else a new one), to hand over once."""
    _check_role(role)
    username = username.strip()
    model = get_user_model()
    try:
        model.username_validator(username)
    except ValidationError:
        raise CentralError(f"{username!r} cannot be an account name: use letters, digits and "
                           "@ . + - _ only, up to 150 characters.") from None
    if not username or len(username) > 150:
        raise CentralError("An account name is 1 to 150 characters long.")
    password = new_password() if password is None else password
    with _atomic():
        if _users().filter(username__iexact=username).exists():
            raise CentralError(f"An account called {username} already exists (names are "
                               "compared without case); choose another name.")
        user = model(username=username)
        _check_password(password, user)
        user.set_password(password)
        user.save()
        StaffProfile.objects.create(user=user, role=role)
    return password


def _profile(username: str) -> StaffProfile:
    profile: StaffProfile | None = StaffProfile.objects.select_related("user").select_for_update().filter(
        user__username=username).first()
    if profile is None:
        raise CentralError(f"There is no staff account called {username}.")
    return profile


def _keep_an_administrator(profile: StaffProfile) -> None:
    if profile.role == ADMINISTRATOR and StaffProfile.objects.filter(
            role=ADMINISTRATOR).exclude(pk=profile.pk).count() == 0:
        raise CentralError(f"{profile.user.username} is the only administrator; make another "
                           "administrator first.")


def set_role(username: str, role: str) -> str:
    """Change the account's role; the role it had."""
    _check_role(role)
    with _atomic():
        profile = _profile(username)
        before = str(profile.role)
        if role != ADMINISTRATOR:
            _keep_an_administrator(profile)
        profile.role = role
        profile.save(update_fields=["role"])
    return before


def set_password(username: str, password: str | None = None) -> str:
    """A new password for the account (given, else made); returned to hand over once."""
    password = new_password() if password is None else password
    with _atomic():
        user = _profile(username).user
        _check_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    return password


def remove_staff(username: str) -> None:
    with _atomic():
        profile = _profile(username)
        _keep_an_administrator(profile)
        profile.user.delete()


def staff() -> list[StaffMember]:
    return [StaffMember(p.user.username, str(p.role),
                        p.user.last_login.strftime("%Y-%m-%d %H:%M UTC")
                        if p.user.last_login else "")
            for p in StaffProfile.objects.select_related("user").order_by("user__username")]
