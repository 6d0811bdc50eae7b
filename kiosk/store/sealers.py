"""What seals a destination's submissions as the kiosk stores them, and how a sealed payload
is kept.

A sealer is given to the store by whoever builds it (ui/app.py, ui/cli.py: see
sync/sealers.py), never added behind its back: the REST contract's SealingKey for a
destination (kiosk/sealing.py; pinned by fingerprint), or an OpenRosa destination's sealer
(sync/openrosa/package.py). The store only calls `seal` and reads `fingerprint`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from ..sealing import Sealed, SealingError, SealingKey
from .keys import Box

if TYPE_CHECKING:
    from ..config import Destination
    from .settings import Settings

# `submissions.sealed_to` for a payload made ready for its destination that no destination key
# protects (an OpenRosa form without a public key): it is sent, but until then only the
# install key protects it. NULL still means "waiting for the destination's key".
INSTALL_KEY_ONLY = "install-key"


class Sealer(Protocol):
    @property
    def fingerprint(self) -> str:
        """What the sealed payloads are sealed to, for the audit log."""
        ...

    def seal(self, payload: bytes, instance_id: str) -> bytes | Sealed:
        """The payload as the destination will get it: bytes (sealed to `fingerprint`), or a
        Sealed saying what it is sealed to. SealingError when it cannot be made."""
        ...


def stored_form(sealer: Sealer, box: Box, payload: bytes,
                submission_id: str) -> tuple[bytes, str]:
    """The stored form of `payload` for the sealer's destination, and what goes in sealed_to.
    SealingError when the sealer cannot do it (the payload then stays as it is)."""
    sealed = sealer.seal(payload, submission_id)
    if not isinstance(sealed, Sealed):
        return sealed, sealer.fingerprint
    if sealed.sealed_to is None:  # ready to send, but no destination key protects it
        return box.seal(sealed.envelope, f"submission:{submission_id}"), INSTALL_KEY_ONLY
    return sealed.envelope, sealed.sealed_to


def pinned_rest_keys(destinations: Mapping[str, Destination],
                     settings: Settings) -> dict[str, SealingKey]:
    """Each REST destination's key: from the config, else the one fetched from the service
    earlier (the setting sealing_key:<name>); either way only if its fingerprint is the pinned
    one. (An OpenRosa destination's sealer needs the forms: sync/sealers.py makes it.)"""
    keys = {}
    for name, destination in destinations.items():
        if getattr(destination, "type", "rest") != "rest":
            continue
        text = destination.public_key or (settings.get(f"sealing_key:{name}") or {}).get("key")
        if text is None:
            continue
        try:
            keys[name] = SealingKey.from_text(text, destination.key_fingerprint)
        except SealingError:
            continue  # a key fetched before the pin changed: fetch again
    return keys
