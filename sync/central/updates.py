"""Fleet updates as the central offers them: a kiosk version, its package in the data folder's
updates/, and the release signature IT made for it on the machine that builds releases.

The central holds no release key and never parses a package. It only refuses to offer a file
the signature does not describe (its SHA-256 and size), and hands the signature on: each kiosk
checks it against the key pinned at install (kiosk/updates/signing.py), so a central that was
broken into cannot put its own program on the fleet.

Which offer a kiosk is given: the newest (dpkg's order) active offer that applies to it (to
every kiosk, or to a pilot group naming it), and only when that is newer than the version the
kiosk's heartbeat reported. Offering a newer version so supersedes the older ones; withdrawing
one stops it being offered or served (its file stays until the offer is deleted).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kiosk.store.keys import sync_folder
from kiosk.updates.signing import Signature, UpdateRejected, package_name
from kiosk.updates.versions import compare, sort_key

from .errors import CentralError
from .records import utc_now
from .store import CentralStore
from .web import models

UPDATES_DIR = "updates"
CONTENT_TYPE = "application/vnd.debian.binary-package"
_PIECE = 1 << 20  # copied and hashed a megabyte at a time: a package is 40 MB and more


@dataclass(frozen=True)
class Offer:
    version: str
    file_name: str
    sha256: str
    size: int
    signature: dict[str, Any]  # the signature document, as kiosks are given it
    offered_at: str
    withdrawn_at: str | None
    devices: tuple[str, ...] | None  # the pilot group; None: every kiosk
    offered_by: str

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def applies_to(self, device_id: str) -> bool:
        return self.active and (self.devices is None or device_id in self.devices)

    @property
    def url(self) -> str:
        return f"/v1/updates/{self.version}/package"

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'

    def as_update(self) -> dict[str, Any]:
        """What a heartbeat's answer carries under "update"."""
        return {"version": self.version, "size": self.size, "sha256": self.sha256,
                "signature": self.signature, "url": self.url}


def updates_folder(store: CentralStore) -> Path:
    return store.data_dir / UPDATES_DIR


def package_path(store: CentralStore, offer: Offer) -> Path:
    return updates_folder(store) / offer.file_name


def newer(candidate: str, than: str) -> bool | None:
    """Whether `candidate` is newer than `than` in dpkg's order; None when `than` is not a
    package version at all (a kiosk run from a source checkout may report anything)."""
    try:
        return compare(candidate, than) > 0
    except ValueError:  # an epoch that is not a number: nothing dpkg would install
        return None


def offers(store: CentralStore, *, active: bool = False) -> list[Offer]:
    """Every offer (with `active`, those not withdrawn), newest version first."""
    rows = store._objects(models.UpdateOffer).all()
    if active:
        rows = rows.filter(withdrawn_at__isnull=True)
    found = [_offer(row) for row in rows]
    return sorted(found, key=lambda offer: sort_key(offer.version), reverse=True)


def offer_for(device_id: str, every: Sequence[Offer]) -> Offer | None:
    """The offer that applies to a kiosk now: the newest active one for it, or None."""
    for offer in every:  # newest first
        if offer.applies_to(device_id):
            return offer
    return None


def update_for(store: CentralStore, device_id: str, reported: str) -> Offer | None:
    """The offer a heartbeat's answer carries: the one that applies to the kiosk, when it is
    newer than the version the kiosk reported."""
    offer = offer_for(device_id, offers(store, active=True))  # every heartbeat asks
    return offer if offer is not None and newer(offer.version, reported) else None


def served_offer(store: CentralStore, device_id: str, version: str) -> Offer | None:
    """The offer of `version` a kiosk may download: active and offered to it; else None."""
    row = store._objects(models.UpdateOffer).filter(version=version).first()
    offer = _offer(row) if row is not None else None
    return offer if offer is not None and offer.applies_to(device_id) else None


def offer_update(store: CentralStore, package: Path, signature_file: Path | None = None,
                 devices: Sequence[str] | None = None, by: str = "(command line)") -> Offer:
    """Offer `package` as the version its signature (default PACKAGE.sig) names: the file is
    copied into updates/ (whole or not at all) and checked against the signature as copied.
    Offering a version again (the same file) brings back a withdrawn offer, and gives it the
    device list given now (none: every kiosk). CentralError for anything else."""
    signature_file = signature_file or package.with_name(package.name + ".sig")
    if not package.is_file():
        raise CentralError(f"There is no package file {package}.")
    if not signature_file.is_file():
        raise CentralError(f"There is no signature file {signature_file}: make it with "
                           f"`kiosk update sign --key KEY {package.name}` on the machine that "
                           "holds the release key, or name it with --signature.")
    try:
        signature = Signature.read(signature_file)
    except UpdateRejected as error:
        raise CentralError(f"The signature cannot be used: {error}.") from None
    try:
        with package.open("rb") as source:
            return offer_signed(store, source, package.name, signature, devices, by)
    except OSError as error:
        raise CentralError(f"{package} cannot be read ({error.strerror or error}).") from None


def offer_signed(store: CentralStore, source: BinaryIO, name_given: str, signature: Signature,
                 devices: Sequence[str] | None = None, by: str = "(command line)") -> Offer:
    """offer_update for a package being read from `source` (the console's upload), called
    `name_given` where it came from."""
    pilot = _pilot_group(store, devices)
    _same_file_if_known(store, signature)
    name = package_name(signature.version)
    folder = updates_folder(store)
    copied = _copy_checked(source, name_given, folder, signature)
    try:
        now = utc_now()
        with store.atomic():
            _same_file_if_known(store, signature)  # again, now that nobody else can write
            store._objects(models.UpdateOffer).update_or_create(
                version=signature.version, defaults={
                    "file_name": name, "sha256": signature.sha256, "size": signature.size,
                    "signature": signature.as_json(), "offered_at": now, "withdrawn_at": None,
                    "devices": list(pilot) if pilot is not None else None, "offered_by": by})
            copied.replace(folder / name)  # the same bytes when the version was known
        sync_folder(folder)
    finally:
        copied.unlink(missing_ok=True)
    row = store._objects(models.UpdateOffer).get(version=signature.version)
    return _offer(row)


def withdraw_update(store: CentralStore, version: str) -> Offer:
    """Stop offering and serving `version` (kiosks that have it staged keep it: their own
    check decides). The file stays, so offering it again needs no copy."""
    with store.atomic():
        row = _row(store, version)
        if row.withdrawn_at is None:
            row.withdrawn_at = utc_now()
            row.save(update_fields=["withdrawn_at"])
    return _offer(row)


def delete_update(store: CentralStore, version: str) -> Offer:
    """Forget a withdrawn offer and delete its file. An active one is refused: withdraw it
    first, so deleting is never how a version stops being offered by surprise."""
    with store.atomic():
        row = _row(store, version)
        if row.withdrawn_at is None:
            raise CentralError(f"Version {version} is still offered: withdraw it first "
                               f"(`kiosk central withdraw-update {version}`).")
        offer = _offer(row)
        row.delete()
        (updates_folder(store) / offer.file_name).unlink(missing_ok=True)
    sync_folder(updates_folder(store))
    return offer


def _row(store: CentralStore, version: str) -> models.UpdateOffer:
    row = store._objects(models.UpdateOffer).select_for_update().filter(version=version).first()
    if row is None:
        raise CentralError(f"Version {version} has not been offered (`kiosk central offers` "
                           "lists what has).")
    return row  # type: ignore[no-any-return]  # Django's managers are untyped here


def _pilot_group(store: CentralStore, devices: Sequence[str] | None) -> tuple[str, ...] | None:
    if devices is None:
        return None
    wanted = tuple(dict.fromkeys(device.strip() for device in devices if device.strip()))
    if not wanted:
        raise CentralError("--devices names no device: give the pilot kiosks' ids, separated "
                           "by commas, or leave it out to offer the update to every kiosk.")
    known = set(store._objects(models.Device).filter(id__in=wanted).values_list("id", flat=True))
    unknown = [device for device in wanted if device not in known]
    if unknown:
        raise CentralError(f"There is no device called {', '.join(unknown)} (`kiosk central "
                           "devices` lists them).")
    return wanted


def _same_file_if_known(store: CentralStore, signature: Signature) -> None:
    """A version names one file for good: kiosks may hold it already, under that name."""
    known = store._objects(models.UpdateOffer).filter(version=signature.version).first()
    if known is not None and known.sha256 != signature.sha256:
        raise CentralError(
            f"Version {signature.version} was offered before with another file (sha256 "
            f"{known.sha256[:12]}..., this one {signature.sha256[:12]}...): a version names one "
            "package for good, since kiosks may have it already. Build and sign the new one "
            "under a new version.")


def _copy_checked(source: BinaryIO, name_given: str, folder: Path,
                  signature: Signature) -> Path:
    """A synced copy of what `source` holds in `folder` under a hidden temporary name, hashed
    as it was copied: refused (and removed) unless it is the file the signature describes."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".deb")
    copied = Path(temporary)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(handle, "wb") as out:
            while piece := source.read(_PIECE):
                digest.update(piece)
                out.write(piece)
                size += len(piece)
            out.flush()
            os.fsync(out.fileno())
        if size != signature.size or digest.hexdigest() != signature.sha256:
            raise CentralError(
                f"{name_given} is not the file its signature describes ({size} bytes, sha256 "
                f"{digest.hexdigest()[:12]}...; the signature of version {signature.version}: "
                f"{signature.size} bytes, sha256 {signature.sha256[:12]}...). A central never "
                "offers a file the signature does not describe: sign this very file, or give "
                "its own signature with --signature.")
    except OSError as error:
        copied.unlink(missing_ok=True)
        raise CentralError(f"{name_given} cannot be copied into {folder} "
                           f"({error.strerror or error}).") from None
    except BaseException:
        copied.unlink(missing_ok=True)
        raise
    return copied


def _offer(row: models.UpdateOffer) -> Offer:
    return Offer(version=row.version, file_name=row.file_name, sha256=row.sha256,
                 size=row.size, signature=row.signature, offered_at=row.offered_at,
                 withdrawn_at=row.withdrawn_at,
                 devices=tuple(row.devices) if row.devices is not None else None,
                 offered_by=row.offered_by)
