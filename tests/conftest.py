"""Settings every test shares.

Hypothesis: one profile instead of the same options on every ``@settings``. No deadline (a shared,
loaded machine must not fail a test by its clock: speed is for tests/benchmarks), no "too slow"
health check for the same reason, the same examples on every run (derandomized; the ``explore``
profile draws new ones), and a failure prints the blob that replays it (``@reproduce_failure``).
Each test keeps its own ``max_examples``: the size that example is worth.
"""

from __future__ import annotations

import gc
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "bptui",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure in CI is one anyone can rerun
)
# BPTUI_HYPOTHESIS=explore: new random examples each run, to look further (as a session did, which
# found a divergence stop that came too late: tests/engine/test_divergence.py's @example)
settings.register_profile("explore", settings.get_profile("bptui"), derandomize=False)
settings.load_profile(os.environ.get("BPTUI_HYPOTHESIS", "bptui"))


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


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # (an xdist hook: pytest -p no:xdist still runs)
def pytest_xdist_auto_num_workers(config) -> int | None:
    """``-n auto`` starts one worker more than there are cores. The terminal tests spend much of
    their time waiting for the app's answer (two cores, one module at a time: 25 s of the 58 s the
    pty, Pilot abuse, signal and paste modules take are waits), and a third worker runs other tests
    meanwhile (two cores: 100 s with two workers, 84 s with three, 87 s with four).
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else None


def pytest_collection_modifyitems(config, items) -> None:
    rank = {module: i for i, module in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


# The garbage collector's time. Textual's rendering allocates hundreds of thousands of small objects
# per test; every full collection walks what is alive. Two things kept a third of a TUI test's time
# in the collector (measured on tests/tui/test_keys, _faults, _teach, _network: 10.1 s of 23 s CPU
# in the collector before, 3.9 s of 16.5 s after):
# - what the imports and collection built (modules, classes, the test items) is frozen once, so
#   later collections do not walk it again, as the app itself does after its first frame;
# - Textual 8.2.8's ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method, so it
#   keeps the last 1024 widgets' style caches (and every line they cached) alive after their app
#   has gone: emptied after each test (the app does not need it: a missed entry is recomputed).


def pytest_collection_finish(session) -> None:
    gc.collect()
    gc.freeze()


def pytest_runtest_teardown(item, nextitem) -> None:
    leaks = sys.modules.get("bptui.tui.leaks")  # loaded with the app: what it does when a dialog closes
    if leaks is not None:
        leaks.release_closed_widgets()
