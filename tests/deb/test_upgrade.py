"""An upgrade that keeps everything, with the real package on this machine and a real central
service on loopback: an older version installed and used (50 submissions waiting, a saved
form, a locked PIN pad, a database from before the newest migration, IT's own configuration),
then the newer one installed over it, started as kiosk.service starts it, and sending. Then a
downgrade refused, a removal that keeps, and a purge that says what it deletes."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import tempfile
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.forms.loader import load_form
from kiosk.forms.session import Session
from kiosk.forms.snapshot import restore_session, session_state
from kiosk.store import Store
from sync.central.server import CentralServer
from sync.central.setup import init_central
from tests.support.central import TEST_TIMINGS, Central
from tests.support.deb_machine import (
    ACCOUNT,
    COMMAND,
    CONFIG,
    DATA,
    HOME,
    PROGRAM,
    apt_install,
    as_kiosk,
    give_back_to_the_kiosk,
    package_status,
    run,
    run_in_cage,
)

FORM = Path("/opt/kiosk/_internal/assets/forms/report_problem.yaml")
WAITING = 50
PIN = "481516"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _it_writes_the_configuration(block: str, port: int) -> str:
    """IT's kiosk.toml: the site, and the block `kiosk central init` printed, at the address
    the service will listen on (with the tests' short timings)."""
    central = tomllib.loads(block)["destinations"]["central"]
    central.update(TEST_TIMINGS, url=f"http://127.0.0.1:{port}")
    lines = ['# LIB07, written by IT', 'site_id = "LIB07"', 'data_dir = "/var/lib/kiosk/data"',
             "", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in central.items()
              if value is not None]
    text = "\n".join(lines) + "\n"
    CONFIG.write_text(text)
    return text


def _make_fifty_submissions(shared: Path) -> None:
    """50 visits sent with the installed command, as the kiosk account: the answers of a
    made-up report, once a line."""
    answers = {"category": "graffiti", "problem_detail": "graffiti_public_property",
               "location": "Bus shelter next to Sampleton library", "urgency": "not_urgent"}
    lines = shared / "answers.jsonl"
    lines.write_text((json.dumps(answers) + "\n") * WAITING)
    lines.chmod(0o644)
    done = as_kiosk(PROGRAM, "forms", "try", FORM, "--answers", lines, "--submit")
    assert done.stdout.count("stored as LIB07-") == WAITING, done.stdout + done.stderr


def _save_a_draft_and_lock_the_pad() -> str:
    """A citizen's saved form (its resume code) and a PIN pad locked after wrong PINs, made
    with the store's own API as the kiosk does; the lock is the fourth in a row (32 minutes),
    so it still holds after the upgrade."""
    offset = timedelta(minutes=-60)

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    form = load_form(FORM)
    with Store(DATA / "kiosk.db", site_id="LIB07", clock=clock) as store:
        session = Session(form, "en", clock=clock)
        session.answer("category", "graffiti")
        session.continue_()
        draft = store.drafts.new_draft_id()
        store.drafts.autosave(draft, session_state(session))
        code, _ = store.drafts.save_for_later(draft, session_state(session))
        store.staff.set_helper_pin("Amina", PIN)
        for lock in range(4):
            if lock == 3:
                offset = timedelta(0)  # the last lock is now, in real time
            for _ in range(5):
                result = store.staff.try_unlock("999999")
            assert result.status == "locked"
            if lock < 3:  # waited out, on the test's clock
                offset += timedelta(seconds=result.locked_for_seconds + 1)
        assert store.staff.try_unlock(PIN).status == "locked"
    give_back_to_the_kiosk()
    return code


def _as_the_release_before_m006() -> None:
    """The database as the release before store.progress wrote it."""
    with sqlite3.connect(DATA / "kiosk.db") as conn:
        conn.execute("DROP TABLE progress")
        conn.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'kiosk'"
                     " AND name = 'm006_progress'")
    give_back_to_the_kiosk()


def _migrations() -> list[str]:
    with sqlite3.connect(f"file:{DATA / 'kiosk.db'}?mode=ro", uri=True) as conn:
        return [name for (name,) in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'kiosk' ORDER BY id")]


def _status() -> dict:
    return json.loads(run(COMMAND, "status", "--json", check=False).stdout)


def _start_as_the_unit_does(shared: Path) -> str:
    """The installed kiosk in a cage session as kiosk.service starts it, for a few seconds."""
    return run_in_cage("--report-first-paint", seconds=5, runtime_parent=shared)


def _ids() -> tuple[int, int]:
    import pwd

    account = pwd.getpwnam(ACCOUNT)
    return account.pw_uid, account.pw_gid


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_upgrade_keeps_everything_and_a_downgrade_removal_and_purge_say_what_they_do(
        machine, package, version, older_package, tmp_path):
    older, older_deb = older_package
    shared = Path(tempfile.mkdtemp(prefix="kiosk-upgrade-"))  # the kiosk account reads here
    shared.chmod(0o755)
    port = _free_port()
    folder = tmp_path / "central"
    init = init_central(folder, f"http://127.0.0.1:{port}", device_id="lib07-kiosk-1")
    try:
        # Version A, as IT installed and configured it, used for a week offline.
        apt_install(older_deb)
        assert package_status() == f"{older} install ok installed"
        configured = _it_writes_the_configuration(init.toml_block, port)
        _make_fifty_submissions(shared)
        code = _save_a_draft_and_lock_the_pad()
        _as_the_release_before_m006()
        assert "m006_progress" not in _migrations()
        assert _status()["submissions"]["queued"] == WAITING

        # Version B over it.
        said = apt_install(package)
        assert package_status() == f"{version} install ok installed"
        assert "Next: edit" not in said.stdout  # an upgrade, not a first install
        assert CONFIG.read_text() == configured  # IT's edit kept (a conffile)
        assert (CONFIG.stat().st_mode & 0o777, CONFIG.stat().st_gid) == (0o640, _ids()[1])
        assert run(COMMAND, "--version").stdout.startswith(f"kiosk {version} ")

        # The new kiosk starts (the central is down: nothing can leave yet) and migrates.
        started = _start_as_the_unit_does(shared)
        assert "painted" in started, started
        assert f"kiosk {version} started: site LIB07" in (DATA / "logs" / "kiosk.log").read_text()
        assert _migrations()[-1] == "m006_progress"
        status = _status()
        assert status["healthy"] and status["submissions"]["queued"] == WAITING
        assert status["drafts_saved"] == 1
        with Store(DATA / "kiosk.db", site_id="LIB07") as store:
            found = store.drafts.find_draft(code)
            assert found.status == "found"
            state = store.drafts.load_draft(found.draft_id)
            restored = restore_session(load_form(FORM), state)
            assert restored.dropped == [] and state["values"]["category"] == "graffiti"
            assert restored.session.page().key.name != "category"  # on past the first page
            locked = store.staff.try_unlock(PIN)
            assert locked.status == "locked" and locked.locked_for_seconds > 20 * 60
        give_back_to_the_kiosk()

        # The central comes back: everything goes, once.
        server = CentralServer(folder, port=port).start()
        try:
            central = Central(folder, init, server, [])
            sent = as_kiosk(PROGRAM, "sync", "--once")
            assert f"central: {WAITING} delivered, 0 to retry, 0 rejected" in sent.stdout
            again = as_kiosk(PROGRAM, "sync", "--once")
            assert "Everything has been delivered." in again.stdout
            assert "central: 0 delivered, 0 to retry, 0 rejected" in again.stdout
            assert len(central.stored("instance_id")) == WAITING
            assert len(set(central.stored("instance_id"))) == WAITING
        finally:
            server.stop()

        # Back to A: refused, and nothing changed.
        database, program = _digest(DATA / "kiosk.db"), _digest(PROGRAM)
        refused = run("dpkg", "-i", older_deb, check=False)
        assert refused.returncode != 0
        assert (f"kiosk: refusing to go back from version {version} to the older version "
                f"{older}.") in refused.stderr
        assert f"Nothing was changed: {version} is still what is installed." in refused.stderr
        assert package_status() == f"{version} install ok installed"
        assert run(COMMAND, "--version").stdout.startswith(f"kiosk {version} ")
        assert (_digest(DATA / "kiosk.db"), _digest(PROGRAM)) == (database, program)

        # Two more waiting, then removal: the data and configuration stay.
        _make_two_more(shared)
        removed = run("dpkg", "--remove", "kiosk")
        assert package_status() == f"{version} deinstall ok config-files"
        assert not PROGRAM.exists() and not COMMAND.exists()
        assert CONFIG.read_text() == configured
        assert (DATA / "kiosk.db").exists() and (HOME / "waiting-at-removal").exists()
        assert "waiting to be sent" not in removed.stdout + removed.stderr

        # Purge: says how many were waiting, then deletes them with everything else.
        purged = run("dpkg", "--purge", "kiosk")
        assert ("kiosk: 2 submissions were still waiting to be sent; they are deleted with "
                "/var/lib/kiosk.") in purged.stdout
        assert package_status() is None
        for gone in (HOME, Path("/etc/kiosk"), Path("/etc/systemd/system/getty@tty1.service")):
            assert not gone.exists() and not gone.is_symlink(), gone
        # The account stays (build/README.md says why); the fixture removes it.
        assert run("getent", "passwd", ACCOUNT, check=False).returncode == 0
    finally:
        run("rm", "-rf", shared)


def _make_two_more(shared: Path) -> None:
    answers = shared / "two.jsonl"
    answers.write_text((json.dumps({"category": "other", "problem_detail": "blocked_drain",
                                    "location": "Corner of Testing Road",
                                    "urgency": "not_urgent"}) + "\n") * 2)
    answers.chmod(0o644)
    done = as_kiosk(PROGRAM, "forms", "try", FORM, "--answers", answers, "--submit")
    assert done.stdout.count("stored as LIB07-") == 2, done.stdout + done.stderr


def test_the_fleet_updaters_rollback_may_put_the_older_version_back(machine, package, version,
                                                                    older_package):
    """KIOSK_ROLLBACK=1 (the updater's, after a new version failed its self-test) lets the
    version that ran before go back over the newer one; the data stays."""
    older, older_deb = older_package
    apt_install(package)
    run(COMMAND, "helper", "list")  # a database, as the newer version made it
    database = _digest(DATA / "kiosk.db")
    back = run("dpkg", "-i", older_deb, env={**os.environ, "KIOSK_ROLLBACK": "1"})
    assert "refusing" not in back.stderr
    assert package_status() == f"{older} install ok installed"
    assert run(COMMAND, "--version").stdout.startswith(f"kiosk {older} ")
    assert _digest(DATA / "kiosk.db") == database
