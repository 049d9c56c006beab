"""Property: on any small network, at any position after backward 1, every parameter's chain —
summed over every path — multiplies out to the engine's gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.engine.derivation import derive_parameter

from ..builders import HIDDEN, engine_value, parameter_names, targets_for


@st.composite
def networks(draw) -> Scenario:
    depth = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 3), min_size=depth + 1, max_size=depth + 1))
    acts = [draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)]
    out, loss = draw(
        st.sampled_from(
            [
                ("identity", "squared_error"),
                ("sigmoid", "binary_cross_entropy"),
                ("softmax", "cross_entropy"),
                ("tanh", "mean_squared_error"),
            ]
        )
    )
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    n = draw(st.integers(1, 3))
    X = rng.uniform(-1, 1, (n, widths[0]))
    T = targets_for(loss, rng, n, widths[-1])
    layers = tuple(
        LayerSpec(w, a, slope=0.05, bias=draw(st.booleans()), biases=None) for w, a in zip(widths[1:], acts + [out])
    )
    return Scenario(
        title="property",
        inputs=widths[0],
        layers=layers,
        data_inputs=X,
        data_targets=T,
        training=TrainingSpec(
            loss=loss,
            reduction=draw(st.sampled_from(["sum", "mean"])),
            learning_rate=0.5,
            mode=draw(st.sampled_from(["online", "batch"])),
        ),
        init=InitSpec(seed=seed),
        convention=draw(st.sampled_from(["row", "column"])),
    )


@settings(max_examples=60)
@given(sc=networks(), passes=st.integers(0, 2), after_update=st.booleans())
def test_chain_equals_gradient(sc, passes, after_update):
    d = Debugger(sc)
    S = d.layout.per_pass
    d.goto(passes * S + S - (0 if after_update else 1))
    values = d.values()
    for name in parameter_names(d):
        der = derive_parameter(d, name, max_paths=10**6)
        engine = next(ln for ln in der.lines if ln.note.startswith("the engine's gradient"))
        assert engine.value == engine_value(values, engine.name)
        assert der.lines[0].value == pytest.approx(engine.value, rel=1e-9, abs=1e-12), der.unicode()
