"""`kiosk central serve`: the Django application under gunicorn, in this process as its master.

gunicorn's settings come from gunicorn_conf.py beside this file (the documented deployment's),
then the command line's address and workers. The database is migrated once, here, before any
worker starts, so workers never race to migrate.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.app.base import Application

CONFIG_FILE = Path(__file__).with_name("gunicorn_conf.py")


class CentralApplication(Application):
    def __init__(self, options: dict[str, Any], announce: Callable[[str], None]):
        self.options, self.announce = options, announce
        super().__init__()

    def init(self, parser: Any, opts: Any, args: Any) -> None:
        pass  # no command line of gunicorn's own: kiosk central serve's options are given

    def load_config(self) -> None:
        # Not Application's: that one would read this process's command line as gunicorn's.
        if CONFIG_FILE.exists():
            self.load_config_from_file(str(CONFIG_FILE))
        for name, value in self.options.items():
            self.cfg.set(name, value)
        announce = self.announce

        def when_ready(server: Any) -> None:
            for listener in server.LISTENERS:
                host, port = listener.sock.getsockname()[:2]
                shown = f"[{host}]" if ":" in host else host
                announce(f"Central service listening on http://{shown}:{port} with "
                         f"{server.num_workers} workers; stop it with Ctrl+C or SIGTERM.")
            # Ctrl+C (SIGINT) stops as SIGTERM does: workers finish the request in hand, so
            # no kiosk loses an answer to a receipt that was already committed.
            server.handle_int = server.handle_term
        self.cfg.set("when_ready", when_ready)

    def load(self) -> Any:
        from .wsgi import application

        return application


def serve(data_dir: Path, host: str, port: int, workers: int,
          announce: Callable[[str], None]) -> int:
    os.environ["KIOSK_CENTRAL_DATA"] = str(data_dir.resolve())
    master = os.getpid()
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        # The application logs one line a request itself (rest.py): gunicorn says only problems.
        CentralApplication({"bind": [bind], "workers": workers, "loglevel": "warning",
                            "accesslog": None}, announce).run()
    except SystemExit as stop:
        if os.getpid() != master:  # a worker leaving: not the command's end
            raise
        return int(stop.code or 0)
    return 0 if sys.exc_info()[0] is None else 1
