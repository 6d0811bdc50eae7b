"""`kiosk doctor`, the checks that need no Qt: the configuration, the data folder, the
database, the forms, the receipt fonts and the clock. sync/doctor.py reaches each destination
(over verified TLS, with the token accepted); ui/doctor.py adds the screen's fonts, the
printer, the speech engine and the display, and prints the table.

Each check gives one row: what was checked, OK / WARN / FAIL, what was found and, unless OK,
one line of advice. Nothing here changes the kiosk's data: the database is opened to be read,
and a probe file in the data folder is deleted at once.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from .config import Config

Status = Literal["OK", "WARN", "FAIL"]
OK: Final = "OK"
WARN: Final = "WARN"
FAIL: Final = "FAIL"
LOW_DISK_BYTES = 500_000_000  # a WARN below this; a FAIL below a tenth of it
CLOCK_OK_SECONDS = 120  # off the central service's clock by more than this: WARN
CLOCK_FAIL_SECONDS = 15 * 60  # more than this: FAIL (certificates, receipts and expiry)


@dataclass
class Row:
    check: str
    status: Status
    found: str
    advice: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Findings:
    """What the checks learnt that a later check needs."""

    config: Config | None = None
    server_dates: list[datetime] = field(default_factory=list)


def not_checked(check: str, why: str = "the configuration did not load") -> Row:
    return Row(check, WARN, f"not checked: {why}", "fix the configuration first (see its row)")


def check_config(path: str | None, findings: Findings,
                 environ: Mapping[str, str] | None = None) -> Row:
    from .config import ConfigError, default_config_path, load_config

    try:
        config = load_config(path, environ=environ)
    except ConfigError as error:
        return Row("configuration", FAIL, str(error),
                   "correct the key named (every key is explained in kiosk.example.toml)")
    findings.config = config
    if config.source is None:
        where = path or (environ or os.environ).get("KIOSK_CONFIG") or default_config_path()
        return Row("configuration", WARN, f"no file at {where}: every key at its default",
                   "copy kiosk.example.toml there and set site_id and the destination")
    found = f"{config.source}: site {config.site_id}"
    secrets = any(d.token or d.password for d in config.destinations.values())
    if secrets and sys.platform != "win32":
        mode = config.source.stat().st_mode
        if mode & stat.S_IROTH:
            return Row("configuration", WARN, f"{found}; it holds a token or password and "
                       "every account on this machine can read it",
                       f"chmod 640 {config.source} (owner root, group of the kiosk's account)")
    return Row("configuration", OK, found)


def check_data_folder(config: Config) -> Row:
    folder = Path(config.data_dir)
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and os.access(parent, os.W_OK | os.X_OK):
            return Row("data folder", OK, f"{folder} does not exist yet; the kiosk makes it "
                       "at its first start")
        return Row("data folder", FAIL, f"{folder} does not exist and cannot be made here",
                   f"create it, owned by the kiosk's account (mkdir -p {folder})")
    if not folder.is_dir():
        return Row("data folder", FAIL, f"{folder} is a file, not a folder",
                   "point data_dir at a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return Row("data folder", FAIL, f"{folder} cannot be written ({error.strerror})",
                   "give the kiosk's account write access to it (chown, or the folder's "
                   "security settings on Windows)")
    free = shutil.disk_usage(folder).free
    found = f"{folder} is writable, {free / 1e9:.1f} GB free"
    if free < LOW_DISK_BYTES // 10:
        return Row("data folder", FAIL, found, "free some disk space: submissions cannot be kept")
    if free < LOW_DISK_BYTES:
        return Row("data folder", WARN, found, "free some disk space soon")
    return Row("data folder", OK, found)


def check_database(config: Config) -> Row:
    from .store import Store, StoreError

    path = config.database_path
    if not path.exists():
        return Row("database", WARN, f"no database at {path} yet",
                   "start the kiosk once (it makes the database), or check data_dir")
    try:
        # A look only: a damaged database is reported, never set aside from here, and the
        # look is not a configuration change for the audit log (config.open_store notes one).
        store = Store.from_config(config, set_aside_damage=False)
    except StoreError as error:
        return Row("database", FAIL, str(error),
                   "restart the kiosk (it sets a damaged database aside and starts a new one), "
                   "then run `kiosk salvage`")
    with store:
        status = store.status()
    if status["damaged_copies"]:
        copies = status["damaged_copies"]
        held = sum(copy["waiting"] for copy in copies)
        since = min(copy["set_aside_at"] for copy in copies)
        return Row("database", FAIL, f"{path}: {len(copies)} damaged copy(ies) set aside since "
                   f"{since} hold {held} submission(s) not yet delivered "
                   f"({', '.join(copy['file'] for copy in copies)})",
                   "run `kiosk salvage`: it puts them back in the queue, each once")
    if status["integrity"] != "ok":
        return Row("database", FAIL, f"{path}: integrity check: {status['integrity']}",
                   "copy the data folder for IT, then restart the kiosk (it sets the damaged "
                   "database aside)")
    if not status["audit_chain_ok"]:
        return Row("database", FAIL, f"{path}: audit log: {status['audit_chain']}",
                   "the audit log was changed outside the kiosk: keep a copy and tell IT "
                   "security")
    if not status["audit_anchor_ok"]:
        return Row("database", FAIL, f"{path}: audit log: guard {status['audit_guard']}; "
                   f"{status['audit_anchor']}",
                   "entries of the audit log were removed or changed outside the kiosk: keep a "
                   "copy of the data folder and tell IT security")
    counts = status["submissions"]
    waiting = counts["queued"] + counts["sending"]
    if status["damaged_payloads"]:
        return Row("database", WARN, f"{path}: {status['damaged_payloads']} submission(s) kept "
                   "back: their stored answers no longer match their checksum",
                   "check the disk (smartctl, dmesg); those citizens may need to send again")
    return Row("database", OK, f"{path}: intact ({status['database_bytes'] / 1e6:.1f} MB), "
               f"{waiting} waiting to send, {counts['rejected']} refused")


def check_forms(config: Config) -> Row:
    catalogue = config.load_catalogue()
    names = sorted(catalogue.forms)
    if catalogue.failures:
        first = str(catalogue.failures[0]).splitlines()[0]
        return Row("forms", FAIL, f"{len(catalogue.failures)} form file(s) do not load "
                   f"({first}); {len(names)} served", "run `kiosk forms check` on forms_dir "
                   "and fix what it reports")
    if not names:
        return Row("forms", FAIL, f"no form in {config.forms_dir}",
                   "point forms_dir at the folder of form files")
    unsent = sorted({form.definition.settings.destination for form in catalogue.forms.values()}
                    - set(config.destinations))
    found = f"{len(names)} from {config.forms_dir}: {', '.join(names)}"
    if unsent and config.destinations:
        return Row("forms", WARN, f"{found}; some send to {', '.join(unsent)}, which is not "
                   "configured", f"add [destinations.{unsent[0]}], or change those forms' "
                   "settings.destination")
    return Row("forms", OK, found)


def check_updates(config: Config) -> Row:
    """Fleet updates: a release key pinned, and how the last update went."""
    from .updates.staging import UpdateFolder
    from .version import version

    running = f"kiosk {version()}"
    if config.updates.public_key is None:
        return Row("updates", WARN, f"{running}; no release key pinned: the central's updates "
                   "are not taken", "put the [updates] public_key line `kiosk update keygen` "
                   "printed in the config, or update this kiosk by hand")
    folder = UpdateFolder(config.updates_dir)
    ready, last = folder.ready(), folder.last()
    found = f"{running}; release key pinned" + (
        f"; {ready['version']} waits to be installed between visits" if ready else "")
    if last and last["state"] in ("rejected", "rolled_back"):
        what = "refused" if last["state"] == "rejected" else "rolled back"
        return Row("updates", WARN, f"{found}; {last['version']} was {what}: "
                   f"{last.get('message', 'no reason given')}",
                   "offer a version signed with the release key this kiosk pins"
                   if last["state"] == "rejected" else
                   "see `journalctl -u kiosk-update`; offer a fixed version")
    return Row("updates", OK, found + (f"; last: {last['state']} {last['version']}" if last else ""))


def check_receipt_fonts(languages: list[str]) -> Row:
    from .receipts import ReceiptError, fonts

    try:
        fonts.register()
    except ReceiptError as error:
        return Row("fonts (receipts)", FAIL, str(error), "reinstall the kiosk bundle")
    missing = []
    for language in languages:
        sample = sample_text(language)
        if "?" in fonts.drawable(sample.replace("?", ""), False):
            missing.append(language)
    if missing:
        return Row("fonts (receipts)", FAIL, f"letters of {', '.join(missing)} cannot be printed",
                   "reinstall the kiosk bundle (assets/fonts)")
    return Row("fonts (receipts)", OK, f"every letter of {', '.join(languages)} can be printed")


def sample_text(language: str) -> str:
    """The words a visit in `language` starts with: its name, the welcome, Start, Continue."""
    from . import i18n

    keys = ("ui.welcome", "ui.welcome_line", "ui.start", "ui.continue")
    return " ".join([i18n.language_name(language), *(i18n.text(language, key) for key in keys)])


def check_clock(findings: Findings, now: datetime | None = None) -> Row:
    from .version import built_at

    now = now or datetime.now(UTC)
    built = built_at()
    if now < built:
        return Row("clock", FAIL, f"it says {now:%Y-%m-%d %H:%M} UTC, before this kiosk was "
                   f"built ({built:%Y-%m-%d %H:%M} UTC)", "set the date and time, and let "
                   "the system keep them (timedatectl set-ntp true; Windows: Internet time)")
    if findings.server_dates:
        off = max(abs((now - date).total_seconds()) for date in findings.server_dates)
        found = f"{now:%Y-%m-%d %H:%M:%S} UTC, {off:.0f} s off the central service's clock"
        if off > CLOCK_FAIL_SECONDS:
            return Row("clock", FAIL, found, "set the time and switch on time synchronisation "
                       "(timedatectl set-ntp true)")
        if off > CLOCK_OK_SECONDS:
            return Row("clock", WARN, found, "switch on time synchronisation (timedatectl "
                       "set-ntp true; Windows: Internet time)")
        return Row("clock", OK, found)
    synchronised = _ntp_synchronised()
    found = f"{now:%Y-%m-%d %H:%M:%S} UTC, after the build; no central service to compare with"
    if synchronised is False:
        return Row("clock", WARN, found + "; not synchronised (NTP)",
                   "timedatectl set-ntp true, and check the network allows NTP")
    return Row("clock", OK, found)


def _ntp_synchronised() -> bool | None:
    """systemd's word on time synchronisation, or None where it cannot be asked."""
    if shutil.which("timedatectl") is None:
        return None
    import subprocess

    try:
        said = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                              capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if said.returncode != 0:
        return None  # no systemd here (a container): not known
    return said.stdout.strip() == "yes"


def exit_code(rows: list[Row]) -> int:
    return 1 if any(row.status == FAIL for row in rows) else 0


def table(rows: list[Row]) -> str:
    """The rows for a person: check, status, what was found, and advice under it."""
    width = max(len(row.check) for row in rows)
    lines = [f"{'CHECK':<{width}}  STATUS  FOUND"]
    for row in rows:
        lines.append(f"{row.check:<{width}}  {row.status:<6}  {row.found}")
        if row.advice:
            lines.append(f"{'':<{width}}  {'':<6}  -> {row.advice}")
    fails = sum(row.status == FAIL for row in rows)
    warns = sum(row.status == WARN for row in rows)
    lines.append(f"{len(rows)} checks: {len(rows) - fails - warns} OK, {warns} WARN, {fails} FAIL")
    return "\n".join(lines)
