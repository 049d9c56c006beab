"""Modal screens: the help, the scenario's About and the run-N question."""

from .about import AboutScreen
from .help import HelpScreen
from .run_dialog import RunDialog

__all__ = ["AboutScreen", "HelpScreen", "RunDialog"]
