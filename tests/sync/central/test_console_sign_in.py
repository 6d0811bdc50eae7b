"""Signing in to the staff console: passwords checked by Django, a lockout that lives in the
database (so every worker process and a restart see it), CSRF on the form, all audited."""

from __future__ import annotations

from datetime import timedelta

import requests
from django.test import override_settings

from sync.central.server import CentralServer
from sync.central.web.console.guard import FAILURES_PER_LOCK, lock_length
from sync.central.web.models import SignInGuard, StaffAudit
from tests.support.console import PASSWORD, csrf_token, post_form, sign_in

WRONG = "The account name or password is not right"


def audit_actions(console, actor: str) -> list[str]:
    with console.database():
        return list(StaffAudit.objects.filter(actor=actor).order_by("id")
                    .values_list("action", flat=True))


def test_a_caseworker_signs_in_and_out_and_both_are_audited(console):
    session = console.signed_in("cara", "caseworker")
    inbox = session.get(console.url + "/inbox", timeout=10)
    assert inbox.status_code == 200 and "Signed in as <strong>cara</strong>" in inbox.text

    signed_out = session.post(console.url + "/sign-out", timeout=10,
                              data={"csrfmiddlewaretoken": csrf_token(session, inbox.text)})
    assert "You are signed out" in signed_out.text
    again = session.get(console.url + "/inbox", timeout=10)
    assert again.url.startswith(console.url + "/sign-in?next=")  # the session is gone
    assert audit_actions(console, "cara") == ["sign_in", "sign_out"]
    with console.database():
        row = StaffAudit.objects.get(action="sign_in")
    assert row.address == "127.0.0.1" and row.target == "cara"


def test_a_page_asked_for_before_signing_in_opens_after_it(console):
    console.staff("cara", "caseworker")
    session = requests.Session()
    page = session.get(console.url + "/audit", timeout=10)  # sent to sign in first
    assert 'name="next" value="/console/audit"' in page.text
    answer = session.post(console.url + "/sign-in", timeout=10, data={
        "csrfmiddlewaretoken": csrf_token(session, page.text), "username": "cara",
        "password": "correct horse battery staple 7", "next": "/console/audit"})
    assert answer.url == console.url + "/audit"
    assert answer.status_code == 403  # signed in, but the audit log is an administrator's


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(console):
    console.staff("cara", "caseworker")
    _, wrong = sign_in(console.central.url, "cara", "not the password at all")
    _, unknown = sign_in(console.central.url, "nobody", "not the password at all")
    assert WRONG in wrong.text and WRONG in unknown.text
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.url == unknown.url == console.central.url + "/console/sign-in"
    assert audit_actions(console, "cara") == ["sign_in_failed"]
    assert audit_actions(console, "nobody") == ["sign_in_failed"]


def test_an_account_locks_after_repeated_failures_and_the_right_password_waits(console):
    console.staff("cara", "caseworker")
    for _ in range(FAILURES_PER_LOCK - 1):
        _, answer = sign_in(console.central.url, "cara", "a wrong guess here")
        assert WRONG in answer.text
    _, locked = sign_in(console.central.url, "Cara ", "a wrong guess here")  # case, spaces
    assert locked.status_code == 403
    assert "locked after too many failed sign-ins. Try again from" in locked.text
    assert " UTC on " in locked.text

    _, right = sign_in(console.central.url, "cara")  # the right password, while locked
    assert right.status_code == 403 and "Try again from" in right.text
    assert audit_actions(console, "cara")[-1] == "sign_in_locked"

    # An unknown name locks the same way, so the lockout tells nothing about who exists.
    for _ in range(FAILURES_PER_LOCK):
        _, answer = sign_in(console.central.url, "nobody", "a wrong guess here")
    assert "Try again from" in answer.text


def test_the_lockout_holds_across_two_servers_on_one_database_and_ends_on_time(console):
    central = console.central
    console.staff("cara", "caseworker")
    other = CentralServer(central.data_dir, log=lambda line: None).start()
    try:
        for attempt in range(FAILURES_PER_LOCK):  # turn about, as a load balancer would
            url = (central.url, other.url)[attempt % 2]
            sign_in(url, "cara", "a wrong guess here")
        for url in (central.url, other.url):
            _, answer = sign_in(url, "cara")
            assert "Try again from" in answer.text, url
        with console.database():  # the lock's time passes
            SignInGuard.objects.filter(username="cara").update(
                locked_until="2000-01-01T00:00:00.000+00:00")
        session, answer = sign_in(other.url, "cara")
        assert answer.url == other.url + "/console/inbox"
    finally:
        other.stop()
    with console.database():  # a sign-in clears the count: the next mistake is the first
        assert not SignInGuard.objects.filter(username="cara").exists()


def test_the_sign_in_form_refuses_a_post_without_its_csrf_token(console):
    console.staff("cara", "caseworker")
    session = requests.Session()
    session.get(console.url + "/sign-in", timeout=10)  # has the cookie, sends no token
    answer = session.post(console.url + "/sign-in", timeout=10, allow_redirects=False,
                          data={"username": "cara", "password": "correct horse battery staple 7"})
    assert answer.status_code == 403
    assert audit_actions(console, "cara") == []  # refused before anything was tried


def test_sign_out_needs_a_post_with_the_token(console):
    session = console.signed_in("cara", "caseworker")
    assert session.get(console.url + "/sign-out", timeout=10).status_code == 405
    answer = session.post(console.url + "/sign-out", timeout=10, allow_redirects=False)
    assert answer.status_code == 403
    assert session.get(console.url + "/inbox", timeout=10).url == console.url + "/inbox"


def test_each_lock_is_longer_than_the_one_before_up_to_a_day():
    assert [lock_length(n) for n in (1, 4, 5, 6, 10, 15)] == [
        timedelta(0), timedelta(0), timedelta(minutes=15), timedelta(0),
        timedelta(minutes=30), timedelta(hours=1)]
    assert lock_length(FAILURES_PER_LOCK * 20) == timedelta(hours=24)


def test_staff_change_their_own_password_and_the_old_one_stops_working(console):
    session = console.signed_in("cara", "caseworker")
    weak = post_form(session, console.central.url, "/console/password", "/console/password", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400 and "This password is too short" in weak.text
    done = post_form(session, console.central.url, "/console/password", "/console/password", {
        "old_password": PASSWORD, "new_password1": "four words of my own",
        "new_password2": "four words of my own"})
    assert done.url == console.url + "/inbox" and "Your password is changed." in done.text
    assert session.get(console.url + "/inbox", timeout=10).url == console.url + "/inbox"
    _, old = sign_in(console.central.url, "cara")
    assert WRONG in old.text
    _, new = sign_in(console.central.url, "cara", "four words of my own")
    assert new.url == console.url + "/inbox"
    assert "change_own_password" in audit_actions(console, "cara")


def test_no_console_page_is_kept_in_a_cache(console):
    session = console.signed_in("cara", "caseworker")
    answer = session.get(console.url + "/inbox", timeout=10)
    assert "no-store" in answer.headers["Cache-Control"]
    assert "private" in answer.headers["Cache-Control"]


def test_the_sign_in_page_lets_a_browser_send_its_origin_with_the_form(console):
    """Under the site's no-referrer policy Chromium sends a form's POST with `Origin: null`,
    which Django's CSRF check refuses: the console's pages ask for same-origin instead."""
    console.staff("cara", "caseworker")
    session = requests.Session()
    page = session.get(console.url + "/sign-in", timeout=10)
    assert page.headers["Referrer-Policy"] == "same-origin"
    form = {"csrfmiddlewaretoken": csrf_token(session, page.text), "username": "cara",
            "password": PASSWORD}
    refused = session.post(console.url + "/sign-in", data=form, timeout=10,
                           headers={"Origin": "null"})
    assert refused.status_code == 403
    answer = session.post(console.url + "/sign-in", data=form, timeout=10,
                          headers={"Origin": console.central.url})
    assert answer.url == console.url + "/inbox"
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_behind_a_trusted_proxy_the_audit_names_the_client_not_the_proxy(console):
    console.staff("cara", "caseworker")
    forwarded = {"X-Forwarded-For": "203.0.113.9"}  # a documentation address
    session = requests.Session()
    session.headers.update(forwarded)
    sign_in(console.central.url, "cara", "a wrong guess here", session=session)  # not trusted
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        sign_in(console.central.url, "cara", session=session)
    with console.database():
        addresses = list(StaffAudit.objects.filter(actor="cara").order_by("id")
                         .values_list("action", "address"))
    assert addresses == [("sign_in_failed", "127.0.0.1"), ("sign_in", "203.0.113.9")]


def test_too_many_attempts_from_one_address_wait_before_any_password_is_checked(console):
    console.staff("cara", "caseworker")
    with override_settings(CONSOLE_SIGN_INS=(3, 600)):
        for name in ("anna", "ben", "cleo"):  # three names: no lockout comes into it
            _, answer = sign_in(console.central.url, name, "a wrong guess here")
            assert WRONG in answer.text
        _, answer = sign_in(console.central.url, "cara")  # the right password, too late
    assert answer.status_code == 429
    assert "Too many sign-in attempts have come from this address. Try again in 10 minutes." \
        in answer.text
    assert audit_actions(console, "cara") == ["sign_in_throttled"]
