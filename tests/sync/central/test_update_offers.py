"""Fleet updates offered by the central: `kiosk central offer-update` (the file checked against
its release signature, copied whole), withdraw-update, delete-update and offers; the heartbeat's
answer carrying the newest offer that applies to the kiosk when it is newer in dpkg's order; the
package served with its ETag and byte ranges to the kiosks it is offered to; the kiosk's
update_state kept and shown in the console's fleet view.

The packages are made-up bytes signed with a key made here (the central never parses one)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from pathlib import Path

import pytest
import requests

from sync.central.setup import init_central
from sync.central.store import CentralStore
from sync.central.web.databases import serving
from sync.central.web.models import Heartbeat, StaffAudit, UpdateOffer
from tests.support.console import csrf_token
from tests.support.releases import make_release, release_key
from tests.support.served_central import serving_process, started_workers

from .central_kit import conforms, run

BEAT = {"queue_depth": 0, "rejected": 0, "oldest_waiting": None, "last_sync_at": None,
        "version": "1.4.0", "free_disk_bytes": 9_000_000_000, "interval_minutes": 5}
HEARTBEAT_ANSWER = "/paths/~1v1~1devices~1{device_id}~1heartbeat/post/responses/200/content/" \
                   "application~1json/schema"


@pytest.fixture(scope="module")
def key():
    return release_key()


@pytest.fixture
def releases(tmp_path, key):
    """make(version, size=...): a signed package, each in a folder of its own."""
    made = itertools.count(1)
    return lambda version, size=200_000: make_release(
        tmp_path / "releases" / str(next(made)), key, version, size)


def _offer(service, release, *extra: str) -> int:
    return run("offer-update", str(release.package), "--data-dir", str(service.data_dir), *extra)


def _beat(service, version: str, device_id: str = "kiosk-01", token: str | None = None,
          **more) -> requests.Response:
    return requests.post(f"{service.url}/v1/devices/{device_id}/heartbeat",
                         json={**BEAT, "version": version, **more},
                         headers=service.device_headers(token=token), timeout=10)


def _offered(service, version: str, **kwargs) -> str | None:
    """The version the heartbeat's answer offers a kiosk running `version` (None: none)."""
    answer = _beat(service, version, **kwargs)
    assert answer.status_code == 200, answer.text
    conforms(answer.json(), HEARTBEAT_ANSWER)
    update = answer.json().get("update")
    return update["version"] if update else None


def _download(service, version: str, token: str | None = None, **headers) -> requests.Response:
    return requests.get(f"{service.url}/v1/updates/{version}/package", timeout=30,
                        headers={**service.device_headers(token=token), **headers})


def _second_kiosk(service, device_id: str = "library-2") -> str:
    return service.server.store.add_device(device_id)


# -- the command line ---------------------------------------------------------------------------
def test_an_offer_is_copied_whole_listed_withdrawn_and_deleted(service, releases, capsys):
    release = releases("1.5.0")
    assert _offer(service, release) == 0
    said = capsys.readouterr().err
    assert "Version 1.5.0" in said and "every kiosk" in said
    kept = service.data_dir / "updates" / "kiosk_1.5.0_amd64.deb"
    assert kept.read_bytes() == release.data
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary file left
    with serving(service.server.store.alias):
        row = UpdateOffer.objects.get(version="1.5.0")
    assert row.signature == json.loads(release.signature_file.read_text())
    assert (row.size, row.sha256, row.devices) == (len(release.data),
                                                   hashlib.sha256(release.data).hexdigest(), None)
    assert row.offered_by == "(command line)" and row.withdrawn_at is None

    assert run("offers", "--data-dir", str(service.data_dir)) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("1.5.0: offered; every kiosk;")

    assert run("delete-update", "1.5.0", "--data-dir", str(service.data_dir)) == 1
    assert "still offered: withdraw it first" in capsys.readouterr().err and kept.exists()
    assert run("withdraw-update", "1.4.9", "--data-dir", str(service.data_dir)) == 1
    assert "Version 1.4.9 has not been offered" in capsys.readouterr().err

    assert run("withdraw-update", "1.5.0", "--data-dir", str(service.data_dir)) == 0
    said = capsys.readouterr().err
    assert "no longer offered" in said and "stays" in said and "delete-update 1.5.0" in said
    assert kept.exists()  # until the offer is deleted
    assert run("offers", "--data-dir", str(service.data_dir)) == 0
    assert capsys.readouterr().out.startswith("1.5.0: withdrawn ")

    assert run("delete-update", "1.5.0", "--data-dir", str(service.data_dir)) == 0
    assert not kept.exists()
    assert run("offers", "--data-dir", str(service.data_dir)) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "No kiosk version has been offered" in captured.err


def test_a_file_its_signature_does_not_describe_is_never_offered(service, releases, capsys):
    release = releases("1.5.0")
    data = bytearray(release.data)
    data[1000] ^= 0xFF  # the same size, one byte changed
    release.package.write_bytes(bytes(data))
    assert _offer(service, release) == 1
    said = capsys.readouterr().err
    assert "is not the file its signature describes" in said and "Traceback" not in said
    assert not any((service.data_dir / "updates").iterdir())  # nothing copied, nothing half
    assert run("offers", "--data-dir", str(service.data_dir)) == 0
    assert capsys.readouterr().out == ""

    other = releases("1.6.0")
    assert _offer(service, other, "--signature", str(releases("1.7.0").signature_file)) == 1
    assert "is not the file its signature describes" in capsys.readouterr().err

    other.signature_file.write_text('{"format": "something else"}')
    assert _offer(service, other) == 1
    assert "The signature cannot be used: the signature is not a kiosk-update/1 document" \
        in capsys.readouterr().err
    other.signature_file.unlink()
    assert _offer(service, other) == 1
    assert "There is no signature file" in capsys.readouterr().err
    assert _offer(service, releases("1.8.0"), "--devices", "kiosk-01,nobody") == 1
    assert "There is no device called nobody" in capsys.readouterr().err
    assert not any((service.data_dir / "updates").iterdir())


def test_a_version_names_one_package_for_good(service, releases, capsys):
    first = releases("1.5.0")
    assert _offer(service, first) == 0
    assert run("withdraw-update", "1.5.0", "--data-dir", str(service.data_dir)) == 0
    capsys.readouterr()
    rebuilt = releases("1.5.0")  # other bytes, signed under the same version
    assert _offer(service, rebuilt) == 1
    assert "was offered before with another file" in capsys.readouterr().err
    kept = service.data_dir / "updates" / "kiosk_1.5.0_amd64.deb"
    assert kept.read_bytes() == first.data
    # The same file again brings the withdrawn offer back.
    first.package.write_bytes(kept.read_bytes())
    assert _offer(service, first) == 0
    assert _offered(service, "1.4.0") == "1.5.0"


# -- the heartbeat's offer ----------------------------------------------------------------------
def test_a_kiosk_is_offered_the_newest_version_only_when_it_runs_an_older_one(service, releases):
    assert _offered(service, "1.4.0") is None  # nothing offered yet
    release = releases("1.5.0")
    assert _offer(service, release) == 0
    answer = _beat(service, "1.4.0").json()
    assert answer["update"] == {"version": "1.5.0", "size": release.signature.size,
                                "sha256": release.signature.sha256,
                                "signature": json.loads(release.signature_file.read_text()),
                                "url": "/v1/updates/1.5.0/package"}
    # dpkg's order, not the alphabet's: 1.10.0 is newer than 1.5.0, 1.5.0~rc1 older.
    assert _offered(service, "1.5.0~rc1") == "1.5.0"
    assert _offered(service, "1.5.0") is None
    assert _offered(service, "1.10.0") is None
    assert _offered(service, "not a version:x") is None  # a source checkout says anything

    assert _offer(service, releases("1.6.0")) == 0  # a newer offer supersedes the older
    assert _offered(service, "1.4.0") == "1.6.0"
    assert _offered(service, "1.5.0") == "1.6.0"
    assert run("withdraw-update", "1.6.0", "--data-dir", str(service.data_dir)) == 0
    assert _offered(service, "1.4.0") == "1.5.0"  # the one before applies again
    assert run("withdraw-update", "1.5.0", "--data-dir", str(service.data_dir)) == 0
    assert _offered(service, "1.4.0") is None


def test_a_pilot_offer_goes_to_its_kiosks_only(service, releases, capsys):
    token = _second_kiosk(service)
    assert _offer(service, releases("1.5.0")) == 0
    pilot = releases("1.6.0")
    assert _offer(service, pilot, "--devices", "library-2") == 0
    assert "the pilot kiosks library-2" in capsys.readouterr().err
    assert _offered(service, "1.4.0") == "1.5.0"
    assert _offered(service, "1.4.0", device_id="library-2", token=token) == "1.6.0"
    assert _download(service, "1.6.0").status_code == 404  # not offered to kiosk-01
    assert _download(service, "1.6.0", token=token).status_code == 200
    assert _listed(service, capsys) == ["1.6.0: offered; pilot: library-2",
                                        "1.5.0: offered; every kiosk"]
    # The same package offered again without --devices: every kiosk is offered it.
    assert _offer(service, pilot) == 0
    assert "to every kiosk" in capsys.readouterr().err
    assert _offered(service, "1.4.0") == "1.6.0"
    assert _download(service, "1.6.0").status_code == 200
    assert _listed(service, capsys) == ["1.6.0: offered; every kiosk",
                                        "1.5.0: superseded by 1.6.0; every kiosk"]


def _listed(service, capsys) -> list[str]:
    """`kiosk central offers`, each line up to the size."""
    capsys.readouterr()
    assert run("offers", "--data-dir", str(service.data_dir)) == 0
    return [line.split("; ")[0] + "; " + line.split("; ")[1]
            for line in capsys.readouterr().out.splitlines()]


# -- the download -------------------------------------------------------------------------------
def test_the_package_is_served_with_its_etag_and_byte_ranges(service, releases):
    release = releases("1.5.0", size=300_001)
    assert _offer(service, release) == 0
    data, size = release.data, len(release.data)
    etag = f'"{release.signature.sha256}"'

    whole = _download(service, "1.5.0")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["Content-Type"] == "application/vnd.debian.binary-package"
    assert whole.headers["Content-Length"] == str(size)
    assert whole.headers["ETag"] == etag and whole.headers["Accept-Ranges"] == "bytes"

    unchanged = _download(service, "1.5.0", **{"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag

    # A download that broke off after 123,457 bytes asks for the rest, and has the package.
    rest = _download(service, "1.5.0", Range="bytes=123457-")
    assert rest.status_code == 206
    assert rest.headers["Content-Range"] == f"bytes 123457-{size - 1}/{size}"
    assert rest.headers["Content-Length"] == str(size - 123457)
    assert hashlib.sha256(data[:123457] + rest.content).hexdigest() == release.signature.sha256

    middle = _download(service, "1.5.0", Range="bytes=5-9")
    assert (middle.status_code, middle.content) == (206, data[5:10])
    assert middle.headers["Content-Range"] == f"bytes 5-9/{size}"
    tail = _download(service, "1.5.0", Range="bytes=-4")
    assert (tail.status_code, tail.content) == (206, data[-4:])
    past = _download(service, "1.5.0", Range=f"bytes=100-{size + 50}")  # clamped to the end
    assert (past.status_code, past.content) == (206, data[100:])

    beyond = _download(service, "1.5.0", Range=f"bytes={size}-")
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"
    assert "outside the package" in beyond.json()["error"]

    for malformed in ("bytes=abc", "bytes=9-5", "pages=1-2", "bytes=0-1,5-6", "bytes=-"):
        answer = _download(service, "1.5.0", Range=malformed)
        assert (answer.status_code, answer.content) == (200, data), malformed
    stale = _download(service, "1.5.0", Range="bytes=5-9", **{"If-Range": '"another"'})
    assert (stale.status_code, stale.content) == (200, data)  # not the file it had: all of it
    fresh = _download(service, "1.5.0", Range="bytes=5-9", **{"If-Range": etag})
    assert (fresh.status_code, fresh.content) == (206, data[5:10])


def test_the_package_is_refused_to_anyone_it_is_not_offered_to(service, releases):
    assert _offer(service, releases("1.5.0")) == 0
    unknown = _download(service, "9.9.9")
    assert unknown.status_code == 404 and "not offered to kiosk-01" in unknown.json()["error"]
    nobody = requests.get(f"{service.url}/v1/updates/1.5.0/package", timeout=10)
    assert nobody.status_code == 401 and nobody.headers["WWW-Authenticate"] == "Bearer"
    stranger = _download(service, "1.5.0", token="not-a-token")
    assert stranger.status_code == 401
    staff = requests.get(f"{service.url}/v1/updates/1.5.0/package", timeout=10,
                         headers=service.admin_headers)
    assert staff.status_code == 403
    assert _download(service, "..%2F..%2Fkeys").status_code == 404
    assert run("withdraw-update", "1.5.0", "--data-dir", str(service.data_dir)) == 0
    assert _download(service, "1.5.0").status_code == 404
    token = _second_kiosk(service)
    assert run("revoke-device", "--data-dir", str(service.data_dir), "--device",
               "library-2") == 0
    assert _download(service, "1.5.0", token=token).status_code == 403


# -- update_state and the fleet view ------------------------------------------------------------
ROLLED_BACK = {"state": "rolled_back", "version": "1.6.0", "message": "self-test failed",
               "at": "2026-12-07T21:00:00+00:00"}


def test_the_last_update_state_is_kept_and_bad_ones_are_refused(service):
    assert _beat(service, "1.5.0", update_state=ROLLED_BACK).status_code == 200
    assert _beat(service, "1.5.0").status_code == 200  # says nothing of an update: kept
    listed = requests.get(service.url + "/v1/devices", headers=service.admin_headers,
                          timeout=10).json()["devices"]
    assert listed[0]["last_heartbeat"]["update_state"] == ROLLED_BACK
    with serving(service.server.store.alias):
        before = list(Heartbeat.objects.values_list())
    wrong = {"state": "exploded"}, {"message": "x" * 501}, {"at": "yesterday"}, \
        {"version": "1.6.0\n"}, {"colour": "red"}, {"message": "bell\a"}
    for change in wrong:
        answer = _beat(service, "1.5.0", update_state={**ROLLED_BACK, **change})
        assert answer.status_code == 400, change
        assert answer.json()["error"].startswith("update_state"), answer.json()
    assert _beat(service, "1.5.0", update_state="rolled back").status_code == 400
    with serving(service.server.store.alias):
        assert list(Heartbeat.objects.values_list()) == before  # nothing refused was kept
    two_lines = {**ROLLED_BACK, "message": "self-test failed:\nno display", "state": "rejected"}
    assert _beat(service, "1.5.0", update_state=two_lines).status_code == 200


def _fleet(viewer: requests.Session, service) -> str:
    page = viewer.get(service.url + "/console/fleet")
    assert page.status_code == 200
    return page.text


def _row(page: str, device_id: str) -> str:
    found = re.search(rf'<tr id="kiosk-{re.escape(device_id)}".*?</tr>', page, re.S)
    assert found, f"no row for {device_id}"
    return _read(found[0])


def _read(html: str) -> str:
    """Text as a person reads it: cells and line breaks part words, other tags do not."""
    spaced = re.sub(r"<br>|</t[dh]>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", "", spaced).split())


def _summary(page: str) -> str:
    """The lines above the table, as read (tags inside a sentence are not word breaks)."""
    found = re.search(r'<(ul|p) id="update-summary".*?</\1>(<p id="behind-summary".*?</p>)?',
                      page, re.S)
    assert found, "no update summary"
    return _read(found[0])


def test_the_fleet_view_shows_who_is_behind_and_how_their_last_update_went(console, service,
                                                                          releases):
    viewer = console.signed_in("test-viewer", "viewer")
    assert "No kiosk version is offered" in _summary(_fleet(viewer, service))
    token = _second_kiosk(service)
    third = _second_kiosk(service, "library-3")
    assert _offer(service, releases("1.5.0")) == 0
    assert _beat(service, "1.4.0", update_state=ROLLED_BACK | {"version": "1.5.0"}).ok
    assert _beat(service, "1.5.0", "library-2", token).ok
    assert _beat(service, "1.5.0", "library-3", third).ok
    page = _fleet(viewer, service)
    assert "2 of 3 kiosks run 1.5.0, the version offered to every kiosk" in _summary(page)
    assert "1 kiosk behind" in _summary(page)
    behind = _row(page, "kiosk-01")
    assert "Behind: 1.5.0 offered" in behind
    assert "Rolled back 1.5.0: self-test failed (2026-12-07 21:00)" in behind
    assert re.search(r'class="update-state update-warning" data-state="rolled_back"',
                     page)
    assert "Up to date" in _row(page, "library-2")

    assert _beat(service, "1.5.0", update_state={**ROLLED_BACK, "state": "installed",
                                                 "version": "1.5.0"}).ok
    page = _fleet(viewer, service)
    assert "3 of 3 kiosks run 1.5.0" in _summary(page) and "behind" not in _summary(page)
    assert "Installed 1.5.0" in _row(page, "kiosk-01")
    assert "update-state update-warning" not in page

    assert _offer(service, releases("1.6.0"), "--devices", "library-3") == 0
    page = _fleet(viewer, service)
    assert "0 of 1 kiosk in its pilot group runs 1.6.0" in _summary(page)
    assert "2 of 2 kiosks run 1.5.0" in _summary(page)
    assert "Behind: 1.6.0 offered" in _row(page, "library-3")


def test_offers_survive_a_restart_of_the_service(central_dir, releases):
    folder, _ = central_dir
    assert run("offer-update", str(releases("1.5.0").package), "--data-dir", str(folder)) == 0
    store = CentralStore(folder)
    try:
        from sync.central.updates import update_for

        with serving(store.alias):
            assert update_for(store, "kiosk-01", "1.0.0").version == "1.5.0"
    finally:
        store.close()


# -- a big package, served by the workers sites run ---------------------------------------------
BIG = 40 * 1024 * 1024


def _kilobytes(pid: int, field: str) -> int:
    """VmRSS (resident now) or VmHWM (the most resident since the last reset), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


@pytest.mark.network  # `kiosk central serve` (gunicorn) in a subprocess, on loopback
def test_a_40_mb_package_is_streamed_without_the_worker_holding_it(tmp_path, key, capsys):
    folder = tmp_path / "central"
    init = init_central(folder, "http://127.0.0.1:8765")
    release = make_release(tmp_path / "release", key, "2.0.0", size=BIG)
    assert run("offer-update", str(release.package), "--data-dir", str(folder)) == 0
    headers = {"Authorization": f"Bearer {init.device_token}"}
    with serving_process(folder, workers=1) as (url, process):
        [worker] = started_workers(process.pid, 1)
        package = f"{url}/v1/updates/2.0.0/package"
        # Every code path once (the first byte), so what is measured next is the download.
        assert requests.get(package, headers={**headers, "Range": "bytes=0-0"},
                            timeout=30).status_code == 206
        before = _kilobytes(worker, "VmRSS")
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # VmHWM starts again from now
        digest, received = hashlib.sha256(), 0
        with requests.get(package, headers=headers, stream=True, timeout=60) as answer:
            assert answer.status_code == 200
            for piece in answer.iter_content(1 << 20):
                digest.update(piece)
                received += len(piece)
        peak = _kilobytes(worker, "VmHWM")
    assert (received, digest.hexdigest()) == (BIG, release.signature.sha256)
    grown = peak - before
    with capsys.disabled():
        print(f"\n[measure] worker RSS {before / 1024:.1f} MB before a {BIG // 2**20} MB "
              f"download, peak {peak / 1024:.1f} MB during it: {grown / 1024:+.2f} MB")
    assert grown * 1024 < BIG / 8, f"the worker grew by {grown} kB serving {BIG} bytes"


# -- offering and withdrawing from the console --------------------------------------------------
def _upload(session: requests.Session, service, release, devices: str = "",
            signature: bytes | None = None) -> requests.Response:
    page = session.get(service.url + "/console/updates", timeout=10)
    return session.post(service.url + "/console/updates/offer", timeout=30, data={
        "csrfmiddlewaretoken": csrf_token(session, page.text), "devices": devices}, files={
        "package": (release.package.name, release.data),
        "signature": (release.signature_file.name,
                      signature if signature is not None else release.signature_file.read_bytes())})


def test_an_administrator_offers_and_withdraws_a_version_from_the_console(console, service,
                                                                         releases):
    admin = console.signed_in("test-administrator", "administrator")
    release = releases("1.5.0")
    tampered = bytearray(release.data)
    tampered[7] ^= 1
    refused = admin.post(service.url + "/console/updates/offer", timeout=30, data={
        "csrfmiddlewaretoken": csrf_token(admin, admin.get(service.url + "/console/updates").text)},
        files={"package": (release.package.name, bytes(tampered)),
               "signature": (release.signature_file.name, release.signature_file.read_bytes())})
    assert refused.status_code == 400
    assert "is not the file its signature describes" in _read(refused.text)
    assert _upload(admin, service, release, signature=b"{not json").status_code == 400
    assert _offered(service, "1.4.0") is None

    offered = _upload(admin, service, release)
    assert offered.status_code == 200 and offered.url.endswith("/console/updates")
    assert "Version 1.5.0 is offered to every kiosk" in _read(offered.text)
    assert _offered(service, "1.4.0") == "1.5.0"
    assert _download(service, "1.5.0").content == release.data
    assert "offer or withdraw a kiosk version" in _fleet(admin, service)

    withdrawn = admin.post(service.url + "/console/updates/1.5.0/withdraw", timeout=10,
                           data={"csrfmiddlewaretoken": csrf_token(admin, offered.text)})
    assert withdrawn.status_code == 200 and "Version 1.5.0 is withdrawn" in _read(withdrawn.text)
    assert _offered(service, "1.4.0") is None
    with serving(service.server.store.alias):
        actions = list(StaffAudit.objects.order_by("id").values_list("actor", "action", "target"))
        assert UpdateOffer.objects.get(version="1.5.0").offered_by == "test-administrator"
    assert ("test-administrator", "update offer refused", "1.5.0") in actions
    assert ("test-administrator", "update offered", "1.5.0") in actions
    assert ("test-administrator", "update withdrawn", "1.5.0") in actions


def test_only_administrators_offer_versions(console, service, releases):
    viewer = console.signed_in("test-viewer", "viewer")
    assert viewer.get(service.url + "/console/updates", timeout=10).status_code == 403
    assert "offer or withdraw" not in _fleet(viewer, service)
    page = viewer.get(service.url + "/console/fleet", timeout=10)
    forbidden = viewer.post(service.url + "/console/updates/offer", timeout=10, data={
        "csrfmiddlewaretoken": csrf_token(viewer, page.text)} if "csrfmiddlewaretoken"
        in page.text else {}, files={"package": ("p.deb", b"x"), "signature": ("p.sig", b"{}")})
    assert forbidden.status_code == 403
    assert _offered(service, "1.4.0") is None
