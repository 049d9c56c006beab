"""The Chain rule pane: what the current micro-step computed, symbols first, then the numbers.

The derivation itself is the engine's (``bptui.engine.derivation``); :func:`explain` runs on the
App's side, where the Debugger lives, and the pane only shows the lines it produced.
"""
from __future__ import annotations

import numpy as np
from textual.binding import Binding
from textual.content import Content

from bptui.engine import Debugger, Position

from ..formatting import cells
from ..state import Explanation, State
from .pane import Pane


def explain(debugger: Debugger) -> Explanation:
    """The derivation of the step just taken, or — before that module exists — what it wrote."""
    try:
        from bptui.engine.derivation import derive_step
    except ImportError:
        return _written(debugger)
    try:
        derivation = derive_step(debugger)
    except Exception as exc:  # a gap in the derivations must not take the debugger down
        fallback = _written(debugger)
        return Explanation(fallback.title, fallback.lines + (f"(no derivation for this step: {exc})",))
    return Explanation(derivation.title, tuple(line.unicode() for line in derivation.lines))


def _step_outputs(pos: Position) -> list[str]:
    """The names micro-step ``pos.step`` writes (SPEC 4)."""
    L, l = pos.depth, pos.layer
    if pos.phase == "forward":
        return [f"z{l}", f"a{l}"]
    if pos.phase == "loss":
        return ["loss", f"da{L}"]
    if pos.phase == "backward":
        return [f"dz{l}", f"dW{l}", f"db{l}"] + ([f"da{l - 1}"] if l and l > 1 else [])
    if pos.phase == "update":
        return [f"{p}{i}" for i in range(1, L + 1) for p in ("W", "b")]
    return []


def _written(debugger: Debugger) -> Explanation:
    pos, values = debugger.position, debugger.values()
    if pos.phase == "start":
        return Explanation("start", ("nothing computed yet: n takes the first step (forward 1)",))
    lines = []
    for name in _step_outputs(pos):
        if name in values:
            flat = cells(np.asarray(values[name], dtype=float))
            lines.append(f"{name} = " + ("[" + ", ".join(flat) + "]" if len(flat) > 1 else flat[0]))
    return Explanation(pos.step, tuple(lines))


class ChainRulePane(Pane):
    TITLE = "Chain rule"
    BINDINGS = [
        Binding("up", "scroll_line(-1)", "Scroll up", show=False),
        Binding("down", "scroll_line(1)", "Scroll down", show=False),
    ]

    def action_scroll_line(self, delta: int) -> None:
        self.scroll_relative(y=delta, animate=False)

    def body(self, state: State) -> list[Content]:
        """The lines, wrapped here to the pane's width so that unchanged rows are not repainted."""
        width = self.scrollable_content_region.width
        if not width:  # not laid out yet: wrapping now would leave a stray scrollbar
            return []
        return [row for line in self.lines(state) for row in (line.wrap(width) or [line])]

    def lines(self, state: State) -> list[Content]:
        ex = state.explanation
        lines = [Content.assemble((ex.title, "bold $text-accent"))]
        lines += [Content(line) for line in ex.lines]
        for check in state.checks:
            lines.append(Content.assemble(("✓ " if check.ok else "✗ ", "bold " + ("$text-success" if check.ok else "$text-error")),
                                          check.describe()))
        return lines
