"""`kiosk update ...`: release keys and signatures for IT's build machine, and the checks the
root updater (build/deb/kiosk-update.sh) runs before and after it installs an update."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _deb_fields(package: Path) -> dict[str, str] | None:
    """The package's name and version as dpkg-deb reads them; None without dpkg-deb."""
    if shutil.which("dpkg-deb") is None:
        return None
    found = subprocess.run(["dpkg-deb", "--field", str(package), "Package", "Version"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        from kiosk.updates.signing import UpdateRejected

        raise UpdateRejected(f"{package} is not a Debian package ({found.stderr.strip()[:200]})")
    fields = {}
    for line in found.stdout.splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.updates.signing import generate_key

    target = Path(args.private)
    if target.exists():
        _say(f"{target} exists already: a release key is never overwritten (kiosks pin it).")
        return 1
    pem, public = generate_key()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    print(f"The private release key is in {target}: keep it on the build machine, never on the "
          "central service or a kiosk.\nPut this in every kiosk's kiosk.toml:\n\n[updates]\n"
          f'public_key = "{public}"')
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from kiosk.updates.signing import UpdateRejected, sign_package

    package = Path(args.package)
    try:
        fields = _deb_fields(package)
        version = args.version or (fields or {}).get("Version")
        if not version:
            _say("Give --version: dpkg-deb is not here to read the package's own.")
            return 2
        if fields is not None and fields.get("Version") != version:
            raise UpdateRejected(f"the package says version {fields.get('Version')}, not {version}")
        signature = sign_package(Path(args.key).read_bytes(), package, version)
    except (OSError, UpdateRejected) as error:
        _say(f"Not signed: {error}")
        return 1
    target = package.with_name(package.name + ".sig")
    target.write_text(json.dumps(signature.as_json(), indent=1) + "\n", encoding="utf-8")
    print(f"signed kiosk {version}: {target}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the package is the one the pinned release key signed, for this kiosk."""
    from kiosk.config import load_config
    from kiosk.updates.signing import ReleaseKey, Signature, UpdateRejected

    package = Path(args.package)
    try:
        config = load_config(args.config)
        if config.updates.public_key is None:
            raise UpdateRejected("no release key is pinned in the configuration "
                                 "([updates] public_key)")
        signature = Signature.read(Path(args.signature or f"{package}.sig"))
        ReleaseKey.from_text(config.updates.public_key).verify_package(package, signature)
        fields = _deb_fields(package)
        if fields is not None and (fields.get("Package"), fields.get("Version")) != (
                "kiosk", signature.version):
            raise UpdateRejected(f"the package is {fields.get('Package')} "
                                 f"{fields.get('Version')}, signed as kiosk {signature.version}")
    except (OSError, UpdateRejected) as error:
        _say(f"kiosk update verify: refused: {error}")
        return 1
    print(f"verified: kiosk {signature.version}, signed with the pinned release key")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.updates.staging import UpdateFolder

    config = load_config(args.config)
    folder = UpdateFolder(config.updates_dir)
    folder.note(args.state, args.version, datetime.now(UTC), args.message or "")
    if args.state in ("installed", "rolled_back"):
        folder.discard()  # the package and the request are done with
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.updates.staging import UpdateFolder
    from kiosk.version import version

    config = load_config(args.config)
    folder = UpdateFolder(config.updates_dir)
    ready, last = folder.ready(), folder.last()
    requested = folder.install_requested()
    if args.json:
        print(json.dumps({"running": version(), "pinned_key": config.updates.public_key,
                          "ready": ready, "install_requested": requested, "last": last}, indent=1))
        return 0
    print(f"running: kiosk {version()}")
    print("release key: " + (config.updates.public_key
                             or "none pinned ([updates] public_key): updates are not taken"))
    print(f"waiting to be installed: {ready['version'] if ready else 'nothing'}"
          + (" (asked for, between visits)" if requested else ""))
    if last:
        print(f"last: {last['state']} {last['version']} at {last.get('at', '?')}"
              + (f": {last['message']}" if last.get("message") else ""))
    return 0


def add_update_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.updates import STATES

    update = commands.add_parser("update", help="fleet updates: release keys, signatures, "
                                                "what is staged")
    update_commands = update.add_subparsers(dest="update_command", required=True)
    keygen = update_commands.add_parser("keygen", help="make a release key (on the build machine)")
    keygen.add_argument("--private", required=True, help="the file for the private key (0600)")
    keygen.set_defaults(handler=cmd_keygen)
    sign = update_commands.add_parser("sign", help="sign a package: writes PACKAGE.sig")
    sign.add_argument("--key", required=True, help="the private release key")
    sign.add_argument("--version", help="the package's version (default: its own, by dpkg-deb)")
    sign.add_argument("package")
    sign.set_defaults(handler=cmd_sign)
    for name, handler, helped in (
            ("verify", cmd_verify, "check a package against the pinned release key"),
            ("status", cmd_status, "the running version, what waits to be installed, the last "
                                   "update"),
            ("note", cmd_note, "record what an update did (the root updater uses it)")):
        command = update_commands.add_parser(name, help=helped)
        command.add_argument("--config", help="the configuration file (default: $KIOSK_CONFIG)")
        command.set_defaults(handler=handler)
        if name == "verify":
            command.add_argument("package")
            command.add_argument("--signature", help="default: PACKAGE.sig")
        elif name == "status":
            command.add_argument("--json", action="store_true")
        else:  # the root updater's record of what it did, for the next heartbeat
            command.add_argument("state", choices=STATES)
            command.add_argument("version")
            command.add_argument("--message")
