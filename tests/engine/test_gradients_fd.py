"""Backprop's dW/db against central finite differences of the pass loss, for every
hidden activation × loss (each with its own output activation) × convention × mode."""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from bptui.engine import Debugger, Scenario

from .conftest import OUTPUT_FOR_LOSS, random_scenario

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
CASES = list(itertools.product(HIDDEN, OUTPUT_FOR_LOSS, ("row", "column"), ("online", "batch")))
EPS = 1e-5  # central differences: truncation O(EPS²), rounding O(1e-16/EPS)


def with_params(sc: Scenario, Ws: list[np.ndarray], bs: list[np.ndarray | None]) -> Scenario:
    """The same scenario with explicit weights/biases (given in the file's convention)."""
    layers = tuple(
        dataclasses.replace(layer, weights=W.copy(), biases=None if b is None else b.copy())
        for layer, W, b in zip(sc.layers, Ws, bs)
    )
    return dataclasses.replace(sc, layers=layers)


def pass_loss(sc: Scenario) -> float:
    dbg = Debugger(sc)
    dbg.goto(sc.depth + 1)  # forward 1..L, then loss
    return float(dbg.values()["loss"])


KINKED = ("relu", "leaky_relu")


def away_from_kinks(seed: int, **kw) -> tuple[Scenario, Debugger]:
    """The first scenario from ``seed`` on whose kinked units all have |z| ≥ 1e-3.

    relu and leaky_relu are not differentiable at 0: a finite difference straddling the kink
    measures an average of two slopes, so the comparison is only meaningful away from it.
    """
    while True:
        sc = random_scenario(seed, **kw)
        dbg = Debugger(sc)
        dbg.goto(2 * sc.depth + 1)  # through backward 1
        zs = [np.abs(dbg.values()[f"z{l}"]) for l in range(1, sc.depth + 1) if sc.layers[l - 1].activation in KINKED]
        if all(z.min() >= 1e-3 for z in zs):
            return sc, dbg
        seed += 1000


@pytest.mark.parametrize(("hidden", "loss", "convention", "mode"), CASES)
def test_backprop_matches_central_differences(hidden: str, loss: str, convention: str, mode: str) -> None:
    sc, dbg = away_from_kinks(
        sum(map(ord, hidden + loss + convention + mode)) % 1000,
        hidden=hidden, loss=loss, convention=convention, mode=mode, sizes=(3, 4, 3, 3),
    )
    L = sc.depth
    values = dbg.values()
    Ws = [np.array(values[f"W{l}"], dtype=float) for l in range(1, L + 1)]
    bs = [np.array(values[f"b{l}"], dtype=float) if f"b{l}" in values else None for l in range(1, L + 1)]
    worst = 0.0
    for l in range(L):
        for target, grad_name in ((Ws, f"dW{l + 1}"), (bs, f"db{l + 1}")):
            if target[l] is None:
                assert grad_name not in values
                continue
            analytic = np.asarray(values[grad_name])
            assert analytic.shape == target[l].shape
            for idx in np.ndindex(target[l].shape):
                plus = [w.copy() for w in Ws], [None if b is None else b.copy() for b in bs]
                minus = [w.copy() for w in Ws], [None if b is None else b.copy() for b in bs]
                (plus[0] if target is Ws else plus[1])[l][idx] += EPS
                (minus[0] if target is Ws else minus[1])[l][idx] -= EPS
                numeric = (pass_loss(with_params(sc, *plus)) - pass_loss(with_params(sc, *minus))) / (2 * EPS)
                a = float(analytic[idx])
                rel = abs(a - numeric) / max(abs(a), abs(numeric), 1e-6)  # floor: gradients near 0
                worst = max(worst, rel)
    assert worst < 1e-6
