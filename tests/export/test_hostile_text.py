"""A scenario's title, description and source are someone else's text: exports never run or render them.

Issue 12: a title such as ``x\"\"\"; import os; os.system(...); \"\"\"`` ended the NumPy script's
docstring and ran when the student ran the script. Now the title enters a script only as a
``repr`` literal, and the handouts escape every Markdown / HTML / LaTeX character in file text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger
from bptui.export import export
from bptui.export.handout import file_text

from ..builders import chain_scenario, random_scenario

HOSTILE = [
    'x"""; import os; open("PWNED", "w").write("code ran"); """',
    "x'''; import os; open('PWNED', 'w'); '''",
    "C:\\Users\\new\\x41\\N{BULLET}\\",
    "NUL\x00inside",
    "two\nlines\r\nand\x0cform feed\x85\u2028\u2029",
    "# -*- coding: rot13 -*-",
    "\x1b]0;PWNED\x07\x1b[2J",
    "\\",
    "'\"",
    "}{ {epoch} %s $x$",
    "\U0010ffff\ufffe\uffff\ue000",  # a noncharacter, the last code point, private use
]


def losses(sc) -> list[float]:
    d = Debugger(sc)
    d.run(sc.training.epochs)
    return d.epoch_losses


def titled(title: str, epochs: int = 3):
    sc = chain_scenario()
    return dataclasses.replace(
        sc, title=title, description=title, source=title, training=dataclasses.replace(sc.training, epochs=epochs)
    )


@settings(max_examples=150)
@given(st.text(max_size=60))
@example(HOSTILE[0])
@example(HOSTILE[2])
@example(HOSTILE[3])
@example(HOSTILE[4])
def test_every_numpy_script_compiles_runs_and_keeps_the_title_a_string(title: str) -> None:
    sc = titled(title)
    code = export(sc, fmt="numpy")
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<numpy export>", "exec"), namespace)
    assert namespace["TITLE"] == title  # the title is a literal, nothing more
    printed = [float(line.split()[-1]) for line in out.getvalue().splitlines()]
    assert printed == losses(sc)  # and the script still trains as bptui does, bit for bit
    compile(export(sc, fmt="torch"), "<torch export>", "exec")


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_in_a_standalone_script_run_nothing(tmp_path: Path, title: str) -> None:
    for fmt in ("numpy", "torch"):
        script = tmp_path / f"train_{fmt}.py"
        script.write_text(export(titled(title), fmt=fmt), encoding="utf-8")
        compile(script.read_bytes(), str(script), "exec")  # as Python reads the file: bytes, coding cookies
    sc = titled(title)
    run = subprocess.run(
        [sys.executable, str(tmp_path / "train_numpy.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train_numpy.py", "train_torch.py"]  # no side effect
    assert [float(line.split()[-1]) for line in run.stdout.splitlines()] == losses(sc)
    assert run.stderr == ""


def test_a_batch_script_too() -> None:
    sc = dataclasses.replace(random_scenario(2, "tanh", "softmax", "cross_entropy", "row", "batch"), title=HOSTILE[0])
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(export(sc, fmt="numpy"), "<numpy export>", "exec"), namespace)
    assert namespace["TITLE"] == HOSTILE[0]


# --- handouts -----------------------------------------------------------------------------------

SPECIAL = set("\\`*_{}[]<>$%&#|~^")


def unescaped(line: str) -> set[str]:
    """Special characters in ``line`` not preceded by a backslash (escape pairs removed first)."""
    return set(re.sub(r"\\.", "", line)) & SPECIAL


def head(markdown: str) -> list[str]:
    """The lines before ``## Setup``: the title heading, the description and the source."""
    return [line for line in markdown[: markdown.index("## Setup")].split("\n") if line]


@settings(max_examples=150)
@given(st.text(max_size=80))
@example("$$\n\\begin{x}\n$$")
@example("<script>alert(1)</script> & %comment {x}")
@example("Title\n# Forged heading\n| a | b |\n|---|---|")
@example("1. item")
@example("- item")
@example("=====")
def test_markdown_handout_shows_file_text_as_typed(text: str) -> None:
    sc = titled(text, epochs=1)
    md = export(sc, fmt="markdown")
    lines = head(md)
    assert len(lines) == (3 if text.split() else 1)  # one line each: nothing opened a block of its own
    assert lines[0].startswith("# ")
    for line in lines:
        assert not unescaped(line.removeprefix("# ").removeprefix("Source: ")), line
        assert not re.match(r"\d+[.)]|[-+=>]", line.removeprefix("# ")), line  # no list, quote, underline
        assert "\x1b" not in line and "\x00" not in line and "\r" not in line
    plain = export(dataclasses.replace(sc, title="T", description="D", source="S"), fmt="markdown")
    assert md[md.index("## Setup") :] == plain[plain.index("## Setup") :]  # the rest is untouched


def test_markdown_escapes_each_class() -> None:
    assert file_text("$x$ \\alpha {y} 50%", True) == r"\$x\$ \\alpha \{y\} 50\%"
    assert file_text("<b>bold</b> &amp;", True) == r"\<b\>bold\</b\> \&amp;"
    assert file_text("# H | a | b |", True) == r"\# H \| a \| b \|"
    assert file_text("1. one", True) == r"1\. one" and file_text("- x", True) == r"\- x"
    assert file_text("a\n\nb\x1b[2J", True) == r"a b\\x1b\[2J"


def test_text_handout_is_one_line_each_with_controls_escaped() -> None:
    sc = titled("Evil\x1b]0;PWNED\x07\nforged line", epochs=1)
    text = export(sc, fmt="text")
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("Evil\\x1b]0;PWNED\\x07 forged line\n")
