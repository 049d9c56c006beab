"""A non-finite value is reported at the first micro-step that produced it, whichever value it is.

The fast path of a run checks each pass cheaply; the reference here walks one micro-step at a
time and looks at every value (z, a, da, dz, dW, db, parameters, loss) after each.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec

from ..builders import same_state


def two_layer(W1, X, *, act: str = "relu", lr: float = 0.1, b1=(0.0,), T=None) -> Scenario:
    X = np.asarray(X, dtype=float)
    return Scenario(
        title="hostile",
        inputs=X.shape[1],
        layers=(
            LayerSpec(len(W1), act, weights=np.asarray(W1, dtype=float), biases=np.asarray(b1, dtype=float)),
            LayerSpec(1, "identity", weights=np.full((1, len(W1)), 0.5), biases=np.array([0.1])),
        ),
        data_inputs=X,
        data_targets=np.asarray(T if T is not None else [[1.0]] * len(X), dtype=float),
        training=TrainingSpec(learning_rate=lr, epochs=50),
        init=InitSpec(seed=0),
        convention="column",
    )


def first_nonfinite_by_stepping(scenario: Scenario, limit: int) -> tuple[int, list[str]] | None:
    """(g, names of the non-finite values) at the first micro-step where any value is non-finite."""
    ref = Debugger(scenario)
    with np.errstate(all="ignore"):
        while ref.g < limit:
            ref.timeline.goto(ref.g + 1)
            bad = [n for n, v in ref.values().items() if not np.all(np.isfinite(v))]
            if bad:
                return ref.g, bad
    return None


def test_relu_hides_minus_infinity_but_the_run_stops_at_forward_1() -> None:
    sc = two_layer([[-1e308, -1e308]], [[1.0, 1.0], [0.5, 1.0]])
    dbg = Debugger(sc)
    out = dbg.run(50)
    assert out.diverged is not None
    assert out.diverged.value == "z1"
    assert (dbg.position.epoch, dbg.position.sample, dbg.position.step) == (1, 1, "forward 1")
    assert dbg.epoch_losses == []  # nothing completed: the state is the one at that micro-step
    assert first_nonfinite_by_stepping(sc, 100)[0] == dbg.g


def test_a_transient_value_hidden_by_tanh_in_a_later_sample_is_found() -> None:
    # only sample 3's input overflows z (tanh(inf) = 1, and dz = da·(1 − 1) = 0: nothing else shows it)
    sc = two_layer([[2.0, 0.5]], [[0.1, 0.2], [0.3, -0.1], [1e308, 0.0]], act="tanh")
    dbg = Debugger(sc)
    out = dbg.run(20)
    assert out.diverged is not None and out.diverged.value == "z1"
    assert (dbg.position.epoch, dbg.position.sample, dbg.position.step) == (1, 3, "forward 1")
    ref = Debugger(sc)
    ref.timeline.goto(dbg.g)
    same_state(dbg, ref)


FINITE = st.floats(-1e3, 1e3, allow_nan=False)
HUGE = st.sampled_from([1e150, -1e200, 1e300, -1e308, 1.7e308])


@settings(max_examples=40)
@given(
    w=st.lists(st.one_of(FINITE, HUGE), min_size=4, max_size=4),
    x=st.lists(st.one_of(FINITE, HUGE), min_size=4, max_size=4),
    act=st.sampled_from(["relu", "sigmoid", "tanh", "leaky_relu", "identity"]),
    lr=st.sampled_from([0.1, 2.0, 1e10, 1e300]),
)
# da0 alone overflows (W1 finite, dz1 finite, their product not): the run-N kernel did not compute da0
@example(w=[0.0, 0.0, 0.0, 1e300], x=[21.0, 0.0, 0.0, 0.0], act="leaky_relu", lr=0.1)
def test_the_run_stops_where_stepping_first_sees_a_non_finite_value(w, x, act, lr) -> None:
    sc = two_layer([w[:2], w[2:]], [x[:2], x[2:]], act=act, lr=lr, b1=(0.0, 0.0))
    epochs = 30
    expected = first_nonfinite_by_stepping(sc, epochs * Debugger(sc).layout.per_epoch)
    dbg = Debugger(sc)
    out = dbg.run(epochs)
    if expected is None:
        assert out.diverged is None and dbg.position.epoch == epochs
    else:
        assert out.diverged is not None
        assert dbg.g == expected[0]
        assert out.diverged.value in expected[1]


def test_a_run_cancelled_in_the_pass_that_diverges_still_says_where() -> None:
    # only sample 2 overflows; the run is cancelled at its first poll, before that last pass of epoch 1
    sc = two_layer([[-2.0, -2.0]], [[0.1, 0.2], [1e308, 1e308]])
    dbg = Debugger(sc)
    out = dbg.run(50, should_stop=lambda: True)
    assert out.diverged is not None and out.diverged.value == "z1"
    assert (dbg.position.epoch, dbg.position.sample, dbg.position.step) == (1, 2, "forward 1")
