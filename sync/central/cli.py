"""`kiosk central ...`: set up, run and read the reference central service.

Errors a person can fix are one sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from .errors import CentralError

if TYPE_CHECKING:
    from .store import CentralStore

_WEB_STACK = {"django", "gunicorn", "psycopg", "dj_database_url", "sync"}


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _friendly(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except CentralError as error:
            _say(str(error))
            return error.exit_code
        except ImportError as error:  # a kiosk's bundle: the web stack is not in it
            if error.name is None or error.name.split(".")[0] not in _WEB_STACK:
                raise
            _say("This installation has no central service (a kiosk's bundle leaves it out): "
                 "install it with pip install 'public-service-kiosk[central]'.")
            return 2
    return run



@contextlib.contextmanager
def _central_store(args: argparse.Namespace) -> Iterator[CentralStore]:
    """The central's store in --data-dir, closed when the command is done."""
    from .store import CentralStore

    store = CentralStore(Path(args.data_dir))
    try:
        yield store
    finally:
        store.close()


def cmd_init(args: argparse.Namespace) -> int:
    from .setup import init_central

    result = init_central(Path(args.data_dir), args.url, args.device, args.database_url)
    for warning in result.warnings:
        _say(f"warning: {warning}")
    print(result.toml_block, end="")
    _say(f"Admin token (shown once; keep it for staff at the centre): {result.admin_token}")
    return 0


def cmd_add_device(args: argparse.Namespace) -> int:
    from .setup import add_device, device_toml_block

    token = add_device(Path(args.data_dir), args.device)
    print(device_toml_block(Path(args.data_dir), args.device, token), end="")
    _say("The token above is shown once; put the block in that kiosk's config file.")
    return 0


def cmd_revoke_device(args: argparse.Namespace) -> int:
    from .setup import revoke_device

    revoke_device(Path(args.data_dir), args.device)
    _say(f"Device {args.device} is revoked: its token no longer works.")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    """The fleet: each kiosk's last heartbeat and its audit log's state. Exit 1 when a log
    was found cut short, rewritten or not proven (staff look, then `accept-audit`)."""
    with _central_store(args) as store:
        devices = store.devices()
    flagged = 0
    for device in devices:
        beat, audit = device["last_heartbeat"], device["audit"]
        seen = (f"last heard {beat['received_at']}, version {beat['version']}, "
                f"{beat['queue_depth']} waiting" if beat else "never heard from")
        log = "audit log not reported" if audit is None else (
            f"audit log ok to entry {audit['anchor_seq']}" if audit["state"] == "ok"
            else f"AUDIT LOG {audit['state'].upper()} since {audit['since']}: {audit['detail']}")
        flagged += audit is not None and audit["state"] != "ok"
        print(f"{device['id']}{' (revoked)' if device['revoked'] else ''}: {seen}; {log}")
    if flagged:
        _say(f"{flagged} kiosk(s) have an audit log problem: keep a copy of their data folder "
             "for IT security, then `kiosk central accept-audit --device ID`.")
    return 1 if flagged else 0


def cmd_accept_audit(args: argparse.Namespace) -> int:

    with _central_store(args) as store:
        cleared = store.accept_audit(args.device)
    _say(f"The audit log problem of {args.device} is cleared; its log is checked from its "
         "current entry on." if cleared else f"{args.device} has no audit log problem to clear.")
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    """--prepare: make the next key and print the pin for kiosks' configs; without it, make
    that key the current one (every earlier key is kept: what was sealed to it still opens)."""
    import json

    from .keyring import prepare_next_key, read_keyring, rotate_key

    folder = Path(args.data_dir)
    if args.prepare:
        ring, ready = read_keyring(folder), prepare_next_key(folder)
        pins = [ring.current.public.fingerprint, ready.public.fingerprint]
        print(f"key_fingerprint = {json.dumps(pins)}")
        _say(f"The next key is {ready.public.fingerprint}. Put the line above in every kiosk's "
             "[destinations.NAME] block, then run `kiosk central rotate-key` (without "
             "--prepare) to start using it.")
        return 0
    ring, prepared = rotate_key(folder)
    new = ring.current.public.fingerprint
    print(f"key_fingerprint = {json.dumps([new])}")
    _say(f"The current key is now {new}; the {len(ring.earlier)} earlier "
         f"key{'s are' if len(ring.earlier) != 1 else ' is'} kept, so what kiosks sealed "
         "before still opens. A running service uses it at once, and kiosks that pin it seal "
         "new submissions to it at their next round.")
    if not prepared:
        _say("warning: this key was not prepared (`rotate-key --prepare`), so no kiosk pins it "
             "yet: each stops sending (nothing is lost) until its config lists it, e.g. the "
             "line above.")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database to this version's tables (run after an upgrade, before serving;
    serving does it too, and it does nothing when there is nothing to do)."""
    from .web.databases import describe

    with _central_store(args) as store:
        _say(f"The database ({describe(store.url)}) has this version's tables.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The real server: gunicorn with --workers processes (the database migrated first)."""
    folder = Path(args.data_dir)
    # Before Django reads its settings: the secret key every worker shares is the folder's.
    os.environ["KIOSK_CENTRAL_DATA"] = str(folder.resolve())
    from .keyring import KEY_FILE

    if not (folder / KEY_FILE).exists():
        from .errors import not_initialised

        raise not_initialised(folder)
    if args.workers < 1:
        raise CentralError("--workers must be 1 or more.")
    try:
        from .web.gunicorn_app import serve
    except ImportError as error:  # a kiosk's bundle: the web stack is not in it
        raise CentralError("This installation has no central service: install it with "
                           f"pip install 'public-service-kiosk[central]' ({error}).") from None
    from .web.service import Service

    Service.open(folder).close()  # migrated, and broken forms logged, before workers start
    code = serve(folder, args.host, args.port, args.workers, _say)
    _say("Central service stopped.")
    return code


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_submissions, write_csv, write_jsonl

    if args.aggregate:
        return _export_aggregate(args)
    records = export_submissions(Path(args.data_dir), args.form)
    write = write_csv if args.format == "csv" else write_jsonl
    with _output(args.output) as out:
        count = write(records, out)
    _say(f"{count} submission{'s' if count != 1 else ''} exported.")
    return 0


def _export_aggregate(args: argparse.Namespace) -> int:
    """Open data: counts per form, week and option, small cells suppressed (aggregate.py)."""
    from .aggregate import aggregate, definitions, write_aggregate
    from .export import export_submissions
    from .store import FORMS_DIR

    if args.format == "jsonl":
        raise CentralError("The aggregate export is CSV only: leave out --format jsonl.")
    if args.threshold < 1:
        raise CentralError("--threshold must be 1 or more.")
    folders = [Path(args.data_dir) / FORMS_DIR, *(Path(f) for f in args.forms or [])]
    for folder in folders[1:]:
        if not folder.is_dir():
            raise CentralError(f"The forms folder {folder} does not exist.")
    forms = definitions(folders)
    result = aggregate(export_submissions(Path(args.data_dir), args.form), forms,
                       args.threshold)
    with _output(args.output) as out:
        rows = write_aggregate(result, out)
    _say(f"{rows} row{'s' if rows != 1 else ''} written; {result.suppressed} cell"
         f"{'s' if result.suppressed != 1 else ''} below {args.threshold} suppressed.")
    for form_id, count in sorted(result.skipped.items()):
        _say(f"warning: {count} submission{'s' if count != 1 else ''} of {form_id} not "
             "counted: its form is not in the service's forms/ folder (add it, or name its "
             "folder with --forms).")
    return 0


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file written whole or not at all (never half a file)."""
    if not path:
        yield sys.stdout
        return
    target = Path(path)
    partial = target.with_name(f".{target.name}.part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            yield out
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CentralError(f"{target} cannot be written ({error.strerror or error}).") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _staff_accounts(data_dir: str) -> Iterator[ModuleType]:
    """The console's account functions, bound to the service's database."""
    from .store import CentralStore  # sets Django up: accounts imports its models
    from .web.console import accounts
    from .web.databases import serving

    store = CentralStore(Path(data_dir))
    try:
        with serving(store.alias):
            yield accounts
    finally:
        store.close()


def _audit(action: str, username: str, detail: str = "") -> None:
    """Account changes made here go in the console's audit log too, as the command line's."""
    from .web.console.access import record

    record("(command line)", action, username, detail)


def cmd_add_staff(args: argparse.Namespace) -> int:
    given = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    with _staff_accounts(args.data_dir) as accounts:
        password = accounts.add_staff(args.username, args.role, given)
        _audit("add_staff", args.username, f"role {args.role}")
    if given is None:
        print(password)
        _say(f"{args.username} can sign in to the console as {args.role} with the password "
             "above (shown once: hand it over in person).")
    else:
        _say(f"{args.username} can sign in to the console as {args.role}.")
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    with _staff_accounts(args.data_dir) as accounts:
        before = accounts.set_role(args.username, args.role)
        _audit("change_role", args.username, f"{before} -> {args.role}")
    _say(f"{args.username} was {before} and is now {args.role}.")
    return 0


def cmd_remove_staff(args: argparse.Namespace) -> int:
    with _staff_accounts(args.data_dir) as accounts:
        accounts.remove_staff(args.username)
        _audit("remove_staff", args.username)
    _say(f"{args.username} can no longer sign in to the console.")
    return 0


def cmd_offer_update(args: argparse.Namespace) -> int:
    """Offer a signed kiosk version to the fleet (or to the pilot kiosks named)."""
    from .updates import offer_update

    devices = args.devices.split(",") if args.devices is not None else None
    with _central_store(args) as store:
        offer = offer_update(store, Path(args.package),
                             Path(args.signature) if args.signature else None, devices)
    who = (f"the pilot kiosks {', '.join(offer.devices)}" if offer.devices is not None
           else "every kiosk")
    _say(f"Version {offer.version} ({offer.size} bytes, sha256 {offer.sha256[:12]}...) is "
         f"offered to {who} running an older version, at their next heartbeat. Each kiosk "
         "checks the signature against the release key pinned in its own configuration.")
    return 0


def cmd_withdraw_update(args: argparse.Namespace) -> int:
    from .updates import withdraw_update

    with _central_store(args) as store:
        offer = withdraw_update(store, args.version)
    _say(f"Version {offer.version} is withdrawn: kiosks are no longer offered it, nor can they "
         "download it. Its file stays in the service's updates folder until the offer is "
         f"deleted (`kiosk central delete-update {offer.version}`); offering it again needs no "
         "copy.")
    return 0


def cmd_delete_update(args: argparse.Namespace) -> int:
    from .updates import delete_update

    with _central_store(args) as store:
        offer = delete_update(store, args.version)
    _say(f"The offer of version {offer.version} and its file {offer.file_name} are deleted.")
    return 0


def cmd_offers(args: argparse.Namespace) -> int:
    """Every offer, newest version first: active, superseded or withdrawn, and to whom."""
    from .updates import offers

    with _central_store(args) as store:
        found = offers(store)
    if not found:
        _say("No kiosk version has been offered (`kiosk central offer-update PACKAGE.deb`).")
    everyone_from: str | None = None  # the newest active offer to every kiosk, once seen
    for offer in found:
        if not offer.active:
            state = f"withdrawn {offer.withdrawn_at}"
        elif everyone_from is not None:
            state = f"superseded by {everyone_from}"
        else:
            state = "offered"
        if offer.active and offer.devices is None and everyone_from is None:
            everyone_from = offer.version
        who = f"pilot: {', '.join(offer.devices)}" if offer.devices is not None else "every kiosk"
        print(f"{offer.version}: {state}; {who}; {offer.size} bytes, sha256 {offer.sha256}; "
              f"offered {offer.offered_at} by {offer.offered_by}; {offer.file_name}")
    return 0


Command = Callable[[argparse.Namespace], int]  # args -> exit code


def add_central_commands(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register `central` and its subcommands; each sets `handler(args) -> exit code`."""
    central = subparsers.add_parser("central", help="the reference central service")
    commands = central.add_subparsers(dest="central_command", metavar="COMMAND", required=True)

    def command(name: str, handler: Command, help: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help)
        parser.add_argument("--data-dir", required=True, metavar="DIR",
                            help="the service's folder: key, database, forms/")
        parser.set_defaults(handler=_friendly(handler))
        return parser

    init = command("init", cmd_init, "create the key, database and first tokens")
    init.add_argument("--url", required=True, help="the URL kiosks will send to")
    init.add_argument("--device", default="kiosk-01", metavar="ID", help="the first kiosk's id")
    init.add_argument("--database-url", metavar="URL",
                      help="PostgreSQL for many kiosks, e.g. postgresql://central@localhost/"
                           "central (default: a SQLite file in the folder)")
    add = command("add-device", cmd_add_device, "a token and config block for another kiosk")
    add.add_argument("--device", required=True, metavar="ID")
    revoke = command("revoke-device", cmd_revoke_device, "stop accepting a kiosk's token")
    revoke.add_argument("--device", required=True, metavar="ID")
    command("devices", cmd_devices, "every kiosk: last heartbeat, version, queue, and whether "
            "its audit log was cut short or rewritten (exit 1 if one was)")
    accept = command("accept-audit", cmd_accept_audit, "clear a kiosk's audit log problem "
                     "once staff have looked into it")
    accept.add_argument("--device", required=True, metavar="ID")
    rotate = command("rotate-key", cmd_rotate_key, "start sealing to a new key, keeping the "
                     "earlier ones to open what was sealed to them")
    rotate.add_argument("--prepare", action="store_true",
                        help="only make the next key and print its fingerprint, to pin on the "
                             "kiosks before rotating")
    command("migrate", cmd_migrate, "bring the database up to this version (after an upgrade)")
    serve = command("serve", cmd_serve, "run the service until SIGTERM or Ctrl+C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=4, metavar="N",
                       help="worker processes (default 4); every one serves every kiosk")
    roles = ("viewer", "caseworker", "administrator")
    add_staff = command("add-staff", cmd_add_staff, "a staff account for the console (prints "
                        "its password once)")
    add_staff.add_argument("--username", required=True, metavar="NAME")
    add_staff.add_argument("--role", required=True, choices=roles)
    add_staff.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of stdin instead")
    set_role = command("set-role", cmd_set_role, "change a staff account's role")
    set_role.add_argument("--username", required=True, metavar="NAME")
    set_role.add_argument("--role", required=True, choices=roles)
    remove_staff = command("remove-staff", cmd_remove_staff, "remove a staff account")
    remove_staff.add_argument("--username", required=True, metavar="NAME")
    offer = command("offer-update", cmd_offer_update, "offer a kiosk version, signed with the "
                    "release key (`kiosk update sign`), to every kiosk or to pilot kiosks")
    offer.add_argument("package", metavar="PACKAGE.deb")
    offer.add_argument("--signature", metavar="FILE",
                       help="its signature file (default: PACKAGE.deb.sig beside it)")
    offer.add_argument("--devices", metavar="ID,ID...",
                       help="offer it only to these kiosks (a pilot group); offering the same "
                            "version again without it widens it to every kiosk")
    withdraw = command("withdraw-update", cmd_withdraw_update, "stop offering a kiosk version "
                       "(its file stays until the offer is deleted)")
    withdraw.add_argument("version", metavar="VERSION")
    delete = command("delete-update", cmd_delete_update, "forget a withdrawn offer and delete "
                     "its file")
    delete.add_argument("version", metavar="VERSION")
    command("offers", cmd_offers, "every kiosk version offered: to whom, and whether it is "
            "still offered")
    export = command("export", cmd_export, "print the submissions, decrypted, or (with "
                     "--aggregate) anonymised counts to publish")
    export.add_argument("--form", metavar="ID", help="only this form's submissions")
    export.add_argument("--format", choices=("jsonl", "csv"), default=None,
                        help="jsonl (the default) or csv")
    export.add_argument("--aggregate", action="store_true",
                        help="open data: counts per form, ISO week and option (CSV), never "
                             "free text, small cells suppressed")
    export.add_argument("--threshold", type=int, default=5, metavar="N",
                        help="with --aggregate: suppress counts below N (default 5)")
    export.add_argument("--forms", action="append", metavar="DIR",
                        help="with --aggregate: another folder of form files (the service's "
                             "forms/ is always read)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    return central
