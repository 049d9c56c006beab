"""Predict mode (``P``): which value the next micro-step computes is asked first, then judged.

The question is one element of a value the *next* micro-step writes (:func:`written_by`):
``a{l}`` on ``forward l``, ``loss`` on ``loss``, ``dz{l}`` (or ``dW{l}``/``db{l}`` when the
selected parameter is in layer ``l``) on ``backward l``, the selected parameter (else ``W1``) on
``update``. The element follows the Inspector's selection when it names one of that value
(its unit, its source one layer up, or the same weight), else it rotates with the pass, so a
class sees every unit in turn. A scenario's ``predict = ["a2", "dW1[0,1]"]`` limits the questions
to those values (an index fixes the element); other steps happen without a question.

Tolerance (:func:`tolerance`): a guess is right when ``|guess − true| ≤ max(0.001, 1% of |true|)``
— one percent, as when working with a calculator to two or three significant digits, and an
absolute 0.001 so that values near 0 do not demand exactness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .spec import COLUMN
from .steps import step_name

ABS_TOLERANCE = 1e-3
REL_TOLERANCE = 0.01
TOLERANCE_RULE = "right within max(0.001, 1% of |true value|)"
_ELEMENT = re.compile(r"^(dW|db|da|dz|W|b|z|a|t|loss)(\d*)(?:\[(\d+)(?:,(\d+))?\])?$")


def tolerance(true: float) -> float:
    """How far a guess may be from ``true`` and still count as right."""
    return max(ABS_TOLERANCE, REL_TOLERANCE * abs(true))


def judge(guess: float, true: float) -> bool:
    return bool(abs(guess - true) <= tolerance(true))


def written_by(k: int, depth: int, has_bias: tuple[bool, ...]) -> list[str]:
    """The value names micro-step ``k`` (1-based) of a pass computes, as :class:`SamplePass` writes them."""
    L = depth
    if k <= L:
        return [f"z{k}", f"a{k}"]
    if k == L + 1:
        return ["loss", f"da{L}"]
    if k <= 2 * L + 1:
        l = 2 * L + 2 - k
        names = [f"dz{l}", f"dW{l}"] + ([f"db{l}"] if has_bias[l - 1] else [])
        return names + [f"da{l - 1}"]  # da0 too: the gradient with respect to the input
    return [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1) if has_bias[l - 1]]


@dataclass(frozen=True)
class Question:
    """One element to predict: ``name`` (e.g. ``a1``) at ``index`` in the file's convention."""

    name: str
    index: tuple[int, ...]
    step: str  # the micro-step that computes it, e.g. "forward 1"
    unit: int = 0  # for derive_step: the unit, source and sample the element belongs to
    source: int = 0
    sample: int = 0

    @property
    def label(self) -> str:
        return self.name + (f"[{','.join(map(str, self.index))}]" if self.index else "")

    def text(self) -> str:
        return f"predict {self.label} ({self.step})"

    def true_value(self, values: dict) -> float:
        """The element in ``values`` (a Debugger's values after the step)."""
        return float(np.asarray(values[self.name], dtype=float)[self.index])


@dataclass(frozen=True)
class _Shape:
    sizes: tuple[int, ...]  # (inputs, units of layer 1, …)
    column: bool
    batch: int  # samples in a pass: 1 online
    matrix: bool = False  # per-sample values are (samples × units) matrices, even of one row (minibatch)

    @property
    def vector(self) -> bool:
        return self.batch == 1 and not self.matrix

    def of(self, name: str) -> tuple[int, ...]:
        base, layer = _split(name)
        if base == "loss":
            return ()
        units = self.sizes[-1] if base == "t" else self.sizes[layer]
        if base in ("W", "dW"):
            fan_in = self.sizes[layer - 1]
            return (units, fan_in) if self.column else (fan_in, units)
        if base in ("b", "db"):
            return (units,)
        if self.vector:
            return (units,)
        return (units, self.batch) if self.column else (self.batch, units)


def _split(name: str) -> tuple[str, int]:
    base = name.rstrip("0123456789")
    digits = name[len(base) :]
    return base, int(digits) if digits else 0


def _selection(selected: str | None, column: bool) -> tuple[str, int, int, int, tuple[int, ...]] | None:
    """``W2[0,1]`` → (kind, layer, unit, source, index); ``None`` when there is no selection."""
    if not selected:
        return None
    m = _ELEMENT.match(selected.replace(" ", ""))
    if not m or m.group(1) not in ("W", "b") or m.group(3) is None:
        return None
    kind, layer = m.group(1), int(m.group(2))
    idx = tuple(int(g) for g in m.groups()[2:] if g is not None)
    if kind == "b":
        return kind, layer, idx[0], 0, idx
    if len(idx) != 2:
        return None
    i, j = idx
    unit, source = (i, j) if column else (j, i)
    return kind, layer, unit, source, idx


def _element(name: str, shape: _Shape, sel, p: int, fixed: tuple[int, ...] | None, step: str) -> Question:
    """The question about ``name``: the fixed index, the selection's element, else one by rotation."""
    base, layer = _split(name)
    dims = shape.of(name)
    sample = p % shape.batch if shape.batch > 1 else 0
    if fixed is not None:
        index = fixed
    elif not dims:
        index = ()
    elif base in ("W", "dW", "b", "db"):
        if sel is not None and sel[1] == layer and (sel[0] == base.lstrip("d")):
            index = sel[4]
        elif sel is not None and sel[1] == layer and base in ("b", "db"):
            index = (sel[2],)
        else:
            index = tuple(int(i) for i in np.unravel_index(p % int(np.prod(dims)), dims))
    else:  # a per-sample vector of layer `layer`
        if sel is not None and sel[1] == layer:
            unit = sel[2]
        elif sel is not None and sel[0] == "W" and sel[1] == layer + 1:
            unit = sel[3]
        else:
            unit = p % shape.sizes[layer]
        index = (unit,) if shape.vector else ((unit, sample) if shape.column else (sample, unit))
    unit, source = 0, 0
    if base in ("W", "dW") and len(index) == 2:
        unit, source = (index[0], index[1]) if shape.column else (index[1], index[0])
    elif base in ("b", "db"):
        unit = index[0]
    elif index:
        unit = index[0] if (shape.vector or shape.column) else index[1]
    return Question(name, tuple(index), step, unit, source, sample)


def parse_wanted(entry: str) -> tuple[str, tuple[int, ...] | None]:
    """``"dW1[0,1]"`` → ("dW1", (0, 1)); ``"a2"`` → ("a2", None). The loader has validated it."""
    m = _ELEMENT.match(entry.replace(" ", ""))
    if not m:
        raise ValueError(f"not a value name: {entry!r}")
    idx = tuple(int(g) for g in m.groups()[2:] if g is not None)
    return m.group(1) + m.group(2), (idx or None)


def choose(debugger, selected: str | None = None, wanted: tuple[str, ...] = ()) -> Question | None:
    """The question for the debugger's next micro-step, or ``None`` when ``wanted`` names none of its values."""
    tl = debugger.timeline
    net, layout = tl.net, tl.layout
    g = debugger.g + 1
    p, k = layout.split(g)
    L = net.depth
    batch = int(tl.plan.rows[p % layout.passes])  # rows of pass p: 1 online, the (mini-)batch otherwise
    shape = _Shape(tuple(net.sizes), debugger.scenario.convention == COLUMN, batch, net.batch)
    sel = _selection(selected, shape.column)
    step = step_name(k, L)
    writes = written_by(k, L, net.has_bias)
    if wanted:
        for entry in wanted:
            name, fixed = parse_wanted(entry)
            if name in writes:
                return _element(name, shape, sel, p, fixed, step)
        return None
    if k <= L:
        name = f"a{k}"
    elif k == L + 1:
        name = "loss"
    elif k <= 2 * L + 1:
        l = 2 * L + 2 - k
        name = f"dz{l}"
        if sel is not None and sel[1] == l:
            name = f"d{sel[0]}{l}"
    else:
        name = f"{sel[0]}{sel[1]}" if sel is not None else "W1"
    return _element(name, shape, sel, p, None, step)
