"""Exit-2 messages quote someone else's file: always one line, control characters shown, length bounded.

Issue 12: a key holding a newline printed a second, forged ``bptui: error:`` line; an escape
sequence in a value renamed the terminal window and cleared the screen; a 100 KB activation name
was echoed whole. One test per class of file text (title, key, value, data file name), through
the real command line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bptui.cli import main
from bptui.printable import is_unsafe

from ..builders import scenario_toml

EVIL = "\\u001b]0;PWNED\\u0007\\u001b[2J\\nbptui: error: forged second line\\r\\u202e"
BASE = scenario_toml(title="ok")

CASES = {
    "title_in_a_bad_file": BASE.replace('"ok"', f'"{EVIL}"').replace("learning_rate = 0.1", "learning_rate = 0"),
    "title_of_a_wrong_type": BASE.replace('title = "ok"', f'title = ["{EVIL}"]'),
    "top_level_key": BASE + f'"{EVIL}" = 1\n',
    "key_in_a_table": BASE.replace("[training]\n", f'[training]\n"{EVIL}" = 1\n'),
    "long_key": BASE + '"' + "k" * 100_000 + '" = 1\n',
    "dotted_key_part": BASE + f'network."{EVIL}".x = 1\n',
    "expect_value_name": BASE + f'[[expect]]\nafter = "loss"\n"{EVIL}" = 1\n',
    "activation_value": BASE.replace('activation = "identity"', f'activation = "{EVIL}"'),
    "long_activation": BASE.replace('activation = "identity"', 'activation = "' + "x" * 100_000 + '"'),
    "after_value": BASE + f'[[expect]]\nafter = "{EVIL}"\nloss = 1\n',
    "string_value": BASE.replace("learning_rate = 0.1", f'learning_rate = "{EVIL}"'),
    "data_file_name": BASE.replace("inputs = [[1.0]]\ntargets = [[1.0]]", f'file = "{EVIL}.csv"'),
    "data_file_suffix": BASE.replace("inputs = [[1.0]]\ntargets = [[1.0]]", f'file = "{EVIL}"'),
}


def toml_escape(text: str) -> str:
    return "".join(ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in text)


def assert_one_safe_line(err: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("bptui: error: ")
    assert not any(is_unsafe(ch) for ch in err[:-1]), ascii(err[:300])
    assert len(err) < 5_000


@pytest.mark.parametrize("name", sorted(CASES))
def test_exit_2_message_is_one_safe_line(tmp_path: Path, capsys, name: str) -> None:
    path = tmp_path / "evil.toml"
    path.write_text(CASES[name], encoding="utf-8")
    for args in (["run", str(path)], ["check", str(path)], ["export", str(path)]):
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert_one_safe_line(err)


def test_errors_inside_a_data_file_with_a_hostile_name(tmp_path: Path, capsys) -> None:
    """The data file's name (from the scenario) heads the message as ``FILE:LINE``: shown escaped."""
    name = "d\x1b]0;PWNED\x07\nbptui: error: forged.csv"
    (tmp_path / name).write_text("1,2,3\n", encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("inputs = [[1.0]]\ntargets = [[1.0]]", f'file = "{toml_escape(name)}"'))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert_one_safe_line(err)
    assert "d\\x1b]0;PWNED\\x07\\x0abptui: error: forged.csv:1: this row has 3 columns" in err


def test_long_values_are_shortened(tmp_path: Path, capsys) -> None:
    path = tmp_path / "long.toml"
    path.write_text(CASES["long_activation"], encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "x" * 60 + "'…(+99,940 characters)" in err and len(err) < 1_000


def test_through_a_real_process(tmp_path: Path) -> None:
    """As a terminal would receive it: bytes on stderr, one line, no ESC, BEL or CR."""
    path = tmp_path / "evil\x1b[2J\nname.toml"  # the file's own name is the user's, but shown safely too
    path.write_text(CASES["top_level_key"], encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bptui", "run", str(path)], capture_output=True, timeout=60, check=False
    )
    assert run.returncode == 2
    assert run.stdout == b""
    assert run.stderr.count(b"\n") == 1 and not set(run.stderr[:-1]) & {0x1B, 0x07, 0x0D, 0x0A}
    assert b"\\x1b]0;PWNED\\x07" in run.stderr


@pytest.mark.parametrize("command", [["run"], ["run", "--steps", "2"], ["check"], ["check", "--gradients"]])
def test_a_valid_file_s_title_is_shown_escaped_by_run_and_check(tmp_path: Path, command) -> None:
    """A file that loads: ``bptui run`` printed its title raw above the table (the window renamed,
    the screen cleared, a forged line); every line it and ``check`` print is safe."""
    path = tmp_path / "ok.toml"
    path.write_text(BASE.replace('"ok"', f'"{EVIL}"'), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bptui", *command, str(path)], capture_output=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode()
    assert not any(is_unsafe(ch) for ch in out.replace("\n", "")), ascii(out[:300])
    if command[0] == "run":
        assert out.splitlines()[0] == "\\x1b]0;PWNED\\x07\\x1b[2J\\x0abptui: error: forged second line\\x0d\\u202e"
