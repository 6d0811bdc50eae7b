"""gunicorn's settings for the central service: `kiosk central serve` passes this file with
`--config`, and so do the systemd unit and the compose file in build/central/.

The documented deployment puts nginx in front (build/central/nginx/): nginx reads every
request whole before passing it on and takes every answer whole before a slow client reads it,
so a gunicorn worker only ever talks to nginx on loopback and is busy for the time the
application takes, never for the time a client takes. That is why the workers are gunicorn's
plain `sync` workers, the pattern gunicorn's documentation gives for a buffering proxy: one
request a process, nothing shared in memory between them (exactly-once, ETags, rate limits and
lockouts live in the database), and a worker that hangs is killed and replaced by `timeout`.

Every setting can be changed from the environment (below) or on gunicorn's command line
(`--bind`, `--workers`, ...), which wins over this file.
"""

from __future__ import annotations

import os
from typing import Any

_DRAIN_CHUNK = 64 * 1024
_DRAIN_LIMIT = 5 * 1024 * 1024  # nginx refuses larger bodies (client_max_body_size 5m)


def _number(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise SystemExit(f"{name} must be a whole number of 1 or more, not {text!r}.")
    return int(text)


# Loopback: nginx is the only client. Behind a proxy on another host, bind to its network.
bind = [part.strip() for part in
        os.environ.get("KIOSK_CENTRAL_BIND", "127.0.0.1:8080").split(",") if part.strip()]

# At least 4 processes, so one slow request (an export, a form check) never stalls the fleet;
# two a core beyond that, as gunicorn's documentation suggests for work that waits on a database.
workers = _number("KIOSK_CENTRAL_WORKERS", max(4, 2 * (os.cpu_count() or 1) + 1))
# Threads in each worker: a request waiting on the database (a commit on disk, a row lock)
# leaves its worker free for others. nginx still hands over whole requests only, so a slow
# client never holds a thread. 1: gunicorn's plain sync workers.
threads = _number("KIOSK_CENTRAL_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# Connections the kernel queues while every worker is busy (the standard library's server
# queued 5 and reset the rest: 450 of 500 simultaneous kiosks). The kernel caps it at
# net.core.somaxconn (4096 on current Linux).
backlog = _number("KIOSK_CENTRAL_BACKLOG", 2048)

# A worker silent for this long is killed and replaced; a restart lets requests finish first.
timeout = _number("KIOSK_CENTRAL_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5  # sync workers close after each answer; nginx keeps the clients' connections

# Requests nginx would already refuse, refused again here in case gunicorn is reached directly:
# a request line of 4 KB, 50 header fields of 8 KB at most.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# Django is loaded once, in the master, before the workers are forked: a worker that starts
# (or is replaced) is serving at once instead of spending a second of CPU importing it. No
# database connection is opened before the fork; each worker opens its own.
preload_app = True
# Each worker is replaced after tens of thousands of requests, not all at once (the jitter), so
# a slow leak in a library never grows for ever; at a thousand, a busy fleet's workers were
# replaced every few seconds.
max_requests = 20000
max_requests_jitter = 2000

# One line a request with the path only: never the query string (a status page's reference is
# in it, and a reference is linked to a citizen), never a body, never the Referer (it holds the
# status page's address). %(M)s is the time taken in milliseconds.
accesslog = os.environ.get("KIOSK_CENTRAL_ACCESS_LOG", "-")
access_log_format = '%({x-real-ip}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("KIOSK_CENTRAL_ERROR_LOG", "-")
loglevel = os.environ.get("KIOSK_CENTRAL_LOG_LEVEL", "info")

# Only the proxy may say which scheme the client used (X-Forwarded-Proto), so Django knows a
# request came over TLS (secure cookies, CSRF's origin check). Loopback by default; the compose
# file names its proxy's network.
forwarded_allow_ips = os.environ.get("KIOSK_CENTRAL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# The workers' heartbeat files in memory, not on a disk that may be slow or read-only
# (ProtectSystem=strict in the systemd unit, a container's overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

proc_name = "kiosk-central"

# gunicorn 24 and later open a control socket in $HOME; the service has no home to write to
# (ProtectHome in the unit) and nobody to talk to it: signals do (HUP, TERM).
control_socket_disable = True


def post_request(worker: Any, req: Any, environ: dict[str, Any], resp: Any) -> None:
    """Read and drop what is left of a body the application answered without reading (a
    request with no valid token: the body is never parsed nor kept). Closing a socket with
    unread bytes resets it, and nginx, still sending the body, would lose the answer and say
    502 instead of 401. At most 5 MB, 64 KB at a time, so a worker's memory never grows."""
    body = environ.get("wsgi.input")
    if body is None:
        return
    left = _DRAIN_LIMIT
    try:
        while left > 0:
            chunk = body.read(min(_DRAIN_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except (OSError, ValueError):
        return  # the client has gone: nothing more to keep in step with
