"""``bptui export``: a scenario as a handout (Markdown with LaTeX, or plain text) or as a script.

The handout walks the micro-steps with a fresh :class:`~bptui.engine.Debugger` and writes each
one's derivation (:mod:`bptui.engine.derivation`), so it shows exactly the numbers the TUI shows.
The scripts (:mod:`.scripts`) train the same network outside bptui — NumPy with the engine's
arithmetic, or PyTorch — and print the same epoch losses.
"""

from __future__ import annotations

from bptui.engine.spec import Scenario

from .handout import handout
from .scripts import numpy_script, torch_script

FORMATS = ("markdown", "text", "numpy", "torch")


def export(scenario: Scenario, *, steps: int | None = None, param: str | None = None, fmt: str = "markdown") -> str:
    """The export of ``scenario`` in format ``fmt`` (one of :data:`FORMATS`).

    ``steps`` micro-steps are walked from the start (default: one whole pass, 2L+2 steps), and
    ``param`` (e.g. ``W1[0,1]``) adds that parameter's full chain at the end. The scripts train
    for the scenario's ``epochs`` and take neither.
    """
    if fmt in ("markdown", "text"):
        return handout(scenario, steps=steps, param=param, tex=fmt == "markdown")
    if fmt == "numpy":
        return numpy_script(scenario)
    if fmt == "torch":
        return torch_script(scenario)
    raise ValueError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "export"]
