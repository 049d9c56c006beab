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
