"""What a path names is said as it is: a FIFO, a device, a bundled name shadowed by a local file.

Issue 12: ``data.file = "/dev/zero"`` or a FIFO said "is a directory"; a scenario that is a FIFO
said "no such file"; a file in the current folder named like a bundled scenario silently won.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bptui.scenario import ScenarioError, bundled_dir, load_scenario, resolve

from ..builders import run_bptui, scenario_toml  # run_bptui's timeout: a blocked open fails, never hangs

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def scenario_with_data(tmp_path: Path, data: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(scenario_toml(title="x", data=data))
    return path


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_data_file_that_is_a_device(tmp_path: Path) -> None:
    with pytest.raises(
        ScenarioError,
        match=r"'/dev/zero' is a character device \(such as /dev/zero\), not a "
        r"regular file",
    ) as info:
        path = scenario_with_data(tmp_path, 'file = "/dev/zero"')
        load_scenario(path)
    line = path.read_text().splitlines().index('file = "/dev/zero"') + 1
    assert "directory" not in str(info.value) and info.value.line == line


@needs_fifo
def test_data_file_that_is_a_fifo_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    scenario_with_data(tmp_path, 'file = "pipe.csv"')
    run = run_bptui("check", "s.toml", cwd=tmp_path)
    assert run.returncode == 2
    assert "is a named pipe (FIFO), not a regular file" in run.stderr and run.stderr.count("\n") == 1


@needs_fifo
def test_scenario_that_is_a_fifo_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "s.toml")
    run = run_bptui("run", "./s.toml", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == "bptui: error: s.toml: is a named pipe (FIFO), not a scenario file; name a .toml file\n"
    with pytest.raises(ScenarioError, match="is a named pipe"):
        load_scenario(resolve(str(tmp_path / "s.toml")))


def test_scenario_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory, not a scenario file"):
        load_scenario(resolve(str(tmp_path)))


def test_a_bare_name_is_the_bundled_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``bptui xor`` is the bundled XOR even beside a file named ``xor``; ``xor.toml`` or ``./xor`` is the file."""
    monkeypatch.chdir(tmp_path)
    fake = scenario_toml(title="Not the bundled one")
    for name in ("xor", "xor.toml", "streetlight"):
        (tmp_path / name).write_text(fake)
    bundled_xor = bundled_dir() / "xor.toml"
    assert resolve("xor") == bundled_xor
    assert resolve("streetlight") == bundled_dir() / "streetlight.toml"
    assert load_scenario(resolve("xor")).title != "Not the bundled one"
    assert resolve("xor.toml") == Path("xor.toml")  # a .toml name is a file name
    assert resolve("./xor") == Path("./xor") and resolve(str(tmp_path / "xor")) == tmp_path / "xor"
    (tmp_path / "xor.toml").unlink()
    assert resolve("xor.toml") == bundled_xor  # no such file: the bundled one, as before
    (tmp_path / "mine").write_text(fake)
    assert resolve("mine") == Path("mine")  # not a bundled name: the file
    with pytest.raises(ScenarioError, match="no such file or bundled scenario"):
        resolve("./nothing.toml")


def test_a_nul_character_in_a_file_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"data.file: 'a\\x00.csv' holds a NUL character"):
        load_scenario(scenario_with_data(tmp_path, 'file = "a\\u0000.csv"'))
    with pytest.raises(ScenarioError, match="cannot hold a NUL character"):
        load_scenario(tmp_path / "a\x00.toml")
