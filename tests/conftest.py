"""Set before anything imports Qt: with no display, Qt would abort the whole run.

Also what tests of several folders share: a real central service on loopback (`central`), sync
workers that are always closed (`sync_worker`), and the markers that let a developer run the
fast core alone (`make test-fast`: not ui, not slow, not network).

PostgreSQL (tests/support/postgres.py): `postgres_server` is one throwaway server for the whole
session, started only when a test first asks for it; `postgres_url` is a fresh, empty database
on it for one test, dropped after. `central_database_url` runs a test on both databases the
central service takes: it is parametrized with the ids `sqlite` and `postgres` (so `pytest -k
postgres` runs the PostgreSQL half alone) and is None for SQLite (the default: a file in the
data folder) or a fresh database's URL. A fixture that asks for it parametrizes every test
that uses that fixture, so a whole folder runs twice with, in its conftest.py:

    @pytest.fixture
    def central_dir(tmp_path, central_database_url):
        ...  # the folder set up on central_database_url (None: SQLite)"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's silent stand-in engine, unless a test starts a speech engine of its own (tests/ui/
# speech_engines.py): the suite never talks to, or starts, this machine's speech-dispatcher.
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")

from collections.abc import Iterator  # noqa: E402 (after the environment above, as everything else)
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk import pins  # noqa: E402
from sync.central.setup import InitResult, init_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.support.central import running_central  # noqa: E402
from tests.support.markers import mark_by_what_they_use  # noqa: E402
from tests.support.postgres import PostgresServer, central_database  # noqa: E402
from tests.support.progress_service import ProgressShim  # noqa: E402


def pytest_collection_modifyitems(config, items):
    mark_by_what_they_use(items)


@pytest.fixture(autouse=True)
def quick_pin_hashes(request, monkeypatch):
    """Helper PINs hashed at N=2^14 instead of the kiosk's 2^17 (0.4 s and 128 MiB each), so
    the many tests that add helpers and unlock stay quick; each hash names its own cost, so
    nothing else changes. Tests of the cost itself are marked `real_pin_cost`."""
    if "real_pin_cost" not in request.keywords:
        monkeypatch.setattr(pins, "SCRYPT_COST", {"n": 2**14, "r": 8, "p": 1})


@pytest.fixture
def central_dir(tmp_path) -> tuple[Path, InitResult]:
    """The central service's data folder, set up as `kiosk central init` does (tests/sync/
    central/ sets it up with a sample form and the default device instead)."""
    folder = tmp_path / "central"
    init = init_central(folder, "http://127.0.0.1:8765", device_id="hall-7")
    return folder, init


@pytest.fixture
def central(central_dir):
    """The central service over `central_dir`, on a free loopback port for this test."""
    with running_central(*central_dir) as central:
        yield central


@pytest.fixture
def progress_central(central):
    """The real central service on loopback behind tests/support/progress_service.py's
    recording pass-through. Its `url` is where kiosks send, its `review(reference, state,
    note)` does what staff do (in the central's database), its `asked` lists each POST
    /v1/progress's references, its `central` the central service's handle."""
    shim = ProgressShim(central.url, central.init.device_token).start()
    shim.central = central
    try:
        yield shim
    finally:
        shim.stop()


@pytest.fixture
def sync_worker():
    """Makes SyncWorker(store, config, **options); each one made is closed when the test ends,
    passed or failed. A worker holds the database's sync lock: a test (or helper) that makes
    another on the same database closes the first itself, which is harmless to repeat."""
    made: list[SyncWorker] = []

    def make(store, config, **options) -> SyncWorker:
        worker = SyncWorker(store, config, **options)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (as an unprivileged user when run as
    root), stopped by its PID at the end; started by the first test that needs it."""
    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:
    """A fresh, empty database on `postgres_server`, as postgresql://central@127.0.0.1:PORT/
    test_N; dropped after the test, with any connection still open to it."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(scope="session")
def central_postgres_template(postgres_server, tmp_path_factory) -> str:
    """A database with the central's migrations applied, copied for each test that runs the
    central on PostgreSQL: migrating costs seconds, a copy a fraction of one."""
    from sync.central.web.databases import close, register
    from sync.central.web.migrating import migrate_database

    url = postgres_server.create_database()
    alias = register(url)
    migrate_database(alias, tmp_path_factory.mktemp("central-template"))
    close(alias)  # a template with a connection open cannot be copied
    return url


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def central_database_url(request) -> Iterator[str | None]:
    """The central service's database, once each way: None for SQLite (the default, a file in
    the data folder), for PostgreSQL a fresh database with the central's tables (dropped after
    the test, with any connection still open to it)."""
    with central_database(request) as url:
        yield url
