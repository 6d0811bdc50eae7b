"""A kiosk package offered by the central, fetched through the documented deployment (nginx
in front of gunicorn, TLS): nginx passes the ETag and byte ranges through, so a kiosk whose
download broke off fetches the rest only, and what it has is the signed file."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
import requests

from tests.support.central_stack import central_stack
from tests.support.releases import make_release, release_key
from tests.support.served_central import ROOT, central_command

SIZE = 12 * 1024 * 1024 + 7  # more than nginx keeps in memory, and than a body may be


@pytest.mark.network  # nginx and gunicorn in subprocesses, on loopback
def test_a_kiosk_fetches_an_offered_package_through_nginx_and_resumes_a_broken_download(
        tmp_path):
    release = make_release(tmp_path / "release", release_key(), "3.0.0", size=SIZE)
    data = release.data
    with central_stack(tmp_path / "stack", workers=2) as stack:
        offered = subprocess.run(
            central_command("offer-update", str(release.package), "--data-dir",
                            str(stack.folder / "data")),
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert offered.returncode == 0, offered.stderr
        base = f"https://127.0.0.1:{stack.https_port}"
        kiosk = requests.Session()
        kiosk.trust_env = False  # else REQUESTS_CA_BUNDLE wins over the session's `verify`
        kiosk.verify = stack.certificate
        kiosk.headers["Authorization"] = f"Bearer {stack.device_token}"
        beat = kiosk.post(f"{base}/v1/devices/kiosk-01/heartbeat", timeout=30, json={
            "queue_depth": 0, "rejected": 0, "version": "2.9.1", "free_disk_bytes": 10**10})
        assert beat.status_code == 200, beat.text
        update = beat.json()["update"]
        assert (update["version"], update["size"]) == ("3.0.0", SIZE)

        # The first 5 MB, then the connection is lost; the rest asked for with Range.
        got = bytearray()
        with kiosk.get(base + update["url"], stream=True, timeout=60) as first:
            assert first.status_code == 200
            assert first.headers["ETag"] == f'"{update["sha256"]}"'
            for piece in first.iter_content(1 << 20):
                got += piece
                if len(got) >= 5 * 1024 * 1024:
                    break
        rest = kiosk.get(base + update["url"], timeout=60,
                         headers={"Range": f"bytes={len(got)}-", "If-Range": first.headers["ETag"]})
        assert rest.status_code == 206, rest.text[:200]
        assert rest.headers["Content-Range"] == f"bytes {len(got)}-{SIZE - 1}/{SIZE}"
        got += rest.content
        assert hashlib.sha256(got).hexdigest() == update["sha256"] == release.signature.sha256
        assert bytes(got) == data

        again = kiosk.get(base + update["url"], timeout=60,
                          headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        past = kiosk.get(base + update["url"], timeout=60, headers={"Range": f"bytes={SIZE}-"})
        assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{SIZE}"
