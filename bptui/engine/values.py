"""Values by their value names, shaped in the scenario's convention.

Internally vectors are ``(batch, units)`` rows and weights ``(inputs, units)``. Shown to people
and scripts they follow the file: online vectors are 1-D; a batch is ``(samples, units)`` in the
row convention and ``(units, samples)`` in the column one; ``W``/``dW`` are ``(units, inputs)`` in
the column convention.
"""

from __future__ import annotations

import numpy as np

from .network import Params
from .sample_pass import SamplePass
from .spec import COLUMN
from .value_name import split_layer

Array = np.ndarray

VECTOR_PREFIXES = ("a", "z", "da", "dz", "t")
MATRIX_PREFIXES = ("W", "dW", "vW")


def kind_of(name: str) -> str:
    """``vector`` (per-sample values), ``matrix`` (weights), ``bias`` or ``scalar`` (loss)."""
    prefix, _ = split_layer(name)
    if prefix in MATRIX_PREFIXES:
        return "matrix"
    if prefix in ("b", "db", "vb"):
        return "bias"
    if prefix in VECTOR_PREFIXES:
        return "vector"
    return "scalar"


def present(name: str, raw: Array | float, convention: str, batch: bool) -> Array | float:
    """Turn an internal value into the file's convention."""
    if isinstance(raw, float):
        return raw
    kind = kind_of(name)
    if kind == "matrix":
        return raw.T if convention == COLUMN else raw
    if kind == "vector":
        if not batch:
            return raw[0]
        return raw.T if convention == COLUMN else raw
    return raw


def value_names(depth: int, has_bias: tuple[bool, ...], momentum: bool = False) -> list[str]:
    """Every docs/SPEC.md §2 name of a network, in reading order (velocities with momentum)."""
    names = ["a0", "t"]
    for l in range(1, depth + 1):
        names += [f"W{l}"] + ([f"b{l}"] if has_bias[l - 1] else []) + [f"z{l}", f"a{l}"]
    names.append("loss")
    for l in range(depth, 0, -1):
        names += [f"da{l}", f"dz{l}", f"dW{l}"] + ([f"db{l}"] if has_bias[l - 1] else [])
    names.append("da0")
    if momentum:
        for l in range(1, depth + 1):
            names += [f"vW{l}"] + ([f"vb{l}"] if has_bias[l - 1] else [])
    return names


def current_values(sp: SamplePass, params: Params, convention: str, batch: bool) -> dict[str, Array | float]:
    """Every value computed at this position (parameters always), in the file's convention."""
    net = sp.net
    out: dict[str, Array | float] = {}
    for name in value_names(net.depth, net.has_bias, bool(net.momentum)):
        raw = sp.raw(name, params)
        if raw is not None:
            out[name] = present(name, raw, convention, batch)
    return out


def params_in_convention(params: Params, convention: str) -> dict[str, Array | None]:
    out: dict[str, Array | None] = {}
    for l, (w, b) in enumerate(zip(params.W, params.b), start=1):
        out[f"W{l}"] = w.T if convention == COLUMN else w
        out[f"b{l}"] = b
    return out


def to_jsonable(value: Array | float | None) -> object:
    """Lists and floats for JSON; non-finite numbers become strings ("nan", "inf", "-inf")."""
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        x = float(arr)
        return x if np.isfinite(x) else str(x)
    return (
        [to_jsonable(v) for v in arr] if arr.ndim > 1 else [float(x) if np.isfinite(x) else str(float(x)) for x in arr]
    )
