"""The server's form list decides whether a submission is worth posting; and an OpenRosa
destination leaves heartbeats and form updates to the REST central service."""

from __future__ import annotations

import hashlib
import json
import random

import requests

from kiosk.config import load_config
from sync.openrosa.transport import OpenRosaTransport
from sync.sealers import sealers_for
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import TEST_TIMINGS
from tests.sync.openrosa_kit import kiosk, kit_xform, openrosa_config, visit, write_form
from tests.sync.openrosa_server import OpenRosaServer


def test_the_form_list_is_asked_with_its_etag_and_an_unchanged_one_costs_a_304(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, kiosk(tmp_path, server) as k:
        k.submit()
        k.worker.run_once()
        k.submit()
        assert k.worker.run_once().delivered == 1
        lists = [(r[2].get("If-None-Match"), a[2]) for r, a in zip(server.requests, server.answers,
                                                                   strict=True)
                 if r[0] == "GET" and r[1].endswith("/formList")]
        assert lists[0] == (None, 200) and lists[1][1] == 304 and lists[1][0]


def test_a_form_the_server_does_not_list_waits_until_it_is_published(tmp_path):
    with OpenRosaServer({"other_form": ["1"]}) as server, kiosk(tmp_path, server) as k:
        k.submit()
        result = k.worker.run_once()
        assert result.destinations["odk"].retried == 1 and server.submission_posts() == []
        (state, attempts, _, reason, _), = k.outbox().values()
        assert (state, attempts) == ("queued", 1)
        assert "the server lists no form 'street_report' for this account" in reason
        server.publish(kit_xform("street_report", "3"))  # IT publishes it on the server
        assert k.worker.run_once(send_all=True).delivered == 1


def test_the_form_list_gives_each_form_s_version_and_hash_and_is_fetched_again_as_a_304(
        tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server:
        config = openrosa_config(tmp_path, server.url, write_form(tmp_path / "forms").parent)
        transport = OpenRosaTransport(config.destinations["odk"])
        try:
            form = transport.refresh_forms()["street_report"]
            assert form.version == "3"
            assert form.hash == "md5:" + hashlib.md5(server.xform("street_report")).hexdigest()
            assert transport.refresh_forms() == {"street_report": form}  # kept through the 304
        finally:
            transport.close()
        assert [a[2] for a in server.answers if a[1].endswith("/formList")] == [200, 304]


def test_heartbeats_and_form_updates_stay_with_the_rest_central_service(
        tmp_path, central, sync_worker):
    with OpenRosaServer({"street_report": ["3"]}) as server:
        forms = tmp_path / "forms"
        write_form(forms)
        block = central.init.toml_block.split("[destinations.central]", 1)[1]
        settings = {**TEST_TIMINGS, "url": central.url}
        file = tmp_path / "kiosk.toml"
        file.write_text(
            f'site_id = "HALL7"\ndata_dir = {json.dumps(str(tmp_path / "kiosk"))}\n'
            f"forms_dir = {json.dumps(str(forms))}\n\n[destinations.central]\n"
            + "\n".join(line for line in block.strip().splitlines() if not line.startswith("url"))
            + "\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
            + f'\n\n[destinations.odk]\ntype = "openrosa"\nurl = "{server.url}"\n'
            + "\n".join(f"{k} = {json.dumps(v)}" for k, v in TEST_TIMINGS.items()) + "\n")
        config = load_config(file, environ={})
        with config.open_store(sealers=sealers_for(config)) as store:
            worker = sync_worker(store, config, rng=random.Random(3))
            store.outbox.submit(fake_submission(1), "central")
            store.outbox.submit(visit(forms / "street_report-3.yaml"), "odk")
            result = worker.run_once()
        assert result.destinations["central"].delivered == 1
        assert result.destinations["odk"].delivered == 1
        assert {path for _, path, _, _ in server.requests} == {
                "/submission", "/formList", "/forms/street_report.xml"}
        devices = requests.get(f"{central.url}/v1/devices", timeout=5, headers={
            "Authorization": f"Bearer {central.init.admin_token}"}).json()["devices"]
        assert devices[0]["last_heartbeat"]["queue_depth"] == 0


def test_an_openrosa_destination_named_central_is_sent_to_without_a_heartbeat(tmp_path):
    with OpenRosaServer({"street_report": ["3"]}) as server, \
            kiosk(tmp_path, server, name="central") as k:
        k.submit()
        result = k.worker.run_once()
        assert result.delivered == 1 and not result.forms_changed
        assert {path for _, path, _, _ in server.requests} == {
                "/submission", "/formList", "/forms/street_report.xml"}
