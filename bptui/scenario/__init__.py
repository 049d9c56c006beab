"""Reading scenario files (docs/SPEC.md §3): TOML in, a validated :class:`bptui.engine.Scenario` out.

Every problem with a file raises :class:`ScenarioError` whose text is
``FILE[:LINE]: what is wrong and how to fix it``.
"""

from bptui.errors import ScenarioError

from .bundled import DEFAULT_SCENARIO, bundled, bundled_dir, resolve
from .loader import load_scenario, parse_scenario

__all__ = [
    "DEFAULT_SCENARIO",
    "ScenarioError",
    "bundled",
    "bundled_dir",
    "load_scenario",
    "parse_scenario",
    "resolve",
]
