"""Staff send every rejected submission again at once: one audited decision, and only the
rejected ones move (a delivered one is never sent twice)."""

from __future__ import annotations

from tests.kiosk.store_helpers import fake_submission


def test_every_rejected_one_is_queued_again_in_one_audited_decision(store):
    visits = [fake_submission(number) for number in range(6)]
    for visit in visits:
        store.outbox.submit(visit)
    for visit in visits[:4]:
        store.outbox.mark_rejected(visit["instance_id"], "404: Not Found")
    store.outbox.mark_delivered(visits[4]["instance_id"], {"receipt_id": "R1"})

    assert store.outbox.retry_all_rejected("Amina") == 4
    counts = store.outbox.queue_summary().counts
    assert (counts["rejected"], counts["queued"], counts["delivered"]) == (0, 5, 1)
    assert store.outbox.retry_all_rejected("Amina") == 0  # a second tap changes nothing
    decisions = [e for e in store.staff.recent_audit(50) if e.event == "retry_all_rejected"]
    assert [(e.actor, e.detail) for e in decisions] == [("Amina", {"count": 4})]
    assert store.verify_audit().ok
