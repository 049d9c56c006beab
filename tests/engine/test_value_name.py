"""One parser and formatter for value names (docs/SPEC.md §2)."""

from __future__ import annotations

import pytest

from bptui.engine.value_name import ValueName, format_value_name, parse_value_name, split_layer


@pytest.mark.parametrize(
    "text,name",
    [
        ("dW2[1,0]", ValueName("dW", 2, (1, 0))),
        ("dW2[1][0]", ValueName("dW", 2, (1, 0))),
        ("W1 [ 0 , 3 ]", ValueName("W", 1, (0, 3))),
        ("b2[0]", ValueName("b", 2, (0,))),
        ("a0", ValueName("a", 0)),
        ("t[1]", ValueName("t", None, (1,))),
        ("loss", ValueName("loss", None)),
    ],
)
def test_parse(text, name):
    assert parse_value_name(text) == name


@pytest.mark.parametrize("text", ["W", "loss1", "t2", "x1", "W1[", "W1[1,2,3]", "dW-1", ""])
def test_rejects(text):
    with pytest.raises(ValueError):
        parse_value_name(text)


def test_format_round_trips():
    for text in ("dW2[1,0]", "b1[3]", "a0", "t", "loss", "z12"):
        assert str(parse_value_name(text)) == text
    assert format_value_name("dz", 3, (0, 2)) == "dz3[0,2]"
    assert parse_value_name("dW2[1,0]").array == "dW2"
    assert split_layer("dW12") == ("dW", 12) and split_layer("t") == ("t", None)
