"""What a micro-step computed, and how a parameter's gradient arises, as chain-rule equations.

:func:`derive_step` lists the equations the current micro-step evaluated, element by element,
symbols first and then the same equation with the numbers in, as the seeds' worked examples do.
:func:`derive_parameter` writes the chain from ``loss`` to one parameter, one factor per edge and
activation, summed over every path, and evaluates it. Both return a :class:`Derivation` of
:class:`~bptui.engine.formulas.Line` objects that render to Unicode (the Chain rule pane) and to
LaTeX (exports) from the same expression tree.

Every result shown is the engine's own number (taken from the current :class:`SamplePass`), and
each line carries it in ``Line.value`` with the value name in ``Line.name`` so that tests can
check the text against the engine.

The package: :mod:`.naming` (element names in the file's convention, which elements to show),
:mod:`.step` (:func:`derive_step`), :mod:`.chain` (:func:`derive_parameter`), :mod:`.builders`.
Both entry points take a :class:`~bptui.engine.view.PassView` or anything that gives one (the
Debugger).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formulas import Derivation, Line
from .naming import Grid
from .step import derive_step

if TYPE_CHECKING:
    from .chain import derive_parameter


def __getattr__(name: str) -> object:
    """``derive_parameter`` loads :mod:`.chain` when first asked for (not on the TUI's start-up)."""
    if name == "derive_parameter":
        from .chain import derive_parameter

        return derive_parameter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Derivation", "Grid", "Line", "derive_parameter", "derive_step"]
