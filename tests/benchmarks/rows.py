"""One row of the benchmark table (``python -m tests.benchmarks``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str  # what is measured, and on what
    before: str  # the figure issue 13 reported (measured before the work on it)
    now: str  # measured in this run
    reference: str  # what it is compared with, side by side in this run, and the ratio
    goal: str
    met: bool | None  # None: nothing to meet (a figure reported for context)
