"""How a derivation names the elements of a pass in the scenario file's convention, and which of
them it writes out (all of a small value; the selected one and a summary line of a large one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any, cast

import numpy as np

from ..activations import Activation
from ..formulas import Line, Var, fmt_number, text_line
from ..network import Params
from ..spec import COLUMN
from ..values import present
from ..view import PassView

MAX_ELEMENTS = 8  # a value with more elements shows only the selected one and a summary line
EXPAND = 3  # sums of at most this many terms are also written out symbolically
MAX_PATHS = 8  # a parameter reached by more paths gets the layer-by-layer chain instead


class Ctx:
    """The current position's values, and how to name their elements in the file's convention."""

    def __init__(self, view: PassView) -> None:
        self.view = view
        # the pass's per-layer lists hold None until their step has run; a derivation reads only
        # what the step it explains computed, so here they are arrays (typed loosely, not checked)
        self.sp: Any = cast(Any, view.sp)
        self.net = view.net
        # an edit (=) made after an update replaces the updated values; the update's equations
        # show what it computed (the Inspector shows the edited value, marked ✎)
        self.params: Params = view.params
        self.position = view.position
        self.L = self.net.depth
        self.sizes = self.net.sizes
        self.col = self.net.convention == COLUMN
        self.batch = self.net.batch
        self.N = int(self.sp.a[0].shape[0])  # rows in this pass: 1 online, the batch size in batch mode

    # --- names ---------------------------------------------------------------------------------

    def vec(self, base: str, layer: int | None, s: int | str, j: int | str) -> Var:
        """Element ``j`` of sample ``s`` of a per-sample value (``a``, ``z``, ``da``, ``dz``, ``t``)."""
        units = self.sizes[self.L if layer is None else layer]
        if not self.batch:
            return Var(base, layer, (j,) if units > 1 else ())
        if units * self.N == 1:
            return Var(base, layer)
        return Var(base, layer, (j, s) if self.col else (s, j))

    def mat(self, base: str, layer: int, i: int | str, j: int | str) -> Var:
        """Weight element from input ``i`` to unit ``j`` (``W[i,j]`` row, ``W[j,i]`` column)."""
        if self.sizes[layer - 1] * self.sizes[layer] == 1:
            return Var(base, layer)
        return Var(base, layer, (j, i) if self.col else (i, j))

    def bias(self, base: str, layer: int, j: int | str) -> Var:
        return Var(base, layer, (j,) if self.sizes[layer] > 1 else ())

    def mat_keys(self, layer: int) -> Sequence[tuple[int, ...]]:
        """(input, unit) pairs of a weight matrix, in the reading order of the file's convention."""
        return Grid(self.sizes[layer - 1], self.sizes[layer], swap=self.col)

    def act(self, layer: int) -> Activation:
        return self.net.activations[layer - 1]

    # --- values in the row layout ----------------------------------------------------------------

    def old_params(self) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """The parameters this pass started with: the current ones until ``update`` changes them."""
        start = self.view.start_params()
        return start.W, start.b

    def fprime(self, layer: int) -> np.ndarray:
        act = self.act(layer)
        assert act.derivative is not None, "f′ of an element-wise activation only"
        return act.derivative(self.sp.z[layer], self.sp.a[layer])


def pick(keys: Sequence[tuple[int, ...]], selected: tuple[int, ...], limit: int) -> Sequence[tuple[int, ...]]:
    """All ``keys`` if there are at most ``limit``, else only the selected one (clamped into range)."""
    if len(keys) <= limit:
        return keys
    hi = keys[-1]
    return [tuple(min(max(0, x), m) for x, m in zip(selected, hi))]


def summary(ctx: Ctx, name: str, raw: np.ndarray, shown: int) -> Line:
    """One sentence for the elements of a large value that are not written out."""
    arr = np.asarray(present(name, raw, ctx.net.convention, ctx.batch), dtype=float)
    shape = "×".join(map(str, arr.shape)) or "1"
    lo, hi = np.nanmin(arr), np.nanmax(arr)
    return text_line(
        f"{name} ({shape}): {arr.size - shown} more elements computed the same way, "
        f"from {fmt_number(lo)} to {fmt_number(hi)}",
        name=name,
    )


@dataclass(frozen=True)
class Select:
    sample: int
    unit: int
    source: int
    limit: int
    input_gradient: bool = True  # backward 1 derives da0 too


class Grid(Sequence[tuple[int, ...]]):
    """Every index tuple of a shape, without building them: a 512×64 batch value has 32,768, and
    a step writes out at most a handful (``pick`` needs only the count and the last one).

    ``swap`` reads a 2-D grid column by column: ``(i, j)`` for ``j`` outer and ``i`` inner.
    """

    def __init__(self, *dims: int, swap: bool = False) -> None:
        self.dims, self.swap = (dims[::-1] if swap else dims), swap

    def __len__(self) -> int:
        return prod(self.dims)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        idx = tuple(int(v) for v in np.unravel_index(i, self.dims))
        return idx[::-1] if self.swap else idx


def grid(*dims: int) -> Grid:
    return Grid(*dims)


def each(
    ctx: Ctx,
    name: str,
    raw: np.ndarray,
    keys: Sequence[tuple[int, ...]],
    selected: tuple[int, ...],
    limit: int,
    line_of,
) -> list[Line]:
    chosen = pick(keys, selected, limit)
    lines = [line_of(*key) for key in chosen]
    if len(chosen) < len(keys):
        lines.append(summary(ctx, name, raw, len(chosen)))
    return lines
