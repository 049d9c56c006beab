"""Derivations: every number is the engine's, chains multiply out to the gradient, seed 000 reads back."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bptui.engine import Debugger
from bptui.engine import formulas as F
from bptui.engine.derivation import derive_parameter, derive_step
from bptui.engine.formulas import fmt_number

from ..builders import all_combinations, chain_scenario, engine_value, parameter_names, random_scenario

COMBOS = all_combinations()


FUNCS = {
    "σ": lambda x: 1 / (1 + math.exp(-x)),
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
    "exp": math.exp,
    "ln": math.log,
}


def evaluate(e: F.Expr, slope: float) -> float:
    """The value of a numeric form, so the numbers printed can be checked to give the result."""
    if isinstance(e, F.Num):
        return e.value
    if isinstance(e, F.Sym):
        return 0.5 if e.text == "½" else float(e.text)
    if isinstance(e, F.Add):
        return sum(sign * evaluate(t, slope) for sign, t in e.terms)
    if isinstance(e, F.Prod):
        return math.prod(evaluate(f, slope) for f in e.factors)
    if isinstance(e, F.Frac):
        return evaluate(e.num, slope) / evaluate(e.den, slope)
    if isinstance(e, F.Pow):
        return evaluate(e.base, slope) ** e.exponent
    if isinstance(e, F.Neg):
        return -evaluate(e.arg, slope)
    if isinstance(e, F.Group):
        return evaluate(e.inner, slope)
    if isinstance(e, F.Apply) and not e.prime:
        x = evaluate(e.arg, slope)
        if e.fn == "lrelu":
            return x if x > 0 else slope * x
        return FUNCS[e.fn](x)
    raise TypeError(f"not a numeric form: {e!r}")


def numeric(e: F.Expr) -> bool:
    text = e.uni(4)  # (rendered once: it is most of this check's cost)
    return (
        "…" not in text
        and not any(c in text for c in "∂Σ")
        and not any(
            ch.isalpha() and ch not in "eσ"
            for ch in text.replace("tanh", "")
            .replace("relu", "")
            .replace("lrelu", "")
            .replace("exp", "")
            .replace("ln", "")
            .replace("nan", "")
        )
    )


def check_lines(d: Debugger, lines) -> int:
    values, n = d.values(), 0
    slope = d.scenario.layers[0].slope
    for line in lines:
        assert line.unicode() and line.latex()
        if line.value is None:
            continue
        if line.name is not None:
            assert line.value == engine_value(values, line.name), (line.unicode(), line.name)
        if line.forms and numeric(line.forms[-1]):
            got = evaluate(line.forms[-1], slope)
            assert got == pytest.approx(line.value, rel=1e-9, abs=1e-12), line.unicode()
            n += 1
    return n


@pytest.mark.parametrize(
    "hidden,output,convention,mode", COMBOS, ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v)
)
def test_every_number_is_the_engines(hidden, output, convention, mode):
    """Each step's lines carry the engine's value under its value name, and their numbers give it."""
    act, loss = output
    sc = random_scenario(COMBOS.index((hidden, output, convention, mode)), hidden, act, loss, convention, mode)
    d = Debugger(sc)
    checked = 0
    for g in range(1, 2 * d.layout.per_pass + 1):
        d.goto(g)
        checked += check_lines(d, derive_step(d).lines)
    assert checked > 0


@pytest.mark.parametrize(
    "hidden,output,convention,mode", COMBOS, ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v)
)
def test_chain_product_equals_the_gradient(hidden, output, convention, mode):
    """Summed over every path, the product of the chain's factors is the engine's gradient."""
    act, loss = output
    sc = random_scenario(
        100 + COMBOS.index((hidden, output, convention, mode)),
        hidden,
        act,
        loss,
        convention,
        mode,
        sizes=(2, 3, 2, 3 if act != "identity" else 1),
    )
    d = Debugger(sc)
    L = d.depth
    # after backward 1, after the update, in the next pass; every path is written out at the first
    # (the paths are the same at the others, their numbers are not: the layered form checks those)
    for g in (2 * L + 1, 2 * L + 2, d.layout.per_pass + 2 * L + 1):
        d.goto(g)
        values = d.values()
        for name in parameter_names(d):
            for max_paths in (10**6, 0) if g == 2 * L + 1 else (0,):  # every path, and layer by layer
                der = derive_parameter(d, name, max_paths=max_paths)
                engine = next(ln for ln in der.lines if ln.note.startswith("the engine's gradient"))
                assert engine.value == engine_value(values, engine.name)
                assert der.lines[0].value == pytest.approx(engine.value, rel=1e-9, abs=1e-13), der.unicode()
                check_lines(d, der.lines)


def test_chain_before_backward_says_what_is_missing():
    d = Debugger(chain_scenario())
    der = derive_parameter(d, "W1")
    assert all(line.value is None for line in der.lines)
    assert (
        der.lines[0].unicode()
        == "∂loss/∂W1 = ∂loss/∂a2 · ∂a2/∂z2 · ∂z2/∂a1 · ∂a1/∂z1 · ∂z1/∂W1 = da2 · 1 · W2 · 1 · a0"
    )
    assert der.lines[-1].unicode().endswith("5 more steps (forward 1, forward 2, loss, backward 2, backward 1).")
    d.goto(4)  # backward 2 done: W2's numbers are there, W1's need one more step
    assert derive_parameter(d, "W2").lines[0].value == -4.0
    assert derive_parameter(d, "W1").lines[-1].unicode().endswith("1 more step (backward 1).")


def test_seed_000_chain_lines():
    """The 1-1-1 chain, micro-step by micro-step, against seed 000's second worked example."""
    d = Debugger(chain_scenario())
    text = []
    for _ in range(6):
        d.step()
        text += [line.unicode() for line in derive_step(d, input_gradient=False).lines]  # the seed has no da0
    assert text == [
        "z1 = W1 · a0 + b1 = 0.5 × 2 + 1 = 2",  # h = w1 x + b1 = 0.5 × 2 + 1 = 2
        "a1 = z1 = 2   (identity)",
        "z2 = W2 · a1 + b2 = 0.5 × 2 + 1 = 2",  # y = w2 h + b2 = 0.5 × 2 + 1 = 2
        "a2 = z2 = 2   (identity)",
        "loss = ½(a2 − t)² = ½ × (2 − 4)² = 2",  # Loss = ½ (4 − 2)² = 2
        "da2 = ∂loss/∂a2 = a2 − t = 2 − 4 = −2",  # ∂Loss/∂y = y − y_target = 2 − 4 = −2
        "dz2 = da2 = −2   (identity: f′ = 1)",
        "dW2 = ∂loss/∂z2 · ∂z2/∂W2 = dz2 · a1 = (−2) × 2 = −4",  # ∂Loss/∂w2 = −2 × 2 = −4
        "db2 = ∂loss/∂z2 · ∂z2/∂b2 = dz2 · 1 = (−2) × 1 = −2",  # ∂Loss/∂b2 = −2 × 1 = −2
        "da1 = ∂loss/∂z2 · ∂z2/∂a1 = dz2 · W2 = (−2) × 0.5 = −1",  # ∂Loss/∂h = −2 × 0.5 = −1
        "dz1 = da1 = −1   (identity: f′ = 1)",
        "dW1 = ∂loss/∂z1 · ∂z1/∂W1 = dz1 · a0 = (−1) × 2 = −2",  # ∂Loss/∂w1 = −1 × 2 = −2
        "db1 = ∂loss/∂z1 · ∂z1/∂b1 = dz1 · 1 = (−1) × 1 = −1",  # ∂Loss/∂b1 = −1 × 1 = −1
        "W1 ← W1 − η · dW1 = 0.5 − 0.1 × (−2) = 0.5 + 0.2 = 0.7",  # w1_new = 0.5 − 0.1 × (−2) = 0.5 + 0.2 = 0.7
        "b1 ← b1 − η · db1 = 1 − 0.1 × (−1) = 1 + 0.1 = 1.1",  # b1_new = 1 + 0.1 = 1.1
        "W2 ← W2 − η · dW2 = 0.5 − 0.1 × (−4) = 0.5 + 0.4 = 0.9",  # w2_new = 0.5 + 0.4 = 0.9
        "b2 ← b2 − η · db2 = 1 − 0.1 × (−2) = 1 + 0.2 = 1.2",  # b2_new = 1 + 0.2 = 1.2
    ]
    latex = derive_step(d).lines[0].latex()
    assert latex == r"W_{1} \leftarrow W_{1} - \eta \cdot dW_{1} = 0.5 - 0.1 \times \left(-2\right) = 0.5 + 0.2 = 0.7"


def test_backward_1_derives_the_input_gradient_da0():
    """Beyond seed 000: ∂loss/∂x = ∂loss/∂z1 · ∂z1/∂x = dz1 · W1 = (−1) × 0.5 = −0.5."""
    d = Debugger(chain_scenario())
    d.goto(5)  # backward 1
    lines = derive_step(d).lines
    assert lines[-1].unicode() == "da0 = ∂loss/∂z1 · ∂z1/∂a0 = dz1 · W1 = (−1) × 0.5 = −0.5"
    assert lines[-1].value == d.values()["da0"] == -0.5
    check_lines(d, lines)


@pytest.mark.parametrize("mode", ["online", "batch", "minibatch"])
def test_minibatch_and_momentum_lines_are_the_engines(mode):
    from ..builders import minibatch_network

    sc = minibatch_network(3, mode=mode, batch_size=2, samples=5, momentum=0.9, sizes=(2, 3, 2))
    d = Debugger(sc)
    d.run(1)
    checked, names = 0, set()
    for _ in range(2 * d.layout.per_pass):
        d.step()
        lines = derive_step(d).lines
        checked += check_lines(d, lines)
        names |= {line.name.partition("[")[0] for line in lines if line.name}
    assert checked > 0
    assert {"da0", "vW1", "vb1", "vW2", "W1", "b2"} <= names
    title = derive_step(d).title
    assert title.endswith("(epoch 2, batch 2/3)" if mode == "minibatch" else ")")


def test_large_layer_shows_selected_element_and_summary():
    sc = random_scenario(7, "tanh", "sigmoid", "half_squared_error", "row", "online", sizes=(3, 12, 2))
    d = Debugger(sc)
    d.step()
    lines = derive_step(d, unit=5).lines
    names = [ln.name for ln in lines]
    assert names == ["z1[5]", "z1", "a1[5]", "a1"]
    assert lines[1].is_text and "11 more elements" in lines[1].unicode()
    d.goto(d.layout.per_pass - 1)  # backward 1: dW1 is 3×12
    lines = derive_step(d, unit=5, source=2).lines
    # da0 (3 inputs) is small enough to show whole
    want = ["dz1[5]", "dW1[2,5]", "db1[5]", "da0[0]", "da0[1]", "da0[2]"]
    assert [ln.name for ln in lines if not ln.is_text] == want


def test_parameter_names_in_either_convention():
    sc = random_scenario(3, "sigmoid", "sigmoid", "half_squared_error", "column", "online", sizes=(2, 3, 1))
    d = Debugger(sc)
    d.goto(2 * d.depth + 1)
    assert derive_parameter(d, "W2[2]").lines[-1].name == "dW2[0,2]"  # W2 is 1×3 in the column convention
    assert derive_parameter(d, "W1[2,1]").lines[-1].name == "dW1[2,1]"
    for bad in ("W3[0,0]", "W1[0,5]", "b1", "x1[0]", "W2[3]"):
        with pytest.raises(ValueError):
            derive_parameter(d, bad)


@pytest.mark.parametrize(
    "x,text",
    [
        (2.0, "2"),
        (-2.0, "−2"),
        (0.7000000000000001, "0.7"),
        (0.0, "0"),
        (-0.0090041, "−0.009004"),
        (1.23456e-7, "1.235e−7"),
        (12345.6, "12346"),
        (float("nan"), "nan"),
    ],
)
def test_number_format(x, text):
    assert fmt_number(x) == text


def test_negative_factors_are_parenthesised():
    prod = F.Prod((F.Num(-1.0), F.Num(2.0)), numeric=True)
    assert prod.uni(4) == "(−1) × 2"
    assert prod.tex(4) == r"\left(-1\right) \times 2"
    assert F.Add(((1, F.Num(0.5)), (-1, F.Num(-0.2)))).uni(4) == "0.5 − (−0.2)"


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace("e−", "e-"))


@pytest.mark.parametrize("name", ["sigmoid_221_bias", "streetlight"])
@pytest.mark.parametrize("digits", [4, 6, 8])
def test_an_update_never_prints_the_new_weight_like_the_old_one(name, digits):
    """``0.1 − 0.1 × (−0.0003333) = 0.1`` reads as an error: enough digits to tell them apart.

    Seed 002's network (lr 0.1, tiny gradients) and Grokking's streetlight: every update line of
    the first four samples.
    """
    from bptui.scenario import load_scenario, resolve

    d = Debugger(load_scenario(resolve(name)))
    seen_close = 0
    for _ in range(4):
        d.finish_sample()
        for line in derive_step(d, max_elements=1000).lines:
            if line.relation != "←":
                continue
            old, new = line.distinct
            parts = line.unicode(digits).split(" = ")
            old_text, new_text = parts[1].split(" − ")[0], parts[-1]
            assert math.isclose(_number(old_text), old, rel_tol=10.0 ** (1 - digits), abs_tol=0)
            if old != new:
                assert old_text != new_text, line.unicode(digits)
                seen_close += fmt_number(old, digits) == fmt_number(new, digits)
            else:
                assert old_text == new_text
    if digits == 4 and name == "sigmoid_221_bias":
        assert seen_close > 0  # the first epoch has updates that 4 digits alone would hide


@pytest.mark.parametrize("dims", [(1,), (5,), (3, 4), (1, 7), (512, 64)])
def test_lazy_index_grids_enumerate_like_ndindex(dims):
    """``_Grid`` (no list of 32,768 tuples for a 512×64 batch value) reads in the same order."""
    from bptui.engine.derivation import Grid as _Grid

    grid = _Grid(*dims)
    expected = [tuple(int(v) for v in idx) for idx in np.ndindex(*dims)]
    assert len(grid) == len(expected) and grid[-1] == expected[-1] and grid[0] == expected[0]
    if len(expected) < 100:
        assert list(grid) == expected
    if len(dims) == 2:  # the column convention reads a weight matrix unit by unit
        n_in, n_out = dims
        swapped = _Grid(n_in, n_out, swap=True)
        by_unit = [(i, j) for j in range(n_out) for i in range(n_in)]
        assert len(swapped) == len(by_unit) and swapped[-1] == by_unit[-1] and swapped[1] == by_unit[1]
        if len(by_unit) < 100:
            assert list(swapped) == by_unit
