"""The central rotates its key while a kiosk has a queue: nothing sealed before is refused, and
the kiosk seals what comes after to the new key once it has checked it against its pins."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from kiosk.config import ConfigError
from kiosk.sealing import same_fingerprint
from kiosk.store import Store
from sync.central.export import export_submissions
from sync.central.keyring import prepare_next_key, read_keyring
from tests.kiosk.store_helpers import fake_submission
from tests.support.central import kiosk_config

ROOT = Path(__file__).resolve().parents[2]
WAITING = 100


def _rotate_with_the_command(data_dir: Path) -> str:
    """`kiosk central rotate-key` as IT runs it, in its own process beside the running
    service; the new key's fingerprint."""
    done = subprocess.run([sys.executable, "-m", "sync.central", "rotate-key", "--data-dir",
                           str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return read_keyring(data_dir).current.public.fingerprint


def _sealed_to(store: Store) -> dict[str, str]:
    """Each stored submission's key, as its envelope names it."""
    with store.reader() as conn:
        rows = conn.execute("SELECT id, sealed_to, payload FROM submissions").fetchall()
    named = {}
    for sid, sealed_to, envelope in rows:
        assert json.loads(envelope)["key"] == sealed_to
        named[sid] = sealed_to
    return named


def _states(store: Store) -> dict[str, int]:
    return store.outbox.queue_summary().counts


def _central_rows(data_dir: Path) -> list[tuple[str, str]]:
    """(instance id, the key its envelope names) of everything the central stored."""
    with sqlite3.connect(data_dir / "central.db") as conn:
        rows = conn.execute("SELECT instance_id, envelope FROM submissions").fetchall()
    return [(iid, json.loads(envelope)["key"]) for iid, envelope in rows]


def test_a_rotation_mid_round_with_a_hundred_waiting_rejects_nothing(tmp_path, central,
                                                                      sync_worker):
    old = central.init.key_fingerprint
    # IT announced the next key to the fleet before rotating: the kiosk pins both.
    upcoming = prepare_next_key(central.data_dir).public.fingerprint
    config = kiosk_config(tmp_path, central, key_fingerprint=[old, upcoming])
    with config.open_store() as store:
        visits = [fake_submission(n) for n in range(WAITING)]
        for visit in visits:
            store.outbox.submit(visit)
        assert set(_sealed_to(store).values()) == {old}
        worker = sync_worker(store, config)
        rotated: list[tuple[int, str]] = []

        def rotate_after_the_first_batch(done: int, total: int) -> None:
            if not rotated:  # half-way: 50 delivered, 50 still sealed to the old key
                rotated.append((done, _rotate_with_the_command(central.data_dir)))

        first = worker.run_once(progress=rotate_after_the_first_batch)
        assert rotated and 0 < rotated[0][0] < WAITING
        assert rotated[0][1] == upcoming
        assert first.destinations["central"].state == "ok"
        assert first.delivered == WAITING and first.destinations["central"].rejected == 0
        assert _states(store)["rejected"] == 0 and first.waiting == 0

        # The next round's probe sees the announced key; it is fetched, checked and used.
        second = worker.run_once()
        assert second.destinations["central"].state == "ok"
        assert same_fingerprint(store.outbox.sealers["central"].fingerprint, upcoming)
        later = [fake_submission(WAITING + n) for n in range(5)]
        for visit in later:
            store.outbox.submit(visit)
        sealed = _sealed_to(store)
        assert {sealed[visit["instance_id"]] for visit in later} == {upcoming}
        assert worker.run_once().delivered == 5
        assert _states(store)["delivered"] == WAITING + 5
        assert _states(store)["rejected"] == 0

    # Exactly once, each opened with the key its envelope names: the old one kept, the new one.
    rows = _central_rows(central.data_dir)
    assert len(rows) == len({iid for iid, _ in rows}) == WAITING + 5
    named = dict(rows)
    assert {named[v["instance_id"]] for v in visits} == {old}
    assert {named[v["instance_id"]] for v in later} == {upcoming}
    opened = {record["instance_id"]: record for record in export_submissions(central.data_dir)}
    assert all(opened[v["instance_id"]]["answers"] == v["answers"] for v in visits + later)
    assert not [line for line in central.log if " 422 " in line]


def test_a_new_key_the_kiosk_does_not_pin_stops_sending_and_rejects_nothing(
        tmp_path, central, sync_worker):
    old = central.init.key_fingerprint
    config = kiosk_config(tmp_path, central)  # pins the old key only, as set up
    with config.open_store() as store:
        visits = [fake_submission(n) for n in range(10)]
        for visit in visits:
            store.outbox.submit(visit)
        new = _rotate_with_the_command(central.data_dir)  # without --prepare: nobody pins it
        worker = sync_worker(store, config)
        result = worker.run_once()
        worker.close()  # IT stops the kiosk to change its config
        message = result.destinations["central"].message
        assert result.stopped and "not the pinned one" in message and new in message
        assert result.delivered == 0
        assert _states(store)["rejected"] == 0 and result.waiting == 10
        assert same_fingerprint(store.outbox.sealers["central"].fingerprint, old)
    assert _central_rows(central.data_dir) == []

    # IT pins the new key: what waited, sealed to the old one, is delivered (the central kept
    # it), and the kiosk seals to the new key from then on.
    fixed = kiosk_config(tmp_path, central, public_key=None, key_fingerprint=[new])
    with fixed.open_store() as store:
        assert sync_worker(store, fixed).run_once().delivered == 10
        assert same_fingerprint(store.outbox.sealers["central"].fingerprint, new)
    assert {key for _, key in _central_rows(central.data_dir)} == {old}


def test_an_older_service_that_announces_no_key_is_sent_to_as_before(tmp_path, central,
                                                                      sync_worker, monkeypatch):
    # A service from before key rotation: its /health names no key, so nothing is fetched.
    real_health = central.server.app.health

    def health_without_a_key(request):
        answer = real_health(request)
        answer.body.pop("key_fingerprint")
        return answer

    monkeypatch.setattr(central.server.app, "health", health_without_a_key)
    config = kiosk_config(tmp_path, central)
    with config.open_store() as store:
        store.outbox.submit(fake_submission(1))
        assert sync_worker(store, config).run_once().delivered == 1
    assert not [line for line in central.log if "/v1/key" in line]


def test_the_health_probe_names_the_current_key(central):
    before = requests.get(central.url + "/health", timeout=10).json()
    assert before["key_fingerprint"] == central.init.key_fingerprint
    new = _rotate_with_the_command(central.data_dir)
    assert requests.get(central.url + "/health", timeout=10).json()["key_fingerprint"] == new


@pytest.mark.parametrize("pins", [
    '"sha256:AA"', '["sha256:aa"]', '["sha256:aa", "sha256:bb"]'])
def test_key_fingerprint_is_one_fingerprint_or_a_list(tmp_path, pins):
    from kiosk.config import load_config

    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL7"\n[destinations.central]\nurl = "http://127.0.0.1:1"\n'
                    f'token = "t"\nkey_fingerprint = {pins}\n')
    destination = load_config(file, environ={}).destinations["central"]
    assert destination.key_fingerprint is not None


@pytest.mark.parametrize("pins", ["[]", '[""]', '""'])
def test_an_empty_pin_is_refused_naming_the_key(tmp_path, pins):
    from kiosk.config import load_config

    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL7"\n[destinations.central]\nurl = "http://127.0.0.1:1"\n'
                    f'token = "t"\nkey_fingerprint = {pins}\n')
    with pytest.raises(ConfigError, match="destinations.central.*at least one fingerprint"):
        load_config(file, environ={})
