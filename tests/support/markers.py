"""The markers `ui`, `slow` and `network`, put on each collected test by what it uses, so that
`make test-fast` (pytest -m "not ui and not slow and not network") runs the Qt-free core alone.

ui: everything under tests/ui and tests/e2e, and any test that uses qtbot.
network: a test that uses a fixture starting a server on loopback, or that starts one of the
loopback servers itself or through a helper function of its own (a test may also mark itself,
for a server in a subprocess).
slow: the tests in SLOW, measured over about 2 s with `pytest --durations=0` on the 2-core
machine the suite runs on; tests/test_markers.py checks that each one still exists.
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path

import pytest

from sync.central.server import CentralServer
from sync.demo import start_demo_central
from tests.sync import openrosa_kit
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.loopback import LoopbackServer
from tests.sync.openrosa_server import OpenRosaServer
from tests.sync.scripted_service import ScriptedService

TESTS = Path(__file__).resolve().parents[1]
UI_FOLDERS = ("ui", "e2e")
SERVER_FIXTURES = {"central", "service"}
LOOPBACK_SERVERS = {id(server) for server in (CentralServer, start_demo_central, ScriptedService,
                                              OpenRosaServer, FaultyProxy, LoopbackServer,
                                              openrosa_kit.kiosk)}

# Test ids without their parameters (every parameter of a slow test counts as slow).
SLOW: set[str] = set()


def mark_by_what_they_use(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
        if folder in UI_FOLDERS or "qtbot" in item.fixturenames:
            item.add_marker(pytest.mark.ui)
        if SERVER_FIXTURES & set(item.fixturenames) or _starts_a_server(item):
            item.add_marker(pytest.mark.network)
        if item.nodeid.split("[")[0] in SLOW:
            item.add_marker(pytest.mark.slow)


def _starts_a_server(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    return function is not None and _calls_a_server(function, depth=3)


def _calls_a_server(function, depth: int) -> bool:
    """Whether `function`, or a function it names (to `depth` calls down), names a server."""
    code, names = getattr(function, "__code__", None), getattr(function, "__globals__", {})
    if code is None:
        return False
    for name in _global_names(code):
        value = names.get(name)
        if id(value) in LOOPBACK_SERVERS:
            return True
        if depth > 1 and inspect.isfunction(value) and value is not function \
                and _calls_a_server(value, depth - 1):
            return True
    return False


def _global_names(code: types.CodeType) -> set[str]:
    """The names a function's code reads, its nested functions' and lambdas' included."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names
