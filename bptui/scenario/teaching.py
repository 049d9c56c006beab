"""The teaching keys of a scenario's top level: ``predict`` (what predict mode asks) and ``names``.

``predict = ["a2", "dW1[0,1]"]``: value names as in ``[[expect]]``, each optionally with one
element's index in the file's convention; only values a micro-step computes (not ``a0``, ``t``).
``names = {a0 = "x", a1 = "h", a2 = "y"}``: the textbook's name for a value, shown in the
Notation legend and next to the value's name in the Inspector.
"""

from __future__ import annotations

import re

from bptui.engine.spec import COLUMN, LayerSpec
from bptui.engine.value_name import split_layer
from bptui.engine.values import kind_of

from .fields import Reader, did_you_mean

MAX_PREDICT = 100
MAX_NAME_CHARS = 12
NOT_COMPUTED = ("a0", "t")
_ENTRY = re.compile(r"^([A-Za-z]+\d*)(?:\[(\d+)(?:,(\d+))?\])?$")


def value_shape(
    name: str, inputs: int, layers: tuple[LayerSpec, ...], samples: int, batch: bool, convention: str
) -> tuple[int, ...]:
    """The shape a value has in the file's convention (what ``[[expect]]`` and the Inspector show)."""
    units = [inputs] + [layer.units for layer in layers]
    if name == "loss":
        return ()
    base, layer_or_none = split_layer(name)
    layer = len(layers) if layer_or_none is None else layer_or_none
    n = units[-1] if base == "t" else units[layer]
    kind = kind_of(name)
    if kind == "matrix":
        return (n, units[layer - 1]) if convention == COLUMN else (units[layer - 1], n)
    if kind == "bias":
        return (n,)
    if not batch:
        return (n,)
    return (n, samples) if convention == COLUMN else (samples, n)


def read_predict(r: Reader, doc: dict, names: list[str], shape_of) -> tuple[str, ...]:
    """``predict``: a list of value names (with an optional element index) a step computes."""
    if "predict" not in doc:
        return ()
    value = doc["predict"]
    at = ("predict",)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.fail(at, 'predict must be a list of value names, e.g. predict = ["a2", "dW1[0,1]"]')
    if len(value) > MAX_PREDICT:
        r.fail(at, f"predict lists {len(value)} values, more than the limit of {MAX_PREDICT}; remove some")
    computed = [n for n in names if n not in NOT_COMPUTED]
    out = []
    for i, entry in enumerate(value):
        text = entry.replace(" ", "")
        m = _ENTRY.match(text)
        shown = text[:24]
        if not m or m.group(1) not in names:
            key = m.group(1) if m else shown
            r.fail(
                at + (i,),
                f"predict[{i}] is {shown!r}, which is not a value of this network"
                f"{did_you_mean(key, computed)}; use one of: {', '.join(computed)}, "
                f'optionally with an element, e.g. "dW1[0,1]"',
            )
        name = m.group(1)
        if name in NOT_COMPUTED:
            r.fail(
                at + (i,),
                f"predict[{i}] is {name}, which no step computes (it is given); predict a "
                f"computed value: {', '.join(computed)}",
            )
        idx = tuple(int(g) for g in m.groups()[1:] if g is not None)
        shape = shape_of(name)
        if idx and (len(idx) != len(shape) or any(not 0 <= j < n for j, n in zip(idx, shape))):
            dims = "×".join(map(str, shape)) or "a single number"
            r.fail(
                at + (i,),
                f"predict[{i}] is {shown!r}, but {name} is {dims} in this file's convention; "
                f"give {len(shape)} index(es) within it, or the name alone",
            )
        out.append(text)
    return tuple(out)


def read_names(r: Reader, doc: dict, names: list[str]) -> dict[str, str]:
    """``names``: a table from value names to the textbook's short names."""
    if "names" not in doc:
        return {}
    table = doc["names"]
    at = ("names",)
    if not isinstance(table, dict):
        r.fail(at, 'names must be a table, e.g. names = {a0 = "x", a1 = "h", a2 = "y"}')
    out: dict[str, str] = {}
    for key, given in table.items():
        if key not in names:
            r.fail(
                at + (key,),
                f"names has an unknown value {key[:24]!r}{did_you_mean(key, names)}; "
                f"name values of this network: {', '.join(names)}",
            )
        if not isinstance(given, str) or not given.strip():
            r.fail(at + (key,), f'names.{key} must be a short text, e.g. {key} = "x"')
        label = given.strip()
        if len(label) > MAX_NAME_CHARS or any(not ch.isprintable() for ch in label):
            r.fail(
                at + (key,),
                f"names.{key} must be at most {MAX_NAME_CHARS} printable characters "
                f"(it is shown next to {key} in narrow panes)",
            )
        out[key] = label
    return out
