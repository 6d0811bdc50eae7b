"""A browser-like session of a signed-in staff member, for tests of the console's pages.

The account is made in the service's own database and the session created there the way
Django's sign-in makes it (its cookie is all a browser holds), so a test can open any console
page as a viewer, a caseworker or an administrator without going through the sign-in page.
"""

from __future__ import annotations

import re

import requests

from sync.central.web.databases import serving

PASSWORD = "correct horse battery staple 7"  # made up: test accounts only


def staff_session(central, role: str, username: str | None = None) -> requests.Session:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from sync.central.web.models import StaffProfile

    name = username or f"test-{role}"
    with serving(central.server.store.alias):
        user = User.objects.create_user(name, password=PASSWORD)
        StaffProfile.objects.create(user=user, role=role)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)
    return browser


def csrf_token(page: requests.Response) -> str:
    """The CSRF token a page's form carries (its cookie is in the session already)."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, "the page has no form with a CSRF token"
    return found[1]
