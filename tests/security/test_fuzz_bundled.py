"""The bundled scenarios, mutated as an attacker or a careless editor would: a Scenario or one clean line.

Every mutated file either loads or raises :class:`ScenarioError` whose text is one line of
printable characters of bounded length; never another exception (issue 12: the loader assumes
hostile data everywhere). The CI run is bounded to about 20 s; a longer run:

    BPTUI_FUZZ_EXAMPLES=20000 python -m pytest tests/security/test_fuzz_bundled.py -s
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bptui.errors import MESSAGE_LIMIT, PATH_LIMIT
from bptui.printable import is_unsafe
from bptui.scenario import ScenarioError, bundled_dir, parse_scenario

BUNDLED = sorted(bundled_dir().glob("*.toml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in BUNDLED}
EXAMPLES = int(os.environ.get("BPTUI_FUZZ_EXAMPLES", "2000"))
COUNTS = {"files": 0, "loaded": 0, "refused": 0}

HOSTILE = [
    "\x1b]0;PWNED\x07",
    "\x1b[2J",
    "\n",
    "\r",
    "\x00",
    "\u202e",
    "\u2028",
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "[",
    "]",
    "{",
    "}",
    "=",
    ".",
    ",",
    "#",
    "[[",
    "]]",
    " = ",
    "a.a.a.a.a.a.a.a.a.a.a = 1\n",
    "[" * 12,
    "{x = " * 10,
    "1e999",
    "-0",
    "nan",
    "inf",
    "9" * 5000,
    "0x7f",
    "1_000",
    "2024-01-01",
    "[[expect]]\n",
    "[[network.layers]]\n",
    "[data]\n",
    "[training]\n",
    'file = "/dev/zero"\n',
    'file = "missing.npz"\n',
    'file = "../scenarios/clusters.csv"\n',
    'mode = "batch"\n',
    "epochs = 10000000\n",
    "epoch = 9999999\n",
    "units = 4096\n",
    "inputs = 4096\n",
    'after = "epoch"\n',
    'activation = "softmax"\n',
    "bias = false\n",
    "weights = [[1e308, -1e308]]\n",
    "seed = 4294967296\n",
    '"\\u001b[2J\\nbptui: error: forged" = 1\n',
    "k" * 300 + " = 1\n",
    'file = "a\\u0000.csv"\n',
    'file = "/proc/self/fd/0"\n',
    'file = "."\n',
]
REPLACEMENTS = [
    "0",
    "-1",
    "1e308",
    "-1e-320",
    "4096",
    "10000000",
    "2.5",
    "true",
    '"x"',
    "[]",
    "[[]]",
    "[[1]]",
    "{}",
    "nan",
    '"\\u001b]0;x\\u0007"',
    "[1, [2]]",
    "9" * 40,
]
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?")

at = st.integers(0, 10**7)
mutation = st.one_of(
    st.tuples(st.just("insert"), at, st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))),
    st.tuples(st.just("delete"), at, st.integers(1, 60)),
    st.tuples(st.just("duplicate"), at, st.integers(1, 400)),
    st.tuples(st.just("number"), at, st.sampled_from(REPLACEMENTS)),
    st.tuples(st.just("line"), at, st.sampled_from(HOSTILE + REPLACEMENTS)),
)


def mutate(text: str, edits: list[tuple[str, int, object]]) -> str:
    for kind, where, arg in edits:
        i = where % (len(text) + 1)
        if kind == "insert":
            text = text[:i] + str(arg) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + int(arg) :]  # type: ignore[call-overload]
        elif kind == "duplicate":
            text = text[:i] + text[i : i + int(arg)] + text[i:]  # type: ignore[call-overload]
        elif kind == "number":
            numbers = list(NUMBER.finditer(text))
            if numbers:
                m = numbers[where % len(numbers)]
                text = text[: m.start()] + str(arg) + text[m.end() :]
        else:  # replace a whole `key = value` line's value
            lines = text.split("\n")
            n = where % len(lines)
            key, eq, _ = lines[n].partition(" = ")
            lines[n] = f"{key} = {arg}" if eq else str(arg)
            text = "\n".join(lines)
    return text


@settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(BUNDLED), st.lists(mutation, min_size=1, max_size=4))
def test_mutated_bundled_file_loads_or_says_one_clean_line(path: Path, edits) -> None:
    text = mutate(TEXTS[path], edits)
    COUNTS["files"] += 1
    try:
        parse_scenario(text, path)  # the bundled path: data files such as clusters.csv are found
    except ScenarioError as err:
        COUNTS["refused"] += 1
        message = str(err)
        assert "\n" not in message and not any(is_unsafe(ch) for ch in message), ascii(message[:300])
        assert len(message) <= MESSAGE_LIMIT + PATH_LIMIT + 100
    else:
        COUNTS["loaded"] += 1


def test_report_counts() -> None:
    """Runs after the fuzz test (file order): prints how many files were tried, for the issue's note."""
    print(
        f"\nfuzzed {COUNTS['files']} mutated bundled files: {COUNTS['loaded']} loaded, "
        f"{COUNTS['refused']} refused with one clean line"
    )
