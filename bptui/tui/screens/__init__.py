"""Modal screens: the help, the scenario's About and the run-N question.

Loaded when first asked for (``from .screens import HelpScreen`` in the App's actions): the dialogs
and their input widgets are not needed for the first frame (see ``first_frame``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .about import AboutScreen
    from .help import HelpScreen
    from .run_dialog import RunDialog

_MODULES = {"AboutScreen": ".about", "HelpScreen": ".help", "RunDialog": ".run_dialog"}
__all__ = ["AboutScreen", "HelpScreen", "RunDialog"]


def __getattr__(name: str):
    if name in _MODULES:
        return getattr(import_module(_MODULES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
