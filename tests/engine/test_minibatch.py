"""Mini-batch SGD, momentum and the input gradient da0 against independent NumPy computations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger
from bptui.engine.batches import epoch_order

from ..builders import apply, commands, minibatch_network, random_network, same_state, stepped


def numpy_loop(sc, epochs: int) -> tuple[list[np.ndarray], list[np.ndarray | None], list[float]]:
    """A textbook mini-batch loop, written from the documented rules (scenarios/README.md):
    epoch E's order is RandomState([seed, E]).permutation(n), batches cut in order, the last
    one short; tanh hidden layers; identity output with ½Σ(y−t)², or softmax with cross-entropy;
    classical momentum v = μv − ηg, W += v. Row convention (z = a·W + b)."""
    tr = sc.training
    X, T = sc.data_inputs, sc.data_targets
    n, bs, lr, mu = len(X), tr.batch_size, tr.learning_rate, tr.momentum
    # the initial weights as the spec draws them: normal, std 0.7, one RandomState, column shapes
    rng = np.random.RandomState(sc.init.seed)
    sizes = [sc.inputs] + [layer.units for layer in sc.layers]
    W, b = [], []
    for i, layer in enumerate(sc.layers):
        shape = (sizes[i + 1], sizes[i]) if sc.convention == "column" else (sizes[i], sizes[i + 1])
        w = sc.init.std * rng.standard_normal(shape)
        W.append(np.ascontiguousarray(w.T if sc.convention == "column" else w))
        b.append(np.zeros(sizes[i + 1]) if layer.bias else None)
    vW = [np.zeros_like(w) for w in W]
    vb = [None if x is None else np.zeros_like(x) for x in b]
    softmax = sc.layers[-1].activation == "softmax"
    losses = []
    for epoch in range(1, epochs + 1):
        order = np.arange(n) if tr.shuffle is None else np.random.RandomState([tr.shuffle, epoch]).permutation(n)
        total = 0.0
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            rows = len(idx)
            a = [X[idx] if tr.shuffle is not None else np.ascontiguousarray(X[start : start + bs])]
            t = T[idx]
            zs = [None]
            for l in range(len(W)):
                z = a[-1].dot(W[l])
                if b[l] is not None:
                    z = z + b[l]
                zs.append(z)
                if l < len(W) - 1:
                    a.append(np.tanh(z))
                elif softmax:
                    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
                    a.append(e / np.sum(e, axis=-1, keepdims=True))
                else:
                    a.append(z)
            y = a[-1]
            if softmax:
                per = -np.sum(t * np.log(y), axis=1)
                grad = -t / y
            else:
                d = y - t
                per = 0.5 * (d * d).sum(axis=1)
                grad = d
            if rows == 1:  # one sample: its own loss (as online), no reduction to take
                loss = float(per[0]) if softmax else 0.5 * float(np.vdot(d, d))
            else:
                loss = float(np.mean(per))
                grad = grad / rows
            weighted = bs > 1 and bs < n  # mean: Σ rows·loss over the epoch, divided by n
            total += loss * rows if weighted else loss
            da = grad
            dWs, dbs = [None] * len(W), [None] * len(W)
            for l in range(len(W) - 1, -1, -1):
                if l == len(W) - 1:
                    dz = da if not softmax else a[l + 1] * (da - np.sum(da * a[l + 1], axis=-1, keepdims=True))
                else:
                    dz = da * (1.0 - a[l + 1] * a[l + 1])
                dWs[l] = a[l].T.dot(dz)
                dbs[l] = dz.sum(axis=0) if b[l] is not None else None
                da = dz.dot(W[l].T)
            for l in range(len(W)):
                if mu:
                    vW[l] = mu * vW[l] - lr * dWs[l]
                    W[l] = W[l] + vW[l]
                    if b[l] is not None:
                        vb[l] = mu * vb[l] - lr * dbs[l]
                        b[l] = b[l] + vb[l]
                else:
                    W[l] = W[l] - lr * dWs[l]
                    if b[l] is not None:
                        b[l] = b[l] - lr * dbs[l]
        losses.append(total / n if bs > 1 and bs < n else total / -(-n // bs))
    return W, b, losses


CASES = {
    "tanh-hse-shuffled": {"loss": "half_squared_error"},
    "softmax-ce-shuffled": {"loss": "cross_entropy", "sizes": (3, 4, 3)},
    "tanh-hse-file-order": {"loss": "half_squared_error", "shuffle": None},
    "momentum": {"loss": "half_squared_error", "momentum": 0.9},
    "softmax-ce-momentum-row": {"loss": "cross_entropy", "sizes": (2, 5, 3), "momentum": 0.5, "convention": "row"},
    "deeper-batch-2": {"loss": "half_squared_error", "sizes": (3, 4, 3, 2), "batch_size": 2, "samples": 9},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_minibatch_equals_a_numpy_loop_bit_for_bit_over_3_epochs(case) -> None:
    sc = minibatch_network(11, **CASES[case])
    W, b, losses = numpy_loop(sc, 3)
    d = Debugger(sc)
    d.run(3)
    assert d.epoch_losses == losses
    for l in range(sc.depth):
        assert np.array_equal(d.params.W[l], W[l]), f"W{l + 1}"
        if b[l] is not None:
            assert np.array_equal(d.params.b[l], b[l]), f"b{l + 1}"
    same_state(d, stepped(sc, d.g))  # the step-by-step path agrees with the run's fast path


def test_the_documented_order() -> None:
    assert np.array_equal(epoch_order(5, 2, 10), np.random.RandomState([5, 2]).permutation(10))
    assert np.array_equal(epoch_order(None, 2, 4), np.arange(4))
    sc = minibatch_network(3, batch_size=3, shuffle=5, samples=7)
    d = Debugger(sc)
    d.run(1)
    d.step()  # forward 1 of epoch 2, batch 1
    perm = np.random.RandomState([5, 2]).permutation(7)
    assert np.array_equal(d.values()["a0"], sc.data_inputs[perm[:3]].T)  # column convention: (inputs, samples)
    assert d.position.status() == "epoch 2 · batch 1/3 · forward 1 (1/6)"
    assert d.position.as_dict() == {"epoch": 2, "batch": 1, "step": "forward 1"}


def run_alike(sc, batch_size: int) -> tuple[Debugger, Debugger]:
    """``sc`` and the same file in mini-batches of ``batch_size`` without shuffle, both run 4
    epochs: the same parameters and losses, bit for bit."""
    mini = replace(sc, training=replace(sc.training, mode="minibatch", batch_size=batch_size, shuffle=None))
    a, b = Debugger(sc), Debugger(mini)
    a.run(4)
    b.run(4)
    assert a.params.equals(b.params)
    assert a.epoch_losses == b.epoch_losses
    return a, b


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", ["half_squared_error", "cross_entropy", "binary_cross_entropy"])
def test_online_is_minibatch_of_one_without_shuffle(loss, reduction) -> None:
    online = random_network(5, loss=loss, reduction=reduction, samples=5, sizes=(3, 4, 3))
    a, b = run_alike(online, batch_size=1)
    a.goto(a.g - 3)
    b.goto(b.g - 3)
    assert a.timeline.running_loss() == b.timeline.running_loss()
    assert a.values()["loss"] == b.values()["loss"]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", ["half_squared_error", "cross_entropy"])
def test_batch_is_one_minibatch_without_shuffle(loss, reduction) -> None:
    batch = random_network(6, loss=loss, reduction=reduction, mode="batch", samples=5, sizes=(3, 4, 3))
    a, b = run_alike(batch, batch_size=5)
    a.back()
    b.back()
    va, vb = a.values(), b.values()
    assert va.keys() == vb.keys()
    assert all(np.array_equal(va[k], vb[k]) for k in va)


@pytest.mark.parametrize("mode", ["online", "batch", "minibatch"])
@pytest.mark.parametrize("convention", ["row", "column"])
def test_da0_is_the_input_gradient_by_finite_differences(mode, convention) -> None:
    sc = minibatch_network(8, mode=mode, convention=convention, loss="cross_entropy", sizes=(3, 4, 3), momentum=0.3)
    d = Debugger(sc)
    d.run(1)  # not at the start, so momentum has velocities
    d.finish_pass()  # forward
    d.step()  # loss
    d.finish_pass()  # backward, through backward 1
    assert d.position.step == "backward 1"
    da0 = np.asarray(d.values()["da0"], dtype=float)
    tl = d.timeline
    sp = tl.current
    net = tl.net
    from bptui.engine.network import forward_layer, loss_and_grad

    def loss_at(a0: np.ndarray) -> float:
        a = a0
        for i, act in enumerate(net.activations):
            _, a = forward_layer(act, tl.params.W[i], tl.params.b[i], a)
        return loss_and_grad(net, a, sp.t)[0]

    a0 = sp.a[0]
    num = np.zeros_like(a0)
    h = 1e-6
    for idx in np.ndindex(*a0.shape):
        up, down = a0.copy(), a0.copy()
        up[idx] += h
        down[idx] -= h
        num[idx] = (loss_at(up) - loss_at(down)) / (2 * h)
    shown = num[0] if mode == "online" else (num.T if convention == "column" else num)
    assert np.allclose(da0, shown, rtol=1e-6, atol=1e-8)
    assert np.allclose(sp.da[0], sp.dz[1].dot(tl.params.W[0].T))


def test_momentum_velocities_are_values_and_survive_jumps() -> None:
    sc = minibatch_network(2, momentum=0.9)
    d = Debugger(sc)
    v0 = d.values()
    assert np.all(v0["vW1"] == 0) and "vb1" in v0
    d.run(2)
    v2 = {k: np.array(v) for k, v in d.values().items() if k.startswith("v")}
    assert any(np.any(v != 0) for v in v2.values())
    d.run(3)
    d.undo()
    assert all(np.array_equal(d.values()[k], v2[k]) for k in v2)
    d.home()
    assert np.all(d.values()["vW1"] == 0)


def test_momentum_zero_is_plain_sgd_bit_for_bit() -> None:
    base = random_network(9, samples=4)
    zero = replace(base, training=replace(base.training, momentum=0.0))
    a, b = Debugger(base), Debugger(zero)
    a.run(3)
    b.run(3)
    assert a.params.equals(b.params) and a.epoch_losses == b.epoch_losses
    assert "vW1" not in b.values()


SCENARIOS = {
    "shuffled-short-last": minibatch_network(4, batch_size=3, samples=7),
    "momentum-row": minibatch_network(5, batch_size=2, samples=5, momentum=0.8, convention="row"),
    "ce-file-order": minibatch_network(6, batch_size=4, samples=9, shuffle=None, loss="cross_entropy", sizes=(2, 3, 3)),
    "online-momentum": minibatch_network(7, mode="online", samples=3, momentum=0.5),
}


@settings(max_examples=60, deadline=None)
@given(commands=commands(run=4, goto=200, size=25), which=st.sampled_from(sorted(SCENARIOS)))
def test_any_walk_across_batch_boundaries_equals_replay_from_start(commands, which) -> None:
    scenario = SCENARIOS[which]
    dbg = Debugger(scenario, checkpoint_budget=1, pass_cache_budget=1)  # thinning and eviction exercised
    for command in commands:
        apply(dbg, command)
    same_state(dbg, stepped(scenario, dbg.g))


def test_editing_an_input_of_the_batch_edits_that_data_sample():
    sc = minibatch_network(4, batch_size=3, samples=7, shuffle=5, sizes=(3, 4, 2))  # column convention
    d = Debugger(sc)
    d.step()
    which = d.pass_samples()[1] - 1  # row 1 of the batch is this sample of the data
    out = d.edit("a0[2,1]", 9.0)  # column: input 2 of the batch's sample 1
    assert out.moved, out.message
    assert d.values()["a0"][2, 1] == 9.0
    assert d.timeline.scenario.data_inputs[which, 2] == 9.0
    d.undo()
    assert d.values()["a0"][2, 1] == sc.data_inputs[which, 2]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_predict_mode_asks_elements_that_exist_in_minibatch_mode(batch_size):
    from bptui.engine.predict import choose

    from ..builders import engine_value

    sc = minibatch_network(4, batch_size=batch_size, samples=4, sizes=(3, 4, 2), momentum=0.5)
    d = Debugger(sc)
    for _ in range(3 * d.layout.per_pass):
        q = choose(d)
        assert q is not None
        d.step()
        name = q.name + (f"[{','.join(map(str, q.index))}]" if q.index else "")
        assert np.isfinite(engine_value(d.values(), name)), name


def test_the_running_loss_is_the_mean_over_the_samples_of_the_batches_done():
    sc = minibatch_network(4, batch_size=3, samples=7, shuffle=5, sizes=(3, 4, 2))
    d = Debugger(sc)
    losses, rows = [], [3, 3, 1]
    for _ in range(3):
        d.finish_pass()  # forward, through loss
        losses.append(d.values()["loss"])
        value, n = d.timeline.running_loss()
        assert n == len(losses)
        assert value == pytest.approx(sum(r * x for r, x in zip(rows, losses)) / sum(rows[:n]), rel=1e-14)
        d.finish_sample()
    assert d.epoch_losses[0] == pytest.approx(sum(r * x for r, x in zip(rows, losses)) / 7, rel=1e-14)
