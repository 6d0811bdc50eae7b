"""The kiosk's Debian package in the bench: its size and how long build/deb/build-deb.sh takes,
with xz (the default, what `make deb` ships) and with zstd (quicker to build, bigger), from the
bundle in dist/kiosk (bundle_bench.ensure_bundles builds it when it is stale). Skipped, saying
why, where dpkg-deb is missing."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "kiosk"


def bench_package() -> tuple[list[dict], str]:
    """(rows, note)."""
    if shutil.which("dpkg-deb") is None or shutil.which("objdump") is None:
        return [], "package: skipped (dpkg-deb or objdump missing: not a Debian-family system)"
    if not (BUNDLE / "kiosk").exists():
        return [], "package: skipped (no dist/kiosk: make package)"
    rows = []
    with tempfile.TemporaryDirectory(prefix="kiosk-deb-bench-") as out:
        for compress in ("xz", "zstd"):
            start = time.perf_counter()
            subprocess.run(["sh", str(ROOT / "build" / "deb" / "build-deb.sh"), "--bundle",
                            str(BUNDLE), "--version", "0.0.0~bench", "--out", out,
                            "--compress", compress], check=True, capture_output=True, timeout=1800)
            seconds = time.perf_counter() - start
            package = Path(out) / "kiosk_0.0.0~bench_amd64.deb"
            rows.append({"name": f"Debian package size ({compress})",
                         "value": package.stat().st_size / 1e6, "unit": "MB"})
            rows.append({"name": f"Debian package build ({compress})", "value": seconds,
                         "unit": "s"})
            package.unlink()
    return rows, "package: built from dist/kiosk for this run"
