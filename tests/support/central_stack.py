"""The documented deployment of the central service, started for a test or a benchmark:
gunicorn with sync/central/web/gunicorn_conf.py on a loopback port, and nginx in front of it on
another, with TLS (a throwaway self-signed certificate) and a configuration made from
build/central/nginx/ with only its paths and ports changed. Both are real processes, stopped by
their PID; nginx's folders are all in the given temporary folder (nothing in /etc/nginx, no
port 80 or 443)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "build" / "central"
GUNICORN_CONF = ROOT / "sync" / "central" / "web" / "gunicorn_conf.py"

# The application under test. The one line to change when the Django application lands:
CENTRAL_APP = "sync.central.web.wsgi:application"
DEVICE_ID = "kiosk-01"


@dataclass
class CentralStack:
    https_port: int
    gunicorn_port: int
    gunicorn_pid: int
    nginx_pid: int
    tls: ssl.SSLContext
    certificate: str
    device_token: str
    admin_token: str
    folder: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn_pid}/task/{self.gunicorn_pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def connect(self, timeout: float = 30) -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.https_port), timeout=timeout)
        return self.tls.wrap_socket(raw, server_hostname="127.0.0.1")


def raise_descriptor_limit() -> int:
    """As many file descriptors as the hard limit allows (nginx, started after, inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 1_048_576 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _swap(text: str, old: str, new: str) -> str:
    """One line of the recipe changed: it must be there exactly once, or the recipe has moved
    on and the test would measure something else."""
    assert text.count(old) == 1, f"the recipe no longer has {old!r} exactly once"
    return text.replace(old, new)


def render_nginx(folder: Path, https_port: int, http_port: int, upstream_port: int,
                 certificate: str, key: str) -> Path:
    """build/central/nginx/ with this test's paths and ports; everything else as IT gets it."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs", "static", "acme"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    site = (RECIPE / "nginx" / "kiosk-central.conf").read_text()
    for old, new in (
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};"),
            ("/etc/ssl/kiosk-central/fullchain.pem", certificate),
            ("/etc/ssl/kiosk-central/privkey.pem", key),
            ("/opt/kiosk-central/static/", f"{folder}/static/"),
            ("/var/www/acme", f"{folder}/acme")):
        site = _swap(site, old, new)
    (folder / "kiosk-central.conf").write_text(site)
    main = (RECIPE / "nginx" / "nginx.conf").read_text()
    temporary = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    temporary = temporary.replace(f"{folder}/client_body", f"{folder}/body")
    # In the foreground so its PID is ours to stop. As root, one process and no change of user
    # (the recipe's www-data could not enter the test's private temporary folder).
    single = "master_process off;\n" if os.geteuid() == 0 else ""
    for old, new in (
            ("user www-data;\n", f"daemon off;\n{single}"),
            ("pid /run/nginx.pid;", f"pid {folder}/nginx.pid;"),
            ("/var/log/nginx/error.log", f"{folder}/logs/error.log"),
            ("/var/log/nginx/access.log", f"{folder}/logs/access.log"),
            ("http {\n", "http {\n" + temporary),
            ("include /etc/nginx/sites-enabled/*;", f"include {folder}/kiosk-central.conf;")):
        main = _swap(main, old, new)
    config = folder / "nginx.conf"
    config.write_text(main)
    return config


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port}: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _prepare_data(data: Path) -> tuple[str, str]:
    """A central data folder made the way IT makes one (`kiosk central init`)."""
    from sync.central.setup import add_device, init_central

    result = init_central(data, "https://127.0.0.1", "kiosk-00")
    return add_device(data, DEVICE_ID), result.admin_token


@contextmanager
def central_stack(folder: Path, workers: int | None = None) -> Iterator[CentralStack]:
    from tests.sync.certificates import self_signed

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: `make system-deps` installs it"
    raise_descriptor_limit()
    folder.mkdir(parents=True, exist_ok=True)
    gunicorn_port, https_port = free_port(), free_port()
    (folder / "data").mkdir(exist_ok=True)
    env = {**os.environ, "KIOSK_CENTRAL_DATA": str(folder / "data"),
           "KIOSK_CENTRAL_ACCESS_LOG": str(folder / "gunicorn-access.log"),
           "PYTHONPATH": str(ROOT)}
    if workers:
        env["KIOSK_CENTRAL_WORKERS"] = str(workers)
    device_token, admin_token = _prepare_data(folder / "data")
    gunicorn_log = folder / "gunicorn.log"
    with gunicorn_log.open("wb") as log:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF),
             "--bind", f"127.0.0.1:{gunicorn_port}", CENTRAL_APP],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(gunicorn_port, gunicorn, "gunicorn", gunicorn_log)
        certificate, key = self_signed(folder)
        config = render_nginx(folder / "nginx", https_port, free_port(), gunicorn_port,
                              certificate, key)
        nginx_log = folder / "nginx" / "logs" / "startup.log"
        with nginx_log.open("wb") as log:
            proxy = subprocess.Popen([nginx, "-p", f"{folder}/nginx/", "-c", str(config),
                                      "-e", str(nginx_log)], stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(https_port, proxy, "nginx", nginx_log)
            tls = ssl.create_default_context(cafile=certificate)
            yield CentralStack(https_port, gunicorn_port, gunicorn.pid, proxy.pid, tls, certificate,
                               device_token, admin_token, folder)
        finally:
            _stop(proxy)
    finally:
        _stop(gunicorn)
