"""The kiosk's Debian package on this machine, for real (tests/deb): built with
build/deb/build-deb.sh, installed and upgraded with apt and dpkg, its account and files
checked, and everything it made taken away again (purge, the account), test passed or not.

Only as root, as CI runs: the tests change the machine itself, so they refuse to start when a
kiosk package or a `kiosk` account is already there (someone's real kiosk)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_DEB = ROOT / "build" / "deb" / "build-deb.sh"
ACCOUNT = "kiosk"
CONFIG = Path("/etc/kiosk/kiosk.toml")
HOME = Path("/var/lib/kiosk")
DATA = HOME / "data"
PROGRAM = Path("/opt/kiosk/kiosk")
COMMAND = Path("/usr/bin/kiosk")
UNITS = Path("/lib/systemd/system")
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def run(*command: str | Path, check: bool = True, timeout: float = 900,
        env: dict[str, str] | None = None, input: str | None = None,
        ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                          timeout=timeout, env=env, input=input, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def why_not_here() -> str | None:
    """Why these tests cannot run on this machine, or None."""
    if os.geteuid() != 0:
        return "the package tests install it on this machine: they run as root (as CI does)"
    for tool in ("dpkg-deb", "apt-get", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is missing: not a Debian-family system"
    if package_status() is not None:
        return ("a kiosk package is already on this machine (" + str(package_status()) +
                "): the tests would replace it")
    if run("getent", "passwd", ACCOUNT, check=False).returncode == 0:
        return "a 'kiosk' account already exists on this machine: the tests would remove it"
    return None


def package_status() -> str | None:
    """dpkg's version and state of the kiosk package ("0.1.0 install ok installed"), or None
    when dpkg does not know it at all."""
    done = run("dpkg-query", "-W", "-f=${Version} ${Status}", "kiosk", check=False)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def build(bundle: Path, version: str, out: Path, compress: str = "zstd") -> Path:
    run("sh", BUILD_DEB, "--bundle", bundle, "--version", version, "--out", out,
        "--compress", compress)
    return out / f"kiosk_{version}_amd64.deb"


def apt_install(package: Path) -> subprocess.CompletedProcess[str]:
    """`apt-get install ./kiosk_V_amd64.deb` as IT runs it (without the Recommends, so the
    tests leave no printing system behind on this machine)."""
    return run("apt-get", "install", "-y", "--no-install-recommends", package.resolve(),
               env=APT_ENV)


def as_kiosk(*command: str | Path, check: bool = True, env: dict[str, str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A command as the kiosk account, in a clean environment with the kiosk's configuration."""
    settings = {"PATH": "/usr/bin:/bin", "HOME": str(HOME), "LANG": "C.UTF-8",
                "KIOSK_CONFIG": str(CONFIG), **(env or {})}
    return run("runuser", "-u", ACCOUNT, "--", "env", "-i",
               *(f"{key}={value}" for key, value in settings.items()), *command,
               check=check, timeout=timeout)


def run_in_cage(*options: str, seconds: float = 5, runtime_parent: Path | None = None) -> str:
    """The installed kiosk (`kiosk run` with `options`) in a headless cage session as the kiosk
    account, as kiosk.service starts it, for `seconds`; what it printed."""
    import pwd
    import tempfile

    runtime = Path(tempfile.mkdtemp(dir=runtime_parent))
    account = pwd.getpwnam(ACCOUNT)
    os.chown(runtime, account.pw_uid, account.pw_gid)
    runtime.chmod(0o700)
    try:
        done = as_kiosk("timeout", str(seconds + 85), "cage", "-d", "--", "env",
                        "QT_QPA_PLATFORM=wayland", PROGRAM, "run", *options, "--quit-after",
                        str(seconds),
                        env={"XDG_RUNTIME_DIR": str(runtime), "WLR_BACKENDS": "headless",
                             "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"},
                        check=False, timeout=seconds + 115)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    return done.stdout + done.stderr


def give_back_to_the_kiosk() -> None:
    """After the test's own Python opened the database as root: the files are the kiosk's."""
    run("chown", "-R", f"{ACCOUNT}:{ACCOUNT}", DATA)


def leave_the_machine_as_it_was() -> None:
    """Purge the package, remove the account and its group, and anything a half-finished test
    left (a failed install's files); safe to repeat."""
    if package_status() is not None:
        run("dpkg", "--purge", "--force-remove-reinstreq", "kiosk", check=False, env=APT_ENV)
    if run("getent", "passwd", ACCOUNT, check=False).returncode == 0:
        run("deluser", "--system", ACCOUNT, check=False)
    if run("getent", "group", ACCOUNT, check=False).returncode == 0:
        run("delgroup", "--system", ACCOUNT, check=False)
    for leftover in (HOME, Path("/etc/kiosk"), Path("/var/cache/kiosk"), Path("/opt/kiosk")):
        shutil.rmtree(leftover, ignore_errors=True)
    mask = Path("/etc/systemd/system/getty@tty1.service")
    state = Path("/var/lib/systemd/deb-systemd-helper-masked/getty@tty1.service")
    if state.exists():  # the package's own mask, left by a purge that never ran
        mask.unlink(missing_ok=True)
        state.unlink()
