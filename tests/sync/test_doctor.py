"""`kiosk doctor`'s destination check against a real central service on loopback: reached,
token accepted, key as pinned; and each way it goes wrong, named."""

import socket

from kiosk.doctor import FAIL, OK, WARN, Findings, check_clock
from sync.doctor import check_destinations
from tests.support.central import kiosk_config
from tests.sync.certificates import self_signed
from tests.sync.scripted_service import ScriptedService


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_reachable_central_with_a_good_token_is_ok_and_its_clock_is_compared(tmp_path, central):
    findings = Findings()
    [row] = check_destinations(kiosk_config(tmp_path, central), findings)
    assert row.status == OK, row
    assert "token accepted" in row.found and "this machine only" in row.found
    assert any(path.startswith("/v1/forms") for path in " ".join(central.log).split())
    assert findings.server_dates  # the service's Date header
    clock = check_clock(findings)
    assert clock.status == OK and "off the central service's clock" in clock.found


def test_a_wrong_token_fails_with_what_to_do(tmp_path, central):
    [row] = check_destinations(kiosk_config(tmp_path, central, token="kd_not-the-token"), Findings())
    assert row.status == FAIL and "refused this kiosk" in row.found
    assert "token" in row.advice


def test_a_pinned_key_the_service_does_not_have_fails(tmp_path, central):
    config = kiosk_config(tmp_path, central, key_fingerprint="sha256:" + "ab" * 32,
                          public_key=None)  # fetched from the service, as when left out
    [row] = check_destinations(config, Findings())
    assert row.status == FAIL and "pinned" in row.found


def test_a_service_that_is_not_there_fails(tmp_path, central):
    config = kiosk_config(tmp_path, central, url=f"http://127.0.0.1:{_free_port()}")
    [row] = check_destinations(config, Findings())
    assert row.status == FAIL and "could not be reached" in row.found and "firewall" in row.advice


def test_an_untrusted_certificate_fails(tmp_path, central):
    cert_file, key_file = self_signed(tmp_path)
    with ScriptedService(central, tls=(cert_file, key_file)) as service:
        [row] = check_destinations(kiosk_config(tmp_path, central, url=service.url), Findings())
    assert row.status == FAIL and "TLS certificate was not accepted" in row.found
    assert "ca_file" in row.advice


def test_no_destination_is_a_warning(tmp_path, central):
    config = kiosk_config(tmp_path, central).model_copy(update={"destinations": {}})
    [row] = check_destinations(config, Findings())
    assert row.status == WARN and "stay on this kiosk" in row.found
