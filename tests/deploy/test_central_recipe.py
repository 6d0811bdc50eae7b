"""The central service's recipe in build/central/ (systemd units, nginx, compose, backups) and
gunicorn's settings, checked as far as this machine can: systemd, nginx and shellcheck read
them; the settings the abuse tests depend on are where they should be."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.central_stack import GUNICORN_CONF, RECIPE, free_port, render_nginx
from tests.sync.certificates import self_signed

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = RECIPE / "systemd"
PROGRAM = "/opt/kiosk-central/venv/bin/gunicorn"
KIOSK = "/opt/kiosk-central/venv/bin/kiosk"


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists()
                                   else None)
    assert found, f"{name} is missing: `make system-deps` installs it"
    return found


def _settings(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r"^(\w+)=(.*)$", path.read_text(), re.M):
        found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize("unit", sorted(SYSTEMD.glob("*.service")) + sorted(SYSTEMD.glob("*.timer")),
                         ids=lambda path: path.name)
def test_systemd_accepts_the_unit(unit, tmp_path):
    """systemd checks that the programs a unit starts exist: the venv's gunicorn and kiosk are
    only on a host the recipe was installed on, so stand-ins of those names take their place."""
    text = unit.read_text()
    for program in (PROGRAM, KIOSK):
        stand_in = tmp_path / Path(program).name
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
        text = text.replace(program, str(stand_in))
    copy = tmp_path / unit.name
    copy.write_text(text)
    if unit.suffix == ".timer":
        (tmp_path / unit.name.replace(".timer", ".service")).write_text(
            (SYSTEMD / unit.name.replace(".timer", ".service")).read_text())
    result = subprocess.run([_tool("systemd-analyze"), "verify", str(copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_central_runs_as_its_own_user_in_a_locked_down_service():
    unit = _settings(SYSTEMD / "kiosk-central.service")
    assert unit["User"] == ["kiosk-central"] and unit["Group"] == ["kiosk-central"]
    for setting, value in (("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                           ("NoNewPrivileges", "yes"), ("ProtectHome", "yes"),
                           ("ReadWritePaths", "/var/lib/kiosk-central"),
                           ("CapabilityBoundingSet", "")):
        assert unit[setting] == [value], setting
    assert unit["ExecStart"] == [f"{PROGRAM} --config python:sync.central.web.gunicorn_conf "
                                 "sync.central.web.wsgi:application"]
    assert "KIOSK_CENTRAL_DATA=/var/lib/kiosk-central" in unit["Environment"]
    # The database brought to this version before any worker starts (after an upgrade).
    assert unit["ExecStartPre"] == [f"{KIOSK} central migrate --data-dir /var/lib/kiosk-central"]


@pytest.mark.parametrize("script", [RECIPE / "backup.sh"], ids=lambda path: path.name)
def test_shellcheck_finds_nothing(script):
    result = subprocess.run([_tool("shellcheck"), str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_backup_copies_an_sqlite_central_and_its_key_folder(tmp_path):
    import sqlite3

    data = tmp_path / "data"
    data.mkdir()
    (data / "central.key").write_text("made-up key")
    with sqlite3.connect(data / "central.db") as database:
        database.execute("CREATE TABLE t (x)")
        database.execute("INSERT INTO t VALUES (1)")
    database.close()
    result = subprocess.run(["sh", str(RECIPE / "backup.sh"), str(tmp_path / "backups")],
                            env={**os.environ, "KIOSK_CENTRAL_DATA": str(data),
                                 "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    [copy] = (tmp_path / "backups").glob("central-*.sqlite3")
    with sqlite3.connect(copy) as database:
        assert database.execute("SELECT x FROM t").fetchall() == [(1,)]
    database.close()
    [archive] = (tmp_path / "backups").glob("data-*.tar.gz")
    listing = subprocess.run(["tar", "-tzf", str(archive)], capture_output=True, text=True,
                             check=True).stdout.split()
    assert "./central.key" in listing and "./central.db" not in listing


def test_nginx_accepts_the_site_with_only_paths_and_ports_changed(tmp_path):
    certificate, key = self_signed(tmp_path)
    config = render_nginx(tmp_path / "nginx", free_port(), free_port(), free_port(),
                          certificate, key)
    result = subprocess.run([_tool("nginx"), "-t", "-p", f"{tmp_path}/nginx/", "-c", str(config),
                             "-e", str(tmp_path / "nginx" / "test.log")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_nginx_refuses_what_the_api_refuses_and_buffers_whole_requests():
    site = (RECIPE / "nginx" / "kiosk-central.conf").read_text()
    directives = dict(re.findall(r"^\s*(\w+) ([^;{]+);", site, re.M))
    contract = (ROOT / "sync" / "central" / "openapi.yaml").read_text()
    assert "Bodies over 5 MB are refused with 413" in contract
    # 5 MB everywhere; only an administrator's kiosk package upload in the console is larger.
    assert re.findall(r"client_max_body_size (\w+);", site) == ["5m", "1g"]
    assert re.search(r"location = /console/updates/offer \{\s*client_max_body_size 1g;", site)
    assert directives["proxy_request_buffering"] == "on" and directives["proxy_buffering"] == "on"
    assert directives["ssl_protocols"] == "TLSv1.2 TLSv1.3"
    assert re.search(r'add_header Strict-Transport-Security "max-age=\d{8,}', site)
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout",
                    "keepalive_timeout"):
        assert directives[timeout] == ("15s" if timeout == "keepalive_timeout" else "10s")
    main = (RECIPE / "nginx" / "nginx.conf").read_text()
    # 5,000 idle connections and a fleet, each with its connection to gunicorn.
    assert int(re.search(r"worker_connections (\d+);", main)[1]) >= 2 * (5_000 + 1_000)
    assert int(re.search(r"worker_rlimit_nofile (\d+);", main)[1]) >= 2 * 16384
    log_format = re.search(r"log_format no_query ([^;]+);", main)[1]
    assert "$uri" in log_format
    for leak in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer",
                 "$request_body"):
        assert leak not in log_format


def _gunicorn_settings(**environment: str) -> dict[str, object]:
    saved = dict(os.environ)
    os.environ.update(environment)
    try:
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_gunicorn_runs_at_least_4_sync_workers_with_a_deep_backlog():
    settings = _gunicorn_settings()
    assert settings["workers"] >= 4 and settings["worker_class"] == "sync"
    assert settings["backlog"] == 2048 and settings["bind"] == ["127.0.0.1:8080"]
    assert settings["limit_request_line"] <= 8190 and settings["limit_request_fields"] <= 100
    assert settings["max_requests"] and settings["max_requests_jitter"]
    for leak in ("%(r)s", "%(q)s", "%(f)s", "%(U)s?"):
        assert leak not in settings["access_log_format"]


def test_gunicorn_takes_its_address_and_workers_from_the_environment():
    settings = _gunicorn_settings(KIOSK_CENTRAL_BIND="0.0.0.0:9000", KIOSK_CENTRAL_WORKERS="8")
    assert settings["bind"] == ["0.0.0.0:9000"] and settings["workers"] == 8


def test_a_worker_count_that_is_not_a_number_is_refused_in_a_sentence():
    with pytest.raises(SystemExit, match="KIOSK_CENTRAL_WORKERS must be a whole number"):
        _gunicorn_settings(KIOSK_CENTRAL_WORKERS="four")


def test_the_compose_file_runs_postgres_the_central_and_nginx_with_the_same_files():
    compose = yaml.safe_load((RECIPE / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "central", "nginx"}
    assert services["nginx"]["network_mode"] == "service:central"
    mounted = {volume.split(":")[0] for volume in services["nginx"]["volumes"]}
    assert {"./nginx/nginx.conf", "./nginx/kiosk-central.conf"} <= mounted
    assert "postgres" in services["central"]["environment"]["KIOSK_CENTRAL_DATABASE_URL"]
    assert (ROOT / services["central"]["build"]["dockerfile"]).exists()
    assert "sync.central.web.wsgi:application" in (RECIPE / "Dockerfile").read_text()


def test_the_kiosks_bundle_leaves_the_web_stack_out():
    sys.path.insert(0, str(ROOT / "build"))
    try:
        from trim import EXCLUDED_MODULES
    finally:
        sys.path.remove(str(ROOT / "build"))
    for package in ("django", "gunicorn", "psycopg", "psycopg_binary", "dj_database_url"):
        assert package in EXCLUDED_MODULES
