"""The sealers a kiosk's store needs for its configured destinations, made by whoever builds
the store (ui/app.py, `kiosk sync`): `config.open_store(sealers=sealers_for(config))`.

An OpenRosa destination seals each visit with the form it was filled in on, so its sealer
needs the forms (sync/openrosa/package.py). A REST destination's key needs none of this: the
store reads it from the config, or the one fetched earlier from its own settings
(kiosk/store/sealers.py), and the worker gives it a newly fetched one (`set_sealing_key`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.store import Sealer


def sealers_for(config: Config) -> dict[str, Sealer]:
    """An OpenRosaSealer for each OpenRosa destination in `config`."""
    wanted = [name for name, destination in config.destinations.items()
              if destination.type == "openrosa"]
    if not wanted:
        return {}
    from .openrosa.package import OpenRosaSealer  # only a kiosk sending to OpenRosa needs it

    return {name: OpenRosaSealer(config.load_catalogue) for name in wanted}
