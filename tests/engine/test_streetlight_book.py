"""Streetlight (Grokking Deep Learning ch. 6) against the book's printed figures and its own loop."""

from __future__ import annotations

import numpy as np

from bptui.engine import Debugger

from ..builders import STREETLIGHT_T, STREETLIGHT_X, book_loop, streetlight

# The book's "Error" every 10th epoch: Σ(y−t)² summed over the epoch (twice our ½(y−t)² loss).
BOOK_ERROR = {
    10: 0.634231159844,
    20: 0.358384076763,
    30: 0.0830183113303,
    40: 0.0064670549571,
    50: 0.000329266900075,
    60: 1.50556226651e-05,
}
# The book's printed initial weights.
BOOK_W01 = [
    [-0.16595599, 0.44064899, -0.99977125, -0.39533485],
    [-0.70648822, -0.81532281, -0.62747958, -0.30887855],
    [-0.20646505, 0.07763347, -0.16161097, 0.370439],
]
BOOK_W12 = [[-0.5910955], [0.75623487], [-0.94522481], [0.34093502]]


def test_initial_weights_are_the_books() -> None:
    dbg = Debugger(streetlight())
    np.testing.assert_allclose(dbg.values()["W1"], BOOK_W01, atol=5e-9)
    np.testing.assert_allclose(dbg.values()["W2"], BOOK_W12, atol=5e-9)


def test_printed_errors_are_twice_the_epoch_loss() -> None:
    dbg = Debugger(streetlight())
    dbg.run(60)
    losses = dbg.epoch_losses
    assert len(losses) == 60
    for epoch, book in BOOK_ERROR.items():
        # the book prints 12 significant digits
        assert abs(2 * losses[epoch - 1] - book) <= 1e-11 * book


def test_matches_the_books_loop_bit_for_bit() -> None:
    w01, w12, errors = book_loop(60)
    dbg = Debugger(streetlight())
    dbg.run(60)
    assert np.array_equal(dbg.values()["W1"], w01)
    assert np.array_equal(dbg.values()["W2"], w12)
    assert [2 * x for x in dbg.epoch_losses] == errors


def test_stepping_matches_the_books_loop_after_one_sample() -> None:
    """Walk sample 1 micro-step by micro-step and compare each value with the book's expressions."""
    dbg = Debugger(streetlight())
    w01 = np.array(dbg.values()["W1"]).copy()
    w12 = np.array(dbg.values()["W2"]).copy()
    l0 = STREETLIGHT_X[0:1]
    l1 = (l0 @ w01 > 0) * (l0 @ w01)
    l2 = l1 @ w12
    d2 = l2 - STREETLIGHT_T[0:1]
    d1 = d2 @ w12.T * (l1 > 0)
    dbg.step()
    np.testing.assert_array_equal(dbg.values()["a1"], l1[0])
    dbg.step()
    np.testing.assert_array_equal(dbg.values()["a2"], l2[0])
    dbg.step()
    assert dbg.values()["loss"] == 0.5 * float(np.sum(d2**2))
    np.testing.assert_array_equal(dbg.values()["da2"], d2[0])
    dbg.step()
    np.testing.assert_array_equal(dbg.values()["dW2"], l1.T @ d2)
    np.testing.assert_array_equal(dbg.values()["da1"], (d2 @ w12.T)[0])
    dbg.step()
    np.testing.assert_array_equal(dbg.values()["dz1"], d1[0])
    np.testing.assert_array_equal(dbg.values()["dW1"], l0.T @ d1)
    dbg.step()
    assert dbg.position.step == "update"
    np.testing.assert_array_equal(dbg.values()["W1"], w01 - 0.2 * (l0.T @ d1))
    np.testing.assert_array_equal(dbg.values()["W2"], w12 - 0.2 * (l1.T @ d2))
