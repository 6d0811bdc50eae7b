"""Several kiosk processes started at the same moment on a new data folder, round after round:
the first start's race for the install key and the schema (issue 19, item 7).

Each round a fresh folder; every process opens the store there at once and keeps a draft
sealed with the key it got. A round's failures are the processes that could not start, and the
drafts a later start cannot open (a process that ended up with a key of its own)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.store import Store, StoreError

CHILD = Path(__file__).with_name("first_start_child.py")


@dataclass
class Round:
    folder: Path
    started: int = 0  # processes that opened the store
    failures: list[str] = field(default_factory=list)  # one line each: who, and why


def start_together(base: Path, processes: int, rounds: int) -> list[Round]:
    """`processes` processes, each opening the store in base/round-<n> at the same moment as
    the others, for n in range(rounds). A round's folder may be made beforehand (an older
    database, say); otherwise it is new."""
    base.mkdir(parents=True, exist_ok=True)
    children = [subprocess.Popen([sys.executable, str(CHILD), str(base), str(rounds), str(child)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for child in range(processes)]
    results = []
    try:
        for number in range(rounds):
            for child in children:
                _expect(child, f"ready {number}")
            (base / f"go-{number}").touch()
            outcome = Round(base / f"round-{number}")
            for index, child in enumerate(children):
                said = _read_line(child)
                if said == f"ok {number}":
                    outcome.started += 1
                else:
                    outcome.failures.append(f"process {index}: {said}")
            outcome.failures += _unreadable_drafts(outcome.folder, processes, outcome.failures)
            results.append(outcome)
    except BaseException:
        for child in children:
            child.kill()  # they would wait for a go file that never comes
        raise
    finally:
        for child in children:
            child.wait(timeout=60)
            child.stdout.close()  # type: ignore[union-attr]
            child.stderr.close()  # type: ignore[union-attr]
    return results


def _unreadable_drafts(folder: Path, processes: int, failed: list[str]) -> list[str]:
    """The drafts of the processes that started, opened by one started after them all."""
    started = [child for child in range(processes)
               if not any(line.startswith(f"process {child}:") for line in failed)]
    problems = []
    try:
        with Store(folder / "kiosk.db", site_id="FIRST") as store:
            for child in started:
                try:
                    if store.drafts.load_draft(f"child-{child}") is None:
                        problems.append(f"process {child}: its draft is not in the database")
                except StoreError as error:
                    problems.append(f"process {child}: its draft does not open later ({error})")
    except StoreError as error:
        problems.append(f"the next start: {error}")
    return problems


def _read_line(child: subprocess.Popen[str]) -> str:
    line = child.stdout.readline()  # type: ignore[union-attr]
    if not line:
        child.wait(timeout=60)
        raise RuntimeError(f"a first-start process ended early: {child.stderr.read()}")  # type: ignore[union-attr]
    return line.strip()


def _expect(child: subprocess.Popen[str], line: str) -> None:
    said = _read_line(child)
    if said != line:
        raise RuntimeError(f"a first-start process said {said!r}, not {line!r}")
