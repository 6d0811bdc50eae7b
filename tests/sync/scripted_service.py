"""A loopback stand-in for the central service whose answers to submissions a test scripts:
a 422 with a reason, a 401, a 503 with Retry-After, a captive portal's 200 page, silence, a
forged receipt ("echo"). Its own receipts are signed as the real service's are."""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from sync.central.keyring import read_keyring
from sync.central.receipt_key import load_or_create_signer
from tests.sync.loopback import LoopbackServer

if TYPE_CHECKING:
    from tests.support.central import Central


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # quiet: tests read .requests instead
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        service = self.server.service
        if self.path == "/health":
            self._reply(200, b'{"status": "ok"}')
        elif self.path == "/v1/key":
            offered = {"receipt_key": service.receipts.public.text} if service.signs else {}
            self._reply(200, json.dumps({"public_key": service.public_key, **offered}).encode())
        else:
            self._reply(404, b'{"error": "not here"}')

    def do_POST(self) -> None:
        service = self.server.service
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with service.lock:
            service.requests.append((self.path, dict(self.headers), body))
            script = service.script.pop(0) if service.script else None
        if script is None:
            answer = service.signed_receipt(body["instance_id"], body["envelope"],
                                            f"R{len(service.requests)}") \
                if "submissions" in self.path else {"server_time": "2026-11-27T10:00:00Z"}
            self._reply(201 if "submissions" in self.path else 200, json.dumps(answer).encode())
            return
        status, headers, reply = script
        if status == "echo":  # any receipt id with the instance id echoed: a forgery
            forged = {"receipt_id": "rcpt-forged", "instance_id": body.get("instance_id"),
                      "received_at": "2026-11-27T10:00:00Z", "payload_sha256": "0" * 64,
                      "signature": "AAAA"}
            self._reply(201, json.dumps(forged).encode())
            return
        if status == "silence":
            time.sleep(headers)  # longer than the kiosk waits for an answer
            self.close_connection = True
            return
        self._reply(status, reply if isinstance(reply, bytes) else json.dumps(reply).encode(),
                    headers)


class ScriptedService(LoopbackServer):
    """In the place of `central` (tests/support/central.py): its keys, so what it delivers
    is signed as the real service's receipts are, and the kiosk's pinned config holds."""

    def __init__(self, central: Central, tls: tuple[str, str] | None = None,
                 signs: bool = True):
        self.signs = signs  # False: a service older than signed receipts (none offered)
        self.public_key = central.init.public_key
        self.keyring = read_keyring(central.data_dir)
        self.receipts = load_or_create_signer(central.data_dir)
        self.script: list[tuple] = []  # (status, headers, body) for the next submissions
        self.requests: list[tuple[str, dict, dict]] = []
        self.lock = threading.Lock()
        super().__init__(_Handler)
        self._httpd.service = self
        scheme = "http"
        if tls is not None:  # (certificate file, key file): the service speaks HTTPS
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def signed_receipt(self, instance_id: str, envelope: dict | bytes, receipt_id: str) -> dict:
        """The receipt the real service would give for this envelope."""
        opened = self.keyring.open(envelope, instance_id)
        receipt = {"receipt_id": receipt_id, "instance_id": instance_id,
                   "received_at": "2026-11-27T10:00:00Z"}
        if not self.signs:
            return receipt
        return self.receipts.sign({**receipt,
                                   "payload_sha256": hashlib.sha256(opened).hexdigest()})

    def submissions(self) -> list[dict]:
        return [body for path, _, body in self.requests if path == "/v1/submissions"]
