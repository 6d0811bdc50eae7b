"""The slow list names tests that exist: a test renamed or moved must take its entry along, or
`make test-fast` would quietly start running it."""

import ast
from pathlib import Path

from tests.support.markers import SLOW

ROOT = Path(__file__).resolve().parents[1]


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_slow_entry_names_a_test_that_exists():
    missing = []
    for entry in sorted(SLOW):
        file, name = entry.split("::", 1)
        path = ROOT / file
        if not path.is_file() or name.split("[")[0] not in _defined(path):
            missing.append(entry)
    assert missing == []
