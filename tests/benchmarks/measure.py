"""Small shared pieces of the engine benchmarks: timers and the rows they report.

Each engine benchmark module exposes ``rows()``, a plain function returning a list of result rows
(dicts with the keys of :func:`row`), so the benchmark table (``python -m tests.benchmarks``) can
import and print them; its pytest test (marked ``benchmark``) calls the same function and prints it.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def row(goal: str, before: str, now: str, reference: str, ratio: float | None, met: bool | None) -> dict:
    """One result: ``before`` is the old way measured in this run (or the issue's figure, said so),
    ``now`` the current figure, ``reference`` what it is compared with, ``met`` whether the goal is met
    (``None``: a figure reported for context)."""
    return {"goal": goal, "before": before, "now": now, "reference": reference, "ratio": ratio, "met": met}


def cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of this process spent in ``fn()`` (a loaded shared machine swings wall time)."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def wall(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"


def show(title: str, rows: list[dict]) -> str:
    """The rows as text lines under ``title`` (what the pytest tests print)."""
    lines = [f"[benchmark] {title}"]
    for r in rows:
        ratio = "" if r["ratio"] is None else f", ratio {r['ratio']:.2f}"
        mark = {True: "met", False: "NOT MET", None: "-"}[r["met"]]
        lines.append(f"  {r['goal']}: before {r['before']}; now {r['now']}; reference {r['reference']}{ratio} [{mark}]")
    return "\n".join(lines)
