"""Damaged .npz and .csv data files: a Scenario or one clean ScenarioError line, never another exception.

Bytes flipped, cut, inserted or duplicated anywhere in a valid file (zip records, .npy headers,
compressed data, CSV text) exercise every bounded reader of :mod:`bptui.scenario.data`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bptui.printable import is_unsafe
from bptui.scenario import ScenarioError, load_scenario

from ..builders import scenario_toml

EXAMPLES = int(os.environ.get("BPTUI_FUZZ_EXAMPLES", "2000")) // 5


def valid_npz(compressed: bool) -> bytes:
    out = io.BytesIO()
    save = np.savez_compressed if compressed else np.savez
    save(out, inputs=np.arange(8.0).reshape(4, 2), targets=np.ones((4, 1), dtype=np.float32))
    return out.getvalue()


ORIGINALS = {
    "plain.npz": valid_npz(False),
    "packed.npz": valid_npz(True),
    "data.csv": b"x1,x2,t\n0,1,1\n1,0,1\n1e3,-.5,0\n",
}
edit = st.tuples(
    st.sampled_from(["flip", "cut", "insert", "duplicate"]), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)
)


def damage(data: bytes, edits) -> bytes:
    for kind, where, junk in edits:
        i = where % (len(data) + 1)
        if kind == "flip" and i < len(data):
            data = data[:i] + bytes([data[i] ^ junk[0]]) + data[i + 1 :]
        elif kind == "cut":
            data = data[:i] + data[i + len(junk) * 8 :]
        elif kind == "insert":
            data = data[:i] + junk + data[i:]
        else:
            data = data[:i] + data[i : i + len(junk) * 16] + data[i:]
    return data


@settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(ORIGINALS)), st.lists(edit, min_size=1, max_size=3))
def test_damaged_data_file(tmp_path_factory, name: str, edits) -> None:
    folder = tmp_path_factory.mktemp("d")
    (folder / name).write_bytes(damage(ORIGINALS[name], edits))
    path = folder / "s.toml"
    path.write_text(scenario_toml(title="x", inputs=2, data=f'file = "{name}"'))
    try:
        sc = load_scenario(path)
    except ScenarioError as err:
        text = str(err)
        assert "\n" not in text and not any(is_unsafe(ch) for ch in text) and "pickle" not in text
    else:
        assert sc.data_inputs.shape[1] == 2 and np.isfinite(sc.data_inputs).all()


def test_the_originals_load(tmp_path: Path) -> None:
    for name, data in ORIGINALS.items():
        (tmp_path / name).write_bytes(data)
        (tmp_path / "s.toml").write_text(scenario_toml(title="x", inputs=2, data=f'file = "{name}"'))
        assert load_scenario(tmp_path / "s.toml").samples == (4 if name.endswith("npz") else 3)
