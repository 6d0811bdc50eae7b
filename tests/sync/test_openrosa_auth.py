"""Signing in to an OpenRosa server: an ODK Central app user's url, Basic (with KoboToolbox's
challenge, or ODK Central's without one), Digest; and a refusal stops sending for IT."""

from __future__ import annotations

import base64

import pytest

from tests.sync.openrosa_kit import kiosk
from tests.sync.openrosa_server import OpenRosaServer

TOKEN = "Ab3$x!Qz9kLmTestOnly"
PASSWORD = "field-pass-1"


def _headers_sent(server) -> str:
    return repr([headers for _, _, headers, _ in server.requests])


def test_a_central_app_user_sends_with_the_token_in_the_path_and_no_password(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, token=TOKEN) as server, \
            kiosk(tmp_path, server) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        assert all(path.startswith(f"/v1/key/{TOKEN}/projects/7/") for _, path, _, _ in server.requests)
        assert all("Authorization" not in headers for _, _, headers, _ in server.requests)


def test_a_revoked_app_user_stops_sending_until_it_fixes_the_url(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, token=TOKEN) as server:
        revoked = server.url.replace(TOKEN, "RevokedTokenTestOnly")
        with kiosk(tmp_path, server, url=revoked) as k:
            k.submit()
            result = k.worker.run_once()
            again = k.worker.run_once(send_all=True)
            assert result.stopped and again.stopped
            message = result.destinations["odk"].message
            assert "refused this kiosk (403" in message and "RevokedTokenTestOnly" not in message
            assert [row[:2] for row in k.outbox().values()] == [("queued", 0)]
            assert k.store.status()["sync"]["odk"]["state"] == "stopped"
        assert server.submission_posts() == []


@pytest.mark.parametrize(("auth", "scheme"), [("basic", "Basic"), ("digest", "Digest"),
                                              ("auto", "Basic"), ("auto", "Digest")])
def test_a_username_and_password_sign_in_the_way_the_server_asks(tmp_path, auth, scheme):
    with OpenRosaServer({"street_report": ["3"]}, auth=scheme.lower()) as server, \
            kiosk(tmp_path, server, username="collector", password=PASSWORD, auth=auth) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        (post,) = server.submission_posts()
        assert post[2]["Authorization"].startswith(scheme + " ")
        if scheme == "Digest":  # the password itself never travels
            assert PASSWORD not in _headers_sent(server)
            assert base64.b64encode(f"collector:{PASSWORD}".encode()).decode() not in _headers_sent(server)


def test_basic_goes_with_every_request_for_central_which_sends_no_challenge(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, auth="basic", challenge=False) as server, \
            kiosk(tmp_path, server, username="collector", password=PASSWORD, auth="basic") as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        assert all(headers.get("Authorization", "").startswith("Basic ")
                   for _, _, headers, _ in server.requests)


def test_auto_against_a_server_that_sends_no_challenge_says_to_choose_basic(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, auth="basic", challenge=False) as server, \
            kiosk(tmp_path, server, username="collector", password=PASSWORD) as k:
        k.submit()
        result = k.worker.run_once()
        assert result.stopped
        assert 'set auth = "basic"' in result.destinations["odk"].message
        assert server.submission_posts() == []


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_a_wrong_password_stops_sending_with_a_reason_for_it(tmp_path, scheme):
    with OpenRosaServer({"street_report": ["3"]}, auth=scheme) as server, \
            kiosk(tmp_path, server, username="collector", password="not-it", auth=scheme) as k:
        k.submit()
        result = k.worker.run_once()
        assert result.stopped
        message = result.destinations["odk"].message
        assert "refused this kiosk (401" in message and "username and password" in message
        assert server.submission_posts() == []
