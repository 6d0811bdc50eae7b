"""Set before anything imports Qt: with no display, Qt would abort the whole run.

Also what tests of several folders share: a real central service on loopback (`central`), sync
workers that are always closed (`sync_worker`), and the markers that let a developer run the
fast core alone (`make test-fast`: not ui, not slow, not network)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's silent stand-in engine, unless a test starts a speech engine of its own (tests/ui/
# speech_engines.py): the suite never talks to, or starts, this machine's speech-dispatcher.
os.environ.setdefault("KIOSK_SPEECH_ENGINE", "mock")

from pathlib import Path  # noqa: E402 (after the environment above, as everything else)

import pytest  # noqa: E402

from kiosk import pins  # noqa: E402
from sync.central.setup import InitResult, init_central  # noqa: E402
from sync.worker import SyncWorker  # noqa: E402
from tests.support.central import running_central  # noqa: E402
from tests.support.markers import mark_by_what_they_use  # noqa: E402


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
