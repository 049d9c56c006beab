"""Run-N's pass kernel against the stepper: the same numbers bit for bit, and a finiteness flag
that is exactly "every z and the loss of the pass were finite" (what the divergence replay needs)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import LayerSpec, Scenario, TrainingSpec
from bptui.engine.batches import BatchPlan, one_hot_classes
from bptui.engine.kernel import LOSS_SEES_Z, SMALL_Z, PassKernel
from bptui.engine.network import Network, initial_params
from bptui.engine.sample_pass import SamplePass

from ..builders import HIDDEN, OUTPUT_FOR_LOSS, all_combinations, combo_id, minibatch_network, random_scenario

MODES = [("minibatch", 0.0), ("minibatch", 0.9), ("online", 0.0), ("batch", 0.0)]


def scenarios():
    """Every (hidden, output, loss, convention, online/batch) pairing, plus mini-batches with and
    without momentum for every loss."""
    for combo in all_combinations():
        hidden, (output, loss), convention, mode = combo
        sc = random_scenario(3, hidden, output, loss, convention, mode, sizes=(3, 4, 3, 2), samples=5)
        yield pytest.param(sc, id=combo_id(combo))
    for loss in OUTPUT_FOR_LOSS:
        for hidden in HIDDEN:
            for mu in (0.0, 0.9):
                sc = minibatch_network(5, loss=loss, hidden=hidden, momentum=mu, samples=8, batch_size=3)
                yield pytest.param(sc, id=f"minibatch-{hidden}-{loss}-mu{mu}")


def stepped_pass(net: Network, params, a0, t) -> SamplePass:
    sp = SamplePass(net, a0, t)
    while not sp.done:
        sp.advance(params)
    return sp


@pytest.mark.parametrize("sc", list(scenarios()))
def test_the_kernel_leaves_the_numbers_stepping_leaves(sc) -> None:
    net, plan = Network.from_scenario(sc), BatchPlan(sc)
    kernel = PassKernel(net)
    stepped, fast, checked = initial_params(sc), initial_params(sc), initial_params(sc)
    for p in range(3 * plan.passes):  # three epochs: every batch, the short last one, new orders
        a0, t = plan.batch(p)
        hot = plan.hot(p // plan.passes + 1)[p % plan.passes]  # softmax + CE: the short form
        sp = stepped_pass(net, stepped, a0, t)
        loss, finite = kernel.train(fast, a0, t)
        loss_c, finite_c = kernel.train(checked, a0, t, checked=True, hot=hot)
        assert finite and finite_c
        assert loss == sp.loss and loss_c == sp.loss  # bit for bit: == on floats
        assert fast.equals(stepped) and checked.equals(stepped)


def online_scenarios():
    """Online training (one row a pass, :meth:`PassKernel.run_rows`): every pairing, shuffled
    with and without momentum, a hidden layer wider than :data:`SMALL_Z`, and a −0.0 bias."""
    for combo in all_combinations():
        hidden, (output, loss), convention, mode = combo
        if mode == "online":
            sc = random_scenario(3, hidden, output, loss, convention, mode, sizes=(3, 4, 3, 2), samples=5)
            yield pytest.param(sc, id=combo_id(combo))
    for hidden in HIDDEN:
        for mu in (0.0, 0.9):
            sc = minibatch_network(
                5, hidden=hidden, momentum=mu, mode="online", sizes=(3, SMALL_Z + 4, 2), samples=5, learning_rate=0.01
            )
            yield pytest.param(sc, id=f"online-wide-{hidden}-mu{mu}")
    # a −0.0 bias and a dz of −0.0 (a leaky output's slope times a subnormal z rounds to −0.0):
    # the bias gradient's sum makes it +0.0, so the bias stays −0.0 (−0.0 − 0.0)
    layer = LayerSpec(2, "leaky_relu", slope=0.1, weights=np.array([[-5e-24, 0.5]]), biases=np.array([-0.0, -0.0]))
    yield pytest.param(
        Scenario(
            title="minus zero",
            inputs=1,
            layers=(layer,),
            data_inputs=np.array([[1e-300], [1e-300]]),
            data_targets=np.zeros((2, 2)),
            training=TrainingSpec(loss="mean_squared_error", learning_rate=0.1, mode="online"),
            convention="row",
        ),
        id="online-minus-zero",
    )


def same_param_bits(p, q) -> bool:
    mine, theirs = p.arrays(), q.arrays()
    return [n for n, _ in mine] == [n for n, _ in theirs] and all(
        same_bits(x, y) for (_, x), (_, y) in zip(mine, theirs)
    )


@pytest.mark.parametrize("sc", list(online_scenarios()))
def test_one_row_passes_leave_the_numbers_stepping_leaves(sc) -> None:
    net, plan = Network.from_scenario(sc), BatchPlan(sc)
    kernel = PassKernel(net)
    stepped, fast, single = initial_params(sc), initial_params(sc), initial_params(sc)
    for epoch in range(1, 4):  # three epochs (shuffled: new orders)
        rows = plan.batches(epoch)
        acc = 0.0
        for a0, t in rows:
            sp = stepped_pass(net, stepped, a0, t)
            acc += sp.loss
            _, _, finite, loss = kernel.run_rows(single, ((a0, t),), 0.0, checked=True)  # one pass
            assert finite and same_bits(loss, sp.loss)
            assert same_param_bits(single, stepped)
        got, n, finite, _ = kernel.run_rows(fast, rows[:2], 0.0, checked=True)  # in two runs, as between events
        got, m, finite_too, last = kernel.run_rows(fast, rows[2:], got)
        assert same_bits(last, sp.loss)
        assert (n, m, finite, finite_too) == (2, len(rows) - 2, True, True)
        assert same_bits(got, acc)  # the losses added in order
        assert same_param_bits(fast, stepped)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(), st.sampled_from([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324])), min_size=1, max_size=6
    )
)
def test_the_one_row_bias_gradient_is_the_reduction(values: list[float]) -> None:
    """``dz[0] + 0.0`` is ``dz.sum(axis=0)`` of one row bit for bit, −0.0 and NaN included."""
    dz = np.array([values])
    with np.errstate(all="ignore"):
        assert same_bits(dz[0] + 0.0, dz.sum(axis=0))
        assert same_bits(dz[0] + 0.0, np.add.reduce(dz, 0))


@pytest.mark.parametrize("width", [4, SMALL_Z + 4])
@pytest.mark.parametrize("loss", list(OUTPUT_FOR_LOSS))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_one_row_finite_flag_is_every_z_and_the_loss_finite(hidden: str, loss: str, width: int) -> None:
    """As below for one-row passes: :meth:`PassKernel.run_rows` stops after the first pass whose z,
    loss or da0 was non-finite, and says so; the numbers are stepping's up to there."""
    rng = np.random.RandomState(13)
    flagged = 0
    for case in range(40):
        sc = minibatch_network(case, loss=loss, hidden=hidden, mode="online", samples=3, sizes=(3, width, 3))
        net, plan = Network.from_scenario(sc), BatchPlan(sc)
        rows = plan.batches(1)
        params = blown_up(sc, rng)
        stepped = params.copy()
        want = len(rows)
        with np.errstate(all="ignore"):
            for k, (a0, t) in enumerate(rows):
                sp = stepped_pass(net, stepped, a0, t)
                if not (np.isfinite(sp.loss) and all(bool(np.isfinite(v).all()) for v in (*sp.z[1:], sp.da[0]))):
                    want = k + 1
                    break
            _, n, finite, _ = PassKernel(net).run_rows(params, rows, 0.0, checked=True)
        assert (n, finite) == (want, want == len(rows) and n == len(rows) and finite), case
        assert params.equals(stepped)  # the same numbers, up to the pass that stopped it
        flagged += not finite
    assert flagged >= 10


def blown_up(sc, rng: np.random.RandomState):
    """The scenario's starting parameters with one layer made huge or one weight non-finite."""
    params = initial_params(sc)
    layer = rng.randint(len(params.W))
    how = rng.randint(4)
    W = params.W[layer]
    if how == 0:
        W *= 10.0 ** rng.uniform(150, 310)
    elif how == 1:
        W.flat[rng.randint(W.size)] = [np.inf, -np.inf, np.nan][rng.randint(3)]
    elif how == 2:
        W.flat[rng.randint(W.size)] = rng.choice([-1, 1]) * 10.0 ** rng.uniform(300, 308)
    else:
        W *= 10.0 ** rng.uniform(1, 4)  # large, usually finite (softmax outputs of exactly 0 appear)
    return params


@pytest.mark.parametrize("loss", list(OUTPUT_FOR_LOSS))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_finite_flag_is_every_z_and_the_loss_finite(hidden: str, loss: str) -> None:
    """Huge and non-finite parameters in random layers: the checked kernel says "finite" exactly
    when stepping's z of every layer, loss and da0 are finite (an ``a``, ``da``, ``dz`` or ``dW``
    that is non-finite comes from one of those, or shows in the next pass's z through the update;
    da0 feeds nothing, so it is checked itself)."""
    rng = np.random.RandomState(11)
    output = OUTPUT_FOR_LOSS[loss]
    output_only = 0  # cases where the output z alone was non-finite (what LOSS_SEES_Z relies on)
    flagged = 0
    for case in range(60):
        sc = minibatch_network(case, loss=loss, hidden=hidden, samples=6, batch_size=3, sizes=(3, 4, 3))
        net, plan = Network.from_scenario(sc), BatchPlan(sc)
        a0, t = plan.batch(0)
        params = blown_up(sc, rng)
        stepped = params.copy()
        with np.errstate(all="ignore"):
            sp = stepped_pass(net, stepped, a0, t)
            value, finite = PassKernel(net).train(params, a0, t, checked=True, hot=plan.hot(1)[0])
        zs_finite = [bool(np.isfinite(z).all()) for z in sp.z[1:]]
        truth = bool(np.isfinite(sp.loss)) and all(zs_finite) and bool(np.isfinite(sp.da[0]).all())
        assert finite == truth, (case, zs_finite, sp.loss)
        assert np.array_equal(value, sp.loss, equal_nan=True) and params.equals(stepped)  # the same numbers
        flagged += not finite
        output_only += all(zs_finite[:-1]) and not zs_finite[-1]
    assert flagged >= 10  # the cases do diverge
    if (output, loss) in LOSS_SEES_Z:
        assert output_only >= 1  # …and some only in the output z, which the loss alone reports


def same_bits(x, y) -> bool:
    """Equal bit for bit (the sign of a zero counts), NaNs in the same places."""
    x, y = np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))
    nan = np.isnan(x)
    return bool((nan == np.isnan(y)).all() and (x[~nan].view(np.uint64) == y[~nan].view(np.uint64)).all())


POSITIVE = st.one_of(
    st.floats(min_value=5e-324, max_value=1.0, allow_subnormal=True),
    st.sampled_from([5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 0.5, 1.0 - 2**-53, 1.0]),
)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(2, 6), st.integers(2, 5), st.sampled_from(["mean", "sum"]))
def test_the_short_softmax_cross_entropy_is_the_general_one(data, rows: int, width: int, reduction: str) -> None:
    """Any outputs > 0 (subnormal, 1.0, not summing to 1) and one-hot targets: the short form's
    loss and dz are the general path's (−t/y ÷ rows, the softmax Jacobian product), bit for bit."""
    y = np.array(data.draw(st.lists(POSITIVE, min_size=rows * width, max_size=rows * width))).reshape(rows, width)
    classes = np.array(data.draw(st.lists(st.integers(0, width - 1), min_size=rows, max_size=rows)))
    t = np.eye(width)[classes]
    sc = minibatch_network(0, loss="cross_entropy", samples=4, batch_size=2, reduction=reduction)
    net = Network.from_scenario(sc)
    kernel = PassKernel(net)
    hot = np.arange(rows) * width + classes
    with np.errstate(all="ignore"):
        loss, dz = kernel._softmax_ce(y, hot, rows)
        per, grad = net.loss.evaluate(y, t)
        want = float(np.mean(per)) if reduction == "mean" else float(np.sum(per))
        da = grad / rows if reduction == "mean" else grad
        want_dz = net.activations[-1].backward(None, y, da)
    assert same_bits(loss, want)
    assert same_bits(dz, want_dz)


def test_one_hot_targets_are_recognised_bit_for_bit() -> None:
    eye = np.eye(3)[[2, 0, 1, 2]]
    assert one_hot_classes(eye).tolist() == [2, 0, 1, 2]
    negative_zero = eye.copy()
    negative_zero[1, 2] = -0.0  # −t/y would be +0.0 there, not the −0.0 the short form assumes
    assert one_hot_classes(negative_zero) is None
    assert one_hot_classes(np.array([[0.9, 0.1], [0.0, 1.0]])) is None  # soft labels
    assert one_hot_classes(np.array([[1.0, 1.0], [0.0, 1.0]])) is None  # two hot
    assert one_hot_classes(np.array([[0.0, 0.0], [0.0, 1.0]])) is None  # none hot
    assert one_hot_classes(np.ones((3, 1))) is None  # one unit: no classes


@pytest.mark.parametrize("loss", list(OUTPUT_FOR_LOSS))
def test_the_output_z_is_summed_unless_the_loss_sees_it(loss: str) -> None:
    net = Network.from_scenario(minibatch_network(0, loss=loss, hidden="tanh"))
    kernel = PassKernel(net)
    output = net.activations[-1]
    assert kernel.watch[0] is True  # tanh hides ±∞
    assert kernel.watch[-1] is (output.hides_nonfinite and (output.name, loss) not in LOSS_SEES_Z)
    assert kernel.short_ce is (loss == "cross_entropy")


@pytest.mark.parametrize("huge", [1e306, 1e3])
def test_a_batch_whose_da0_alone_overflows_is_flagged(huge: float) -> None:
    """da0 feeds no gradient: with a0's first column 0, a huge first row of W1 leaves every z, the
    loss and the update finite while da0 overflows. On a batch this large the kernel bounds da0
    instead of computing it (rows × units × inputs is 8,192); a bound near overflow must send it to
    the exact product, and a modest W1 must not be flagged."""
    from dataclasses import replace

    from ..builders import batch_scenario

    sc = batch_scenario((64, 8, 1), samples=16)
    X = sc.data_inputs.copy()
    X[:, 0] = 0.0
    sc = replace(sc, data_inputs=X)
    net, plan = Network.from_scenario(sc), BatchPlan(sc)
    a0, t = plan.batch(0)
    assert a0.shape[0] * 8 * 64 >= 4096  # the bound's path, not the exact product's
    params = initial_params(sc)
    params.W[0][0, :] = huge
    params.W[1][:] = 100.0  # a large dz1 (every z and the loss stay finite)
    stepped = params.copy()
    with np.errstate(all="ignore"):
        sp = stepped_pass(net, stepped, a0, t)
        _, finite = PassKernel(net).train(params, a0, t, checked=True)
    assert np.isfinite(sp.loss) and all(bool(np.isfinite(z).all()) for z in sp.z[1:])
    da0_finite = bool(np.isfinite(sp.da[0]).all())
    assert da0_finite == (huge < 1e100)  # the case is what it says: only da0 overflows
    assert finite == da0_finite
    assert params.equals(stepped)
