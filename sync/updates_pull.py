"""Fleet updates, the kiosk's side of the download: an offer comes in a heartbeat's answer
(`"update"`), the package is fetched in pieces in the background, checked against the release
key pinned in the config, and staged for the app to install between visits.

- The offer's signature is checked before a byte of the package is fetched, and the package's
  size and SHA-256 against it once whole: a central (or anything in its place) can offer only
  what IT's release key signed. The kiosk takes only versions newer than its own, never one that
  was already rolled back here, and never more than [updates] max_package_bytes.
- Pieces of PIECE bytes, each one bounded request (the destination's deadlines) with a Range:
  a slow or broken link resumes where it stopped, in this round or a later one; each round
  spends at most ROUND_SECONDS on it, so submissions are never held behind a download.
- The offer is kept in the store's settings, so a round between heartbeats goes on with it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.updates.signing import ReleaseKey, Signature, UpdateRejected
from kiosk.updates.staging import UpdateFolder
from kiosk.updates.versions import is_newer
from kiosk.version import version as running_version

from .transport import LinkDown, RestTransport

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.store import Store

log = logging.getLogger("kiosk.updates")

OFFER = "update_offer"  # the store setting that keeps the last offer heard
REFUSED = "update_refused"  # the version whose downloaded package was not the signed one
PIECE = 4_000_000
ROUND_SECONDS = 60.0
_PATH_PREFIX = "/v1/updates/"


@dataclass(frozen=True)
class Offer:
    version: str
    path: str
    signature: Signature

    @classmethod
    def read(cls, offer: object) -> Offer:
        """UpdateRejected for an offer that is not one (said in the update state)."""
        if not isinstance(offer, dict):
            raise UpdateRejected("the offer is not an object")
        signature = Signature.from_json(offer.get("signature"))
        path = offer.get("url")
        if offer.get("version") != signature.version:
            raise UpdateRejected("the offer's version is not the signed one")
        if not isinstance(path, str) or not path.startswith(_PATH_PREFIX) or ".." in path \
                or "//" in path or "?" in path or "#" in path:
            raise UpdateRejected("the offer's url is not one of the service's update paths")
        return cls(signature.version, path, signature)


class UpdatePull:
    def __init__(self, store: Store, config: Config, clock: Callable[[], datetime],
                 current: Callable[[], str] = running_version):
        self.store, self.config, self.clock = store, config, clock
        self.folder = UpdateFolder(config.updates_dir)
        self.current = current

    # -- the offer ---------------------------------------------------------------------------
    def heard(self, answer: dict[str, Any]) -> None:
        """A heartbeat's answer: keep its offer, or forget one the service no longer makes."""
        offer = answer.get("update")
        if offer is None:
            if self.store.settings.get(OFFER) is not None:
                self.store.settings.put(OFFER, None)
                self.folder.discard()  # withdrawn: what was staged for it goes too
            return
        self.store.settings.put(OFFER, offer)

    def report(self) -> dict[str, Any] | None:
        return self.folder.last()

    # -- the download ------------------------------------------------------------------------
    def step(self, transport: RestTransport, go_on: Callable[[], bool] = lambda: True) -> str | None:
        """Go on with the kept offer: fetch what is missing, then verify and stage it. The
        state it left, or None when there is nothing to do."""
        kept = self.store.settings.get(OFFER)
        if kept is None:
            return None
        try:
            offer = Offer.read(kept)
        except UpdateRejected as wrong:
            return self._reject(str(kept.get("version", "?")) if isinstance(kept, dict) else "?",
                                str(wrong))
        if not is_newer(offer.version, self.current()):
            return None  # running it already (installed), or a newer one
        last = self.folder.last() or {}
        if last.get("version") == offer.version and (
                last["state"] in ("rolled_back", "installing", "installed")
                or self.store.settings.get(REFUSED) == offer.version):
            return None  # decided here already: IT offers another version
        ready = self.folder.ready()
        if ready is not None and ready.get("version") == offer.version:
            return "ready"
        key_text = self.config.updates.public_key
        if key_text is None:
            return self._reject(offer.version, "no release key is pinned in this kiosk's "
                                "configuration ([updates] public_key): updates are not taken")
        try:
            key = ReleaseKey.from_text(key_text)
            key.check(offer.signature)  # before a byte is fetched
        except UpdateRejected as wrong:
            return self._reject(offer.version, str(wrong))
        if offer.signature.size > self.config.updates.max_package_bytes:
            return self._reject(offer.version, f"the package is {offer.signature.size:,} bytes, "
                                f"over [updates] max_package_bytes "
                                f"({self.config.updates.max_package_bytes:,})")
        self.folder.discard(keep=offer.version)  # an older offer's download goes
        if not self._fetch(transport, offer, go_on):
            return "downloading"
        partial = self.folder.partial(offer.version)
        try:
            key.verify_package(partial, offer.signature)
        except UpdateRejected as wrong:
            partial.unlink(missing_ok=True)
            self.store.settings.put(REFUSED, offer.version)  # not fetched again and again
            return self._reject(offer.version, str(wrong))
        self.folder.stage(offer.version, partial, offer.signature.as_json())
        self.folder.note("ready", offer.version, self.clock())
        log.info("update %s downloaded and verified: it is installed between visits", offer.version)
        return "ready"

    def _fetch(self, transport: RestTransport, offer: Offer, go_on: Callable[[], bool]) -> bool:
        """Append pieces to the partial file until it is whole (True) or time is up."""
        partial = self.folder.partial(offer.version)
        partial.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        size = offer.signature.size
        piece = max(65_536, min(PIECE, transport.limits.max_bytes - 65_536))
        ends = time.monotonic() + ROUND_SECONDS
        have = partial.stat().st_size if partial.exists() else 0
        if have == 0 or (self.folder.last() or {}).get("version") != offer.version:
            self.folder.note("downloading", offer.version, self.clock())
        while have < size:
            if not go_on() or time.monotonic() > ends:
                return False
            try:
                status, data = transport.update_piece(
                    offer.path, have, min(size, have + piece) - 1)
            except LinkDown as down:
                log.info("update %s: the download stopped at %d of %d bytes (%s); it goes on "
                         "later", offer.version, have, size, down)
                return False
            if status == 404:  # withdrawn between the heartbeat and now
                self.store.settings.put(OFFER, None)
                self.folder.discard()
                return False
            if status == 416 or (status == 200 and have > 0):
                partial.unlink(missing_ok=True)  # not the file we began: start again
                have = 0
                if status == 416:
                    return False
            mode = "wb" if status == 200 else "ab"
            if len(data) == 0 or have + len(data) > size:
                partial.unlink(missing_ok=True)
                log.warning("update %s: the service sent %s; the download starts again later",
                            offer.version, "more than the signed size" if data else "nothing")
                return False
            with open(partial, mode) as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            have = partial.stat().st_size
        return True

    def _reject(self, version: str, why: str) -> str:
        last = self.folder.last()
        if not (last and last.get("version") == version and last["state"] == "rejected"):
            log.warning("update %s refused: %s", version, why)
            self.folder.note("rejected", version, self.clock(), why)
        partial = self.folder.partial(version) if version != "?" else None
        if partial is not None:
            partial.unlink(missing_ok=True)
        return "rejected"
