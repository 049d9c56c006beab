"""Loss functions: one record per loss, read by everything that shows or runs one.

Arrays are ``(batch, outputs)``. ``per_sample`` gives one loss per row; ``grad`` gives
∂(that row's loss)/∂y, so a reduction over rows only scales it (see
:func:`bptui.engine.network.loss_and_grad`). A :class:`Loss` also holds the loss's expression
builders for derivations, its handout text, its NumPy and PyTorch code for exported scripts, and
the output activation it needs, so adding a loss is one :func:`register` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .formulas import HALF, ONE, Add, Expr, Frac, Group, Neg, Num, Pow, Prod, Sym, ln, minus, plus

Array = np.ndarray
Term = Callable[[Expr, Expr], Expr]  # (y, t) of one output unit → its summand
Outer = Callable[[Expr, int, bool], Expr]  # (sum over units, units, numeric) → the sample's loss
GradExpr = Callable[[Expr, Expr, int, bool], Expr]  # (y, t, units, numeric) → ∂(sample loss)/∂y


@dataclass(frozen=True)
class Loss:
    name: str
    per_sample: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    formula: str  # Unicode, for the Chain rule pane
    grad_formula: str

    evaluate: Callable[[Array, Array], tuple[Array, Array]]  # (per-sample losses, ∂loss/∂y) at once
    single: Callable[[Array, Array], tuple[float, Array]]  # (loss, ∂loss/∂y) of one sample (one row)

    # derivations: the loss of one sample as Σ over output units, and its gradient per unit
    term: Term
    outer: Outer
    grad_expr: GradExpr

    # exported scripts: the same expressions as ``single`` (online) and ``evaluate`` (batch),
    # setting ``loss`` / ``per`` and ``grad`` from ``y`` and ``t``; PyTorch: per-row losses
    numpy_online: tuple[str, ...]
    numpy_batch: tuple[str, ...]
    torch: str

    needs_output: str | None = None  # the output activation it requires, if any

    @property
    def text(self) -> str:
        """How a handout names it: ``half squared error``."""
        return self.name.replace("_", " ")


def _hse(y: Array, t: Array) -> Array:
    d = y - t
    return 0.5 * (d * d).sum(axis=1)


def _se(y: Array, t: Array) -> Array:
    d = y - t
    return np.sum(d * d, axis=1)


def _mse(y: Array, t: Array) -> Array:
    d = y - t
    return np.mean(d * d, axis=1)


def _bce(y: Array, t: Array) -> Array:
    return -np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y), axis=1)


def _ce(y: Array, t: Array) -> Array:
    """``-np.sum(t * np.log(y), axis=1)``, with ``np.sum``'s own reduction called directly."""
    p = np.log(y)
    p *= t
    s = np.add.reduce(p, 1)
    np.negative(s, out=s)
    return s


def _ce_evaluate(y: Array, t: Array) -> tuple[Array, Array]:
    """(per-row cross-entropy, ``−t / y``) in one call (run-N evaluates this once per pass)."""
    return _ce(y, t), -t / y


def _hse_evaluate(y: Array, t: Array) -> tuple[Array, Array]:
    """½Σ(y−t)² and its gradient sharing ``y − t``: this is streetlight's loss, run per sample."""
    d = y - t
    return 0.5 * (d * d).sum(axis=1), d


def _hse_single(y: Array, t: Array) -> tuple[float, Array]:
    """One row's ½Σ(y−t)² and gradient. ``vdot`` is the cheapest Σd² NumPy has, and run-N
    evaluates this once per sample."""
    d = y - t
    return 0.5 * float(np.vdot(d, d)), d


def _se_single(y: Array, t: Array) -> tuple[float, Array]:
    d = y - t
    return float(np.vdot(d, d)), 2.0 * d


def _mse_single(y: Array, t: Array) -> tuple[float, Array]:
    d = y - t
    return float(np.vdot(d, d)) / d.shape[1], 2.0 * d / d.shape[1]


def _k(v: int, numeric: bool) -> Expr:
    return Num(v) if numeric else Sym(str(v), str(v))


def _squared(y: Expr, t: Expr) -> Expr:
    return Pow(minus(y, t), 2)


def _plain(total: Expr, n: int, numeric: bool) -> Expr:
    return total


def _negated(total: Expr, n: int, numeric: bool) -> Expr:
    return Neg(total)


def _half(total: Expr, n: int, numeric: bool) -> Expr:
    return Prod((HALF, total), numeric=numeric, juxt=not numeric)


def _mean(total: Expr, n: int, numeric: bool) -> Expr:
    return Frac(total, _k(n, numeric)) if n > 1 else total


def _bce_term(y: Expr, t: Expr) -> Expr:
    return Group(plus(Prod((t, ln(y))), Prod((minus(ONE, t), ln(minus(ONE, y))))), square=True)


def _twice(y: Expr, t: Expr, n: int, numeric: bool) -> Expr:
    return Prod((_k(2, numeric), minus(y, t)), numeric=numeric, juxt=not numeric)


REGISTRY: dict[str, Loss] = {}


def register(loss: Loss) -> Loss:
    """Make ``loss`` available to scenarios, derivations, handouts and scripts (by ``loss.name``)."""
    REGISTRY[loss.name] = loss
    return loss


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)


def names() -> tuple[str, ...]:
    """The loss names a scenario may use, in registration order."""
    return tuple(REGISTRY)


def _make(
    name: str,
    per_sample,
    grad,
    formula: str,
    grad_formula: str,
    *,
    term: Term,
    outer: Outer,
    grad_expr: GradExpr,
    numpy_online: tuple[str, ...],
    numpy_batch: tuple[str, ...],
    torch: str,
    evaluate=None,
    single=None,
    needs_output: str | None = None,
) -> Loss:
    evaluate = evaluate or (lambda y, t: (per_sample(y, t), grad(y, t)))
    single = single or (lambda y, t: (float(per_sample(y, t)[0]), grad(y, t)))
    return register(
        Loss(
            name,
            per_sample,
            grad,
            formula,
            grad_formula,
            evaluate,
            single,
            term,
            outer,
            grad_expr,
            numpy_online,
            numpy_batch,
            torch,
            needs_output,
        )
    )


_make(
    "half_squared_error",
    _hse,
    lambda y, t: y - t,
    "½Σ(y−t)²",
    "y − t",
    evaluate=_hse_evaluate,
    single=_hse_single,
    term=_squared,
    outer=_half,
    grad_expr=lambda y, t, n, numeric: minus(y, t),
    numpy_online=("d = y - t", "loss = 0.5 * float(np.vdot(d, d))", "grad = d"),
    numpy_batch=("d = y - t", "per = 0.5 * (d * d).sum(axis=1)", "grad = d"),
    torch="0.5 * ((y - t) ** 2).sum(dim=1)",
)
_make(
    "squared_error",
    _se,
    lambda y, t: 2.0 * (y - t),
    "Σ(y−t)²",
    "2(y − t)",
    single=_se_single,
    term=_squared,
    outer=_plain,
    grad_expr=_twice,
    numpy_online=("d = y - t", "loss = float(np.vdot(d, d))", "grad = 2.0 * d"),
    numpy_batch=("d = y - t", "per = np.sum(d * d, axis=1)", "grad = 2.0 * (y - t)"),
    torch="((y - t) ** 2).sum(dim=1)",
)
_make(
    "mean_squared_error",
    _mse,
    lambda y, t: 2.0 * (y - t) / y.shape[1],
    "mean (y−t)²",
    "2(y − t)/n",
    single=_mse_single,
    term=_squared,
    outer=_mean,
    grad_expr=lambda y, t, n, numeric: Frac(_twice(y, t, n, numeric), _k(n, numeric)),
    numpy_online=("d = y - t", "loss = float(np.vdot(d, d)) / d.shape[1]", "grad = 2.0 * d / d.shape[1]"),
    numpy_batch=("d = y - t", "per = np.mean(d * d, axis=1)", "grad = 2.0 * (y - t) / y.shape[1]"),
    torch="((y - t) ** 2).mean(dim=1)",
)
_make(
    "binary_cross_entropy",
    _bce,
    lambda y, t: -t / y + (1.0 - t) / (1.0 - y),
    "−Σ[t·ln y + (1−t)·ln(1−y)]",
    "−t/y + (1−t)/(1−y)",
    term=_bce_term,
    outer=_negated,
    grad_expr=lambda y, t, n, numeric: Add(((-1, Frac(t, y)), (1, Frac(minus(ONE, t), minus(ONE, y))))),
    numpy_online=(
        "loss = float(-np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y), axis=1)[0])",
        "grad = -t / y + (1.0 - t) / (1.0 - y)",
    ),
    numpy_batch=(
        "per = -np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y), axis=1)",
        "grad = -t / y + (1.0 - t) / (1.0 - y)",
    ),
    torch="-(t * torch.log(y) + (1.0 - t) * torch.log(1.0 - y)).sum(dim=1)",
    needs_output="sigmoid",
)
_make(
    "cross_entropy",
    _ce,
    lambda y, t: -t / y,
    "−Σ t·ln y",
    "−t/y",
    evaluate=_ce_evaluate,
    term=lambda y, t: Prod((t, ln(y))),
    outer=_negated,
    grad_expr=lambda y, t, n, numeric: Neg(Frac(t, y)),
    numpy_online=("loss = float(-np.sum(t * np.log(y), axis=1)[0])", "grad = -t / y"),
    numpy_batch=("per = -np.sum(t * np.log(y), axis=1)", "grad = -t / y"),
    torch="-(t * torch.log(y)).sum(dim=1)",
    needs_output="softmax",
)

NAMES = names()  # the built-in losses; scenarios accept every registered one (:func:`names`)
LOSSES = REGISTRY


def make_loss(name: str) -> Loss:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}") from None
