"""The deployment recipes in build/, checked as far as this machine can: the Linux install
staged into a folder (files, owners' modes, an upgrade that keeps IT's configuration), its
systemd unit verified by systemd itself, the shell scripts by shellcheck; the Windows
configuration XML parsed and the PowerShell scripts checked for the mistakes that stop a
script before it does anything (they cannot run here)."""

import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
LINUX = BUILD / "linux"
WINDOWS = BUILD / "windows"
SHELL_SCRIPTS = [LINUX / "install.sh", BUILD / "check-bundle.sh", BUILD / "install-system-deps.sh"]
POWERSHELL = sorted(WINDOWS.glob("*.ps1"))


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: `make system-deps` installs it"
    return found


@pytest.fixture
def bundle(tmp_path) -> Path:
    """A stand-in for dist/kiosk: the install copies it whole, whatever it holds."""
    folder = tmp_path / "dist" / "kiosk"
    folder.mkdir(parents=True)
    program = folder / "kiosk"
    program.write_text("#!/bin/sh\necho kiosk 1\n")
    program.chmod(0o755)
    return folder


def _install(bundle: Path, root: Path) -> str:
    result = subprocess.run(["sh", str(LINUX / "install.sh"), "--bundle", str(bundle),
                             "--root", str(root)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_linux_install_puts_every_file_in_place_and_changes_nothing_else(bundle, tmp_path):
    root = tmp_path / "staging"
    said = _install(bundle, root)
    assert (root / "opt/kiosk/kiosk").read_text() == "#!/bin/sh\necho kiosk 1\n"
    config = root / "etc/kiosk/kiosk.toml"
    assert config.read_text() == (BUILD / "kiosk.example.toml").read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o640  # it holds the central's token
    data = root / "var/lib/kiosk/data"
    assert data.is_dir() and stat.S_IMODE(data.stat().st_mode) == 0o700
    assert (root / "etc/systemd/system/kiosk.service").read_text() == \
        (LINUX / "kiosk.service").read_text()
    assert (root / "etc/pam.d/kiosk").read_text() == (LINUX / "kiosk.pam").read_text()
    # Staging ran no apt-get, useradd or systemctl: it said what it would have done.
    assert "(staging, not run) systemctl enable kiosk.service" in said
    assert "(staging, not run) apt-get update -qq" in said


def test_an_upgrade_replaces_the_program_and_keeps_the_configuration(bundle, tmp_path):
    root = tmp_path / "staging"
    _install(bundle, root)
    config = root / "etc/kiosk/kiosk.toml"
    config.write_text('site_id = "LIB07"\n')
    (root / "opt/kiosk/left-over").write_text("from the old version")
    (bundle / "kiosk").write_text("#!/bin/sh\necho kiosk 2\n")
    _install(bundle, root)
    assert config.read_text() == 'site_id = "LIB07"\n'
    assert (root / "opt/kiosk/kiosk").read_text().endswith("kiosk 2\n")
    assert not (root / "opt/kiosk/left-over").exists()


def test_the_install_refuses_a_folder_without_the_program(tmp_path):
    result = subprocess.run(["sh", str(LINUX / "install.sh"), "--bundle", str(tmp_path),
                             "--root", str(tmp_path / "staging")], capture_output=True, text=True)
    assert result.returncode == 1 and "no kiosk program" in result.stderr
    assert not (tmp_path / "staging").exists()


def test_the_unit_restarts_the_kiosk_forever_in_a_cage_session_on_tty1():
    unit = (LINUX / "kiosk.service").read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
    assert settings["Restart"] == "always" and settings["StartLimitIntervalSec"] == "0"
    assert settings["User"] == "kiosk" and settings["PAMName"] == "kiosk"
    assert settings["ExecStart"] == "/usr/bin/cage -d -- /opt/kiosk/kiosk run"
    assert settings["TTYPath"] == "/dev/tty1" and "getty@tty1.service" in settings["Conflicts"]
    assert "KIOSK_CONFIG=/etc/kiosk/kiosk.toml" in unit
    assert settings["WantedBy"] == "graphical.target"
    # The paths the unit names are the ones install.sh makes.
    install = (LINUX / "install.sh").read_text()
    for path in ("/opt/kiosk", "/etc/kiosk/kiosk.toml", "/var/lib/kiosk", "/etc/pam.d/kiosk"):
        assert path in install


def test_systemd_accepts_the_unit():
    result = subprocess.run([_tool("systemd-analyze"), "verify", str(LINUX / "kiosk.service")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda path: path.name)
def test_shellcheck_finds_nothing(script):
    result = subprocess.run([_tool("shellcheck"), str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_shell_launcher_configuration_starts_the_windowed_kiosk_and_restarts_it():
    namespace = {"s": "http://schemas.microsoft.com/ShellLauncher/2018/Configuration"}
    v2 = "{http://schemas.microsoft.com/ShellLauncher/2019/Configuration}"
    tree = ElementTree.parse(WINDOWS / "shell-launcher.xml").getroot()
    [profile] = tree.findall("s:Profiles/s:Profile", namespace)
    shell = profile.find("s:Shell", namespace)
    assert shell.get("Shell") == r"%ProgramFiles%\Kiosk\kiosk-window.exe run"
    assert shell.get(f"{v2}AppType") == "Desktop" and shell.get(f"{v2}AllAppsFullScreen") == "true"
    assert shell.find("s:DefaultAction", namespace).get("Action") == "RestartShell"
    [config] = tree.findall("s:Configs/s:Config", namespace)
    assert config.find("s:Profile", namespace).get("Id") == profile.get("Id")
    assert config.find("s:Account", namespace).get("Name") == "ACCOUNT_NAME"
    # kiosk-window.exe is what the spec builds on Windows (no console window behind it).
    assert 'name="kiosk-window"' in (BUILD / "kiosk.spec").read_text()


def _code(script: str) -> str:
    """The script without comments and with every string emptied, read left to right as
    PowerShell reads it (a quote inside a comment, or a # inside a string, is no trouble)."""
    kept, at, size = [], 0, len(script)
    while at < size:
        if script.startswith("<#", at):
            at = script.index("#>", at) + 2
        elif script[at] == "#":
            at = script.find("\n", at) if "\n" in script[at:] else size
        elif script[at] in "\"'":
            quote, at = script[at], at + 1
            while script[at] != quote or script.startswith(quote * 2, at):
                at += 2 if script[at] == "`" or script.startswith(quote * 2, at) else 1
            kept.append(quote * 2)
            at += 1
        else:
            kept.append(script[at])
            at += 1
    return "".join(kept)


@pytest.mark.parametrize("script", POWERSHELL, ids=lambda path: path.name)
def test_each_powershell_script_would_start(script):
    from pygments.lexers import PowerShellLexer
    from pygments.token import Error

    text = script.read_text(encoding="utf-8")
    assert text.startswith("#Requires -RunAsAdministrator")
    assert "Set-StrictMode -Version Latest" in text and '$ErrorActionPreference = "Stop"' in text
    code = _code(text)
    for opening, closing in ("{}", "()", "[]"):
        assert code.count(opening) == code.count(closing), f"{opening}{closing} unbalanced"
    # "$name: text" in double quotes does not parse in PowerShell ("${name}: text" does).
    assert not re.findall(r'"[^"\n]*\$\w+:\s[^"\n]*"', text)
    errors = [value for kind, value in PowerShellLexer().get_tokens(text) if kind in Error]
    assert errors == []


def test_the_windows_scripts_name_the_files_and_features_they_use():
    install = (WINDOWS / "install.ps1").read_text()
    assert "Client-EmbeddedShellLauncher" in install and "Client-KeyboardFilter" in install
    assert "S-1-5-32-545" in install  # Users, whatever Windows' language
    assert "kiosk.example.toml" in install and "KIOSK_CONFIG" in install
    assert "shell-launcher.xml" in (WINDOWS / "set-shell-launcher.ps1").read_text()
    assert "S-1-5-18" in (WINDOWS / "set-shell-launcher.ps1").read_text()  # SYSTEM only
    keys = (WINDOWS / "set-keyboard-filter.ps1").read_text()
    for combination in ("Alt+F4", "Alt+Tab", "Ctrl+Alt+Del", "Win+L"):
        assert f'"{combination}"' in keys
    assert "DisableKeyboardFilterForAdministrators" in keys
