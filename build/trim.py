"""What a kiosk bundle leaves out: shared by build/kiosk.spec and the benchmark's bare-window
bundle (tests/bench/bare_window.spec), so both are trimmed the same way.

PyInstaller's PySide6 hooks take the Qt modules that are imported with every plugin those
modules may load, and then every library those plugins need. The kiosk needs fewer: the
plugins below, Qt's own translations in the kiosk's languages only, and (on Linux) only the
libraries that something kept still links to (a virtual keyboard plugin alone brings in
QtQuick and QtQml, the GTK theme brings GTK and cairo), leaving the system's own
libraries to the system.
"""

from __future__ import annotations

import functools
import posixpath
import sys
from pathlib import Path, PurePath

# Python modules that must never come in through an optional import somewhere.
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "pydoc_data", "IPython", "matplotlib", "numpy", "pandas",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtNetwork",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets",
    "PySide6.QtSql", "PySide6.QtXml", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PySide6.QtSerialPort", "PySide6.QtSensors",
    # The test tools are not the kiosk's.
    "pytest", "_pytest", "hypothesis", "pytestqt", "readline",
    # lark (pyxform's parser) names rich for type checkers only, but PyInstaller follows it
    # when rich is installed (import-linter brings it), and rich brings pygments, whose
    # image formatter brings Pillow's fonts: 8 MB the kiosk never runs.
    "rich", "pygments",
    # pydantic's mypy plugin (the type checker's, for make lint) names mypy, which brings its
    # serialiser: 3.5 MB the kiosk never runs.
    "pydantic.mypy", "mypy", "mypyc", "ast_serialize", "librt",
    # reportlab imports Pillow, but a receipt holds no picture: no AVIF, WebP or colour
    # management (their libraries are 6 MB).
    "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL._imagingtk", "PIL.ImageTk",
    "PIL.ImageCms", "PIL.AvifImagePlugin", "PIL.WebPImagePlugin",
    # The central service's web stack (issue 22) is installed with pip on the central's host,
    # never in a kiosk: PyInstaller would follow `kiosk central serve` into it.
    "django", "gunicorn", "psycopg", "psycopg_binary", "psycopg_c", "psycopg_pool",
    "dj_database_url", "asgiref", "sqlparse", "sync.central.web",
]

LANGUAGES = ("en", "fr", "es", "ar")  # Qt's own strings (print dialogs), Babel's CLDR data

# Plugin folders (under Qt/plugins) and the files kept in each, by the start of their name;
# a folder not named here is kept whole.
KEEP_PLUGINS = {
    # xcb for X11 and XWayland, wayland for cage and other compositors, offscreen for the
    # self-test, windows on Windows; not eglfs, linuxfb, vnc or minimal.
    "platforms": ("libqxcb", "libqwayland", "libqoffscreen", "qwindows", "qoffscreen"),
    # SVG icons and the crest, JPEG pictures on information pages (PNG is built into Qt);
    # not tiff, webp, icns, tga, wbmp, gif or pdf.
    "imageformats": ("libqsvg", "libqico", "libqjpeg", "qsvg", "qico", "qjpeg"),
    "platformthemes": (),  # the kiosk has its own style sheet, not the desktop's theme (GTK)
    "egldeviceintegrations": (),  # eglfs only
    "platforminputcontexts": ("libcomposeplatforminputcontextplugin",),  # not the virtual keyboard
    "generic": ("libqevdevtouchplugin", "libqtuiotouchplugin"),
    "texttospeech": ("libqtexttospeech_speechd", "qtexttospeech_sapi", "qtexttospeech_winrt"),
    "tls": (),  # QtNetwork's, which the kiosk does not use (requests has its own TLS)
    "networkinformation": (),
}


def _kept(destination: str) -> bool:
    path = PurePath(destination)
    parts = path.parts
    if path.suffix == ".jar":  # pyxform's ODK Validate (Java): the kiosk only reads XLSForms
        return False
    if parts[0] == "stdnum" and path.suffix == ".dat":  # the kiosk uses check digits only
        return False
    if parts[:2] == ("reportlab", "fonts"):  # sample fonts; receipts use assets/fonts
        return False
    if parts[:2] == ("babel", "locale-data"):  # CLDR: 35 MB for every locale, 2.4 MB for ours
        return path.stem == "root" or path.stem.split("_")[0] in LANGUAGES
    if "translations" in parts and path.suffix == ".qm":
        family, _, language = path.stem.rpartition("_")  # qtbase_fr, qt_help_de ...
        return family in ("qt", "qtbase") and language in LANGUAGES
    if "plugins" in parts:
        at = parts.index("plugins")
        if len(parts) > at + 2:  # plugins/FOLDER/FILE
            keep = KEEP_PLUGINS.get(parts[at + 1])
            if keep is not None:
                return path.name.startswith(keep)
    return True


# Libraries a Linux kiosk takes from its own system, as the PySide6 wheels themselves do: the
# display (X11, xcb, Wayland, xkbcommon, OpenGL), fonts (fontconfig, freetype), GLib and D-Bus,
# and the services the kiosk talks to, whose library must match the running service: printing
# (CUPS), speech (speech-dispatcher) and sound (PulseAudio). build/linux/install.sh installs
# their packages; `kiosk self-test` and `kiosk doctor` say when one is missing.
SYSTEM_LIBRARIES = (
    "libX", "libxcb", "libxkbcommon", "libwayland", "libGL", "libEGL", "libOpenGL", "libdrm",
    "libgbm", "libfontconfig", "libfreetype", "libpng16", "libglib-2.0", "libgthread-2.0",
    "libgobject-2.0", "libgio-2.0", "libgmodule-2.0", "libdbus-1", "libcups", "libspeechd",
    "libpulse", "libmtdev", "libinput", "libudev",
)


def _root(entry) -> bool:
    """An extension module, a plugin or the interpreter: kept, with what it links to."""
    destination, _source, kind = entry
    return (kind == "EXTENSION" or "plugins" in PurePath(destination).parts
            or PurePath(destination).name.startswith("libpython"))


@functools.cache  # asked once for the PySide libraries, and again when following them
def _links(path: str) -> tuple[str, ...]:
    """The libraries one ELF file names itself (DT_NEEDED), not their own in turn."""
    import subprocess

    shown = subprocess.run(["objdump", "-p", path], capture_output=True, text=True).stdout
    return tuple(line.split()[1] for line in shown.splitlines()
                 if line.strip().startswith("NEEDED"))


def _from_pyside(source: str) -> bool:
    return any(part in ("PySide6", "shiboken6") for part in PurePath(source).parts)


def _needed(binaries) -> set[str]:
    """The names of the bundled libraries that a kept extension module, plugin or the
    interpreter needs, directly or through another bundled library. The system's own
    libraries are neither kept nor followed: SYSTEM_LIBRARIES, and every library that the
    PySide6 wheels link to without shipping it (a pip-installed PySide6 takes it from the
    system already: libstdc++, zlib, zstd, GSSAPI...)."""
    by_name = {PurePath(destination).name: source for destination, source, kind in binaries
               if kind != "SYMLINK"}
    shipped = {name for name, source in by_name.items() if _from_pyside(source)}
    system = {name for name, source in by_name.items() if _from_pyside(source)
              for name in _links(source) if name not in shipped}
    waiting = [entry[1] for entry in binaries if _root(entry)]
    needed: set[str] = set()
    while waiting:
        for name in _links(waiting.pop()):
            if name in needed or name not in by_name:
                continue
            # A wheel's own copy (auditwheel's NAME.libs folder: Pillow's libxcb-HASH) stays.
            vendored = PurePath(by_name[name]).parent.name.endswith(".libs")
            if not vendored and (name in system or name.startswith(SYSTEM_LIBRARIES)):
                continue
            needed.add(name)
            waiting.append(by_name[name])
    return needed


# PyInstaller's start-up hooks for modules the kiosk has but never uses that way: multiprocessing
# (no child processes) and pkgutil (listing a frozen package's modules). Each costs the start.
SKIPPED_RUNTIME_HOOKS = ("pyi_rth_multiprocessing", "pyi_rth_pkgutil")


def without_runtime_hooks(scripts):
    """The Analysis' scripts without SKIPPED_RUNTIME_HOOKS."""
    return [entry for entry in scripts if entry[0] not in SKIPPED_RUNTIME_HOOKS]


def trim(binaries, datas, work: str | None = None):
    """The bundle's binaries and data files without what the kiosk never loads; on Linux with
    `work` (a build folder), ICU's data trimmed to what Qt uses (build/icu_trim.py)."""
    binaries = [entry for entry in binaries if _kept(entry[0])]
    datas = [entry for entry in datas if _kept(entry[0])]
    if sys.platform.startswith("linux"):
        needed = _needed(binaries)
        binaries = [entry for entry in binaries if _root(entry) or PurePath(entry[0]).name in needed]
        # Links beside the interpreter to libraries that are no longer there go too.
        present = {posixpath.normpath(entry[0]) for entry in binaries + datas
                   if entry[2] != "SYMLINK"}
        datas = [entry for entry in datas if entry[2] != "SYMLINK" or posixpath.normpath(
            posixpath.join(posixpath.dirname(entry[0]), entry[1])) in present]
        if work is not None:
            binaries = [_smaller_icu(entry, work) for entry in binaries]
    return binaries, datas


def _smaller_icu(entry, work: str):
    destination, source, kind = entry
    if not PurePath(destination).name.startswith("libicudata.so"):
        return entry
    from icu_trim import trimmed_icu_data

    smaller = trimmed_icu_data(Path(source), Path(work) / "icu", LANGUAGES)
    return (destination, str(smaller), kind) if smaller else entry
