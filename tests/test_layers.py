"""kiosk/ and sync/ are the Qt-free layers: importing every module in them loads no Qt."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / package).rglob("*.py")
    )


def test_domain_and_sync_never_import_qt():
    modules = _modules("kiosk") + _modules("sync")
    assert "kiosk.forms.session" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt loaded by the domain: {result.stdout}"


def test_the_check_would_notice_qt():
    # The same probe on ui/ must see Qt, or the test above proves nothing.
    code = "import sys, ui.main_window; print('PySide6' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert result.stdout.strip() == "True", result.stderr


def test_the_command_line_loads_nothing_heavy_before_it_knows_the_command():
    # `kiosk run` paints its first screen before the heavy imports; building the parser (which
    # includes `kiosk central ...`) must not pull in crypto, HTTP, SQLite helpers or Qt.
    code = ("import sys, ui.cli; ui.cli.build_parser()\n"
            "heavy = ('cryptography', 'requests', 'sqlite_utils', 'pydantic', 'yaml', 'PySide6',"
            " 'sync.central.server')\n"
            "print(','.join(m for m in heavy if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded before the command is known: {result.stdout}"


def _lint_imports(config: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(script), "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True)


def test_the_layer_contracts_hold():
    """pyproject.toml's [tool.importlinter] contracts: the domain imports neither sync nor the
    screens, sync never imports the screens, and Qt is only in ui (make lint runs them too)."""
    result = _lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_would_notice_a_broken_layer(tmp_path):
    # The same checker, told that ui may not import Qt or the domain, must say both are
    # broken: else the contracts above could pass by seeing nothing.
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["kiosk", "sync", "ui"]\n'
        "include_external_packages = true\n\n"
        '[[tool.importlinter.contracts]]\nname = "no Qt in ui"\ntype = "forbidden"\n'
        'source_modules = ["ui"]\nforbidden_modules = ["PySide6"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "no domain in ui"\ntype = "forbidden"\n'
        'source_modules = ["ui"]\nforbidden_modules = ["kiosk"]\n', encoding="utf-8")
    result = _lint_imports(config)
    assert result.returncode == 1
    assert "0 kept, 2 broken" in result.stdout, result.stdout
