"""Modal screens: the help and the run-N question."""
from .help import HelpScreen
from .run_dialog import RunDialog

__all__ = ["HelpScreen", "RunDialog"]
