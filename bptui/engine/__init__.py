"""The pure-NumPy backpropagation engine: no Textual, Rich or plotext in here.

``Debugger`` is the entry point for front ends: it owns a :class:`Timeline` (the state after any
number of micro-steps) and turns user commands into moves with undo/redo.
"""

from .debugger import Debugger, Outcome
from .expect import CheckResult, verify
from .spec import Expectation, InitSpec, LayerSpec, Scenario, TrainingSpec
from .steps import Layout, Position, step_name, step_names
from .timeline import MAX_EPOCHS, Moved, NonFinite, Timeline

__all__ = [
    "MAX_EPOCHS",
    "CheckResult",
    "Debugger",
    "Expectation",
    "InitSpec",
    "LayerSpec",
    "Layout",
    "Moved",
    "NonFinite",
    "Outcome",
    "Position",
    "Scenario",
    "Timeline",
    "TrainingSpec",
    "step_name",
    "step_names",
    "verify",
]
