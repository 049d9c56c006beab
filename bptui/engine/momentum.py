"""Classical momentum: ``v ← μ·v − η·g``, then ``W ← W + v`` (the same for ``b``).

The velocities start at zero and are part of the training state (``Params.vW``/``Params.vb``),
so checkpoints and the pass cache carry them and every jump restores them bit for bit.

PyTorch's ``torch.optim.SGD(momentum=μ)`` keeps ``buf ← μ·buf + g`` and steps ``W ← W − η·buf``:
the same numbers in exact arithmetic while η is constant (``v = −η·buf``), but rounded
differently, so the exported PyTorch script writes the classical update out (see
:mod:`bptui.export.scripts`) to print bptui's numbers exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Params

Array = np.ndarray


def zero_velocities(W: list[Array], b: list[Array | None]) -> tuple[list[Array], list[Array | None]]:
    """Velocities of zero, one per weight and bias (``None`` for a layer without bias)."""
    return [np.zeros_like(w) for w in W], [None if v is None else np.zeros_like(v) for v in b]


def momentum_layer(params: Params, i: int, dW: Array, db: Array | None, lr: float, mu: float) -> None:
    """One layer's update in place: ``vW = μ·vW − η·dW; W += vW`` (and the bias likewise).

    Written as a NumPy script writes ``v = mu * v - lr * g; W = W + v``: the same operations in
    the same order, so a script reproduces the numbers bit for bit."""
    assert params.vW is not None and params.vb is not None, "momentum needs velocities"
    vW = params.vW[i]
    vW *= mu
    vW -= lr * dW
    params.W[i] += vW
    b, vb = params.b[i], params.vb[i]
    if b is not None and vb is not None and db is not None:
        vb *= mu
        vb -= lr * db
        b += vb
