"""The throwaway PostgreSQL the central's tests run on (tests/support/postgres.py): it starts as
an unprivileged user, gives separate empty databases that psycopg and Django both take, and
leaves no process and no folder behind, even when the test run that started it is killed."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.support.postgres import (
    SERVER_USER,
    PostgresServer,
    PostgresUnavailable,
    find_bindir,
)

ROOT = Path(__file__).resolve().parents[3]
# A test run of its own that starts a server, says where it is, then waits to be killed.
DOOMED_RUN = """
import sys, time
from tests.support.postgres import PostgresServer
server = PostgresServer().start()
print(server.pid, server.folder, flush=True)
time.sleep(600)
"""


def test_a_table_made_through_psycopg_reads_back_as_written(postgres_url):
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        connection.execute("INSERT INTO notes (body) VALUES (%s)", ("Ŝanĝo – 变更 ✓",))
        rows = connection.execute("SELECT body FROM notes").fetchall()
        encoding = connection.execute("SHOW server_encoding").fetchone()
        superuser = connection.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    assert rows == [("Ŝanĝo – 变更 ✓",)]
    assert encoding == ("UTF8",)
    assert superuser == (False,)  # as the central service will connect: owner, not superuser


def test_two_urls_are_two_separate_empty_databases(postgres_server, postgres_url):
    other = postgres_server.create_database()
    try:
        assert other != postgres_url
        with psycopg.connect(postgres_url) as connection:
            connection.execute("CREATE TABLE only_here (n int)")
        with psycopg.connect(other) as connection:
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        assert tables == []
    finally:
        postgres_server.drop_database(other)


def test_a_database_made_from_another_starts_with_its_tables_and_rows(postgres_server,
                                                                     postgres_url):
    # How a set-up many tests share (migrations, say) is paid once: made once, then copied.
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE forms (form_id text PRIMARY KEY)")
        connection.execute("INSERT INTO forms VALUES ('licence_renewal')")
    copy = postgres_server.create_database(template=postgres_url)
    try:
        with psycopg.connect(copy) as connection:
            assert connection.execute("SELECT form_id FROM forms").fetchall() == [
                ("licence_renewal",)]
            connection.execute("DELETE FROM forms")
        with psycopg.connect(postgres_url) as connection:
            assert connection.execute("SELECT count(*) FROM forms").fetchone() == (1,)
    finally:
        postgres_server.drop_database(copy)


def test_django_reads_the_url_as_the_same_database(postgres_url):
    settings = dj_database_url.parse(postgres_url)
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    # What Django's backend hands psycopg, taken apart and put back, reaches that database.
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                         dbname=settings["NAME"]) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (settings["NAME"],)


def test_central_database_url_is_the_sqlite_default_or_a_fresh_migrated_postgresql_database(
        request, central_database_url):
    if request.node.callspec.id == "sqlite":
        assert central_database_url is None
        return
    assert request.node.callspec.id == "postgres"
    with psycopg.connect(central_database_url) as connection:
        submissions = connection.execute("SELECT count(*) FROM submissions").fetchone()
        counter = connection.execute("SELECT value FROM counters").fetchall()
    assert submissions == (0,) and counter == [(0,)]  # the central's tables, nothing in them


def test_dropping_a_database_ends_the_connections_still_open_to_it(postgres_server):
    url = postgres_server.create_database()
    left_open = psycopg.connect(url)
    postgres_server.drop_database(url)
    with pytest.raises(psycopg.OperationalError):
        left_open.execute("SELECT 1")
    left_open.close()
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(url).close()


def test_the_server_never_runs_as_root(postgres_server):
    expected = pwd.getpwnam(SERVER_USER).pw_uid if os.geteuid() == 0 else os.geteuid()
    # Through its socket, which is in its own folder (and so that it has a backend to look at).
    with psycopg.connect(host=str(postgres_server.socket_folder), port=postgres_server.port,
                         user="postgres", dbname="postgres"):
        processes = [postgres_server.pid, *_children(postgres_server.pid)]
        owners = {_real_uid(pid) for pid in processes}
    assert len(processes) > 1
    assert owners == {expected}
    assert 0 not in owners


def test_a_second_server_answers_beside_the_first_and_once_stopped_leaves_nothing(
        postgres_server):
    second = PostgresServer().start()
    folder = second.folder
    assert second.port != postgres_server.port and folder != postgres_server.folder
    for server in (postgres_server, second):
        with psycopg.connect(server.superuser_url("postgres")) as connection:
            assert connection.execute("SHOW port").fetchone() == (str(server.port),)
    left_open = psycopg.connect(second.superuser_url("postgres"))
    processes = [second.pid, *_children(second.pid)]
    second.stop()
    left_open.close()
    assert len(processes) > 1
    assert [pid for pid in processes if Path(f"/proc/{pid}").exists()] == []
    assert folder is not None and not folder.exists()


def test_a_killed_test_run_takes_its_server_with_it_and_the_next_start_sweeps_its_folder():
    with subprocess.Popen([sys.executable, "-c", DOOMED_RUN], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        assert run.stdout is not None and run.stderr is not None
        line = run.stdout.readline()
        if not line:
            pytest.fail(run.stderr.read())
        run.send_signal(signal.SIGKILL)
    postmaster, folder = int(line.split()[0]), Path(line.split()[1])
    assert _gone_within(postmaster, seconds=30), "the killed run's postmaster still runs"
    assert folder.exists()
    with PostgresServer() as after:
        with psycopg.connect(after.superuser_url("postgres")) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        assert not folder.exists()


def test_a_server_that_will_not_start_says_why_with_the_end_of_its_log():
    server = PostgresServer(settings={"shared_buffers": "lots"})
    with pytest.raises(PostgresUnavailable, match="did not start") as raised:
        server.start()
    assert 'invalid value for parameter "shared_buffers"' in str(raised.value)
    assert server.folder is None and server.process is None


def test_a_folder_the_server_user_may_not_enter_is_named(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    server = PostgresServer(base=closed)
    if server.user.uid == os.geteuid():
        pytest.skip("the server runs as whoever runs the tests, who may enter their own folders")
    with pytest.raises(PostgresUnavailable, match="may not enter /"):
        server.start()
    assert list(closed.iterdir()) == []


def test_missing_postgresql_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config either
    with pytest.raises(PostgresUnavailable, match="install Debian's `postgresql` package"):
        find_bindir(tmp_path)


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return children


def _real_uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    return int(uid_line.split()[1])


def _gone_within(pid: int, seconds: float) -> bool:
    """Whether the process ends (a zombie has ended) within `seconds`: a deadline for a kill
    to take effect, not a measure of speed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except (OSError, IndexError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False
