"""A real kiosk window over the sample forms and a real store in a temporary folder."""


import pytest

from kiosk.config import Config
from kiosk.forms.catalogue import load_catalogue
from kiosk.store import Store
from sync.worker import SyncWorker
from tests.support.paths import ROOT
from ui.driver import Driver
from ui.sync_runner import SyncRunner

from .helpers import shown_window
from .speech_engines import hanging_engine, real_engine  # noqa: F401 (fixtures, for speech tests)


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(ROOT / "assets" / "forms")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "kiosk.db", site_id="TEST") as store:
        yield store


@pytest.fixture
def make_window(qtbot, catalogue, store):
    made = []

    def make(**options):
        window = shown_window(qtbot, catalogue, store, Config(site_id=store.site_id), **options)
        made.append(window)
        return window

    yield make
    for window in made:  # no background task may outlive its test
        window.shutdown()
        assert not window.tasks.busy()


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def driver(window, qtbot):
    return Driver(window, wait=lambda predicate: qtbot.waitUntil(predicate, timeout=10_000))


@pytest.fixture
def kiosk(qtbot, tmp_path, catalogue):
    """A kiosk window sending to the configured service, as `kiosk run` builds it."""
    made = []

    def make(config):
        store = config.open_store()
        window = shown_window(qtbot, catalogue, store, config, locked=False)
        runner = SyncRunner(window.tasks, store, lambda: SyncWorker(store, config), 3600,
                            config.load_catalogue)
        window.attach_sync(runner)
        made.append((window, store))
        return window, Driver(window, wait=lambda p: qtbot.waitUntil(p, timeout=10_000))

    yield make
    for window, store in made:
        window.shutdown()
        assert not window.tasks.busy()
        store.close()
