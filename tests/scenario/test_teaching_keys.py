"""The top-level `predict` and `names` keys: read, validated, refused with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bptui.scenario import ScenarioError, parse_scenario

from ..builders import scenario_toml


def load(top: str, convention: str = "column"):
    text = scenario_toml(
        (3, "tanh"),
        (1, "sigmoid"),
        title="Teaching",
        inputs=2,
        top=top,
        network=f'convention = "{convention}"',
        data="inputs = [[0, 1], [1, 0]]\ntargets = [[1], [0]]",
        training="learning_rate = 0.5",
    )
    return parse_scenario(text, Path("t.toml"))


def test_absent_keys_default_to_nothing():
    sc = load("")
    assert sc.predict == () and sc.names == {}


def test_predict_and_names_are_read():
    sc = load('predict = ["a2", "dW1[2,1]", "loss", "W2[0, 2]"]\nnames = {a0 = "x", a1 = "h", a2 = "y", dz1 = "δ1"}')
    assert sc.predict == ("a2", "dW1[2,1]", "loss", "W2[0,2]")
    assert sc.names == {"a0": "x", "a1": "h", "a2": "y", "dz1": "δ1"}


def test_element_indices_follow_the_files_convention():
    load('predict = ["dW1[2,1]"]', "column")  # column: W1 is 3 units × 2 inputs
    with pytest.raises(ScenarioError, match=r"dW1 is 2×3"):
        load('predict = ["dW1[2,1]"]', "row")


@pytest.mark.parametrize(
    "top, message",
    [
        ('predict = "a2"', "must be a list of value names"),
        ("predict = [1, 2]", "must be a list of value names"),
        ('predict = ["a3"]', "not a value of this network"),
        ('predict = ["dw1"]', "did you mean"),
        ('predict = ["a0"]', "no step computes"),
        ('predict = ["t"]', "no step computes"),
        ('predict = ["a1[7]"]', "a1 is 3"),
        ('predict = ["W1[0]"]', "W1 is 3×2"),
        ('predict = ["a1[0"]', "not a value of this network"),
        ('predict = ["' + "a" * 5000 + '"]', "not a value of this network"),
        ('names = ["x"]', "must be a table"),
        ('names = {a9 = "x"}', "unknown value 'a9'"),
        ("names = {a1 = 3}", "must be a short text"),
        ('names = {a1 = "  "}', "must be a short text"),
        ('names = {a1 = "a very long name indeed"}', "at most 12 printable"),
        ('names = {a1 = "h\\u001b[2J"}', "at most 12 printable"),
    ],
)
def test_bad_teaching_keys_are_refused_with_one_line(top, message):
    with pytest.raises(ScenarioError) as err:
        load(top)
    text = str(err.value)
    assert message in text and "\n" not in text and len(text) < 600
    assert text.startswith("t.toml:")


def test_a_misspelt_top_level_key_suggests_predict():
    with pytest.raises(ScenarioError, match="did you mean 'predict'"):
        load('predikt = ["a2"]')


def test_the_bundled_single_neuron_names_its_values_as_the_seed_does():
    from bptui.scenario import bundled_dir, load_scenario

    sc = load_scenario(bundled_dir() / "single_neuron.toml")
    assert sc.names == {"a0": "x", "a1": "y"}
