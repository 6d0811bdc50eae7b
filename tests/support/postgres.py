"""A throwaway PostgreSQL server for the tests, from Debian's `postgresql` package.

`PostgresServer().start()` makes a cluster in a fresh temporary folder (initdb), runs it on
127.0.0.1 on a free port and on a socket in that folder, and waits until it accepts
connections; `create_database()` gives a fresh, empty database as a URL that Django
(dj-database-url) and psycopg both take; `stop()` stops the server by its PID and removes the
folder. The fixtures `postgres_server`, `postgres_url` and `central_database_url`
(tests/conftest.py) are how tests use it.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
unprivileged system user `kiosk-test` (made if missing), through `setpriv`. Otherwise it runs
as whoever runs the tests.

The server is this process's own child (`postgres` in the foreground, as `pg_ctl start` would
run it, minus the daemonizing), with a parent-death signal: if the test run is killed, the
kernel stops its server too (the parent is the thread that started it: start it from the
main thread, as pytest's fixtures are). It is stopped with the signal `pg_ctl stop -m fast`
sends, to its PID. Each run has its own folder and port, so runs in parallel never meet, and a
crashed run leaves no socket or lock in anyone's way; the next start removes its folder
(`sweep_stale_folders`).

Durability is off (fsync, synchronous_commit, full_page_writes): the cluster is thrown away
at the end and nothing in it must survive a power cut, and every commit and CREATE DATABASE
skips its disk flushes. Authentication is `trust`, on loopback only: the server listens on
127.0.0.1 alone and its socket is in a folder only its user (and root) can enter.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

PACKAGE = "postgresql"
SERVER_USER = "kiosk-test"  # the system user the server runs as when the tests run as root
SUPERUSER = "postgres"  # the cluster's superuser, which makes and drops the databases
APP_ROLE = "central"  # the role the URLs connect as: owns its database, not a superuser
FOLDER_PREFIX = "kiosk-pg-"
OWNER_FILE = "owner.pid"  # the test run's PID, so the next start can tell a crashed run's folder
READY_SECONDS = 30
STOP_SECONDS = 15
PORT_ATTEMPTS = 3  # another process may take the free port between our look and the bind
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",  # several gunicorn workers per test, and their threads
    "log_min_messages": "warning",
}
HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's programs are missing, or the server would not start: the message says why."""


@dataclass(frozen=True)
class RunAs:
    """Who the server runs as: `command` wraps a command line to run it as them."""

    name: str
    uid: int
    gid: int

    def command(self, argv: list[str]) -> list[str]:
        # Parent-death signal last, after the user change that would clear it (setpriv sets it
        # just before exec): SIGQUIT is the postmaster's immediate shutdown.
        prefix = ["setpriv"]
        if self.uid != os.geteuid():
            prefix += [f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        return [*prefix, "--pdeathsig=SIGQUIT", "--", *argv]


def find_bindir(root: Path = Path("/usr/lib/postgresql")) -> Path:
    """The newest server under /usr/lib/postgresql/<version>/bin (Debian's layout, which
    `pg_config --bindir` also names), never a wrapper on the PATH."""
    candidates = [folder for folder in root.glob("*/bin")
                  if (folder / "initdb").is_file() and (folder / "postgres").is_file()]
    if not candidates:
        pg_config = shutil.which("pg_config")
        if pg_config:
            found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
            folder = Path(found.stdout.strip())
            if (folder / "initdb").is_file() and (folder / "postgres").is_file():
                return folder
        raise PostgresUnavailable(
            "PostgreSQL's server programs (initdb, postgres) were not found under "
            f"{root}/*/bin: install Debian's `{PACKAGE}` package "
            f"(sudo apt-get install {PACKAGE}, or build/install-system-deps.sh)")
    return max(candidates, key=lambda folder: _version(folder.parent.name))


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def server_user() -> RunAs:
    """Whoever runs the tests; as root, the unprivileged `kiosk-test`, made if missing."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid)
    entry = _system_user(SERVER_USER)
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _system_user(name: str) -> pwd.struct_passwd:
    # Runs in parallel may both try to add it: whoever loses finds it made by the other.
    failure = ""
    for _ in range(20):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
        if shutil.which("useradd") is None:
            raise PostgresUnavailable(
                f"running as root, PostgreSQL needs an unprivileged user: add one named "
                f"{name!r}, or install the `passwd` package for useradd")
        added = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", "--user-group",
             "--comment", "throwaway PostgreSQL of the kiosk's tests", name],
            capture_output=True, text=True)
        if added.returncode != 0:
            failure = added.stderr.strip()
            time.sleep(0.1)
    raise PostgresUnavailable(f"could not add the system user {name!r}: {failure}")


class PostgresServer:
    """One throwaway cluster; `start()` it, make databases with `create_database()`, `stop()`."""

    def __init__(self, base: Path | None = None, settings: dict[str, str] | None = None) -> None:
        self.base = Path(base or tempfile.gettempdir())
        self.settings = {**SETTINGS, **(settings or {})}
        self.bindir = find_bindir()
        self.user = server_user()
        self.folder: Path | None = None
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._admin: psycopg.Connection | None = None
        self._numbers = itertools.count(1)

    # -- life ------------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        sweep_stale_folders(self.base)
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=self.base))
        try:
            (self.folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
            os.chown(self.folder, self.user.uid, self.user.gid)
            closed = _closed_to(self.user, self.folder)
            if closed is not None:
                raise PostgresUnavailable(
                    f"the user {self.user.name!r} PostgreSQL runs as may not enter {closed}: "
                    f"give PostgresServer a base folder it can reach (or set TMPDIR), such as /tmp")
            self._initdb()
            self._run_on_a_free_port()
            self._admin = psycopg.connect(self.superuser_url("postgres"), autocommit=True)
            self._admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP_ROLE)))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Fast shutdown (what `pg_ctl stop -m fast` sends) to the postmaster's PID, which
        waits for its backends; SIGKILL if it has not gone in time. Then the folder goes."""
        if self._admin is not None:
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        if self.process is not None:
            _stop_process(self.process)
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The postmaster's PID."""
        assert self.process is not None, "the server is not running"
        return self.process.pid

    @property
    def socket_folder(self) -> Path:
        assert self.folder is not None, "the server is not running"
        return self.folder

    # -- databases -------------------------------------------------------------------------

    def url(self, database: str, user: str = APP_ROLE) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def superuser_url(self, database: str) -> str:
        return self.url(database, SUPERUSER)

    def create_database(self, template: str = "template0") -> str:
        """A fresh database (a copy of `template`, a name or URL: empty by default) owned by
        the `central` role, as its URL. A template of one's own (a database with no connection
        left open) makes a set-up many tests share, such as migrations, cost one copy each."""
        assert self._admin is not None, "the server is not running"
        name = f"test_{next(self._numbers)}"
        self._admin.execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(APP_ROLE),
            sql.Identifier(_database_name(template))))
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        """Drops it, ending any connection still open to it (WITH (FORCE) does that first)."""
        assert self._admin is not None, "the server is not running"
        self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(_database_name(url_or_name))))

    def log_tail(self, lines: int = 20) -> str:
        if self.folder is None:
            return ""
        log = self.folder / "postgres.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    # -- start-up --------------------------------------------------------------------------

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.user.command(argv), cwd=self.folder, env=self._environment(),
                              capture_output=True, text=True)

    def _environment(self) -> dict[str, str]:
        # No PG* variable of the caller's (PGDATA, PGPORT, ...) may point the server elsewhere.
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        environment.update(HOME=str(self.folder), LC_ALL="C.UTF-8", TZ="UTC")
        return environment

    def _initdb(self) -> None:
        assert self.folder is not None
        done = self._run([str(self.bindir / "initdb"), "-D", str(self.folder / "data"),
                          "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                          "--locale=C.UTF-8", "--no-sync", "--no-instructions"])
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"initdb failed (exit {done.returncode}) as user {self.user.name!r} in "
                f"{self.folder}:\n{_tail(done.stdout + done.stderr)}")
        (self.folder / "data" / "pg_hba.conf").write_text(HBA, encoding="ascii")

    def _run_on_a_free_port(self) -> None:
        for attempt in range(PORT_ATTEMPTS):
            self.port = _free_port()
            self._launch()
            if self._wait_until_ready():
                return
            bind_failed = "could not bind" in self.log_tail(50)
            self._stop_server()
            if not bind_failed or attempt == PORT_ATTEMPTS - 1:
                raise PostgresUnavailable(
                    f"PostgreSQL did not start on 127.0.0.1:{self.port} as user "
                    f"{self.user.name!r}; the end of its log:\n{self.log_tail()}")

    def _launch(self) -> None:
        assert self.folder is not None
        options = [f"{key}={value}" for key, value in self.settings.items()]
        argv = [str(self.bindir / "postgres"), "-D", str(self.folder / "data"),
                "-p", str(self.port), "-k", str(self.folder)]
        argv += [part for option in options for part in ("-c", option)]
        with open(self.folder / "postgres.log", "ab") as log:
            self.process = subprocess.Popen(self.user.command(argv), cwd=self.folder,
                                            env=self._environment(), stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT)

    def _wait_until_ready(self) -> bool:
        assert self.process is not None
        isready = [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1",
                   "-p", str(self.port), "-U", SUPERUSER, "-d", "postgres", "-t", "1"]
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if subprocess.run(isready, env=self._environment()).returncode == 0:
                return True
            time.sleep(0.05)
        return False

    def _stop_server(self) -> None:
        if self.process is not None:
            _stop_process(self.process)
            self.process = None


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _closed_to(user: RunAs, folder: Path) -> Path | None:
    """The first folder above `folder` that `user` may not pass through, if any (as root,
    pytest's own tmp_path is such a folder: /tmp/pytest-of-root is closed to others)."""
    for parent in reversed(folder.parents):
        status = parent.stat()
        if status.st_uid == user.uid:
            allowed = status.st_mode & 0o100
        elif status.st_gid == user.gid:
            allowed = status.st_mode & 0o010
        else:
            allowed = status.st_mode & 0o001
        if not allowed:
            return parent
    return None


def _database_name(url_or_name: str) -> str:
    return url_or_name.rsplit("/", 1)[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def sweep_stale_folders(base: Path) -> list[Path]:
    """Removes the folders of test runs that died (killed, crashed) before removing their own:
    their run's process is gone and so is their postmaster. Returns the folders removed."""
    removed = []
    for folder in base.glob(f"{FOLDER_PREFIX}*"):
        owner = _pid_in(folder / OWNER_FILE)
        postmaster = _pid_in(folder / "data" / "postmaster.pid")
        if owner is None or _alive(owner) or (postmaster is not None and _alive(postmaster)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _pid_in(path: Path) -> int | None:
    try:
        first = path.read_text(encoding="ascii").split("\n", 1)[0].strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(first) if first.isdigit() else None


def _alive(pid: int) -> bool:
    """Whether the process runs: a zombie (dead, not yet reaped) does not."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    state = next((line for line in status.splitlines() if line.startswith("State:")), "")
    return state.split()[1:2] != ["Z"]


@contextlib.contextmanager
def central_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """For a fixture parametrized "sqlite"/"postgres": None (the central's default, SQLite in
    its folder), or a copy of the session's migrated central database (the fixture
    `central_postgres_template`), dropped afterwards with any connection still open to it."""
    if request.param == "sqlite":
        yield None
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database(template=request.getfixturevalue("central_postgres_template"))
    try:
        yield url
    finally:
        server.drop_database(url)
