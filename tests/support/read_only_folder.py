"""A data folder the kiosk truly cannot write to, as a read-only mount makes it: for a child
Python process, since a mount is seen only by the processes of its own namespace.

Mode bits do not stop root (tests may run as root), so where it can, the child runs in a new
user and mount namespace (`unshare`, no privilege needed) that sees the folder bind-mounted
read-only: even root in there gets EROFS. Where unshare is not allowed, and not as root, the
folder and its files are made read-only by their modes instead (EACCES), and put back after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_MOUNT_THEN_RUN = 'mount --bind -o ro "$1" "$1" && exec "$2" -c "$3"'


def _unshare() -> list[str] | None:
    """How to enter a mount namespace of our own here: as a mapped root in a new user
    namespace, or (root, where user namespaces are not allowed) a mount namespace alone."""
    if shutil.which("unshare") is None:
        return None
    ways = [["unshare", "--user", "--map-root-user", "--mount"]]
    if os.geteuid() == 0:
        ways.append(["unshare", "--mount"])
    for way in ways:
        if subprocess.run([*way, "true"], capture_output=True, check=False).returncode == 0:
            return way
    return None


def run_python_with_read_only(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` (Python) in a child that cannot write to `folder`; its output as text."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    unshare = _unshare()
    if unshare is not None:
        command = [*unshare, "sh", "-c", _MOUNT_THEN_RUN, "sh", str(folder), sys.executable,
                   script]
        return subprocess.run(command, capture_output=True, text=True, env=environment,
                              timeout=60, check=False)
    if os.geteuid() == 0:
        pytest.skip("as root, only a read-only mount stops writes, and no mount namespace "
                    "can be made here")
    modes = {path: path.stat().st_mode & 0o777 for path in [folder, *folder.iterdir()]}
    try:
        for path in modes:
            path.chmod(0o500 if path.is_dir() else 0o400)
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=environment, timeout=60, check=False)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
