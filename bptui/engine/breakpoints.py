"""Breakpoints: conditions that stop a forward command (run, continue, a finish) where they hold.

The kinds and where each fires (the position a stopped command is left at):

* ``loss_below x`` — the epoch loss (the Loss pane's curve) *falls* below ``x``: at the end of the
  first epoch whose loss is ``< x`` while the epoch before it was ``>= x`` (or it is epoch 1);
* ``nonfinite`` — any value becomes non-finite: at the micro-step that produced it (on by default:
  it is the stop every forward move made before breakpoints existed; removing it lets a run go on
  through inf and nan);
* ``grad_norm x`` — the Frobenius norm of some ``dW{l}`` or ``db{l}`` exceeds ``x``: at the
  ``backward l`` step that computed it;
* ``epoch N`` — at the end of epoch ``N`` (its last ``update``);
* ``sample N`` — at ``forward 1`` of sample ``N``, in every epoch;
* ``relu_dead`` — a relu unit's output was 0 for every sample of an epoch: at the end of that epoch;
* ``expect_fail`` — an ``[[expect]]`` checkpoint does not hold: at the checkpoint's position.

A command never stops at the position it starts from, so ``c`` or ``r`` after a stop goes on to
the next position where a condition holds. The scanning itself is in :mod:`.scan`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .entry import parse_number
from .steps import Layout, Position

KINDS: dict[str, str] = {
    "loss_below": "the epoch loss falls below x",
    "nonfinite": "any value becomes non-finite (inf or nan)",
    "grad_norm": "the norm of some dW or db exceeds x",
    "epoch": "the end of epoch N",
    "sample": "forward 1 of sample N (every epoch)",
    "relu_dead": "a relu unit outputs 0 for every sample of an epoch",
    "expect_fail": "an [[expect]] checkpoint fails",
}
THRESHOLD = ("loss_below", "grad_norm")  # take a number x
COUNT = ("epoch", "sample")  # take a whole number N ≥ 1
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class Breakpoint:
    kind: str
    value: float = 0.0  # x for THRESHOLD kinds, N for COUNT kinds, unused otherwise

    def describe(self) -> str:
        if self.kind == "loss_below":
            return f"loss < {self.value:.6g}"
        if self.kind == "grad_norm":
            return f"‖dW‖ or ‖db‖ > {self.value:.6g}"
        if self.kind in COUNT:
            return f"{self.kind} {int(self.value)}"
        return {"nonfinite": "non-finite value", "relu_dead": "dead relu unit", "expect_fail": "checkpoint fails"}[
            self.kind
        ]

    def first_position_after(self, g: int, layout: Layout) -> int | None:
        """For ``epoch``/``sample``: the first position after ``g`` where it fires (``None``: others)."""
        if self.kind == "epoch":
            at = int(self.value) * layout.per_epoch
            return at if at > g else None
        if self.kind == "sample":
            n = int(self.value)
            if n > layout.passes:
                return None
            epoch = layout.completed_epochs(g)  # 0-based epoch of the first candidate
            for e in (epoch, epoch + 1):
                at = layout.g_of(e + 1, n, 1)
                if at > g:
                    return at
        return None


@dataclass(frozen=True)
class Hit:
    """Which breakpoint fired, where, and what it saw (e.g. ``loss 0.0098``)."""

    breakpoint: Breakpoint
    position: Position
    detail: str = ""

    def where(self) -> str:
        p = self.position
        return f"epoch {p.epoch}, {p.unit} {p.sample}/{p.samples}, step {p.step}"

    def describe(self) -> str:
        what = f" ({self.detail})" if self.detail else ""
        return f"breakpoint {self.breakpoint.describe()} fired at {self.where()}{what}"


def parse_breakpoint(kind: str, text: str, layout: Layout | None = None) -> Breakpoint:
    """A breakpoint from a kind and typed text; ``ValueError`` with one sentence when it is wrong."""
    if kind not in KINDS:
        raise ValueError(f"unknown breakpoint kind {kind!r}; one of: {', '.join(KINDS)}")
    if kind in THRESHOLD:
        x = parse_number(text)
        if kind == "grad_norm" and x < 0:
            raise ValueError("a norm is never negative: type x ≥ 0")
        return Breakpoint(kind, x)
    if kind in COUNT:
        raw = text.strip()
        if not raw:
            raise ValueError(f"type a whole number N from 1 to {MAX_COUNT:,}")
        if raw.startswith("-"):
            raise ValueError(f"{kind} N counts from 1: a negative number is not a {kind}")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise ValueError(f"{raw[:20]!r} is not a whole number: type N from 1 to {MAX_COUNT:,}")
        n = int(raw)
        if not 1 <= n <= MAX_COUNT:
            raise ValueError(f"out of range: N from 1 to {MAX_COUNT:,}")
        if kind == "sample" and layout is not None and n > layout.passes:
            units = f"{layout.unit}es" if layout.unit == "batch" else f"{layout.unit}s"
            raise ValueError(f"this scenario has {layout.passes} {units} per epoch: N from 1 to {layout.passes}")
        return Breakpoint(kind, float(n))
    return Breakpoint(kind)


@dataclass
class Breakpoints:
    """The set a Debugger stops on (in the order added), and the hit that stopped the last command."""

    items: list[Breakpoint] = field(default_factory=lambda: [Breakpoint("nonfinite")])
    last_hit: Hit | None = None

    def add(self, bp: Breakpoint) -> str:
        if bp in self.items:
            return f"already set: {bp.describe()}"
        if bp.kind in THRESHOLD and not math.isfinite(bp.value):
            return "the threshold must be a finite number"
        self.items.append(bp)
        return f"breakpoint set: {bp.describe()}"

    def remove(self, index: int) -> str:
        if not 0 <= index < len(self.items):
            return f"no breakpoint {index + 1}: there are {len(self.items)}"
        bp = self.items.pop(index)
        return f"breakpoint removed: {bp.describe()}"

    def reset(self) -> None:
        self.items = [Breakpoint("nonfinite")]
        self.last_hit = None

    def of(self, kind: str) -> list[Breakpoint]:
        return [b for b in self.items if b.kind == kind]

    @property
    def nonfinite(self) -> Breakpoint | None:
        found = self.of("nonfinite")
        return found[0] if found else None

    def needs_scan(self) -> bool:
        """Whether a forward move must watch more than non-finite values (the plain move does that)."""
        return any(b.kind != "nonfinite" for b in self.items)
