"""Engine test fixtures; the scenarios themselves are in tests/builders.py."""

from __future__ import annotations

import pytest

from bptui.engine import Scenario

from ..builders import streetlight


@pytest.fixture
def street() -> Scenario:
    return streetlight()
