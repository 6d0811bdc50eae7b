"""One sync worker per kiosk database: a second one is refused, and the first goes on with its
claims untouched."""

from __future__ import annotations

import pytest

from sync.central.export import export_submissions
from sync.lock import SyncBusy
from sync.transport import Retry
from sync.worker import SyncWorker
from tests.support.central import kiosk_config
from tests.sync.secret_visits import outbox_states, secret_visit


def test_a_second_worker_on_the_same_database_is_refused_and_the_first_goes_on(
        tmp_path, central, sync_worker):
    # IT runs `kiosk sync --once` beside the running kiosk: it is told a sync is already
    # running, and takes none of the kiosk's claims.
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        visit, _ = secret_visit()
        store.outbox.submit(visit)
        kiosk_worker = sync_worker(store, config)
        refused = []

        def send_while_it_staff_run_sync_once(item):
            with config.open_store() as other_store:  # another process, another connection
                with pytest.raises(SyncBusy, match="Another sync is already running") as busy:
                    SyncWorker(other_store, config)
                refused.append(busy.value)
            return Retry("503: busy")  # meanwhile the kiosk's own request got a 503

        kiosk_worker.transports["central"].send = send_while_it_staff_run_sync_once
        kiosk_worker.run_once()
        assert refused and outbox_states(store)[visit["instance_id"]] == "queued"
    assert list(export_submissions(central.data_dir)) == []
