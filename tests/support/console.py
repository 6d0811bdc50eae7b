"""The staff console as a test drives it over HTTP: staff accounts made as `kiosk central
add-staff` makes them, and a browser-like session (cookies, the CSRF token) signed in."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from sync.central.store import CentralStore
from sync.central.web.console import accounts
from sync.central.web.databases import serving
from tests.support.central import Central

PASSWORD = "correct horse battery staple 7"  # made up; long enough for the validators


class QuickPBKDF2(PBKDF2PasswordHasher):
    """Django's own PBKDF2 at fewer rounds: each hash names its round count, so checking and
    everything else is unchanged; only the ~1 s a hash costs at the default goes (tests of the
    default's cost leave it out)."""

    iterations = 1000


QUICK_HASHERS = ["tests.support.console.QuickPBKDF2"]


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


@dataclass
class Console:
    """The console of a started central service (tests/support/central.py's Central)."""

    central: Central

    @property
    def url(self) -> str:
        return self.central.url + "/console"

    def staff(self, username: str, role: str, password: str = PASSWORD) -> str:
        return add_staff(self.central.data_dir, username, role, password)

    def signed_in(self, username: str, role: str | None = None) -> requests.Session:
        """A session signed in as `username` (made first with `role`, if given)."""
        if role is not None:
            self.staff(username, role)
        session, answer = sign_in(self.central.url, username)
        assert answer.url.endswith("/console/inbox"), answer.text
        return session

    def send(self, reference: str, answers: dict, form_id: str = "feedback_services",
             version: str = "2026-11-27", instance_id: str | None = None) -> str:
        """A submission sent as a kiosk sends it (its answers sealed); its instance id."""
        instance_id = instance_id or f"uuid:{uuid.uuid4()}"
        payload = {"instance_id": instance_id, "form_id": form_id, "form_version": version,
                   "language": "en", "answers": answers}
        envelope = json.loads(self.central.key.seal(json.dumps(payload).encode(), instance_id))
        answer = self.central.post({
            "instance_id": instance_id, "reference": reference, "form_id": form_id,
            "form_version": version, "device_id": "kiosk-01",
            "created_at": "2026-11-27T10:00:00+00:00", "envelope": envelope})
        assert answer.status_code == 201, answer.text
        return instance_id

    @contextlib.contextmanager
    def database(self) -> Iterator[CentralStore]:
        """The service's store, its database bound for the models (what a test checks)."""
        store = self.central.server.store
        with serving(store.alias):
            yield store
