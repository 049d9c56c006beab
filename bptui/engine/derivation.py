"""What a micro-step computed, and how a parameter's gradient arises, as chain-rule equations.

:func:`derive_step` lists the equations the current micro-step evaluated, element by element,
symbols first and then the same equation with the numbers in, as the seeds' worked examples do.
:func:`derive_parameter` writes the chain from ``loss`` to one parameter, one factor per edge and
activation, summed over every path, and evaluates it. Both return a :class:`Derivation` of
:class:`~bptui.engine.formulas.Line` objects that render to Unicode (the Chain rule pane) and to
LaTeX (exports) from the same expression tree.

Every result shown is the engine's own number (taken from the current :class:`SamplePass`), and
each line carries it in ``Line.value`` with the SPEC name in ``Line.name`` so that tests can
check the text against the engine.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

import numpy as np

from .activations import Activation
from .formulas import (
    ETA,
    HALF,
    ONE,
    Add,
    Apply,
    Derivation,
    Expr,
    Frac,
    Group,
    Line,
    Neg,
    Num,
    Partial,
    Pow,
    Prod,
    SumOver,
    Sym,
    Var,
    fmt_number,
    plus,
    sum_of,
    text_line,
)
from .spec import COLUMN
from .steps import step_name
from .values import present

__all__ = ["Derivation", "Line", "derive_parameter", "derive_step"]

MAX_ELEMENTS = 8  # a value with more elements shows only the selected one and a summary line
EXPAND = 3  # sums of at most this many terms are also written out symbolically
MAX_PATHS = 8  # a parameter reached by more paths gets the layer-by-layer chain instead

LOSS = Var("loss")


def _fn(act: Activation, arg: Expr, prime: bool = False) -> Apply:
    return Apply(act.symbol, act.tex, arg, prime)


def _ln(arg: Expr) -> Apply:
    return Apply("ln", r"\ln", arg)


def _exp(arg: Expr) -> Apply:
    return Apply("exp", r"\exp", arg)


def _minus(a: Expr, b: Expr) -> Add:
    return Add(((1, a), (-1, b)))


def _times(*xs: float) -> Prod:
    return Prod(tuple(Num(float(x)) for x in xs), numeric=True)


class _Ctx:
    """The current position's values, and how to name their elements in the file's convention."""

    def __init__(self, debugger) -> None:
        tl = debugger.timeline
        self.debugger = debugger
        self.sp = tl.current
        self.net = tl.net
        # an edit (=) made after an update replaces the updated values; the update's equations
        # show what it computed (the Inspector shows the edited value, marked ✎)
        self.params = tl.computed_params() if hasattr(tl, "computed_params") else tl.params
        self.position = debugger.position
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

    def mat_keys(self, layer: int) -> "Sequence[tuple[int, ...]]":
        """(input, unit) pairs of a weight matrix, in the reading order of the file's convention."""
        return _Grid(self.sizes[layer - 1], self.sizes[layer], swap=self.col)

    def act(self, layer: int) -> Activation:
        return self.net.activations[layer - 1]

    # --- values in the row layout ----------------------------------------------------------------

    def old_params(self) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """The parameters this pass started with: the current ones until ``update`` changes them."""
        start = self.debugger.timeline.pass_start_params()
        return start.W, start.b

    def fprime(self, layer: int) -> np.ndarray:
        act = self.act(layer)
        return act.derivative(self.sp.z[layer], self.sp.a[layer])


def _pick(keys: Sequence[tuple[int, ...]], selected: tuple[int, ...], limit: int) -> Sequence[tuple[int, ...]]:
    """All ``keys`` if there are at most ``limit``, else only the selected one (clamped into range)."""
    if len(keys) <= limit:
        return keys
    hi = keys[-1]
    return [tuple(min(max(0, x), m) for x, m in zip(selected, hi))]


def _summary(ctx: _Ctx, name: str, raw: np.ndarray, shown: int) -> Line:
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
class _Select:
    sample: int
    unit: int
    source: int
    limit: int


class _Grid(Sequence[tuple[int, ...]]):
    """Every index tuple of a shape, without building them: a 512×64 batch value has 32,768, and
    a step writes out at most a handful (``_pick`` needs only the count and the last one).

    ``swap`` reads a 2-D grid column by column: ``(i, j)`` for ``j`` outer and ``i`` inner.
    """

    def __init__(self, *dims: int, swap: bool = False) -> None:
        self.dims, self.swap = (dims[::-1] if swap else dims), swap

    def __len__(self) -> int:
        return prod(self.dims)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        idx = tuple(int(v) for v in np.unravel_index(i, self.dims))
        return idx[::-1] if self.swap else idx


def _grid(*dims: int) -> _Grid:
    return _Grid(*dims)


def _each(ctx: _Ctx, name: str, raw: np.ndarray, keys: Sequence[tuple[int, ...]], selected: tuple[int, ...],
          limit: int, line_of) -> list[Line]:
    chosen = _pick(keys, selected, limit)
    lines = [line_of(*key) for key in chosen]
    if len(chosen) < len(keys):
        lines.append(_summary(ctx, name, raw, len(chosen)))
    return lines


# --- forward -----------------------------------------------------------------------------------


def _forward(ctx: _Ctx, l: int, sel: _Select) -> list[Line]:
    sp, n_in, n_out = ctx.sp, ctx.sizes[l - 1], ctx.sizes[l]
    W, b = ctx.params.W[l - 1], ctx.params.b[l - 1]
    has_bias = b is not None

    def term(s: int | str, i: int | str, j: int | str) -> Prod:
        a, w = ctx.vec("a", l - 1, s, i), ctx.mat("W", l, i, j)
        return Prod((w, a) if ctx.col else (a, w))

    def num_term(s: int, i: int, j: int) -> Prod:
        a, w = sp.a[l - 1][s, i], W[i, j]
        return _times(w, a) if ctx.col else _times(a, w)

    def z_line(s: int, j: int) -> Line:
        forms: list[Expr] = []
        bias = [ctx.bias("b", l, j)] if has_bias else []
        if n_in > 1:
            forms.append(plus(SumOver("i", term(s, "i", j)), *bias) if bias else SumOver("i", term(s, "i", j)))
        if n_in <= EXPAND:
            forms.append(sum_of([term(s, i, j) for i in range(n_in)] + bias))
        nums: list[Expr] = [num_term(s, i, j) for i in range(n_in)]
        forms.append(sum_of(nums + ([Num(b[j])] if has_bias else []), limit=MAX_ELEMENTS))
        return Line(ctx.vec("z", l, s, j), forms, float(sp.z[l][s, j]), ctx.vec("z", l, s, j).name)

    act = ctx.act(l)

    def a_line(s: int, j: int) -> Line:
        a, z = ctx.vec("a", l, s, j), ctx.vec("z", l, s, j)
        value = float(sp.a[l][s, j])
        if act.name == "identity":
            return Line(a, [z], value, a.name, note="identity")
        if act.elementwise:
            return Line(a, [_fn(act, z), _fn(act, Num(sp.z[l][s, j]))], value, a.name)
        # softmax: a[j] = exp(z[j]) / Σ_k exp(z[k])
        zs = sp.z[l][s]
        with np.errstate(over="ignore"):
            total = float(np.sum(np.exp(zs)))
        sym = Frac(_exp(z), SumOver("k", _exp(ctx.vec("z", l, s, "k"))))
        return Line(a, [sym, Frac(_exp(Num(zs[j])), Num(total))], value, a.name)

    keys = _grid(ctx.N, n_out)
    sel_key = (sel.sample, sel.unit)
    return (_each(ctx, f"z{l}", sp.z[l], keys, sel_key, sel.limit, z_line)
            + _each(ctx, f"a{l}", sp.a[l], keys, sel_key, sel.limit, a_line))


# --- loss --------------------------------------------------------------------------------------


def _loss(ctx: _Ctx, sel: _Select) -> list[Line]:
    sp, L, loss = ctx.sp, ctx.L, ctx.net.loss
    n = ctx.sizes[L]
    y, t = sp.a[L], sp.t
    mean_batch = ctx.batch and ctx.net.reduction == "mean"

    def sample_forms(s: int) -> list[Expr]:
        forms: list[Expr] = []
        if n > 1:
            forms.append(loss.outer(SumOver("k", loss.term(ctx.vec("a", L, s, "k"), ctx.vec("t", None, s, "k"))), n, False))
        if n <= EXPAND:
            terms = [loss.term(ctx.vec("a", L, s, k), ctx.vec("t", None, s, k)) for k in range(n)]
            forms.append(loss.outer(sum_of(terms), n, False))
        nums = [loss.term(Num(y[s, k]), Num(t[s, k])) for k in range(n)]
        forms.append(loss.outer(sum_of(nums), n, True))
        return forms

    lines: list[Line] = []
    if not ctx.batch:
        lines.append(Line(LOSS, sample_forms(0), float(sp.loss), "loss"))
    else:
        def ell(s: int) -> Sym:
            return Sym(f"ℓ[{s}]", rf"\ell[{s}]")

        per = np.asarray(sp.per_sample)  # recomputed by the engine on each access
        lines += _each(ctx, "ℓ", per, _grid(ctx.N), (sel.sample,), sel.limit,
                       lambda s: Line(ell(s), sample_forms(s), float(per[s]), note=f"loss of sample {s + 1}"))
        total = sum_of([Num(v) for v in per], limit=MAX_ELEMENTS)
        sym_total = SumOver("s", Sym("ℓ[s]", r"\ell[s]"))
        if mean_batch:
            forms: list[Expr] = [Frac(sym_total, Sym(str(ctx.N), str(ctx.N))), Frac(total, Num(ctx.N))]
        else:
            forms = [sym_total, total]
        lines.append(Line(LOSS, forms, float(sp.loss), "loss", note=f"reduction: {ctx.net.reduction}"))

    def grad_line(s: int, k: int) -> Line:
        a, tv = ctx.vec("a", L, s, k), ctx.vec("t", None, s, k)
        sym = loss.grad_expr(a, tv, n, False)
        num = loss.grad_expr(Num(y[s, k]), Num(t[s, k]), n, True)
        if mean_batch:
            sym, num = Frac(sym, Sym(str(ctx.N), str(ctx.N))), Frac(num, Num(ctx.N))
        da = ctx.vec("da", L, s, k)
        return Line(da, [Partial(LOSS, a), sym, num], float(sp.da[L][s, k]), da.name)

    lines += _each(ctx, f"da{L}", sp.da[L], _grid(ctx.N, n), (sel.sample, sel.unit), sel.limit, grad_line)
    return lines


# --- backward ----------------------------------------------------------------------------------


def _backward(ctx: _Ctx, l: int, sel: _Select) -> list[Line]:
    sp, act = ctx.sp, ctx.act(l)
    n_in, n_out = ctx.sizes[l - 1], ctx.sizes[l]
    W = ctx.params.W[l - 1]

    def dz_line(s: int, j: int) -> Line:
        dz, da = ctx.vec("dz", l, s, j), ctx.vec("da", l, s, j)
        value = float(sp.dz[l][s, j])
        if act.name == "identity":
            return Line(dz, [da], value, dz.name, note="identity: f′ = 1")
        if act.elementwise:
            z = ctx.vec("z", l, s, j)
            return Line(dz, [Prod((da, _fn(act, z, prime=True))),
                             _times(sp.da[l][s, j], ctx.fprime(l)[s, j])], value, dz.name)
        # softmax: dz[j] = a[j]·(da[j] − Σ_k da[k]·a[k])
        a = ctx.vec("a", l, s, j)
        inner = SumOver("k", Prod((ctx.vec("da", l, s, "k"), ctx.vec("a", l, s, "k"))))
        dot = float(np.sum(sp.da[l][s] * sp.a[l][s]))
        num = Prod((Num(sp.a[l][s, j]), _minus(Num(sp.da[l][s, j]), Num(dot))), numeric=True)
        return Line(dz, [Prod((a, _minus(da, inner))), num], value, dz.name)

    def dW_line(i: int, j: int) -> Line:
        dW, w = ctx.mat("dW", l, i, j), ctx.mat("W", l, i, j)
        value = float(sp.dW[l][i, j])
        if ctx.batch:
            sym = SumOver("s", Prod((ctx.vec("dz", l, "s", j), ctx.vec("a", l - 1, "s", i))))
            nums = sum_of([_times(sp.dz[l][s, j], sp.a[l - 1][s, i]) for s in range(ctx.N)], limit=MAX_ELEMENTS)
            return Line(dW, [sym, nums], value, dW.name)
        z = ctx.vec("z", l, 0, j)
        chain = Prod((Partial(LOSS, z), Partial(z, w)))
        local = Prod((ctx.vec("dz", l, 0, j), ctx.vec("a", l - 1, 0, i)))
        return Line(dW, [chain, local, _times(sp.dz[l][0, j], sp.a[l - 1][0, i])], value, dW.name)

    def db_line(j: int) -> Line:
        db, b = ctx.bias("db", l, j), ctx.bias("b", l, j)
        value = float(sp.db[l][j])
        if ctx.batch:
            nums = sum_of([Num(sp.dz[l][s, j]) for s in range(ctx.N)], limit=MAX_ELEMENTS)
            return Line(db, [SumOver("s", ctx.vec("dz", l, "s", j)), nums], value, db.name)
        z = ctx.vec("z", l, 0, j)
        chain = Prod((Partial(LOSS, z), Partial(z, b)))
        return Line(db, [chain, Prod((ctx.vec("dz", l, 0, j), ONE)), _times(sp.dz[l][0, j], 1.0)], value, db.name)

    def da_line(s: int, i: int) -> Line:
        da, a = ctx.vec("da", l - 1, s, i), ctx.vec("a", l - 1, s, i)
        value = float(sp.da[l - 1][s, i])
        zj = ctx.vec("z", l, s, "j")
        partials = Prod((Partial(LOSS, zj), Partial(zj, a)))
        local = Prod((ctx.vec("dz", l, s, "j"), ctx.mat("W", l, i, "j")))
        forms: list[Expr]
        if n_out == 1:
            z0 = ctx.vec("z", l, s, 0)
            forms = [Prod((Partial(LOSS, z0), Partial(z0, a))), Prod((ctx.vec("dz", l, s, 0), ctx.mat("W", l, i, 0)))]
        else:
            forms = [SumOver("j", partials), SumOver("j", local)]
            if n_out <= EXPAND:
                forms.append(sum_of([Prod((ctx.vec("dz", l, s, j), ctx.mat("W", l, i, j))) for j in range(n_out)]))
        forms.append(sum_of([_times(sp.dz[l][s, j], W[i, j]) for j in range(n_out)], limit=MAX_ELEMENTS))
        return Line(da, forms, value, da.name)

    lines = _each(ctx, f"dz{l}", sp.dz[l], _grid(ctx.N, n_out), (sel.sample, sel.unit), sel.limit, dz_line)
    lines += _each(ctx, f"dW{l}", sp.dW[l], ctx.mat_keys(l), (sel.source, sel.unit), sel.limit, dW_line)
    if sp.db[l] is not None:
        lines += _each(ctx, f"db{l}", sp.db[l], _grid(n_out), (sel.unit,), sel.limit, db_line)
    if l > 1:
        lines += _each(ctx, f"da{l - 1}", sp.da[l - 1], _grid(ctx.N, n_in), (sel.sample, sel.source), sel.limit, da_line)
    return lines


# --- update ------------------------------------------------------------------------------------


def _update_line(lhs: Var, grad: Var, old: float, g: float, lr: float, new: float) -> Line:
    """``W ← W − η·dW = old − η × g = old ± |η·g| = new``, as seed 000 writes it."""
    step = -lr * g
    forms: list[Expr] = [_minus(lhs, Prod((ETA, grad))), _minus(Num(old), _times(lr, g)),
                         Add(((1, Num(old)), (1 if step >= 0 else -1, Num(abs(step)))))]
    return Line(lhs, forms, float(new), lhs.name, relation="←", distinct=(float(old), float(new)))


def _update(ctx: _Ctx, sel: _Select) -> list[Line]:
    sp, lr = ctx.sp, ctx.net.learning_rate
    Wold, bold = ctx.old_params()
    lines: list[Line] = []
    for l in range(1, ctx.L + 1):
        W, b = ctx.params.W[l - 1], ctx.params.b[l - 1]
        n_out = ctx.sizes[l]

        def w_line(i: int, j: int, l: int = l, W: np.ndarray = W) -> Line:
            return _update_line(ctx.mat("W", l, i, j), ctx.mat("dW", l, i, j),
                                Wold[l - 1][i, j], sp.dW[l][i, j], lr, W[i, j])

        lines += _each(ctx, f"W{l}", W, ctx.mat_keys(l), (sel.source, sel.unit), sel.limit, w_line)
        if b is not None:
            def b_line(j: int, l: int = l, b: np.ndarray = b) -> Line:
                return _update_line(ctx.bias("b", l, j), ctx.bias("db", l, j),
                                    bold[l - 1][j], sp.db[l][j], lr, b[j])

            lines += _each(ctx, f"b{l}", b, _grid(n_out), (sel.unit,), sel.limit, b_line)
    return lines


@np.errstate(all="ignore")  # a diverged state's inf and nan are shown, never warned about on stderr
def derive_step(debugger, *, unit: int = 0, source: int = 0, sample: int = 0,
                max_elements: int = MAX_ELEMENTS) -> Derivation:
    """The equations the micro-step just done evaluated, in the scenario's convention.

    Values with more than ``max_elements`` elements show one element — the one selected by
    ``unit`` (in the step's layer), ``source`` (in the layer below) and ``sample`` (batch mode) —
    and a summary line.
    """
    ctx = _Ctx(debugger)
    pos, L, k = ctx.position, ctx.L, ctx.sp.k
    sel = _Select(sample, unit, source, max_elements)
    where = f"epoch {pos.epoch}, batch" if ctx.batch else f"epoch {pos.epoch}, sample {pos.sample}/{pos.samples}"
    title = f"{pos.step} ({where})"
    if k == 0:
        return Derivation(title, [text_line(f"Nothing computed yet; next: {step_name(1, L)} (z1, a1).")])
    if k <= L:
        lines = _forward(ctx, k, sel)
    elif k == L + 1:
        lines = _loss(ctx, sel)
    elif k <= 2 * L + 1:
        lines = _backward(ctx, 2 * L + 2 - k, sel)
    else:
        lines = _update(ctx, sel)
    return Derivation(title, lines)


# --- a parameter's chain -----------------------------------------------------------------------

_PARAM = re.compile(r"^(W|b)(\d+)(?:\[(\d+)(?:(?:,|\]\[)(\d+))?\])?$")


def _parse(ctx: _Ctx, name: str) -> tuple[str, int, int | None, int]:
    """``W1[1,0]`` → ("W", 1, input 1, unit 0) in the row layout; indices are in the file's convention.

    A single index is accepted for a weight matrix with one row or one column (``W2[0]``), and
    none for a 1×1 matrix or a one-unit bias.
    """
    m = _PARAM.match(name.replace(" ", ""))
    if not m:
        raise ValueError(f"cannot read parameter {name!r}: write it like W1[1,0] or b2[0]")
    kind, l, r, c = m.group(1), int(m.group(2)), m.group(3), m.group(4)
    if not 1 <= l <= ctx.L:
        raise ValueError(f"{name}: there is no layer {l}; layers are 1..{ctx.L}")
    n_in, n_out = ctx.sizes[l - 1], ctx.sizes[l]
    idx = [int(x) for x in (r, c) if x is not None]
    if kind == "b":
        if ctx.params.b[l - 1] is None:
            raise ValueError(f"{name}: layer {l} has no bias")
        if len(idx) > 1 or (not idx and n_out > 1) or (idx and not 0 <= idx[0] < n_out):
            raise ValueError(f"{name}: b{l} has {n_out} elements, write b{l}[0] … b{l}[{n_out - 1}]")
        return "b", l, None, idx[0] if idx else 0
    shape = (n_out, n_in) if ctx.col else (n_in, n_out)
    if len(idx) == 1 and 1 in shape:
        idx = [0, idx[0]] if shape[0] == 1 else [idx[0], 0]
    elif not idx and shape == (1, 1):
        idx = [0, 0]
    if len(idx) != 2 or not (0 <= idx[0] < shape[0] and 0 <= idx[1] < shape[1]):
        raise ValueError(f"{name}: W{l} is {shape[0]}×{shape[1]} in this scenario's {ctx.net.convention} convention")
    i, j = (idx[1], idx[0]) if ctx.col else (idx[0], idx[1])
    return "W", l, i, j


Path = tuple[tuple[int, int], ...]  # per layer from L down to l: (unit of a, unit of z)


def _path_count(ctx: _Ctx, l: int) -> int:
    """How many routes lead from one unit of layer ``l`` to the loss (see :func:`_paths`)."""
    fan = prod(ctx.sizes[m] for m in range(l + 1, ctx.L + 1))
    return fan * prod(ctx.sizes[m] for m in range(l, ctx.L + 1) if not ctx.act(m).elementwise)


def _paths(ctx: _Ctx, l: int, j: int) -> list[Path]:
    """Every route from ``z_l[j]`` up to the loss: through each unit of each layer above, and,
    across a softmax, from each of its inputs to each of its outputs."""
    def up(m: int, u: int) -> list[Path]:
        ks = [u] if ctx.act(m).elementwise else list(range(ctx.sizes[m]))
        if m == ctx.L:
            return [((k, u),) for k in ks]
        return [rest + ((k, u),) for k in ks for v in range(ctx.sizes[m + 1]) for rest in up(m + 1, v)]

    return up(l, j)


@dataclass(frozen=True)
class _Factor:
    chain: Expr  # ∂x/∂y
    local: Expr  # what it equals in SPEC names: da2[0], σ′(z2[0]), W2[1,0], a0[1] …
    value: float | None


def _factors(ctx: _Ctx, kind: str, l: int, i: int | None, j: int, path: Path, s: int | str,
             Wold: list[np.ndarray], num: bool) -> list[_Factor]:
    """One factor per edge and activation along ``path`` for sample ``s``, with values if ``num``."""
    sp, L = ctx.sp, ctx.L
    out: list[_Factor] = []
    kL = path[0][0]
    aL = ctx.vec("a", L, s, kL)
    out.append(_Factor(Partial(LOSS, aL), ctx.vec("da", L, s, kL), float(sp.da[L][s, kL]) if num else None))
    for pos, (k, u) in enumerate(path):
        m = L - pos
        a, z = ctx.vec("a", m, s, k), ctx.vec("z", m, s, u)
        act = ctx.act(m)
        if act.name == "identity":
            local, val = ONE, 1.0
        elif act.elementwise:
            local = _fn(act, z, prime=True)
            val = float(ctx.fprime(m)[s, u]) if num else None
        else:  # softmax: ∂a[k]/∂z[u] = a[k]·(δ_ku − a[u])
            au = ctx.vec("a", m, s, u)
            local = Prod((a, _minus(ONE, au))) if k == u else Neg(Prod((a, au)))
            val = float(sp.a[m][s, k] * ((k == u) - sp.a[m][s, u])) if num else None
        out.append(_Factor(Partial(a, z), local, val))
        if m > l:
            k_below = path[pos + 1][0]
            a_below = ctx.vec("a", m - 1, s, k_below)
            out.append(_Factor(Partial(z, a_below), ctx.mat("W", m, k_below, u),
                               float(Wold[m - 1][k_below, u]) if num else None))
    z = ctx.vec("z", l, s, j)
    if kind == "W":
        out.append(_Factor(Partial(z, ctx.mat("W", l, i, j)), ctx.vec("a", l - 1, s, i),
                           float(sp.a[l - 1][s, i]) if num else None))
    else:
        out.append(_Factor(Partial(z, ctx.bias("b", l, j)), ONE, 1.0))
    return out


def _path_line(ctx: _Ctx, kind: str, l: int, i: int | None, j: int, paths: list[Path], lhs: Expr,
               Wold: list[np.ndarray], numbers: bool) -> tuple[Line, float | None]:
    """∂loss/∂θ = Σ over paths (and samples) of the product of the factors along each path."""
    s_sym: int | str = "s" if ctx.batch else 0
    sym = [_factors(ctx, kind, l, i, j, p, s_sym, Wold, False) for p in paths]
    chain = sum_of([Prod(tuple(f.chain for f in fs)) for fs in sym], limit=10**9)
    local = sum_of([Prod(tuple(f.local for f in fs)) for fs in sym], limit=10**9)
    if ctx.batch:
        chain, local = SumOver("s", chain), SumOver("s", local)
    if not numbers:
        return Line(lhs, [chain, local]), None
    terms, total = [], 0.0
    for s in range(ctx.N):
        for p in paths:
            fs = _factors(ctx, kind, l, i, j, p, s, Wold, True)
            vals = [f.value for f in fs]
            terms.append(_times(*vals))
            total += prod(vals)  # type: ignore[arg-type]
    return Line(lhs, [chain, local, sum_of(terms, limit=10**9)], total), total


def _layered(ctx: _Ctx, kind: str, l: int, i: int | None, j: int, lhs: Expr, s: int,
             numbers: bool) -> list[Line]:
    """The chain one layer at a time, using the values the backward pass stored (too many paths)."""
    sp, act = ctx.sp, ctx.act(l)
    z, a, dz, da = (ctx.vec(b, l, s, j) for b in ("z", "a", "dz", "da"))
    theta = ctx.mat("W", l, i, j) if kind == "W" else ctx.bias("b", l, j)
    x_local = ctx.vec("a", l - 1, s, i) if kind == "W" else ONE
    lines: list[Line] = []

    def x_value(s: int) -> float:
        return float(sp.a[l - 1][s, i]) if kind == "W" else 1.0

    if ctx.batch:
        body = Prod((ctx.vec("dz", l, "s", j), ctx.vec("a", l - 1, "s", i))) if kind == "W" else ctx.vec("dz", l, "s", j)
        forms: list[Expr] = [SumOver("s", Prod((Partial(LOSS, ctx.vec("z", l, "s", j)),
                                                  Partial(ctx.vec("z", l, "s", j), theta)))), SumOver("s", body)]
        if numbers:
            forms.append(sum_of([_times(sp.dz[l][r, j], x_value(r)) for r in range(ctx.N)], limit=MAX_ELEMENTS))
        grad = (sp.dW[l][i, j] if kind == "W" else sp.db[l][j]) if numbers else None
        lines.append(Line(lhs, forms, None if grad is None else float(grad)))
    else:
        forms = [Prod((Partial(LOSS, z), Partial(z, theta))), Prod((dz, x_local))]
        if numbers:
            forms.append(_times(sp.dz[l][s, j], x_value(s)))
        grad = (sp.dW[l][i, j] if kind == "W" else sp.db[l][j]) if numbers else None
        lines.append(Line(lhs, forms, None if grad is None else float(grad)))
    # ∂loss/∂z_l[j] for sample s
    if act.elementwise:
        local: Expr = da if act.name == "identity" else Prod((da, _fn(act, z, prime=True)))
        forms = [Prod((Partial(LOSS, a), Partial(a, z))), local]
        if numbers:
            forms.append(_times(sp.da[l][s, j], ctx.fprime(l)[s, j]))
    else:
        ak = ctx.vec("a", l, s, "k")
        forms = [SumOver("k", Prod((Partial(LOSS, ak), Partial(ak, z)))),
                 Prod((a, _minus(da, SumOver("k", Prod((ctx.vec("da", l, s, "k"), ak))))))]
        if numbers:
            dot = float(np.sum(sp.da[l][s] * sp.a[l][s]))
            forms.append(Prod((Num(sp.a[l][s, j]), _minus(Num(sp.da[l][s, j]), Num(dot))), numeric=True))
    lines.append(Line(Partial(LOSS, z), forms, float(sp.dz[l][s, j]) if numbers else None, dz.name if numbers else None))
    if l < ctx.L:
        Wold, _ = ctx.old_params()
        k_sym: int | str = "k" if ctx.sizes[l + 1] > 1 else 0
        zk = ctx.vec("z", l + 1, s, k_sym)
        forms = [Prod((Partial(LOSS, zk), Partial(zk, a))), Prod((ctx.vec("dz", l + 1, s, k_sym), ctx.mat("W", l + 1, j, k_sym)))]
        if ctx.sizes[l + 1] > 1:
            forms = [SumOver("k", f) for f in forms]
        if numbers:
            forms.append(sum_of([_times(sp.dz[l + 1][s, k], Wold[l][j, k]) for k in range(ctx.sizes[l + 1])],
                                limit=MAX_ELEMENTS))
        lines.append(Line(Partial(LOSS, a), forms, float(sp.da[l][s, j]) if numbers else None, da.name if numbers else None))
        lines.append(text_line(f"∂loss/∂z{l + 1} = dz{l + 1} comes the same way from the layers above "
                               f"(see backward {l + 1})."))
    return lines


@np.errstate(all="ignore")
def derive_parameter(debugger, name: str, *, sample: int = 0, max_paths: int = MAX_PATHS) -> Derivation:
    """The chain rule from ``loss`` to one parameter (``W1[1,0]``, ``b2[0]``, indices in the file's
    convention), one factor per edge and activation, summed over every path through the network.

    With the backward pass done down to the parameter's layer, the chain is evaluated with the
    pass's numbers and its result shown next to the engine's gradient (they agree to rounding);
    before that, the symbols and the steps still needed. When more than ``max_paths`` paths (times
    samples, in batch mode) lead to it, the chain is written layer by layer instead.
    """
    ctx = _Ctx(debugger)
    kind, l, i, j = _parse(ctx, name)
    sp, L = ctx.sp, ctx.L
    theta = ctx.mat("W", l, i, j) if kind == "W" else ctx.bias("b", l, j)
    grad_var = ctx.mat("dW", l, i, j) if kind == "W" else ctx.bias("db", l, j)
    lhs = Partial(LOSS, theta)
    title = f"∂loss/∂{theta.name}: the chain rule from loss back to {theta.name}"
    needed = 2 * L + 2 - l  # the micro-step "backward l"
    numbers = sp.k >= needed
    Wold, _ = ctx.old_params()
    s = min(max(0, sample), ctx.N - 1)
    if _path_count(ctx, l) * (ctx.N if numbers else 1) <= max_paths:
        # the path sum is this chain's own arithmetic, equal to the engine's gradient to rounding
        # only, so it carries no SPEC name; the engine's value follows on its own line
        lines = [_path_line(ctx, kind, l, i, j, _paths(ctx, l, j), lhs, Wold, numbers)[0]]
    else:
        lines = _layered(ctx, kind, l, i, j, lhs, s, numbers)
        if numbers:
            lines[0].name = grad_var.name
    if numbers:
        grad = sp.dW[l][i, j] if kind == "W" else sp.db[l][j]
        lines.append(Line(grad_var, [], float(grad), grad_var.name, note=f"the engine's gradient, from backward {l}"))
        if sp.k == 2 * L + 2:
            lines.append(text_line("The weights in the chain are those of this pass, before its update."))
    else:
        todo = [step_name(k, L) for k in range(sp.k + 1, needed + 1)]
        lines.append(text_line(f"The numbers appear after {step_name(needed, L)} of this pass: "
                               f"{len(todo)} more step{'s' if len(todo) > 1 else ''} ({', '.join(todo)})."))
    return Derivation(title, lines)
