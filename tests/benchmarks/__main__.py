"""``python -m tests.benchmarks``: every benchmark's figures in one table, measured in this run.

Each benchmark module (``tests/benchmarks/test_*.py``) that has a ``rows()`` function is a row
source: it measures, side by side in this process (or in child processes it starts in turn), and
returns rows made by :func:`tests.benchmarks.measure.row`. A new module with ``rows()`` joins the
table by itself; ``ORDER`` only puts issue 13's goals first, in the issue's order.

Columns: the goal; "before", the figure issue 13 reported (or the old way, measured in this run:
each row says which); "now", measured in this run; the reference it is compared with, measured
side by side in the same run, and the ratio; whether the goal is met.

    PYTHONPATH=. python -m tests.benchmarks              # every row source (a few minutes)
    PYTHONPATH=. python -m tests.benchmarks startup jump # only modules whose name has these words
    PYTHONPATH=. python -m tests.benchmarks --markdown   # the table as Markdown (for the README)

Figures from a shared machine are noisy: run it on a quiet one, and read ratios rather than times.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent

# issue 13's goals in its order; any other module with rows() follows in name order
ORDER = [
    "test_jump_speed",
    "test_back_walk",
    "test_batch_key_cpu",
    "test_tui_bytes",
    "test_startup",
    "test_kernel_speed",
    "test_run_speed",
    "test_minibatch_speed",
    "test_history_rss",
    "test_blas_threads",
]


def sources(words: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("test_*.py"))
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    return [n for n in ordered if not words or any(w in n for w in words)]


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, load average {load}; Python {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}"
    )


def mark(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[met]


def ratio_text(r: dict) -> str:
    ratio = r["ratio"]
    if ratio is None:
        return r["reference"]
    return f"{ratio:.2f}x of: {r['reference']}" if ratio >= 0.1 else f"{ratio:.1e}x of: {r['reference']}"


def table(rows: list[dict], markdown: bool) -> str:
    head = ["goal", "before (issue 13)", "now (this run)", "ratio now/reference: reference (same run)", "met?"]
    body = [[r["goal"], r["before"], r["now"], ratio_text(r), mark(r["met"])] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in body]
        return "\n".join(lines)
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    widths[0] = min(widths[0], 70)
    out = []
    for k, line in enumerate([head, *body]):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("words", nargs="*", help="only the modules whose name contains one of these")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    before = machine()
    started = time.monotonic()
    failed = []
    for name in sources(args.words):
        module = importlib.import_module(f"tests.benchmarks.{name}")
        measure = getattr(module, "rows", None)
        if measure is None:
            continue
        print(f"measuring {name} …", file=sys.stderr, flush=True)
        try:
            rows += measure()
        except Exception:  # noqa: BLE001 - one broken source must not cost the others' figures
            failed.append(name)
            traceback.print_exc()
    print()
    print(table(rows, args.markdown))
    print()
    print(f"machine before: {before}")
    print(f"machine after:  {machine()}; {time.monotonic() - started:.0f} s")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
