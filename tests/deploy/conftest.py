"""The central service's deployment (nginx in front of gunicorn), started once for a module's
tests: tests/support/central_stack.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.central_stack import CentralStack, central_stack


@pytest.fixture(scope="module")
def deployed_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralStack]:
    with central_stack(tmp_path_factory.mktemp("central-stack")) as stack:
        yield stack
