"""The ``bptui run --json`` document (docs/SPEC.md §5.1), written as a stream of encoded arrays.

Encoding is the cost of ``--json`` on big batches (19 million numbers for 4,096 samples through
256-512-512-10): each array is encoded on its own and written straight to the output, with
orjson's native NumPy encoding when it is installed (60 ns a number) and the standard library
otherwise (``tolist`` + ``json``, ~1 µs a number). Both write the shortest repr that reads back
to the same float64; non-finite numbers are written as the strings "nan", "inf", "-inf".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import BinaryIO

import numpy as np

from bptui.engine.values import kind_of, to_jsonable

try:  # optional speed: the document is the same without it
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None  # type: ignore[assignment]

VALUES_CHOICES = ("all", "params", "none")
DEFAULT_VALUES = "all"  # docs/SPEC.md §5.1: `values` holds every value computed at the position


BLOCK = 32  # rows of a transposed array copied at a time (32 × 512 float64: 128 KB, in cache)


def c_order(arr: np.ndarray) -> np.ndarray:
    """``arr`` in C order, as orjson needs it. In the column convention every batch value is the
    transpose of a (samples, units) array; ``np.ascontiguousarray`` copies it element by element
    across cache lines (20 ns a number: a third of the encoding), a copy block by block is ~4×
    faster."""
    if arr.flags.c_contiguous:
        return arr
    if arr.ndim != 2 or not arr.flags.f_contiguous:
        return np.ascontiguousarray(arr)
    rows = arr.T  # C order, (samples, units)
    out = np.empty(arr.shape, dtype=arr.dtype)
    for i in range(0, rows.shape[0], BLOCK):
        out[:, i : i + BLOCK] = rows[i : i + BLOCK].T
    return out


def encode(value) -> bytes:
    """One value (array, float or None) as JSON bytes."""
    if value is None:
        return b"null"
    arr = np.asarray(value, dtype=np.float64)
    if not np.isfinite(arr).all():
        return json.dumps(to_jsonable(arr), separators=(",", ":")).encode()
    if arr.ndim == 0:
        return repr(float(arr)).encode()
    if orjson is not None:
        return orjson.dumps(c_order(arr), option=orjson.OPT_SERIALIZE_NUMPY)
    return json.dumps(arr.tolist(), separators=(",", ":")).encode()


def _object(out: BinaryIO, items: Iterable[tuple[str, object]]) -> None:
    out.write(b"{")
    for i, (name, value) in enumerate(items):
        out.write((", " if i else "").encode() + json.dumps(name).encode() + b": ")
        out.write(encode(value))
    out.write(b"}")


def selected_values(values: dict, which: str) -> dict:
    """``all``: every value; ``params``: those that are not per sample (W, b, dW, db, loss); ``none``."""
    if which == "all":
        return values
    if which == "none":
        return {}
    return {k: v for k, v in values.items() if kind_of(k) in ("matrix", "bias", "scalar")}


def write_document(out: BinaryIO, dbg, values: str = DEFAULT_VALUES) -> None:
    """Write the docs/SPEC.md §5.1 document of ``dbg``'s position to ``out`` (a binary stream), one line."""
    out.write(b'{"title": ' + json.dumps(dbg.scenario.title).encode())
    out.write(b', "position": ' + json.dumps(dbg.position.as_dict()).encode())
    out.write(b', "loss": ' + encode(dbg.loss_array()))
    tests, now = dbg.test_accuracies(), dbg.accuracy()
    if tests is not None and now is not None:  # only with a test split: other documents are unchanged
        out.write(b', "test_accuracy": ' + encode(tests))
        out.write(b', "accuracy": ')
        _object(out, (("train", now.train), ("test", now.test)))
    out.write(b', "params": ')
    _object(out, dbg.params_values().items())
    out.write(b', "values": ')
    _object(out, selected_values(dbg.values(), values).items())
    out.write(b"}\n")
