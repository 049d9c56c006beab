"""The ``update`` step with classical momentum: each velocity, then each parameter.

``vW ← μ·vW − η·dW = μ × v_old − η × g = v_new`` and ``W ← W + vW = old ± |v_new| = new``, per
element, in the file's convention; large values show the selected element and a summary line,
as the plain SGD update does."""

from __future__ import annotations

import numpy as np

from ..formulas import ETA, Add, Expr, Line, Num, Prod, Sym, Var, minus, plus, times
from .naming import Ctx, Select, each, grid

MU = Sym("μ", r"\mu")


def _velocity_line(v: Var, grad: Var, mu: float, v_old: float, g: float, lr: float, v_new: float) -> Line:
    forms: list[Expr] = [minus(Prod((MU, v)), Prod((ETA, grad))), minus(times(mu, v_old), times(lr, g))]
    return Line(v, forms, float(v_new), v.name, relation="←", distinct=(float(v_old), float(v_new)))


def _param_line(p: Var, v: Var, old: float, v_new: float, new: float) -> Line:
    forms: list[Expr] = [plus(p, v), Add(((1, Num(old)), (1 if v_new >= 0 else -1, Num(abs(v_new)))))]
    return Line(p, forms, float(new), p.name, relation="←", distinct=(float(old), float(new)))


def momentum_update(ctx: Ctx, sel: Select) -> list[Line]:
    """The lines of an ``update`` with momentum μ: velocities first, then the parameters they move."""
    sp, lr, mu = ctx.sp, ctx.net.learning_rate, ctx.net.momentum
    start = ctx.view.start_params()
    now = ctx.params
    assert start.vW is not None and start.vb is not None and now.vW is not None and now.vb is not None
    lines: list[Line] = []
    for l in range(1, ctx.L + 1):
        i0 = l - 1
        vW_old, vW, W_old, W = start.vW[i0], now.vW[i0], start.W[i0], now.W[i0]

        def vw_line(i: int, j: int, l: int = l, vo: np.ndarray = vW_old, vn: np.ndarray = vW) -> Line:
            return _velocity_line(
                ctx.mat("vW", l, i, j), ctx.mat("dW", l, i, j), mu, vo[i, j], sp.dW[l][i, j], lr, vn[i, j]
            )

        def w_line(i: int, j: int, l: int = l, wo: np.ndarray = W_old, vn: np.ndarray = vW, w: np.ndarray = W) -> Line:
            return _param_line(ctx.mat("W", l, i, j), ctx.mat("vW", l, i, j), wo[i, j], vn[i, j], w[i, j])

        keys = ctx.mat_keys(l)
        lines += each(ctx, f"vW{l}", vW, keys, (sel.source, sel.unit), sel.limit, vw_line)
        lines += each(ctx, f"W{l}", W, keys, (sel.source, sel.unit), sel.limit, w_line)
        b, vb, b_old, vb_old = now.b[i0], now.vb[i0], start.b[i0], start.vb[i0]
        if b is None or vb is None or b_old is None or vb_old is None:
            continue
        n_out = ctx.sizes[l]

        def vb_line(j: int, l: int = l, vo: np.ndarray = vb_old, vn: np.ndarray = vb) -> Line:
            return _velocity_line(ctx.bias("vb", l, j), ctx.bias("db", l, j), mu, vo[j], sp.db[l][j], lr, vn[j])

        def b_line(j: int, l: int = l, bo: np.ndarray = b_old, vn: np.ndarray = vb, bn: np.ndarray = b) -> Line:
            return _param_line(ctx.bias("b", l, j), ctx.bias("vb", l, j), bo[j], vn[j], bn[j])

        lines += each(ctx, f"vb{l}", vb, grid(n_out), (sel.unit,), sel.limit, vb_line)
        lines += each(ctx, f"b{l}", b, grid(n_out), (sel.unit,), sel.limit, b_line)
    return lines
