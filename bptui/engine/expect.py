"""``[[expect]]`` checkpoints: where each one stands, and whether the engine's numbers hold there."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .spec import Expectation, Scenario
from .steps import Layout, step_index

if TYPE_CHECKING:
    from .timeline import NonFinite
from .values import current_values


def expectation_g(exp: Expectation, layout: Layout) -> int:
    """The position count an expectation refers to (``after = "epoch"`` is the epoch's last update)."""
    sample = 1 if layout.passes == 1 else exp.sample
    if exp.after == "epoch":
        return layout.g_of(exp.epoch, layout.passes, layout.per_pass)
    return layout.g_of(exp.epoch, sample, step_index(exp.after, layout.depth))


@dataclass(frozen=True)
class Expectations:
    """A scenario's ``[[expect]]`` blocks in order of position: read-only, built once per debugger.

    ``gs[i]`` is the position count of ``items[i]``; ``unit`` names what ``sample`` counts there
    ("batch" in minibatch mode)."""

    gs: tuple[int, ...]
    items: tuple[Expectation, ...]
    unit: str = "sample"

    @classmethod
    def of(cls, scenario: Scenario, layout: Layout) -> Expectations:
        pairs = sorted((expectation_g(e, layout), i) for i, e in enumerate(scenario.expectations))
        return cls(tuple(g for g, _ in pairs), tuple(scenario.expectations[i] for _, i in pairs), layout.unit)

    def __len__(self) -> int:
        return len(self.gs)

    def at(self, g: int) -> range:
        """Indices of the expectations at exactly position ``g``."""
        return range(bisect.bisect_left(self.gs, g), bisect.bisect_right(self.gs, g))

    def between(self, lo: int, hi: int) -> range:
        """Indices of the expectations with ``lo < g <= hi``."""
        return range(bisect.bisect_right(self.gs, lo), bisect.bisect_right(self.gs, hi))

    def next_after(self, g: int) -> int | None:
        """The first expectation position after ``g``, if any."""
        i = bisect.bisect_right(self.gs, g)
        return self.gs[i] if i < len(self.gs) else None

    def compare(self, i: int, values: Mapping[str, object]) -> CheckResult:
        """Expectation ``i`` against ``values`` read at its position."""
        return compare(self.items[i], self.gs[i], values, self.unit)


@dataclass(frozen=True)
class Mismatch:
    name: str
    expected: np.ndarray
    actual: np.ndarray | None  # None: not computed at that position
    worst: float  # largest absolute difference (inf if not comparable)


@dataclass(frozen=True)
class CheckResult:
    expectation: Expectation
    g: int
    checked: tuple[str, ...]
    mismatches: tuple[Mismatch, ...]
    unit: str = "sample"  # what ``sample`` counts: "batch" in minibatch mode

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def where(self) -> str:
        e = self.expectation
        return f"epoch {e.epoch} {self.unit} {e.sample} after {e.after}"

    def describe(self) -> str:
        if self.ok:
            return f"ok    {self.where()}: {', '.join(self.checked)}"
        parts = []
        for m in self.mismatches:
            if m.actual is None:
                parts.append(f"{m.name} is not computed at this step")
            elif m.actual.size != m.expected.size:
                parts.append(f"{m.name} has {m.actual.size} elements, the file gives {m.expected.size}")
            else:
                parts.append(
                    f"{m.name} = {np.array2string(m.actual, precision=10)} "
                    f"expected {np.array2string(m.expected, precision=10)} (off by {m.worst:.3g})"
                )
        return f"FAIL  {self.where()}: " + "; ".join(parts)


def compare(exp: Expectation, g: int, values: Mapping[str, object], unit: str = "sample") -> CheckResult:
    """Compare an expectation's values with ``values`` (as from :func:`current_values`)."""
    mismatches = []
    for name, expected in exp.values.items():
        want = np.asarray(expected, dtype=float).ravel()
        have = values.get(name)
        if have is None:
            mismatches.append(Mismatch(name, want, None, float("inf")))
            continue
        got = np.asarray(have, dtype=float).ravel()
        if got.size != want.size:
            mismatches.append(Mismatch(name, want, got, float("inf")))
            continue
        diff = np.abs(got - want)
        worst = float(np.max(diff)) if diff.size else 0.0
        if not np.all(diff <= exp.tolerance):
            mismatches.append(Mismatch(name, want, got, worst if np.isfinite(worst) else float("inf")))
    return CheckResult(exp, g, tuple(exp.values), tuple(mismatches), unit)


def verify(scenario: Scenario) -> list[CheckResult]:
    """Walk a fresh timeline through every expectation, in order of position."""
    return walk_expectations(scenario)[0]


def walk_expectations(scenario: Scenario, progress=None) -> tuple[list[CheckResult], NonFinite | None]:
    """(:func:`verify`'s results, where training first became non-finite on the way, if it did).

    A divergence does not stop the walk: the values at each expectation are still compared.
    ``progress(epochs, loss)`` is called as epochs complete on the way (as for a run).
    """
    from .timeline import Timeline  # local: timeline imports this module's neighbours

    tl = Timeline(scenario)
    order = sorted(scenario.expectations, key=lambda e: expectation_g(e, tl.layout))
    results = []
    diverged = None
    for exp in order:
        g = expectation_g(exp, tl.layout)
        if diverged is None and g > tl.g:
            diverged = tl.goto(g, stop_on_nonfinite=True, progress=progress).diverged
        tl.goto(g, progress=progress)
        with np.errstate(all="ignore"):
            vals = current_values(tl.current, tl.params, scenario.convention, tl.net.batch)
            results.append(compare(exp, g, vals, tl.layout.unit))
    return results, diverged
