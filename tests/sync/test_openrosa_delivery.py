"""Sending to an OpenRosa server through the real SyncWorker: what counts as delivered, what is
retried, what waits for staff, and how a submission too large for one request still arrives."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime

from sync.link_watch import DOWN_AFTER
from sync.openrosa.instance import Attachment
from sync.openrosa.multipart import body_size, encode, plan
from tests.sync.openrosa_kit import kiosk
from tests.sync.openrosa_server import Fault, OpenRosaServer, Record

CAPTIVE = b"<html><body>Welcome! Accept the terms to use the free wifi</body></html>"


def test_a_visit_arrives_as_its_xform_instance_with_its_files(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        sent = k.submit()
        result = k.worker.run_once()
        assert result.destinations["odk"].state == "ok" and result.delivered == 1
        (record,) = server.records.values()
        root = ET.fromstring(record.xml)
        assert record.instance_id == sent["instance_id"] and record.complete
        assert root.findtext("location") == "Test Lane 12 & <corner>"
        assert sorted(record.files) == ["witness_signature-1.svg", "witness_signature-2.svg"]
        (state, attempts, _, _, receipt), = k.outbox().values()
        assert (state, attempts) == ("delivered", 1) and '"status": 201' in receipt
        # Every request said which OpenRosa version it speaks, and when it was sent; the HEAD
        # came before anything was posted.
        assert [method for method, *_ in server.requests][:2] == ["HEAD", "GET"]
        for _method, _path, headers, _size in server.requests:
            assert headers["X-OpenRosa-Version"] == "1.0"
            assert abs((parsedate_to_datetime(headers["Date"]) - datetime.now().astimezone())
                       .total_seconds()) < 60


def test_the_server_refuses_requests_without_the_openrosa_headers(tmp_path):
    import requests

    with OpenRosaServer() as server:
        bare = requests.head(server.url + "/submission", timeout=5)
        dated = requests.head(server.url + "/submission", timeout=5,
                              headers={"X-OpenRosa-Version": "1.0",
                                       "Date": "Mon, 14 Feb 2011 16:48:15 GMT"})
    assert bare.status_code == 400 and dated.status_code == 204


def test_an_answer_lost_after_the_server_stored_it_is_sent_again_and_stored_once(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        server.faults.append(Fault("POST", after_storing=True))
        k.submit()
        # The answer is lost on the way: sent again in the same round, and the server knows it.
        assert k.worker.run_once().delivered == 1
        (record,) = server.records.values()
        assert record.posts == 2 and len(server.records) == 1  # the same XML: no second record


def test_kobo_answers_a_duplicate_with_202_and_that_is_delivered_too(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, duplicate_status=202) as server, \
            kiosk(tmp_path, server) as k:
        server.faults.append(Fault("POST", after_storing=True))
        k.submit()
        assert k.worker.run_once().delivered == 1  # the second try, answered "Duplicate"
        (state, _, _, _, receipt), = k.outbox().values()
        assert state == "delivered" and '"status": 202' in receipt and "Duplicate" in receipt


def test_another_submission_with_the_same_instance_id_is_a_conflict_left_to_staff(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        sent = k.submit()
        # The server already holds this instance id, with other answers.
        server.records[sent["instance_id"]] = Record(
            sent["instance_id"], "street_report", "3", b"<street_report id='street_report'/>", set())
        result = k.worker.run_once()
        assert result.destinations["odk"].rejected == 1
        (state, _, _, reason, _), = k.outbox().values()
        assert state == "rejected" and reason.startswith("409: A submission already exists")
        posts = len(server.submission_posts())
        k.worker.run_once(send_all=True)  # never retried blindly, not even by "Send now"
        assert len(server.submission_posts()) == posts


def test_a_captive_portal_answering_the_head_is_not_the_server(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        # The portal answers every HEAD (the kiosk asks DOWN_AFTER times before it gives up).
        server.faults += [Fault("HEAD", 200, {"Content-Type": "text/html"}, CAPTIVE)] * DOWN_AFTER
        k.submit()
        result = k.worker.run_once()
        assert result.destinations["odk"].state == "offline"
        assert "captive portal" in result.destinations["odk"].message
        assert server.submission_posts() == []
        assert [row[:2] for row in k.outbox().values()] == [("queued", 0)]  # not an attempt


def test_a_200_to_the_post_is_not_a_delivery_even_with_an_openrosa_body(tmp_path):
    body = (b'<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
            b"<message>ok</message></OpenRosaResponse>")
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        server.faults += [Fault("POST", 200, {}, body), Fault("POST", 201, {}, CAPTIVE)]
        k.submit()
        assert k.worker.run_once().destinations["odk"].retried == 1
        (_, attempts, _, reason, _), = k.outbox().values()
        assert attempts == 1 and "a 200 is not a delivery" in reason
        assert k.worker.run_once(send_all=True).delivered == 0  # a 201 with a portal's page
        assert "201 without an OpenRosaResponse" in next(iter(k.outbox().values()))[3]
        assert k.worker.run_once(send_all=True).delivered == 1
        assert len(server.records) == 1


def test_server_trouble_is_retried_later_honouring_retry_after(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, \
            kiosk(tmp_path, server, retry_max_seconds=3600) as k:
        server.faults.append(Fault("POST", 500, {"Retry-After": "120"},
                                   b"<OpenRosaResponse><message>database busy</message>"
                                   b"</OpenRosaResponse>"))
        k.submit()
        before = datetime.now().astimezone()
        assert k.worker.run_once().destinations["odk"].retried == 1
        (state, attempts, due, reason, _), = k.outbox().values()
        assert (state, attempts, reason) == ("queued", 1, "500: database busy")
        assert (datetime.fromisoformat(due) - before).total_seconds() >= 119
        assert k.worker.run_once().delivered == 0  # not due yet
        assert k.worker.run_once(send_all=True).delivered == 1


def test_a_dropped_or_unanswered_post_is_retried_and_the_round_goes_on(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        server.faults += [Fault("POST", drop=True), Fault("POST", delay=1.5)]
        for _ in range(3):
            k.submit()
        # Lost on the way: each is tried again after the others, in the same round.
        result = k.worker.run_once().destinations["odk"]
        assert (result.delivered, result.retried, result.state) == (3, 0, "ok")
        assert len(server.submission_posts()) == 5 and len(server.records) == 3


def test_a_version_the_server_never_had_waits_with_the_server_s_reason_and_nothing_is_paused(
        tmp_path):
    # The server has only version 2 of the form; the kiosk submits version 3.
    with OpenRosaServer({"street_report": ["2"]}) as server, kiosk(tmp_path, server) as k:
        for _ in range(4):
            k.submit()
        result = k.worker.run_once().destinations["odk"]
        assert (result.state, result.retried, result.rejected) == ("ok", 4, 0)
        reasons = {(state, reason) for state, _, _, reason, _ in k.outbox().values()}
        (state, reason), = reasons
        assert state == "queued"
        assert reason.startswith("404: The form version specified in this submission '3' does "
                                 "not exist.: publish this version of the form on the server")
        assert "the server's current version of 'street_report' is '2'" in reason


def test_over_the_accepted_length_the_files_are_shared_across_posts(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, accept_content_length=3000) as server, \
            kiosk(tmp_path, server) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        posts = server.submission_posts()
        assert len(posts) == 2 and all(size <= 3000 for *_, size in posts)
        (record,) = server.records.values()
        assert record.posts == 2 and record.complete and len(record.files) == 2


def test_the_planned_posts_fit_the_limit_by_their_real_size():
    """The planner counts a body's size without building it; every body it plans, once built,
    is that size and within the server's limit (a file over it alone goes alone)."""
    xml = b"<data><name>Sam Example</name></data>"
    files = [Attachment(f"sig{n}.svg", "image/svg+xml", b"x" * size)
             for n, size in enumerate((0, 1, 700, 1200, 5000))]
    for chosen in ([], files[:1], files):
        assert body_size(xml, chosen) == len(encode(xml, chosen)[0])
    groups = plan(xml, files, 2000)
    assert [item for group in groups for item in group] == files
    assert [len(encode(xml, group)[0]) <= 2000 for group in groups] == [True, True, False]


def test_a_413_makes_the_kiosk_send_fewer_files_per_post(tmp_path):
    # The server says it takes 10 MB but its proxy takes far less.
    with OpenRosaServer({"street_report": ["3"]}, accept_content_length=3000,
                        advertised_content_length=10_000_000) as server, kiosk(tmp_path, server) as k:
        k.submit()
        assert k.worker.run_once().delivered == 1
        sizes = [size for *_, size in server.submission_posts()]
        assert len(sizes) == 3 and sizes[0] > 3000 and max(sizes[1:]) <= 3000
        assert next(iter(server.records.values())).complete


def test_a_submission_too_large_even_one_file_at_a_time_waits_for_staff(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}, accept_content_length=2000) as server, \
            kiosk(tmp_path, server) as k:
        k.submit()
        assert k.worker.run_once().destinations["odk"].rejected == 1
        (state, _, _, reason, _), = k.outbox().values()
        assert state == "rejected" and reason.startswith("413: ")
        assert "even with one file per request" in reason
