"""The PyInstaller bundles in the bench: the kiosk's size, and its start to the attract screen
beside a bare PySide6 window bundled the same way (tests/bench/bare_window.spec), started
alternately in one run so both see the same machine.

The bundles in dist/ are used when they are newer than every source file that goes into them;
otherwise they are built first (PyInstaller comes with `make bench`). Where PyInstaller is
missing the rows are skipped, and the bench says so.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
KIOSK = DIST / "kiosk" / ("kiosk.exe" if os.name == "nt" else "kiosk")
BARE = DIST / "bare-window" / ("bare-window.exe" if os.name == "nt" else "bare-window")
SPECS = {KIOSK: (ROOT / "build" / "kiosk.spec", ROOT / "build" / "work"),
         BARE: (ROOT / "tests" / "bench" / "bare_window.spec", ROOT / "build" / "work" / "bare")}
TRIMMING = ("build/trim.py", "build/icu_trim.py")
SOURCES = {  # what each bundle is made from
    KIOSK: ("kiosk", "ui", "sync", "assets", "build/kiosk.spec", "build/kiosk_main.py", *TRIMMING),
    BARE: ("tests/bench/bare_window.py", "tests/bench/bare_window.spec", *TRIMMING),
}
SIZE_LIMIT_MB = 150


def _newest(sources: tuple[str, ...]) -> float:
    newest = 0.0
    for source in sources:
        path = ROOT / source
        for file in (path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def ensure_bundles() -> tuple[bool, str]:
    """(ready, what was done): bundles reused, built, or why they could not be."""
    stale = [program for program in SPECS if not program.exists()
             or program.stat().st_mtime < _newest(SOURCES[program])]
    if not stale:
        return True, "bundles in dist/ reused (newer than their sources)"
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return False, ("skipped: PyInstaller is not installed (pip install -e '.[package]', "
                       "or make package)")
    for program in stale:
        spec, work = SPECS[program]
        print(f"bench: building {program.parent.name} with PyInstaller ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level",
                        "WARN", "--workpath", str(work), "--distpath", str(DIST), str(spec)],
                       check=True, cwd=ROOT)
    return True, f"built {', '.join(p.parent.name for p in stale)} for this run"


def folder_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total / 1e6


def time_to_first_paint(command: list[str], environment: dict, cwd: Path | None = None) -> float:
    """Milliseconds from starting `command` to its line 'painted' (then it is stopped)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, env=environment, cwd=cwd)
    line = child.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)  # the kiosk goes on running: stop it as systemd would
    child.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"{command[0]} never painted")
    return elapsed


def bench_bundles(rounds: int = 15) -> dict:
    ready, note = ensure_bundles()
    if not ready:
        return {"note": note}
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    bare, kiosk, full_screen = [], [], []
    for _ in range(rounds):  # alternately, so all see the same machine
        bare.append(time_to_first_paint([str(BARE)], environment))
        for times, how in ((kiosk, ["--windowed"]), (full_screen, [])):
            # Windowed, as the bare window is; and full screen and locked, as IT runs it.
            with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as data:
                times.append(time_to_first_paint(
                    [str(KIOSK), "run", *how, "--report-first-paint"],
                    {**environment, "KIOSK_DATA_DIR": data}))
    return {"note": note, "kiosk_mb": folder_mb(KIOSK.parent), "bare_mb": folder_mb(BARE.parent),
            "kiosk_start_ms": statistics.median(kiosk), "bare_start_ms": statistics.median(bare),
            "full_screen_start_ms": statistics.median(full_screen)}
