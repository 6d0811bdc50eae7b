"""TLS is verified: a certificate the kiosk cannot trust means nothing is sent; IT can name a
private certificate authority in `ca_file`."""

from __future__ import annotations

import datetime as dt
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.worker import SyncWorker
from tests.kiosk.store_helpers import fake_submission
from tests.sync.conftest import kiosk_config
from tests.sync.scripted_service import ScriptedService


def _self_signed(folder) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test central")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "central.pem", folder / "central.key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def _send_one(config) -> tuple:
    with config.open_store() as store:
        store.outbox.submit(fake_submission(1))
        worker = SyncWorker(store, config)
        try:
            return worker.run_once(), store.outbox.queue_summary()
        finally:
            worker.close()


def test_an_untrusted_certificate_stops_sending_and_a_named_ca_allows_it(tmp_path, central):
    cert_file, key_file = _self_signed(tmp_path)
    with ScriptedService(central.init.public_key, tls=(cert_file, key_file)) as service:
        assert service.url.startswith("https://")
        result, queue = _send_one(kiosk_config(tmp_path, central, url=service.url))
        assert result.destinations["central"].state == "offline"
        assert "TLS certificate was not accepted" in result.destinations["central"].message
        assert queue.waiting == 1 and service.submissions() == []

        result, queue = _send_one(kiosk_config(tmp_path, central, url=service.url,
                                               ca_file=cert_file))
        assert result.delivered == 2 and queue.waiting == 0  # the earlier one too
        (_, headers, body), *_ = [r for r in service.requests if r[0] == "/v1/submissions"]
        assert headers["Idempotency-Key"] == body["instance_id"]
