"""A fleet update on this machine, end to end, as root: the kiosk package installed with apt,
a real central service on loopback offering a newer version, the installed kiosk's own
`kiosk sync --once` downloading and verifying it, the installed app asking for it between
visits (run in a headless cage session as the kiosk account), and the package's root updater
installing it (what kiosk-update.path starts). Shared by tests/deb/test_fleet_update.py and
`make bench` (tests/bench/update_bench.py), which times it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.updates.signing import sign_package

ROOT = Path(__file__).resolve().parents[2]
BUILD_DEB = ROOT / "build" / "deb" / "build-deb.sh"
CONFIG = Path("/etc/kiosk/kiosk.toml")
DATA = Path("/var/lib/kiosk/data")
UPDATER = Path("/usr/lib/kiosk/kiosk-update")
COMMAND = "/usr/bin/kiosk"
ACCOUNT = "kiosk"
# The Qt platform plugin the self-test runs on: a build that lost it is a broken release (it
# happens: a trimmed bundle, a packaging slip), and fails its self-test.
OFFSCREEN_PLUGIN = "_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so"


def run(*command: str, check: bool = True, **options) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, **options)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


FIRST_LOOK_SECONDS = 3  # ui/update_window.py's first look after the app starts


def bundle_version(bundle: Path) -> str:
    return run(str(bundle / "kiosk"), "--version").stdout.split()[1]


def build_package(bundle: Path, version: str, out: Path, broken: bool = False,
                  compress: str = "zstd") -> Path:
    """The kiosk package of `bundle` as `version` (zstd: built in seconds); `broken`: without
    the platform plugin the self-test needs."""
    out.mkdir(parents=True, exist_ok=True)
    source = bundle
    if broken:
        source = out / f"bundle-{version}"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(bundle, source, symlinks=True)
        (source / OFFSCREEN_PLUGIN).unlink()
    run("sh", str(BUILD_DEB), "--bundle", str(source), "--version", version, "--out", str(out),
        "--compress", compress)
    if broken:
        shutil.rmtree(source)
    return out / f"kiosk_{version}_amd64.deb"


def sign(package: Path, private_pem: bytes, version: str, name: str | None = None) -> Path:
    signature = sign_package(private_pem, package, version)
    target = package.with_name(name or package.name + ".sig")
    target.write_text(json.dumps(signature.as_json()), encoding="utf-8")
    return target


def apt_install(package: Path, *options: str) -> None:
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", *options, str(package),
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def purge() -> None:
    """The machine as before: the package purged (its data and config with it), the updater's
    cache and the account gone."""
    if run("dpkg-query", "-W", "-f=${Status}", "kiosk", check=False).stdout.startswith("install"):
        run("dpkg", "--purge", "kiosk", check=False)
    shutil.rmtree("/var/cache/kiosk", ignore_errors=True)
    if run("id", ACCOUNT, check=False).returncode == 0:
        run("userdel", ACCOUNT, check=False)
        run("groupdel", ACCOUNT, check=False)


def installed_version() -> str:
    return run("dpkg-query", "-W", "-f=${Version}", "kiosk").stdout.strip()


def as_kiosk(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The installed command as the kiosk account, as its units run it (no Python anywhere on
    its PATH)."""
    return run("runuser", "-u", ACCOUNT, "--", "env", "-i", "PATH=/usr/bin:/bin",
               f"KIOSK_CONFIG={CONFIG}", "HOME=/var/lib/kiosk", "LANG=C.UTF-8", *command,
               check=check)


def write_config(toml_block: str, url: str, public_key: str) -> None:
    """/etc/kiosk/kiosk.toml as IT writes it for this site: the central's block, the release
    key pinned."""
    block = tomllib.loads(toml_block)["destinations"]["central"]
    block["url"] = url
    lines = ['site_id = "FLEET1"', f'data_dir = "{DATA}"', "heartbeat_minutes = 1", "",
             "[updates]", f'public_key = "{public_key}"', "", "[destinations.central]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in block.items() if value is not None]
    CONFIG.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(CONFIG, 0o640)
    shutil.chown(CONFIG, "root", ACCOUNT)


def update_status() -> dict:
    return json.loads(as_kiosk(COMMAND, "update", "status", "--json").stdout)


def sync_once() -> subprocess.CompletedProcess[str]:
    """One `kiosk sync --once` of the installed kiosk: sends, reports (the heartbeat), and
    goes on with an offered update."""
    return as_kiosk(COMMAND, "sync", "--once", check=False)


def app_between_visits(seconds: float = 10) -> None:
    """The installed app, in a headless cage session as the kiosk account (as kiosk.service
    starts it), left alone for `seconds`: between visits it asks for a staged update."""
    runtime = Path(tempfile.mkdtemp(prefix="kiosk-runtime-"))
    shutil.chown(runtime, ACCOUNT, ACCOUNT)
    os.chmod(runtime, 0o700)
    try:
        run("runuser", "-u", ACCOUNT, "--", "env", "-i", "PATH=/usr/bin:/bin",
            "HOME=/var/lib/kiosk", f"XDG_RUNTIME_DIR={runtime}", "WLR_BACKENDS=headless",
            "WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1", "timeout", str(seconds + 60),
            "cage", "-d", "--", "env", "QT_QPA_PLATFORM=wayland", "LANG=C.UTF-8",
            f"KIOSK_CONFIG={CONFIG}", "/opt/kiosk/kiosk", "run", "--quit-after", str(seconds),
            check=False)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def run_updater() -> subprocess.CompletedProcess[str]:
    """What kiosk-update.path starts when the request appears (this machine has no systemd)."""
    return run(str(UPDATER), check=False, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                               "KIOSK_CONFIG": str(CONFIG)})


@dataclass
class Timings:
    """Seconds for each step of one update, from the offer to the new version running."""

    steps: dict[str, float] = field(default_factory=dict)

    def measure(self, name: str):
        timings = self

        class _Step:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                timings.steps[name] = time.perf_counter() - self.started

        return _Step()

    @property
    def total(self) -> float:
        return sum(self.steps.values())
