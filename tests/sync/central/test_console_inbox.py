"""The inbox: what citizens sent, found by reference, date and state; the list only for a
viewer, who cannot open a submission."""

from __future__ import annotations

import re

from sync.central.web.models import StaffAudit, Submission

FEEDBACK = {"service": "library", "rating": "4", "what_could_be_better": "More chairs"}


def references(html: str) -> list[str]:
    return re.findall(r'data-reference="([^"]+)"', html)


def test_search_by_reference_forgives_case_spaces_dashes_and_finds_a_part(console):
    for reference in ("LIB01-K7QFM-2XD9H", "LIB01-AAAAA-BBBBC", "POOL2-K7QFN-3XD9J"):
        console.send(reference, FEEDBACK)
    session = console.signed_in("vic", "viewer")

    def found(query: str) -> list[str]:
        page = session.get(console.url + "/inbox", params={"reference": query}, timeout=10)
        assert page.status_code == 200
        return references(page.text)

    assert found("LIB01-K7QFM-2XD9H") == ["LIB01-K7QFM-2XD9H"]
    assert found("  lib01 k7qfm 2xd9h ") == ["LIB01-K7QFM-2XD9H"]
    assert found("lib01k7qfm2xd9h") == ["LIB01-K7QFM-2XD9H"]
    assert found("k7qf") == ["POOL2-K7QFN-3XD9J", "LIB01-K7QFM-2XD9H"]  # newest first
    assert found("ZZZZZ") == []
    page = session.get(console.url + "/inbox", params={"reference": "ZZZZZ"}, timeout=10)
    assert "No submission matches this search" in page.text
    with console.database():
        searches = StaffAudit.objects.filter(action="search_inbox", actor="vic").count()
    assert searches == 6


def test_the_inbox_lists_every_service_newest_first_and_a_page_at_a_time(console):
    sent = [f"LIB01-{n:05d}-AAAAA" for n in range(27)]
    for reference in sent:
        console.send(reference, FEEDBACK)
    session = console.signed_in("vic", "viewer")
    first = session.get(console.url + "/inbox", timeout=10)
    assert references(first.text) == list(reversed(sent))[:25]
    assert "27 submissions, newest first (page 1 of 2)" in first.text
    assert "Give feedback on a council service (27)" in first.text  # the form's own title
    second = session.get(console.url + "/inbox", params={"page": 2}, timeout=10)
    assert references(second.text) == list(reversed(sent))[25:]
    only = session.get(console.url + "/inbox", params={"form": "other_form"}, timeout=10)
    assert references(only.text) == []


def test_search_by_state_and_received_date(console):
    older = console.send("LIB01-OLDER-AAAAA", FEEDBACK)
    console.send("LIB01-NEWER-BBBBB", FEEDBACK)
    with console.database():
        Submission.objects.filter(instance_id=older).update(
            received_at="2026-03-01T09:30:00.000+00:00", state="approved")
    session = console.signed_in("vic", "viewer")

    def found(**query: str) -> list[str]:
        return references(session.get(console.url + "/inbox", params=query, timeout=10).text)

    assert found(state="approved") == ["LIB01-OLDER-AAAAA"]
    assert found(state="received") == ["LIB01-NEWER-BBBBB"]
    assert found(received_from="2026-03-01", received_to="2026-03-01") == ["LIB01-OLDER-AAAAA"]
    assert found(received_to="2026-03-02") == ["LIB01-OLDER-AAAAA"]
    assert found(received_from="2026-03-02") == ["LIB01-NEWER-BBBBB"]


def test_a_date_that_is_not_one_is_named_and_nothing_is_listed(console):
    console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("vic", "viewer")
    page = session.get(console.url + "/inbox", timeout=10,
                       params={"received_from": "1 March", "received_to": "2026-02-30"})
    assert "Received from: Enter a date such as 2026-03-01." in page.text
    assert "Received to: Enter a date such as 2026-03-31." in page.text
    assert references(page.text) == []
    backwards = session.get(console.url + "/inbox", timeout=10,
                            params={"received_from": "2026-03-02", "received_to": "2026-03-01"})
    assert "The end date is before the start date." in backwards.text


def test_a_viewer_sees_the_list_but_cannot_open_a_submission(console):
    instance_id = console.send("LIB01-K7QFM-2XD9H", FEEDBACK)
    session = console.signed_in("vic", "viewer")
    inbox = session.get(console.url + "/inbox", timeout=10)
    assert references(inbox.text) == ["LIB01-K7QFM-2XD9H"]
    assert "/console/submissions/" not in inbox.text  # no link to open it
    page = session.get(f"{console.url}/submissions/{instance_id}", timeout=10)
    assert page.status_code == 403
    assert "More chairs" not in page.text
    with console.database():
        refused = StaffAudit.objects.get(action="refused")
        assert not StaffAudit.objects.filter(action="open_submission").exists()
    assert (refused.actor, refused.detail) == ("vic", "needs caseworker, holds viewer")


def test_the_inbox_needs_a_signed_in_staff_member(console):
    import requests

    answer = requests.get(console.url + "/inbox", timeout=10, allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/console/sign-in?next=/console/inbox"
