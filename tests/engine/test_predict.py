"""Predict mode: the question names what the next step computes; scoring at the tolerance edges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bptui.engine import Debugger
from bptui.engine.entry import parse_number
from bptui.engine.network import initial_params
from bptui.engine.predict import choose, judge, tolerance, written_by
from bptui.engine.sample_pass import SamplePass
from tests.builders import streetlight


@pytest.mark.parametrize(
    "guess, true, right",
    [
        (101.0, 100.0, True),
        (99.0, 100.0, True),
        (101.0 + 1e-9, 100.0, False),
        (98.9, 100.0, False),
        (-99.0, -100.0, True),
        (-101.5, -100.0, False),
        (0.001, 0.0, True),
        (-0.001, 0.0, True),
        (0.0011, 0.0, False),  # the absolute floor near 0
        (0.05, 0.0505, True),
        (0.0494, 0.0505, False),  # 1% of 0.0505 is below the floor: 0.001 counts
    ],
)
def test_scoring_at_the_tolerance_edges(guess, true, right):
    assert judge(guess, true) is right
    assert tolerance(true) == max(1e-3, 0.01 * abs(true))


def test_written_by_is_what_a_pass_writes():
    sc = streetlight()
    d = Debugger(sc)
    tl = d.timeline
    sp = SamplePass(tl.net, tl.current.a[0], tl.current.t)
    params = initial_params(sc)
    for k in range(1, 7):
        assert sp.advance(params) == written_by(k, 2, (False, False))


def test_questions_follow_the_selection_and_the_true_value_is_the_books():
    sc = streetlight()
    d = Debugger(sc)
    q = choose(d, "W1[0,2]")  # row convention: input 0 → unit 2
    assert (q.label, q.step) == ("a1[2]", "forward 1")
    assert q.text() == "predict a1[2] (forward 1)"
    d.step()
    W1, W2 = initial_params(sc).W
    a1 = np.maximum(sc.data_inputs[0] @ W1, 0)
    assert q.true_value(d.values()) == a1[2]
    q = choose(d, "W1[0,2]")
    assert q.label == "a2[0]"  # one output unit: the rotation has nothing else to pick
    d.step()
    assert q.true_value(d.values()) == pytest.approx(float(a1 @ W2[:, 0]), abs=1e-15)
    assert choose(d, "W1[0,2]").label == "loss"
    d.step()
    assert choose(d, "W2[2,0]").label == "dW2[2,0]"  # the selected weight's gradient
    assert choose(d, "W1[0,2]").label == "dz2[0]"
    d.step()
    assert choose(d, "W1[1,3]").label == "dW1[1,3]"
    d.step()
    assert choose(d, "W1[1,3]").label == "W1[1,3]"  # update: the selected weight's new value
    assert choose(d, None).step == "update"


def test_without_a_selection_the_element_rotates_with_the_pass():
    d = Debugger(streetlight())
    units = []
    for p in range(4):
        d.goto(p * 6)
        units.append(choose(d, None).label)
    assert units == ["a1[0]", "a1[1]", "a1[2]", "a1[3]"]


def test_a_scenarios_predict_list_chooses_the_steps_and_elements():
    d = Debugger(streetlight())
    wanted = ("a2", "dW1[0,1]")
    asked = []
    for _ in range(6):
        q = choose(d, "W1[0,0]", wanted)
        asked.append(None if q is None else q.label)
        d.step()
    assert asked == [None, "a2[0]", None, None, "dW1[0,1]", None]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "type a number"),
        ("   ", "type a number"),
        ("abc", "is not a number"),
        ("nan", "nan is not allowed"),
        ("inf", "infinite"),
        ("-Infinity", "infinite"),
        ("1e999", "infinite"),
        ("9" * 65, "characters long"),
        ("0.5.5", "is not a number"),
        ("1/2", "is not a number"),
        ("\x1b[31m", "is not a number"),
    ],
)
def test_bad_numbers_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_number(text)


@pytest.mark.parametrize("text, value", [("0.5", 0.5), (" -1.5e-3 ", -1.5e-3), (".25", 0.25), ("0,5", 0.5), ("3", 3.0)])
def test_numbers_are_read(text, value):
    x = parse_number(text)
    assert x == value and math.isfinite(x)


def test_batch_questions_index_samples_in_the_files_convention():
    from bptui.engine import TrainingSpec

    sc = streetlight(
        convention="column",
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=0.2, mode="batch"),
    )
    d = Debugger(sc)
    q = choose(d, "W1[2,0]")  # column: unit 2 from input 0
    assert q.label == "a1[2,0]"  # a1 is units × samples: unit 2 of sample 0 (pass 0)
    d.step()
    W1 = d.params_values()["W1"]
    a1 = np.maximum(W1 @ sc.data_inputs.T, 0)
    assert q.true_value(d.values()) == a1[2, 0]
