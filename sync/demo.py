"""`kiosk run --demo`: a reference central service on loopback, so sync can be seen working.

The demo's central folder sits inside the demo's own data folder; the first run sets it up
and keeps the destination block it printed, so later runs send to the same service.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

from kiosk.config import Destination
from kiosk.forms.source import read_form_file
from kiosk.information.loader import is_information
from kiosk.paths import sample_forms_dir

from .central.server import CentralServer
from .central.setup import init_central

BLOCK = "kiosk-destination.toml"  # the demo kiosk's own copy of what `central init` printed


def start_demo_central(folder: Path, log: Callable[[str], None] | None = None,
                       ) -> tuple[CentralServer, Destination]:
    """Start the demo service on a free loopback port; the destination a kiosk sends to."""
    folder = Path(folder)
    block_file = folder / BLOCK
    if not block_file.exists():
        if folder.exists():  # a half-made demo folder from an interrupted first run
            shutil.rmtree(folder)
        result = init_central(folder, "http://127.0.0.1:8765", device_id="DEMO")
        for form in sample_forms_dir().glob("*.yaml"):  # served as the form catalogue
            if is_information(read_form_file(form)[0]):
                continue  # information pages stay on the kiosk: the catalogue is forms
            shutil.copy(form, folder / "forms" / form.name)
        block_file.write_text(result.toml_block, encoding="utf-8")
        block_file.chmod(0o600)
    server = (CentralServer(folder, log=log) if log else CentralServer(folder)).start()
    settings = tomllib.loads(block_file.read_text(encoding="utf-8"))["destinations"]["central"]
    settings["url"] = server.url  # the port is chosen afresh at each start
    return server, Destination.model_validate(settings)
