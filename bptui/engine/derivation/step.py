"""The equations one micro-step evaluated, element by element: symbols, then the numbers in."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..formulas import (
    ELLIPSIS,
    ETA,
    ONE,
    Add,
    Derivation,
    Expr,
    Frac,
    Line,
    Num,
    Partial,
    Prod,
    SumOver,
    Sym,
    Var,
    exp,
    minus,
    plus,
    sum_of,
    text_line,
    times,
)
from ..steps import step_name
from ..view import HasPassView, PassView, view_of
from .builders import LOSS, fn
from .naming import EXPAND, MAX_ELEMENTS, Ctx, Select, each, grid

# --- forward -----------------------------------------------------------------------------------


def _forward(ctx: Ctx, l: int, sel: Select) -> list[Line]:
    sp, n_in, n_out = ctx.sp, ctx.sizes[l - 1], ctx.sizes[l]
    W, b = ctx.params.W[l - 1], ctx.params.b[l - 1]
    has_bias = b is not None

    def term(s: int | str, i: int | str, j: int | str) -> Prod:
        a, w = ctx.vec("a", l - 1, s, i), ctx.mat("W", l, i, j)
        return Prod((w, a) if ctx.col else (a, w))

    def num_term(s: int, i: int, j: int) -> Prod:
        a, w = sp.a[l - 1][s, i], W[i, j]
        return times(w, a) if ctx.col else times(a, w)

    def z_line(s: int, j: int) -> Line:
        forms: list[Expr] = []
        bias: list[Expr] = [ctx.bias("b", l, j)] if has_bias else []
        if n_in > 1:
            forms.append(plus(SumOver("i", term(s, "i", j)), *bias) if bias else SumOver("i", term(s, "i", j)))
        if n_in <= EXPAND:
            terms: list[Expr] = [term(s, i, j) for i in range(n_in)]
            forms.append(sum_of(terms + bias))
        nums: list[Expr] = [num_term(s, i, j) for i in range(n_in)]
        forms.append(sum_of(nums + ([Num(b[j])] if b is not None else []), limit=MAX_ELEMENTS))
        return Line(ctx.vec("z", l, s, j), forms, float(sp.z[l][s, j]), ctx.vec("z", l, s, j).name)

    act = ctx.act(l)

    def a_line(s: int, j: int) -> Line:
        a, z = ctx.vec("a", l, s, j), ctx.vec("z", l, s, j)
        value = float(sp.a[l][s, j])
        if act.name == "identity":
            return Line(a, [z], value, a.name, note="identity")
        if act.elementwise:
            return Line(a, [fn(act, z), fn(act, Num(sp.z[l][s, j]))], value, a.name)
        # softmax: a[j] = exp(z[j]) / Σ_k exp(z[k])
        zs = sp.z[l][s]
        with np.errstate(over="ignore"):
            total = float(np.sum(np.exp(zs)))
        sym = Frac(exp(z), SumOver("k", exp(ctx.vec("z", l, s, "k"))))
        return Line(a, [sym, Frac(exp(Num(zs[j])), Num(total))], value, a.name)

    keys = grid(ctx.N, n_out)
    sel_key = (sel.sample, sel.unit)
    return each(ctx, f"z{l}", sp.z[l], keys, sel_key, sel.limit, z_line) + each(
        ctx, f"a{l}", sp.a[l], keys, sel_key, sel.limit, a_line
    )


# --- loss --------------------------------------------------------------------------------------


def _loss(ctx: Ctx, sel: Select) -> list[Line]:
    sp, L, loss = ctx.sp, ctx.L, ctx.net.loss
    n = ctx.sizes[L]
    y, t = sp.a[L], sp.t
    mean_batch = ctx.batch and ctx.net.reduction == "mean"

    def sample_forms(s: int) -> list[Expr]:
        forms: list[Expr] = []
        if n > 1:
            forms.append(
                loss.outer(SumOver("k", loss.term(ctx.vec("a", L, s, "k"), ctx.vec("t", None, s, "k"))), n, False)
            )
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
        lines += each(
            ctx,
            "ℓ",
            per,
            grid(ctx.N),
            (sel.sample,),
            sel.limit,
            lambda s: Line(ell(s), sample_forms(s), float(per[s]), note=f"loss of sample {s + 1}"),
        )
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

    lines += each(ctx, f"da{L}", sp.da[L], grid(ctx.N, n), (sel.sample, sel.unit), sel.limit, grad_line)
    return lines


# --- backward ----------------------------------------------------------------------------------


def _backward(ctx: Ctx, l: int, sel: Select) -> list[Line]:
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
            return Line(
                dz, [Prod((da, fn(act, z, prime=True))), times(sp.da[l][s, j], ctx.fprime(l)[s, j])], value, dz.name
            )
        # softmax: dz[j] = a[j]·(da[j] − Σ_k da[k]·a[k])
        a = ctx.vec("a", l, s, j)
        inner = SumOver("k", Prod((ctx.vec("da", l, s, "k"), ctx.vec("a", l, s, "k"))))
        dot = float(np.sum(sp.da[l][s] * sp.a[l][s]))
        num = Prod((Num(sp.a[l][s, j]), minus(Num(sp.da[l][s, j]), Num(dot))), numeric=True)
        return Line(dz, [Prod((a, minus(da, inner))), num], value, dz.name)

    def dW_line(i: int, j: int) -> Line:
        dW, w = ctx.mat("dW", l, i, j), ctx.mat("W", l, i, j)
        value = float(sp.dW[l][i, j])
        if ctx.batch:
            sym = SumOver("s", Prod((ctx.vec("dz", l, "s", j), ctx.vec("a", l - 1, "s", i))))
            nums = _sum_over(ctx.N, lambda s: times(sp.dz[l][s, j], sp.a[l - 1][s, i]))
            return Line(dW, [sym, nums], value, dW.name)
        z = ctx.vec("z", l, 0, j)
        chain = Prod((Partial(LOSS, z), Partial(z, w)))
        local = Prod((ctx.vec("dz", l, 0, j), ctx.vec("a", l - 1, 0, i)))
        return Line(dW, [chain, local, times(sp.dz[l][0, j], sp.a[l - 1][0, i])], value, dW.name)

    def db_line(j: int) -> Line:
        db, b = ctx.bias("db", l, j), ctx.bias("b", l, j)
        value = float(sp.db[l][j])
        if ctx.batch:
            nums = _sum_over(ctx.N, lambda s: Num(sp.dz[l][s, j]))
            return Line(db, [SumOver("s", ctx.vec("dz", l, "s", j)), nums], value, db.name)
        z = ctx.vec("z", l, 0, j)
        chain = Prod((Partial(LOSS, z), Partial(z, b)))
        return Line(db, [chain, Prod((ctx.vec("dz", l, 0, j), ONE)), times(sp.dz[l][0, j], 1.0)], value, db.name)

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
        forms.append(sum_of([times(sp.dz[l][s, j], W[i, j]) for j in range(n_out)], limit=MAX_ELEMENTS))
        return Line(da, forms, value, da.name)

    lines = each(ctx, f"dz{l}", sp.dz[l], grid(ctx.N, n_out), (sel.sample, sel.unit), sel.limit, dz_line)
    lines += each(ctx, f"dW{l}", sp.dW[l], ctx.mat_keys(l), (sel.source, sel.unit), sel.limit, dW_line)
    if sp.db[l] is not None:
        lines += each(ctx, f"db{l}", sp.db[l], grid(n_out), (sel.unit,), sel.limit, db_line)
    if l > 1 or (sel.input_gradient and sp.da[0] is not None):  # da0: the gradient w.r.t. the input
        lines += each(ctx, f"da{l - 1}", sp.da[l - 1], grid(ctx.N, n_in), (sel.sample, sel.source), sel.limit, da_line)
    return lines


# --- update ------------------------------------------------------------------------------------


def _update_line(lhs: Var, grad: Var, old: float, g: float, lr: float, new: float) -> Line:
    """``W ← W − η·dW = old − η × g = old ± |η·g| = new``, as seed 000 writes it."""
    step = -lr * g
    forms: list[Expr] = [
        minus(lhs, Prod((ETA, grad))),
        minus(Num(old), times(lr, g)),
        Add(((1, Num(old)), (1 if step >= 0 else -1, Num(abs(step))))),
    ]
    return Line(lhs, forms, float(new), lhs.name, relation="←", distinct=(float(old), float(new)))


def _update(ctx: Ctx, sel: Select) -> list[Line]:
    if ctx.net.momentum:
        from .momentum import momentum_update  # only scenarios with momentum (not on every start-up)

        return momentum_update(ctx, sel)
    sp, lr = ctx.sp, ctx.net.learning_rate
    Wold, bold = ctx.old_params()
    lines: list[Line] = []
    for l in range(1, ctx.L + 1):
        W, b = ctx.params.W[l - 1], ctx.params.b[l - 1]
        n_out = ctx.sizes[l]

        def w_line(i: int, j: int, l: int = l, W: np.ndarray = W) -> Line:
            return _update_line(
                ctx.mat("W", l, i, j), ctx.mat("dW", l, i, j), Wold[l - 1][i, j], sp.dW[l][i, j], lr, W[i, j]
            )

        lines += each(ctx, f"W{l}", W, ctx.mat_keys(l), (sel.source, sel.unit), sel.limit, w_line)
        if b is not None:

            def b_line(j: int, l: int = l, b: np.ndarray = b) -> Line:
                old = bold[l - 1]
                assert old is not None, "a layer with a bias had one when its pass started"
                return _update_line(ctx.bias("b", l, j), ctx.bias("db", l, j), old[j], sp.db[l][j], lr, b[j])

            lines += each(ctx, f"b{l}", b, grid(n_out), (sel.unit,), sel.limit, b_line)
    return lines


@np.errstate(all="ignore")  # a diverged state's inf and nan are shown, never warned about on stderr
def _sum_over(n: int, term: Callable[[int], Expr]) -> Expr:
    """``sum_of([term(s) for s in range(n)], limit=MAX_ELEMENTS)``, building only the terms shown
    (a batch of 512 samples writes 4 of them, not 512)."""
    if n <= MAX_ELEMENTS:
        return sum_of([term(s) for s in range(n)], limit=MAX_ELEMENTS)
    return plus(term(0), term(1), term(2), ELLIPSIS, term(n - 1))


def derive_step(
    at: PassView | HasPassView,
    *,
    unit: int = 0,
    source: int = 0,
    sample: int = 0,
    max_elements: int = MAX_ELEMENTS,
    input_gradient: bool = True,
) -> Derivation:
    """The equations the micro-step just done evaluated, in the scenario's convention.

    Values with more than ``max_elements`` elements show one element — the one selected by
    ``unit`` (in the step's layer), ``source`` (in the layer below) and ``sample`` (batch mode) —
    and a summary line. ``input_gradient``: ``backward 1`` also derives ``da0`` (∂loss/∂a0), which
    training never needs (the seeds' handouts leave it out).
    """
    ctx = Ctx(view_of(at))
    pos, L, k = ctx.position, ctx.L, ctx.sp.k
    sel = Select(sample, unit, source, max_elements, input_gradient)
    if pos.unit == "batch":
        where = f"epoch {pos.epoch}, batch {pos.sample}/{pos.samples}"
    else:
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
