"""Which database a central service uses, and how a query finds it.

One setting chooses: a database URL (KIOSK_CENTRAL_DATABASE_URL, or `database_url` in the data
folder's central.toml), PostgreSQL for scale, by default a SQLite file in the data folder. The
same models and migrations serve both. Each service gets a database alias of its own, and
`serving(alias)` makes it the one every query in this thread or task goes to (ServiceRouter):
a site's process serves one data folder; the tests' process serves many, one per test.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url

from ..errors import CentralError

CONFIG_FILE = "central.toml"
DB_FILE = "central.db"
URL_VARIABLE = "KIOSK_CENTRAL_DATABASE_URL"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("central_database",
                                                                     default=None)
_registering = threading.Lock()


def setup_django() -> None:
    """Django configured and its apps loaded (once per process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sync.central.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def database_url(data_dir: Path) -> str:
    """The service's database URL: the environment's, else central.toml's, else SQLite."""
    if os.environ.get(URL_VARIABLE):
        return os.environ[URL_VARIABLE]
    config = data_dir / CONFIG_FILE
    if config.exists():
        try:
            url = tomllib.loads(config.read_text(encoding="utf-8")).get("database_url")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise CentralError(f"{config} cannot be read: {error}.") from None
        if url is not None:
            if not isinstance(url, str) or not url.strip():
                raise CentralError(f"{config}: database_url must be a database URL, e.g. "
                                   "postgresql://central@db.example/central.")
            return url.strip()
    return f"sqlite:///{(data_dir / DB_FILE).resolve()}"


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parsed = dj_database_url.parse(url)
    where = parsed.get("HOST") or ""
    return f"{parsed['ENGINE'].rsplit('.', 1)[-1]} {where}{':' if where else ''}{parsed['NAME']}"


def _config(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise CentralError(f"The database URL cannot be used: {error}.") from None
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        # WAL: readers never wait for the writer; FULL: a receipt is only given for a commit
        # that is on disk; IMMEDIATE: a writing transaction takes the lock when it begins.
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                             "transaction_mode": "IMMEDIATE", "timeout": 30}
        config["CONN_MAX_AGE"] = 0
    elif engine.endswith("postgresql"):
        config["CONN_MAX_AGE"] = 60  # a worker keeps its connection; checked before each use
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 10
    else:
        raise CentralError(f"The central service runs on PostgreSQL or SQLite, not {engine}.")
    return config


def register(url: str) -> str:
    """The alias queries to this database use (made once per URL and process)."""
    setup_django()
    from django.db import connections

    alias = "service-" + hashlib.sha256(url.encode()).hexdigest()[:16]
    with _registering:
        if alias not in connections.settings:
            configured = connections.configure_settings(
                {"default": connections.settings["default"], alias: _config(url)})
            connections.settings[alias] = configured[alias]
    return alias


@contextlib.contextmanager
def serving(alias: str) -> Iterator[str]:
    """Every query inside goes to `alias`'s database."""
    token = _current.set(alias)
    try:
        yield alias
    finally:
        _current.reset(token)


def current_alias() -> str | None:
    return _current.get()


def close(alias: str) -> None:
    """Close this thread's connection to the alias's database (others close at their end)."""
    from django.db import connections

    with contextlib.suppress(Exception):
        connections[alias].close()


class ServiceRouter:
    """Sends every model to the database of the service being served."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return _current.get()

    db_for_write = db_for_read

    def allow_relation(self, first: object, second: object, **hints: object) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return True
