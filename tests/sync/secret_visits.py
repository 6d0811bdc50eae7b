"""Made-up visits for the sync tests, each with an answer nobody else could have typed (so a
test can look for it where it must not be), and the outbox's view of them."""

from __future__ import annotations

import uuid

from kiosk.store import Store
from tests.kiosk.store_helpers import fake_submission


def secret_visit(number: int = 1) -> tuple[dict, str]:
    """A made-up visit with one answer nobody else could have typed, and that answer."""
    secret = f"unrepeatable-{uuid.uuid4().hex}"
    visit = fake_submission(number)
    visit["answers"]["details"] = secret
    return visit, secret


def outbox_states(store: Store) -> dict[str, str]:
    """Each submission's state in the outbox."""
    conn = store.reader()
    try:
        return dict(conn.execute("SELECT submission_id, state FROM outbox"))
    finally:
        conn.close()
