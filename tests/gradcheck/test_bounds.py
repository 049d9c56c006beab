"""What a gradient check computes is bounded, and the incremental nudge is the full recomputation."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.engine.gradcheck import (
    CHECK_WORK,
    EXTENDED,
    LAYER_WORK,
    MAX_PER_ARRAY,
    MIN_PER_ARRAY,
    _extended,
    _nudge_work,
    _numeric,
    _pass_data,
    check_gradients,
    elements_to_check,
    layer_fd,
)
from bptui.engine.network import Network, forward_layer, initial_params

from ..builders import all_combinations, combo_id, random_scenario

COMBOS = all_combinations()[::5]


def full_recompute(net: Network, params, which, a0, t, eps: float = 1e-6) -> np.ndarray:
    """The textbook way: nudge the parameter, run the whole network again in extended precision."""
    ext = _extended(params)
    target = (ext.W if which[0] == "W" else ext.b)[which[1]]
    a0, t = a0.astype(EXTENDED), t.astype(EXTENDED)

    def loss() -> float:
        a = a0
        for act, W, b in zip(net.activations, ext.W, ext.b):
            _, a = forward_layer(act, W, b, a)
        per = net.loss.per_sample(a, t)
        return per[0] if not net.batch else (np.sum(per) if net.reduction == "sum" else np.mean(per))

    out = np.empty(target.shape)
    for idx in np.ndindex(*target.shape):
        saved = target[idx]
        target[idx] = saved + eps
        up = loss()
        target[idx] = saved - eps
        down = loss()
        target[idx] = saved
        out[idx] = float((up - down) / (2 * eps))
    return out


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_the_incremental_nudge_gives_the_differences_of_a_full_recomputation(combo) -> None:
    hidden, (act, loss), convention, mode = combo
    sc = random_scenario(COMBOS.index(combo), hidden, act, loss, convention, mode, sizes=(3, 4, 3, 2), samples=3)
    net = Network.from_scenario(sc)
    params = initial_params(sc)
    a0, t = _pass_data(sc, net)
    with np.errstate(all="ignore"):
        for l in range(net.depth):
            for kind in ("W", "b"):
                if kind == "b" and params.b[l] is None:
                    continue
                fast, done, _ = _numeric(net, params, (kind, l), a0, t, 1e-6)
                slow = full_recompute(net, params, (kind, l), a0, t)
                assert done.all()
                np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)


def wide(batch: int) -> Scenario:
    rng = np.random.RandomState(1)
    return Scenario(
        title="wide",
        inputs=400,
        layers=(LayerSpec(900, "tanh"), LayerSpec(900, "relu"), LayerSpec(5, "softmax")),
        data_inputs=rng.rand(batch, 400),
        data_targets=np.eye(5)[rng.randint(0, 5, batch)],
        training=TrainingSpec(loss="cross_entropy", learning_rate=0.01, mode="batch" if batch > 1 else "online"),
        init=InitSpec(distribution="normal", std=0.03, seed=0),
        convention="row",
    )


def test_the_sample_of_elements_is_fixed_and_bounded_by_the_work_of_a_nudge() -> None:
    net = Network.from_scenario(wide(1))
    first = elements_to_check(net, 0, (400, 900), 1, CHECK_WORK)
    assert first == elements_to_check(net, 0, (400, 900), 1, CHECK_WORK)  # the same sample every time
    assert len(first) == MAX_PER_ARRAY and len(set(first)) == MAX_PER_ARRAY
    assert len(elements_to_check(net, 0, (3, 4), 1, CHECK_WORK)) == 12  # small arrays: every element
    cheap_enough = elements_to_check(net, 0, (400, 900), 64, LAYER_WORK)
    assert MIN_PER_ARRAY <= len(cheap_enough) < MAX_PER_ARRAY
    assert len(cheap_enough) * 2 * _nudge_work(net, 0, 64) <= max(
        LAYER_WORK, 2 * MIN_PER_ARRAY * _nudge_work(net, 0, 64)
    )
    huge = elements_to_check(net, 0, (400, 900), 10**6, LAYER_WORK)
    assert len(huge) == MIN_PER_ARRAY


def test_layer_fd_on_a_big_layer_checks_a_bounded_sample_and_says_which() -> None:
    sc = wide(32)
    dbg = Debugger(sc)
    dbg.goto(7)  # after backward 1 (L = 3)
    fd = layer_fd(dbg, 1)
    checked = ~np.isnan(fd.numeric)
    net = Network.from_scenario(sc)
    assert checked.sum() == len(elements_to_check(net, 0, (400, 900), 32, LAYER_WORK)) < 400 * 900
    assert (fd.skipped | checked).all() and np.isnan(fd.errors[~checked]).all()
    assert fd.rel_err < 1e-6


def test_check_gradients_reports_progress_to_the_end() -> None:
    seen = []
    hidden, (act, loss), convention, mode = COMBOS[0]
    report = check_gradients(
        random_scenario(0, hidden, act, loss, convention, mode), progress=lambda done, total: seen.append((done, total))
    )
    assert report.ok
    total = seen[0][1]
    assert [d for d, _ in seen] == list(range(1, total + 1)) and all(t == total for _, t in seen)
    assert total == report.checked + report.skipped
