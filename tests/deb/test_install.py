"""`apt-get install ./kiosk_V_amd64.deb` on this machine, as IT runs it: every file where it
belongs with the owner and mode it must have, the account, the units enabled and accepted by
systemd, the installed command's self-test with no Python anywhere on its PATH; lintian on the
package; shellcheck on its scripts."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.deb_machine import (
    ACCOUNT,
    COMMAND,
    CONFIG,
    DATA,
    HOME,
    PROGRAM,
    ROOT,
    UNITS,
    apt_install,
    as_kiosk,
    leave_the_machine_as_it_was,
    package_status,
    run,
    why_not_here,
)

DEB = ROOT / "build" / "deb"
SCRIPTS = sorted({*DEB.glob("*.sh"), *(DEB / name for name in ("preinst", "postinst", "prerm",
                                                                 "postrm"))})


@pytest.fixture(scope="module")
def installed(package) -> Iterator[str]:
    """The package installed once for this module's tests, purged after them; what apt said."""
    reason = why_not_here()
    if reason:
        pytest.skip(reason)
    try:
        yield apt_install(package).stdout
    finally:
        leave_the_machine_as_it_was()


def _owner(path: Path) -> tuple[str, str, int]:
    info = path.lstat()
    return (pwd.getpwuid(info.st_uid).pw_name, grp.getgrgid(info.st_gid).gr_name,
            stat.S_IMODE(info.st_mode))


def test_the_install_tells_it_what_to_do_next(installed):
    assert "kiosk: installed. Next: edit /etc/kiosk/kiosk.toml" in installed
    assert "then reboot (or: systemctl start kiosk.service kiosk-sync.service)" in installed


def test_the_program_is_roots_and_the_kiosk_cannot_change_it(installed, version):
    assert package_status() == f"{version} install ok installed"
    for folder, folders, files in os.walk("/opt/kiosk"):
        for name in [*folders, *files]:
            path = Path(folder, name)
            owner, group, mode = _owner(path)
            assert (owner, group) == ("root", "root"), path
            if path.is_symlink():  # a link's own mode means nothing: where it points does
                assert path.resolve().is_relative_to("/opt/kiosk"), path
            else:
                assert not mode & 0o022, f"{path} {oct(mode)}"
    assert _owner(PROGRAM) == ("root", "root", 0o755)
    tried = as_kiosk("sh", "-c", "touch /opt/kiosk/kiosk || touch /opt/kiosk/new", check=False)
    assert tried.returncode != 0 and "Permission denied" in tried.stderr
    # The package's version is the one the program reports.
    assert run(COMMAND, "--version").stdout.startswith(f"kiosk {version} ")


def test_the_configuration_data_and_account_are_the_kiosks_alone(installed):
    assert _owner(CONFIG) == ("root", ACCOUNT, 0o640)  # it will hold the central's token
    assert 'data_dir = "/var/lib/kiosk/data"' in CONFIG.read_text()
    assert _owner(HOME) == (ACCOUNT, ACCOUNT, 0o700)
    assert _owner(DATA) == (ACCOUNT, ACCOUNT, 0o700)
    conffiles = run("dpkg-query", "-W", "-f=${Conffiles}", "kiosk").stdout
    assert {line.split()[0] for line in conffiles.strip().splitlines()} == {
        "/etc/kiosk/kiosk.toml", "/etc/pam.d/kiosk"}
    account = pwd.getpwnam(ACCOUNT)
    assert (account.pw_dir, account.pw_shell) == ("/var/lib/kiosk", "/usr/sbin/nologin")
    assert account.pw_uid < 1000  # a system account
    groups = {group.gr_name for group in grp.getgrall() if ACCOUNT in group.gr_mem}
    wanted = {name for name in ("video", "input", "render", "audio", "lp")
              if run("getent", "group", name, check=False).returncode == 0}
    assert wanted <= groups


def test_root_running_the_command_makes_nothing_of_roots_in_the_data_folder(installed):
    run(COMMAND, "helper", "list")  # makes the database, as the kiosk account
    made = sorted(DATA.iterdir())
    assert made and all(_owner(path)[:2] == (ACCOUNT, ACCOUNT) for path in made), made
    status = run(COMMAND, "status", "--json")
    assert '"queued": 0' in status.stdout


def test_root_checks_its_own_form_files_as_root(installed, tmp_path):
    """`kiosk forms check` touches no data: it reads a file only root may read."""
    form = tmp_path / "report_problem.yaml"
    shutil.copy(ROOT / "assets" / "forms" / "report_problem.yaml", form)
    form.chmod(0o600)
    checked = run(COMMAND, "forms", "check", form)
    assert "1 form checked, 1 fine, 0 with errors" in checked.stdout


def test_the_units_are_installed_enabled_and_accepted_by_systemd(installed):
    units = sorted(path.name for path in (DEB / "units").iterdir())
    assert {"kiosk.service", "kiosk-sync.service"} <= set(units)
    for name in units:
        assert _owner(UNITS / name) == ("root", "root", 0o644)
        assert (UNITS / name).read_text() == (DEB / "units" / name).read_text()
    wants = Path("/etc/systemd/system/multi-user.target.wants")
    for name in ("kiosk.service", "kiosk-sync.service"):
        assert os.readlink(wants / name) == str(UNITS / name)
    # tty1 is the kiosk's screen: its login prompt is masked.
    assert os.readlink("/etc/systemd/system/getty@tty1.service") == "/dev/null"
    verified = run(shutil.which("systemd-analyze") or "systemd-analyze", "verify",
                   *(UNITS / name for name in units), check=False, timeout=120)
    assert verified.returncode == 0, verified.stderr
    settings = dict(re.findall(r"^(\w+)=(.*)$", (UNITS / "kiosk-sync.service").read_text(), re.M))
    assert settings["User"] == ACCOUNT and settings["Restart"] == "always"
    assert settings["ExecStart"] == "/opt/kiosk/kiosk sync"


def test_the_installed_command_passes_its_self_test_with_no_python_on_its_path(installed,
                                                                              tmp_path):
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    home.mkdir()
    for name in ("python3", "python"):
        assert shutil.which(name, path=str(empty)) is None
    done = subprocess.run(["env", "-i", f"PATH={empty}", f"HOME={home}", "LANG=C.UTF-8",
                           "QT_QPA_PLATFORM=offscreen", str(COMMAND), "self-test"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_lintian_finds_nothing_the_package_does_not_explain(package):
    overrides = (DEB / "lintian-overrides").read_text().splitlines()
    for number, line in enumerate(overrides):  # each override says why, above it
        if line.startswith("kiosk:"):
            assert overrides[number - 1].startswith(("#", "kiosk:")), line
    lintian = shutil.which("lintian")
    assert lintian, "lintian is missing: `make system-deps` installs it"
    done = subprocess.run([lintian, "--fail-on", "error,warning", str(package)],
                          capture_output=True, text=True, timeout=1200)
    found = [line for line in done.stdout.splitlines() if re.match(r"[EWI]: ", line)]
    assert done.returncode == 0 and found == [], "\n".join(found) + done.stderr[-2000:]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_shellcheck_finds_nothing(script):
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is missing: `make system-deps` installs it"
    done = subprocess.run([shellcheck, "--shell=sh", str(script)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout


def test_the_packaged_session_is_the_hand_recipes_session():
    """build/deb/units/kiosk.service is build/linux/kiosk.service but for what it is wanted
    by: a change to the session made in one is made in the other."""
    def settings(path: Path) -> list[tuple[str, str]]:
        return [(key, value) for key, value in re.findall(r"^(\w+)=(.*)$", path.read_text(), re.M)
                if key not in ("WantedBy", "Documentation")]

    hand = ROOT / "build" / "linux" / "kiosk.service"
    assert settings(DEB / "units" / "kiosk.service") == settings(hand)
    assert "WantedBy=multi-user.target" in (DEB / "units" / "kiosk.service").read_text()


@pytest.mark.parametrize(("arguments", "said"), [
    (["--bundle", "/nonexistent"], "there is no kiosk program in /nonexistent: run make package"),
    (["--version", "1.0"], "give --bundle DIR"),
    (["--bundle", "BUNDLE", "--version", "one"], "'one' is not a Debian version"),
    (["--bundle", "BUNDLE", "--compress", "bzip2"], "--compress takes xz, zstd or gzip"),
], ids=["no-bundle", "bundle-not-given", "bad-version", "bad-compression"])
def test_the_build_refuses_what_it_cannot_build_and_says_why(arguments, said, tmp_path):
    bundle = tmp_path / "kiosk"
    (bundle / "_internal" / "kiosk").mkdir(parents=True)
    (bundle / "kiosk").write_text("#!/bin/sh\n")
    (bundle / "kiosk").chmod(0o755)
    (bundle / "_internal" / "kiosk" / "build_info.json").write_text('{"version": "1.0"}\n')
    arguments = [str(bundle) if part == "BUNDLE" else part for part in arguments]
    done = subprocess.run(["sh", str(DEB / "build-deb.sh"), *arguments, "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and said in done.stderr, done.stderr
    assert not list(tmp_path.glob("out/*.deb"))
