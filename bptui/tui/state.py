"""The one immutable snapshot the panes watch: everything they show, taken after each command.

The App owns the Debugger (which is not thread-safe); panes never touch it. After every command
the App builds a new :class:`State` and sets its ``state`` reactive, which is data-bound to each pane.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from bptui.engine import CheckResult, Debugger, Position

Value = Any  # np.ndarray or float, as Debugger.values() gives them


@dataclass(frozen=True)
class Explanation:
    """What the current micro-step computed, as lines of text (see ``derive.explain``)."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # identity comparison: arrays cannot be compared with ==
class State:
    position: Position
    values: Mapping[str, Value]
    before: Mapping[str, Value]  # the values before the last command, for "changed" marks
    losses: np.ndarray  # completed epochs' losses (read-only)
    running: tuple[float, int] | None  # the current epoch's loss so far, samples counted
    checks: tuple[CheckResult, ...]
    explanation: Explanation = field(default_factory=lambda: Explanation("", ()))
    pinned: str | None = None  # the parameter whose chain the Chain rule pane shows, e.g. "W1[0,1]"
    gradcheck: "GradCheck | None" = None  # the gradient check of the selected layer, when toggled on
    edited: frozenset[str] = frozenset()  # elements changed by an edit (=) in effect here, e.g. "W1[0,1]"
    asking: str | None = None  # predict mode: the element the open question asks for, e.g. "a1[0]"

    def changed(self, name: str) -> np.ndarray | bool:
        """Which elements of ``name`` the last command changed (all of them if it was absent)."""
        now, old = self.values.get(name), self.before.get(name)
        if now is None:
            return False
        if old is None:
            return np.ones(np.shape(now), bool) if np.ndim(now) else True
        a, b = np.asarray(now), np.asarray(old)
        if a.shape != b.shape:
            return np.ones(a.shape, bool) if a.ndim else True
        diff = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        return diff if a.ndim else bool(diff)


@dataclass(frozen=True)
class GradRow:
    """One element of a gradient check: backprop next to central differences."""

    name: str  # e.g. "dW1[0,1]", indices in the file's convention
    analytic: float
    numeric: float
    rel: float
    flag: str  # "ok", "bad" (relative error above the tolerance) or "kink" (skipped by the engine)


@dataclass(frozen=True)
class GradCheck:
    """The gradient check of one layer at the current position (see ``App.gradient_check``)."""

    layer: int
    rows: tuple[GradRow, ...] = ()
    worst: float = 0.0
    note: str = ""  # instead of rows: why there is nothing to check yet


def parameter_names(values: Mapping[str, Value], layer: int) -> list[str]:
    """Layer ``layer``'s parameter elements, ``W`` row by row then ``b``, as the Inspector draws them.

    Indices are in the file's convention (``values`` hold ``W`` as the file does)."""
    names = []
    W = values.get(f"W{layer}")
    if W is not None:
        names += [f"W{layer}[{i},{j}]" for i, j in np.ndindex(*np.shape(W))]
    b = values.get(f"b{layer}")
    if b is not None:
        names += [f"b{layer}[{j}]" for j in range(np.size(b))]
    return names


def capture(debugger: Debugger, before: Mapping[str, Value] | None, explanation: Explanation) -> State:
    """A snapshot of ``debugger`` now; ``before`` is the previous snapshot's values (``None``: none)."""
    # copies: the engine updates parameters in place, and a snapshot must not change after the fact
    # (else "changed" marks compare a value with itself and never show an update)
    values = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in debugger.values().items()}
    return State(
        position=debugger.position,
        values=values,
        before=values if before is None else before,
        losses=debugger.loss_array(),  # a read-only view: no list of millions of floats per key
        running=debugger.timeline.running_loss(),
        checks=tuple(debugger.checks_here()),
        explanation=explanation,
    )
