"""One pass worth of values, computed one micro-step at a time.

A :class:`SamplePass` holds ``a0``, ``t`` and every value of docs/SPEC.md §2 the pass has computed so far,
in the internal row layout ``(batch, units)``. ``advance()`` performs the next micro-step with the
functions of :mod:`bptui.engine.network`, the same ones the fast path uses.
"""

from __future__ import annotations

import numpy as np

from .network import Network, Params, apply_update, backward_layer, forward_layer, loss_and_grad
from .steps import steps_per_pass
from .value_name import LAYERED, split_layer

Array = np.ndarray


class SamplePass:
    def __init__(self, net: Network, a0: Array, t: Array) -> None:
        L = net.depth
        self.net = net
        self.k = 0
        self.t = t
        self.a: list[Array | None] = [a0] + [None] * L  # a[0] = a0 … a[L]
        self.z: list[Array | None] = [None] * (L + 1)  # z[l], index 0 unused
        self.da: list[Array | None] = [None] * (L + 1)  # da[l], l = 0..L (da0: the input gradient, shown only)
        self.dz: list[Array | None] = [None] * (L + 1)
        self.dW: list[Array | None] = [None] * (L + 1)
        self.db: list[Array | None] = [None] * (L + 1)
        self.loss: float | None = None

    @property
    def per_sample(self) -> Array | None:
        """Each sample's own loss (a batch pass's ``loss`` is their reduction); ``None`` before ``loss``."""
        if self.loss is None:
            return None
        with np.errstate(all="ignore"):  # a diverged pass's inf and nan are shown, never warned about
            return self.net.loss.per_sample(self.a[-1], self.t)

    @property
    def done(self) -> bool:
        return self.k == steps_per_pass(self.net.depth)

    def advance(self, params: Params) -> list[str]:
        """Do the next micro-step; returns the names of the values it wrote."""
        net = self.net
        L = net.depth
        k = self.k + 1
        if k <= L:
            l = k
            self.z[l], self.a[l] = forward_layer(
                net.activations[l - 1], params.W[l - 1], params.b[l - 1], self.a[l - 1]
            )
            written = [f"z{l}", f"a{l}"]
        elif k == L + 1:
            self.loss, self.da[L] = loss_and_grad(net, self.a[L], self.t)
            written = ["loss", f"da{L}"]
        elif k <= 2 * L + 1:
            l = 2 * L + 2 - k
            dz, dW, db, da_prev = backward_layer(
                net.activations[l - 1],
                params.W[l - 1],
                net.has_bias[l - 1],
                self.a[l - 1],
                self.z[l],
                self.a[l],
                self.da[l],
                True,  # da0 too: training never needs it, a teacher checks "the gradient w.r.t. x"
            )
            self.dz[l], self.dW[l], self.db[l] = dz, dW, db
            written = [f"dz{l}", f"dW{l}"] + ([f"db{l}"] if db is not None else [])
            self.da[l - 1] = da_prev
            written.append(f"da{l - 1}")
        elif k == 2 * L + 2:
            apply_update(params, self.dW[1:], self.db[1:], net.learning_rate, net.momentum)
            written = [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1) if net.has_bias[l - 1]]
            if net.momentum:
                written = [f"v{n}" for n in written] + written
        else:
            raise RuntimeError("the pass is already complete")
        self.k = k
        return written

    def first_nonfinite(self, names: list[str], params: Params) -> str | None:
        """The first of ``names`` (as returned by :meth:`advance`) holding a non-finite number."""
        for name in names:
            value = self.raw(name, params)
            if value is not None and not np.all(np.isfinite(value)):
                return name
        return None

    def raw(self, name: str, params: Params) -> Array | float | None:
        """A value by its value name, in the internal row layout (``None`` if not computed yet)."""
        if name == "a0":
            return self.a[0]
        if name == "t":
            return self.t
        if name == "loss":
            return self.loss
        base, l = split_layer(name)
        if base not in LAYERED or l is None or not (0 if base == "da" else 1) <= l <= self.net.depth:
            return None
        if base == "W":
            return params.W[l - 1]
        if base == "b":
            return params.b[l - 1]
        if base in ("vW", "vb"):
            group = params.vW if base == "vW" else params.vb
            return None if group is None else group[l - 1]
        return getattr(self, base)[l]
