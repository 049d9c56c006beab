"""Settings every test shares.

Hypothesis: one profile instead of the same options on every ``@settings``. No deadline (a shared,
loaded machine must not fail a test by its clock: speed is for tests/benchmarks), no "too slow"
health check for the same reason, and a failure prints the blob that replays it
(``@reproduce_failure``). Each test keeps its own ``max_examples``: the size that example is worth.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("bptui", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bptui")


# The modules whose tests take seconds each (a real pty, thousands of random keys, memory traced,
# big files), run first: with two workers, a long test started last would leave the other worker
# idle at the end (``--dist worksteal`` then shares out the rest as workers free up).
LONG_FIRST = (
    "tests/tui/test_abuse_pty.py",
    "tests/tui/test_abuse_pilot.py",
    "tests/tui/test_terminal.py",
    "tests/tui/test_paste.py",
    "tests/security/test_fuzz_bundled.py",
    "tests/engine/test_history_memory.py",
    "tests/security/test_limits.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    rank = {module: i for i, module in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
