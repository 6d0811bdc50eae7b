"""A central service's SQLite database from before the Django models is brought over whole at
the first start: tokens still work, every submission is still there, a resend still gets its
first receipt, and the old file is kept beside the new one."""

from __future__ import annotations

import contextlib
import sqlite3

import requests
from sqlite_utils import Database

from sync.central.server import CentralServer
from sync.central.setup import init_central
from sync.central.store import DB_FILE
from tests.support.legacy_central_schema import migrate as make_legacy_tables

from .central_kit import sealed_body


def _as_legacy(folder) -> None:
    """Rewrite the folder's database as the old code made it, rows and all."""
    new = folder / DB_FILE
    old = folder / "old.db"
    with contextlib.closing(sqlite3.connect(old)) as conn:
        make_legacy_tables(Database(conn))
        conn.execute("ATTACH DATABASE ? AS new", (str(new),))
        for table in ("settings", "devices", "admin_tokens", "submissions", "heartbeats"):
            columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
            listed = ", ".join(columns)
            conn.execute(f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM new.{table}")
        conn.commit()
        conn.execute("DETACH DATABASE new")
    for suffix in ("", "-wal", "-shm"):
        (folder / f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    old.rename(new)


def test_an_old_database_is_upgraded_with_every_row(tmp_path):
    folder = tmp_path / "central"  # SQLite: the only database the old code had
    init = init_central(folder, "http://127.0.0.1:8765")
    device = {"Authorization": f"Bearer {init.device_token}"}
    admin = {"Authorization": f"Bearer {init.admin_token}"}
    with CentralServer(folder, log=lambda line: None) as server:
        key = server.store.keyring.current.public
        sent = [sealed_body(key, {"comment": f"made-up {n}"}) for n in range(3)]
        receipts = [requests.post(server.url + "/v1/submissions", json=body, timeout=10,
                                  headers=device | {"Idempotency-Key": body["instance_id"]}
                                  ).json() for body in sent]
    _as_legacy(folder)

    with CentralServer(folder, log=lambda line: None) as server:
        listed = requests.get(server.url + "/v1/submissions", headers=admin, timeout=10).json()
        assert [s["instance_id"] for s in listed["submissions"]] == \
            [body["instance_id"] for body in sent]
        assert listed["submissions"][1]["payload"]["answers"] == {"comment": "made-up 1"}
        again = requests.post(server.url + "/v1/submissions", json=sent[0], timeout=10,
                              headers=device | {"Idempotency-Key": sent[0]["instance_id"]})
        assert again.status_code == 200 and again.json() == receipts[0]
        newer = sealed_body(key, {"comment": "after the upgrade"})
        assert requests.post(server.url + "/v1/submissions", json=newer, timeout=10,
                             headers=device | {"Idempotency-Key": newer["instance_id"]}
                             ).status_code == 201
        listed = requests.get(server.url + "/v1/submissions", headers=admin, timeout=10).json()
        assert listed["submissions"][-1]["instance_id"] == newer["instance_id"]
    assert (folder / f"{DB_FILE}.before-django").exists()
