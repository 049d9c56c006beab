"""The one immutable snapshot the panes watch: everything they show, taken after each command.

The App owns the Debugger (which is not thread-safe); panes never touch it. After every command
the App builds a new :class:`State` and sets its ``state`` reactive, which is data-bound to each pane.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bptui.engine import CheckResult, Debugger, Position
from bptui.engine.accuracy import Accuracy

Value = Any  # np.ndarray or float, as Debugger.values() gives them


@dataclass(frozen=True)
class Explanation:
    """What the current micro-step computed, as lines of text (see ``explain.explain``)."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # identity comparison: arrays cannot be compared with ==
class State:
    position: Position
    values: Mapping[str, Value]
    before: Mapping[str, Value]  # the values before the last command, for "changed" marks
    losses: np.ndarray  # completed epochs' losses (read-only)
    running: tuple[float, int] | None  # the current epoch's loss so far, passes (samples or batches) counted
    checks: tuple[CheckResult, ...]
    explanation: Explanation = field(default_factory=lambda: Explanation("", ()))
    pinned: str | None = None  # the parameter whose chain the Chain rule pane shows, e.g. "W1[0,1]"
    gradcheck: GradCheck | None = None  # the gradient check of the selected layer, when toggled on
    edited: frozenset[str] = frozenset()  # elements changed by an edit (=) in effect here, e.g. "W1[0,1]"
    asking: str | None = None  # predict mode: the element the open question asks for, e.g. "a1[0]"
    selection: Selection = field(default_factory=lambda: Selection(1))  # the selected parameter element
    samples: tuple[int, ...] = ()  # minibatch: the data's samples (1-based) in the pass, in row order
    accuracy: Accuracy | None = None  # training and test accuracy here, when the file holds a test split
    stopped: str = ""  # the breakpoint that stopped the last command, while standing where it fired
    passed: tuple[tuple[bool, str], ...] = ()  # checkpoints the last command passed: (held, "checkpoint 2/5")

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


@dataclass(frozen=True)
class Selection:
    """The selected parameter element: computed once per change, read by every pane from ``State``.

    ``element`` indexes the layer's ``W`` row by row (in the file's convention), then ``b``;
    ``unit``/``source`` say where it sits in the network (``source`` is ``None`` for a bias).
    """

    layer: int
    element: int = 0
    count: int = 0  # elements of the layer's W and b
    name: str | None = None  # e.g. "W1[0,1]" or "b2[0]"
    index: tuple[int, ...] = ()  # the element's index within W or b, in the file's convention
    source: int | None = None  # the input unit a weight comes from (None: a bias)
    unit: int = 0  # the unit of ``layer`` the weight goes to (or the bias belongs to)


def select(values: Mapping[str, Value], layer: int, element: int, row: bool) -> Selection:
    """The ``element``-th parameter of ``layer``, found by arithmetic (listing the names of a
    784-input layer at every key costs milliseconds); ``element`` is clamped into range."""
    W, b = values.get(f"W{layer}"), values.get(f"b{layer}")
    n_w = int(np.size(W)) if W is not None else 0
    n = n_w + (int(np.size(b)) if b is not None else 0)
    if n == 0:
        return Selection(layer)
    e = min(max(element, 0), n - 1)
    if e >= n_w:
        return Selection(layer, e, n, f"b{layer}[{e - n_w}]", (e - n_w,), None, e - n_w)
    r, c = divmod(e, int(np.shape(W)[1]))  # type: ignore[arg-type]  # n_w > 0: W is there
    source, unit = (r, c) if row else (c, r)
    return Selection(layer, e, n, f"W{layer}[{r},{c}]", (r, c), source, unit)


def snapshot_values(debugger: Debugger) -> dict[str, Value]:
    """Every value at this position, copied: the engine updates parameters in place, and a
    snapshot must not change after the fact (else "changed" marks compare a value with itself)."""
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in debugger.values().items()}


def capture(debugger: Debugger, values: Mapping[str, Value], before: Mapping[str, Value] | None, **parts: Any) -> State:
    """A snapshot of ``debugger`` now with its ``values`` (see :func:`snapshot_values`); ``before``
    is the previous snapshot's values (``None``: none); ``parts`` are the App's own fields."""
    return State(
        position=debugger.position,
        values=values,
        before=values if before is None else before,
        losses=debugger.loss_array(),  # a read-only view: no list of millions of floats per key
        running=debugger.timeline.running_loss(),
        checks=tuple(debugger.checks_here(values)),
        samples=debugger.pass_samples(),
        accuracy=debugger.accuracy(),
        **parts,
    )
