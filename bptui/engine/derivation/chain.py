"""A parameter's gradient as the chain rule: one factor per edge and activation, over every path."""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from ..formulas import (
    ONE,
    Derivation,
    Expr,
    Line,
    Neg,
    Num,
    Partial,
    Prod,
    SumOver,
    minus,
    sum_of,
    text_line,
    times,
)
from ..steps import step_name
from ..value_name import parse_value_name
from ..view import HasPassView, PassView, view_of
from .builders import LOSS, fn
from .naming import MAX_ELEMENTS, MAX_PATHS, Ctx

# --- a parameter's chain -----------------------------------------------------------------------


def _parse(ctx: Ctx, name: str) -> tuple[str, int, int, int]:
    """``W1[1,0]`` → ("W", 1, input 1, unit 0) in the row layout; indices are in the file's convention.

    A single index is accepted for a weight matrix with one row or one column (``W2[0]``), and
    none for a 1×1 matrix or a one-unit bias.
    """
    try:
        v = parse_value_name(name)
    except ValueError:
        v = None
    if v is None or v.base not in ("W", "b") or v.layer is None:
        raise ValueError(f"cannot read parameter {name!r}: write it like W1[1,0] or b2[0]")
    kind, l = v.base, v.layer
    if not 1 <= l <= ctx.L:
        raise ValueError(f"{name}: there is no layer {l}; layers are 1..{ctx.L}")
    n_in, n_out = ctx.sizes[l - 1], ctx.sizes[l]
    idx = list(v.index)
    if kind == "b":
        if ctx.params.b[l - 1] is None:
            raise ValueError(f"{name}: layer {l} has no bias")
        if len(idx) > 1 or (not idx and n_out > 1) or (idx and not 0 <= idx[0] < n_out):
            raise ValueError(f"{name}: b{l} has {n_out} elements, write b{l}[0] … b{l}[{n_out - 1}]")
        return "b", l, 0, idx[0] if idx else 0  # a bias has no input: i is unused
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


def _path_count(ctx: Ctx, l: int) -> int:
    """How many routes lead from one unit of layer ``l`` to the loss (see :func:`_paths`)."""
    fan = prod(ctx.sizes[m] for m in range(l + 1, ctx.L + 1))
    return fan * prod(ctx.sizes[m] for m in range(l, ctx.L + 1) if not ctx.act(m).elementwise)


def _paths(ctx: Ctx, l: int, j: int) -> list[Path]:
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
    local: Expr  # what it equals in value names (docs/SPEC.md §2): da2[0], σ′(z2[0]), W2[1,0], a0[1] …
    value: float | None


def _factors(
    ctx: Ctx, kind: str, l: int, i: int, j: int, path: Path, s: int | str, Wold: list[np.ndarray], num: bool
) -> list[_Factor]:
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
        local: Expr
        val: float | None
        if act.name == "identity":
            local, val = ONE, 1.0
        elif act.elementwise:
            local = fn(act, z, prime=True)
            val = float(ctx.fprime(m)[int(s), u]) if num else None
        else:  # softmax: ∂a[k]/∂z[u] = a[k]·(δ_ku − a[u])
            au = ctx.vec("a", m, s, u)
            local = Prod((a, minus(ONE, au))) if k == u else Neg(Prod((a, au)))
            val = float(sp.a[m][s, k] * ((k == u) - sp.a[m][s, u])) if num else None
        out.append(_Factor(Partial(a, z), local, val))
        if m > l:
            k_below = path[pos + 1][0]
            a_below = ctx.vec("a", m - 1, s, k_below)
            out.append(
                _Factor(
                    Partial(z, a_below), ctx.mat("W", m, k_below, u), float(Wold[m - 1][k_below, u]) if num else None
                )
            )
    z = ctx.vec("z", l, s, j)
    if kind == "W":
        out.append(
            _Factor(
                Partial(z, ctx.mat("W", l, i, j)), ctx.vec("a", l - 1, s, i), float(sp.a[l - 1][s, i]) if num else None
            )
        )
    else:
        out.append(_Factor(Partial(z, ctx.bias("b", l, j)), ONE, 1.0))
    return out


def _path_line(
    ctx: Ctx, kind: str, l: int, i: int, j: int, paths: list[Path], lhs: Expr, Wold: list[np.ndarray], numbers: bool
) -> tuple[Line, float | None]:
    """∂loss/∂θ = Σ over paths (and samples) of the product of the factors along each path."""
    s_sym: int | str = "s" if ctx.batch else 0
    sym = [_factors(ctx, kind, l, i, j, p, s_sym, Wold, False) for p in paths]
    chain = sum_of([Prod(tuple(f.chain for f in fs)) for fs in sym], limit=10**9)
    local = sum_of([Prod(tuple(f.local for f in fs)) for fs in sym], limit=10**9)
    if ctx.batch:
        chain, local = SumOver("s", chain), SumOver("s", local)
    if not numbers:
        return Line(lhs, [chain, local]), None
    terms: list[Expr] = []
    total = 0.0
    for s in range(ctx.N):
        for p in paths:
            fs = _factors(ctx, kind, l, i, j, p, s, Wold, True)
            vals = [float(f.value) for f in fs if f.value is not None]  # all set when numbers are wanted
            terms.append(times(*vals))
            total += prod(vals)
    return Line(lhs, [chain, local, sum_of(terms, limit=10**9)], total), total


def _layered(ctx: Ctx, kind: str, l: int, i: int, j: int, lhs: Expr, s: int, numbers: bool) -> list[Line]:
    """The chain one layer at a time, using the values the backward pass stored (too many paths)."""
    sp, act = ctx.sp, ctx.act(l)
    z, a, dz, da = (ctx.vec(b, l, s, j) for b in ("z", "a", "dz", "da"))
    theta = ctx.mat("W", l, i, j) if kind == "W" else ctx.bias("b", l, j)
    x_local = ctx.vec("a", l - 1, s, i) if kind == "W" else ONE
    lines: list[Line] = []

    def x_value(s: int) -> float:
        return float(sp.a[l - 1][s, i]) if kind == "W" else 1.0

    if ctx.batch:
        body = (
            Prod((ctx.vec("dz", l, "s", j), ctx.vec("a", l - 1, "s", i))) if kind == "W" else ctx.vec("dz", l, "s", j)
        )
        forms: list[Expr] = [
            SumOver("s", Prod((Partial(LOSS, ctx.vec("z", l, "s", j)), Partial(ctx.vec("z", l, "s", j), theta)))),
            SumOver("s", body),
        ]
        if numbers:
            forms.append(sum_of([times(sp.dz[l][r, j], x_value(r)) for r in range(ctx.N)], limit=MAX_ELEMENTS))
        grad = (sp.dW[l][i, j] if kind == "W" else sp.db[l][j]) if numbers else None
        lines.append(Line(lhs, forms, None if grad is None else float(grad)))
    else:
        forms = [Prod((Partial(LOSS, z), Partial(z, theta))), Prod((dz, x_local))]
        if numbers:
            forms.append(times(sp.dz[l][s, j], x_value(s)))
        grad = (sp.dW[l][i, j] if kind == "W" else sp.db[l][j]) if numbers else None
        lines.append(Line(lhs, forms, None if grad is None else float(grad)))
    # ∂loss/∂z_l[j] for sample s
    if act.elementwise:
        local: Expr = da if act.name == "identity" else Prod((da, fn(act, z, prime=True)))
        forms = [Prod((Partial(LOSS, a), Partial(a, z))), local]
        if numbers:
            forms.append(times(sp.da[l][s, j], ctx.fprime(l)[s, j]))
    else:
        ak = ctx.vec("a", l, s, "k")
        forms = [
            SumOver("k", Prod((Partial(LOSS, ak), Partial(ak, z)))),
            Prod((a, minus(da, SumOver("k", Prod((ctx.vec("da", l, s, "k"), ak)))))),
        ]
        if numbers:
            dot = float(np.sum(sp.da[l][s] * sp.a[l][s]))
            forms.append(Prod((Num(sp.a[l][s, j]), minus(Num(sp.da[l][s, j]), Num(dot))), numeric=True))
    lines.append(
        Line(Partial(LOSS, z), forms, float(sp.dz[l][s, j]) if numbers else None, dz.name if numbers else None)
    )
    if l < ctx.L:
        Wold, _ = ctx.old_params()
        k_sym: int | str = "k" if ctx.sizes[l + 1] > 1 else 0
        zk = ctx.vec("z", l + 1, s, k_sym)
        forms = [
            Prod((Partial(LOSS, zk), Partial(zk, a))),
            Prod((ctx.vec("dz", l + 1, s, k_sym), ctx.mat("W", l + 1, j, k_sym))),
        ]
        if ctx.sizes[l + 1] > 1:
            forms = [SumOver("k", f) for f in forms]
        if numbers:
            forms.append(
                sum_of([times(sp.dz[l + 1][s, k], Wold[l][j, k]) for k in range(ctx.sizes[l + 1])], limit=MAX_ELEMENTS)
            )
        lines.append(
            Line(Partial(LOSS, a), forms, float(sp.da[l][s, j]) if numbers else None, da.name if numbers else None)
        )
        lines.append(
            text_line(f"∂loss/∂z{l + 1} = dz{l + 1} comes the same way from the layers above (see backward {l + 1}).")
        )
    return lines


@np.errstate(all="ignore")
def derive_parameter(
    at: PassView | HasPassView, name: str, *, sample: int = 0, max_paths: int = MAX_PATHS
) -> Derivation:
    """The chain rule from ``loss`` to one parameter (``W1[1,0]``, ``b2[0]``, indices in the file's
    convention), one factor per edge and activation, summed over every path through the network.

    With the backward pass done down to the parameter's layer, the chain is evaluated with the
    pass's numbers and its result shown next to the engine's gradient (they agree to rounding);
    before that, the symbols and the steps still needed. When more than ``max_paths`` paths (times
    samples, in batch mode) lead to it, the chain is written layer by layer instead.
    """
    ctx = Ctx(view_of(at))
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
        # only, so it carries no value name; the engine's value follows on its own line
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
        lines.append(
            text_line(
                f"The numbers appear after {step_name(needed, L)} of this pass: "
                f"{len(todo)} more step{'s' if len(todo) > 1 else ''} ({', '.join(todo)})."
            )
        )
    return Derivation(title, lines)
