"""A central service as a running process holds it: its data folder's store, form catalogue
and REST app, and where it logs. A site's process serves the data folder its environment
names; an in-process server (the tests) binds the one it serves to each request it handles.
Nothing here is state another process needs: that is all in the database and the folder."""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..api import CentralApp
from ..catalogue import FormCatalogue
from ..errors import CentralError
from ..store import FORMS_DIR, CentralStore


def stderr_log(line: str) -> None:
    # Looked up on each call: tests (and daemons) may swap sys.stderr.
    print(line, file=sys.stderr, flush=True)


@dataclass
class Service:
    data_dir: Path
    store: CentralStore
    catalogue: FormCatalogue
    app: CentralApp
    log: Callable[[str], None]

    @classmethod
    def open(cls, data_dir: Path, log: Callable[[str], None] = stderr_log) -> Service:
        store = CentralStore(data_dir)
        try:
            catalogue = FormCatalogue(store.data_dir / FORMS_DIR, log)
            return cls(store.data_dir, store, catalogue, CentralApp(store, catalogue), log)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        self.store.close()


_bound: contextvars.ContextVar[Service | None] = contextvars.ContextVar("central_service",
                                                                      default=None)
_site: Service | None = None
_site_lock = threading.Lock()


@contextlib.contextmanager
def binding(service: Service) -> Iterator[Service]:
    """Requests handled inside are this service's (an in-process server's threads)."""
    token = _bound.set(service)
    try:
        yield service
    finally:
        _bound.reset(token)


def current() -> Service:
    """The service this request is for: the bound one, else the site's (opened once)."""
    bound = _bound.get()
    if bound is not None:
        return bound
    global _site
    with _site_lock:
        if _site is None:
            folder = os.environ.get("KIOSK_CENTRAL_DATA")
            if not folder:
                raise CentralError("KIOSK_CENTRAL_DATA is not set: it names the central "
                                   "service's data folder (made by `kiosk central init`).")
            _site = Service.open(Path(folder))
        return _site
