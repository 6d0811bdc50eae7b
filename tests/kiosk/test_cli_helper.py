"""`kiosk helper set-pin`: name, then the PIN twice, never echoed; refusals say why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _kiosk(data_dir: Path, *args: str, stdin: str = "", **more) -> subprocess.CompletedProcess:
    env = {"KIOSK_DATA_DIR": str(data_dir), "KIOSK_SITE_ID": "HALL7", "PATH": "/usr/bin:/bin",
           **more}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


def test_set_pin_adds_a_helper_and_the_pin_never_appears(tmp_path):
    added = _kiosk(tmp_path, "helper", "set-pin", "--name", "Amina", stdin="481516\n481516\n")
    assert added.returncode == 0, added.stderr
    assert "Added helper Amina." in added.stdout
    assert "481516" not in added.stdout + added.stderr
    listed = _kiosk(tmp_path, "helper", "list")
    assert listed.stdout.split() == ["Amina"]
    changed = _kiosk(tmp_path, "helper", "set-pin", stdin="Amina\n592735\n592735\n")
    assert "Changed the PIN of helper Amina." in changed.stdout
    assert b"481516" not in (tmp_path / "kiosk.db").read_bytes()


def test_set_pin_refuses_two_different_pins_and_easy_ones(tmp_path):
    different = _kiosk(tmp_path, "helper", "set-pin", "--name", "Bo", stdin="481516\n481517\n")
    assert different.returncode == 1
    assert "The two PINs are not the same; nothing was changed." in different.stderr
    easy = _kiosk(tmp_path, "helper", "set-pin", "--name", "Bo", stdin="123456\n123456\n")
    assert easy.returncode == 1 and "in order (123456)" in easy.stderr
    assert _kiosk(tmp_path, "helper", "list").stdout == ""


def test_remove_a_helper(tmp_path):
    _kiosk(tmp_path, "helper", "set-pin", "--name", "Amina", stdin="481516\n481516\n")
    assert _kiosk(tmp_path, "helper", "remove", "Amina").returncode == 0
    gone = _kiosk(tmp_path, "helper", "remove", "Amina")
    assert gone.returncode == 1 and "There is no helper called 'Amina'" in gone.stderr


def test_set_pin_demo_adds_the_helper_that_kiosk_run_demo_knows(tmp_path):
    """`kiosk run --demo` keeps its data apart from real data; `--demo` here writes there."""
    real, temp = tmp_path / "real", tmp_path / "temp"
    temp.mkdir()
    added = _kiosk(real, "helper", "set-pin", "--demo", "--name", "Amina",
                   stdin="481516\n481516\n", TMPDIR=str(temp))
    assert added.returncode == 0, added.stderr
    assert (temp / "kiosk-demo").is_dir() and not real.exists()
    assert _kiosk(real, "helper", "list", "--demo", TMPDIR=str(temp)).stdout.split() == ["Amina"]
    normal = _kiosk(real, "helper", "list", TMPDIR=str(temp))
    assert normal.stdout == "" and "set-pin`" in normal.stderr
