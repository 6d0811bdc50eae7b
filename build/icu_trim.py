"""A smaller ICU data library for the Linux bundle (build/trim.py uses it).

Qt links ICU, whose data library (libicudata, 32 MB in the PySide6 wheels) holds every
language's names of languages, regions, currencies and units, dictionaries for breaking Thai,
Lao, Khmer, Burmese and Chinese text, transliterators and spelled-out numbers. Qt uses ICU for
collation, case mapping, text codecs and time-zone names only. This keeps those (collation and
zone names in the kiosk's languages and the root, every codec) and builds a library of the same
name and entry point from them with ICU's own tools: icupkg (which refuses to drop an item that
a kept one needs), genccode and the C compiler.

Without those tools (Debian: icu-devtools, gcc) the bundle keeps the full data, and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

# Trees of the ICU data that Qt never reads.
DROPPED_TREES = ("brkitr", "curr", "lang", "region", "unit", "rbnf", "translit")
# Trees kept for the kiosk's languages only (and their root).
PER_LANGUAGE_TREES = ("coll", "zone")
LOCALE = re.compile(r"^[a-z]{2,3}(_\w*)?\.res$")  # fr.res, ar_SA.res, es_419.res, de__PHONEBOOK.res


def _dropped(item: str, languages: tuple[str, ...]) -> bool:
    tree, _, name = item.rpartition("/")
    if tree in DROPPED_TREES:
        return True
    if tree and tree not in PER_LANGUAGE_TREES:
        return False
    if not LOCALE.match(name) or name in ("root.res", "pool.res"):
        return False
    return name.split("_")[0].removesuffix(".res") not in languages


def _run(*command: str, cwd: Path | None = None) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=cwd).stdout


def trimmed_icu_data(library: Path, work: Path, languages: tuple[str, ...]) -> Path | None:
    """A smaller copy of `library` (libicudata.so.NN) in `work`, or None (and why, printed)
    when the tools to make one are missing or anything fails."""
    missing = [tool for tool in ("icupkg", "genccode", "gcc", "nm", "readelf")
               if shutil.which(tool) is None]
    if missing:
        print(f"build: keeping the full ICU data ({', '.join(missing)} not installed: "
              "install icu-devtools and gcc for a bundle 23 MB smaller)")
        return None
    version = library.name.split(".so.")[-1]
    entry = f"icudt{version}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        symbols = _run("nm", "-D", "-S", str(library))
        found = re.search(rf"^([0-9a-f]+) ([0-9a-f]+) R {entry}_dat$", symbols, re.M)
        sections = _run("readelf", "-S", "-W", str(library))
        rodata = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
        if not found or not rodata:
            print(f"build: keeping the full ICU data ({entry}_dat not found in {library.name})")
            return None
        start = int(found.group(1), 16) - int(rodata.group(1), 16) + int(rodata.group(2), 16)
        size = int(found.group(2), 16)
        with library.open("rb") as handle:
            handle.seek(start)
            full = work / f"{entry}l.dat"
            full.write_bytes(handle.read(size))
        items = _run("icupkg", "-l", str(full)).split()
        removed = work / "removed.txt"
        removed.write_text("\n".join(item for item in items if _dropped(item, languages)) + "\n")
        small = work / "small" / f"{entry}l.dat"
        small.parent.mkdir(exist_ok=True)
        _run("icupkg", "-r", str(removed), str(full), str(small))
        _run("genccode", "-q", "-a", "gcc", "-e", entry, "-d", str(work), str(small))
        assembly = next(work.glob(f"{entry}*.S"))
        built = work / "lib" / library.name
        built.parent.mkdir(exist_ok=True)
        _run("gcc", "-shared", "-nostdlib", "-Wl,-z,noexecstack", f"-Wl,-soname,{library.name}",
             "-o", str(built), str(assembly))
        if f"{entry}_dat" not in _run("nm", "-D", str(built)):
            print("build: keeping the full ICU data (the new library has no entry point)")
            return None
    except (OSError, subprocess.CalledProcessError, StopIteration) as error:
        detail = getattr(error, "stderr", "") or error
        print(f"build: keeping the full ICU data (making a smaller one failed: {detail})")
        return None
    return built
