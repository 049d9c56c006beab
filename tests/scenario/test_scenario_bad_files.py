"""The corpus of bad scenario files (docs/SPEC.md §3.7): each one fails with the right line, problem and fix."""

from __future__ import annotations

import tomllib
import tracemalloc
from pathlib import Path

import pytest

from bptui.scenario import ScenarioError, load_scenario, parse_scenario

BAD = Path(__file__).parent / "bad"
EXPECTED = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))


def test_corpus_is_complete() -> None:
    files = {p.stem for p in BAD.glob("*.toml")} - {"expected"}
    assert files == set(EXPECTED)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(name: str) -> None:
    want = EXPECTED[name]
    path = BAD / f"{name}.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    text = str(err)
    assert want["message"] in err.message, text
    assert want["fix"] in err.message, text
    assert err.line == want.get("line"), text
    where = BAD / want["file"] if "file" in want else path
    assert err.path == str(where), text
    location = str(where) if err.line is None else f"{where}:{err.line}"
    assert text == f"{location}: {err.message}"
    assert "\n" not in text


def peak_bytes_of(fn) -> int:
    """The most memory Python and NumPy held at once while ``fn`` ran (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def refuse(text: str, path: Path, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        parse_scenario(text, path)


def test_huge_layer_is_refused_before_allocating() -> None:
    text = (BAD / "units_huge.toml").read_text(encoding="utf-8").replace("100000000", "100000000000")
    # refused from the declared sizes: a weight array would be 8e11 bytes, and the peak stays tiny
    assert peak_bytes_of(lambda: refuse(text, BAD / "units_huge.toml", "at most 4096")) < 20 * 2**20


def test_declared_data_beyond_limits_is_refused_quickly(tmp_path: Path) -> None:
    # 4096 inputs and units: 16.8M weights per layer, refused by the parameter limit, not by MemoryError
    text = (BAD / "too_many_parameters.toml").read_text(encoding="utf-8").replace("4000", "4096")
    # 16.8M weights would take 134 MB: refused before any of it is drawn
    assert peak_bytes_of(lambda: refuse(text, tmp_path / "x.toml", "more than 5,000,000")) < 20 * 2**20
