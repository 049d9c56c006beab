"""Whatever text a file holds, loading it either works or raises ScenarioError, nothing else."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.scenario import ScenarioError, parse_scenario
from bptui.scenario.locate import Locator

GOOD = (Path(__file__).parent / "bad" / "unknown_top_key.toml").read_text(encoding="utf-8").replace(
    "titel", "title"
) + (
    '\n[init]\nseed = 1\n\n[[expect]]\nepoch = 1\nsample = 2\nafter = "loss"\ntolerance = 1e-3\n'
    "loss = 0.1\nW1 = [[1, 2], [3, 4]]\n"
)
PATH = Path(__file__).parent / "fuzz.toml"  # never written: only names the text in messages

KEYS = [
    "title",
    "network",
    "inputs",
    "layers",
    "units",
    "activation",
    "weights",
    "biases",
    "bias",
    "slope",
    "data",
    "targets",
    "file",
    "target_columns",
    "training",
    "learning_rate",
    "epochs",
    "expect",
    "after",
    "epoch",
    "sample",
    "tolerance",
    "a1",
    "loss",
    "W2",
    "init",
    "seed",
    "convention",
    "mode",
]
scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["sigmoid", "softmax", "row", "batch", "forward 1", "epoch", "x.csv"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=12)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def test_good_base_loads() -> None:
    assert parse_scenario(GOOD, PATH).expectations[0].values["W1"].shape == (2, 2)


def load(text: str) -> None:
    try:
        parse_scenario(text, PATH)
    except ScenarioError as err:
        assert str(err).startswith(str(PATH))
        assert "\n" not in str(err)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_junk_text(text: str) -> None:
    load(text)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.integers(0, GOOD.count("\n")), st.sampled_from(KEYS), values), max_size=4))
def test_mutated_scenario(edits: list[tuple[int, str, object]]) -> None:
    """Insert ``key = value`` lines into a good file: deep in the validation, not just the parser."""
    lines = GOOD.split("\n")
    for at, key, value in edits:
        lines.insert(at, f"{key} = {toml_value(value)}")
    load("\n".join(lines))


VALUE_LINES = [n for n, line in enumerate(GOOD.split("\n")) if " = " in line]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(VALUE_LINES), values), min_size=1, max_size=3))
def test_replaced_values(edits: list[tuple[int, object]]) -> None:
    """Give existing keys values of any type or shape."""
    lines = GOOD.split("\n")
    for n, value in edits:
        lines[n] = lines[n].split(" = ")[0] + " = " + toml_value(value)
    load("\n".join(lines))


@settings(max_examples=200)
@given(st.integers(0, len(GOOD)), st.integers(0, 40), st.text(max_size=20))
def test_spliced_scenario(start: int, length: int, junk: str) -> None:
    load(GOOD[:start] + junk + GOOD[start + length :])


@given(st.text(max_size=200), st.lists(st.one_of(st.text(max_size=5), st.integers(0, 5)), max_size=4))
def test_locator_never_fails(text: str, path: list[str | int]) -> None:
    line = Locator(text).line(tuple(path))
    assert line is None or 1 <= line <= text.count("\n") + 1
