"""The staff console as a test drives it over HTTP: staff accounts made as `kiosk central
add-staff` makes them, and a browser-like session (cookies, the CSRF token) signed in."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from sync.central.store import CentralStore
from sync.central.web.console import accounts
from sync.central.web.databases import serving

PASSWORD = "correct horse battery staple 7"  # made up; long enough for the validators


def add_staff(data_dir: Path, username: str, role: str, password: str = PASSWORD) -> str:
    store = CentralStore(data_dir)
    try:
        with serving(store.alias):
            return accounts.add_staff(username, role, password)
    finally:
        store.close()


def csrf_token(session: requests.Session, html: str) -> str:
    """The form's CSRF token, as a browser would send it back."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(base_url: str, username: str, password: str = PASSWORD,
            session: requests.Session | None = None) -> tuple[requests.Session,
                                                              requests.Response]:
    """A session that filled in the sign-in form; the answer to it (redirects followed)."""
    session = session or requests.Session()
    page = session.get(base_url + "/console/sign-in", timeout=10)
    answer = session.post(base_url + "/console/sign-in", timeout=10, data={
        "csrfmiddlewaretoken": csrf_token(session, page.text), "username": username,
        "password": password, "next": "/console/inbox"})
    return session, answer


def post_form(session: requests.Session, base_url: str, page_path: str, action: str,
              data: dict[str, str]) -> requests.Response:
    """Open `page_path`, then send its form (with the page's CSRF token) to `action`."""
    page = session.get(base_url + page_path, timeout=10)
    return session.post(base_url + action, timeout=10,
                        data={"csrfmiddlewaretoken": csrf_token(session, page.text), **data})
