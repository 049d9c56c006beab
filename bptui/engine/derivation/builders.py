"""Expression pieces the derivations share: the loss symbol and an activation applied to ``z``."""

from __future__ import annotations

from ..activations import Activation
from ..formulas import Apply, Expr, Var

LOSS = Var("loss")


def fn(act: Activation, arg: Expr, prime: bool = False) -> Apply:
    """``σ(z)`` or ``σ′(z)``, with the activation's own Unicode and LaTeX symbols."""
    return Apply(act.symbol, act.tex, arg, prime)
