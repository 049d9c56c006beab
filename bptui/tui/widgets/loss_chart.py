"""What the Loss pane draws, decided without plotext: points, axis ticks and labels, notes.

Kept apart from the widget so it can be tested with numbers. The log scale is done here, not by
plotext: plotext's ``yscale("log")`` takes the log of its stored data on every build, so the second
render (a resize, a tab switch) takes the log of a log and fails with a math domain error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

NO_EPOCH = "no epoch completed yet"  # the note of the empty chart
MAX_POINTS = 1000  # more would not show at terminal resolution and would slow plotext down
Y_TICKS = 5


@dataclass(frozen=True)
class Chart:
    """Everything plotext is told: the points (already on the axis scale), ticks, limits, notes."""

    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    xticks: list[float] = field(default_factory=list)
    xlabels: list[str] = field(default_factory=list)
    yticks: list[float] = field(default_factory=list)
    ylabels: list[str] = field(default_factory=list)
    xlim: tuple[float, float] = (1.0, 2.0)
    ylim: tuple[float, float] = (0.0, 1.0)
    note: str = ""  # a line above the chart: nothing yet, or epochs not drawn


def integer_ticks(lo: int, hi: int, most: int = 6) -> list[int]:
    """At most ``most`` whole-number ticks from ``lo`` to ``hi``, in steps of 1, 2, 5, 10, 20, 50 …"""
    span = max(hi - lo, 1)
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if span // step + 1 <= most:
                first = -(-lo // step) * step
                return list(range(first, hi + 1, step)) or [lo]
        scale *= 10


def _label(v: float) -> str:
    text = f"{v:.3g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def _log_label(v: float) -> str:
    """A tick on the log10 axis, labelled with the loss it stands for (``1e-3``, ``0.5``)."""
    if abs(v - round(v)) < 1e-9:
        k = round(v)
        return "1" if k == 0 else ("10" if k == 1 else f"1e{k}")
    return _label(10.0**v)


@dataclass(frozen=True, eq=False)  # identity: a reactive compares values, arrays cannot be compared
class Curve:
    """(epoch, loss) for at most ``MAX_POINTS`` evenly spread epochs, the last epoch included."""

    x: np.ndarray
    y: np.ndarray


def curve(losses: Sequence[float] | np.ndarray) -> Curve:
    """The curve of ``losses`` (epoch 1 first), thinned to ``MAX_POINTS``.

    Cheap enough to call from a run's worker thread ten times a second, whatever the run's length.
    """
    n = len(losses)
    if n > MAX_POINTS:
        pick = np.linspace(0, n - 1, MAX_POINTS).astype(int)
        return Curve(pick + 1.0, np.asarray([losses[i] for i in pick], dtype=float))
    return Curve(np.arange(1, n + 1, dtype=float), np.asarray(losses, dtype=float))


class CurveBuilder:
    """The curve of a run under way, fed one epoch at a time from the run's worker thread.

    Memory stays bounded whatever the run's length: past ``2 × MAX_POINTS`` points, every other
    one is dropped and only every ``stride``-th epoch is kept from then on (the last epoch always
    shows).
    """

    def __init__(self, losses: Sequence[float] | np.ndarray) -> None:
        self.stride = 1
        self.x: list[float] = []
        self.y: list[float] = []
        self.last: tuple[float, float] | None = None
        start = curve(losses)
        for e, v in zip(start.x.tolist(), start.y.tolist()):
            self.add(int(e), v)

    def add(self, epoch: int, loss: float) -> None:
        self.last = (float(epoch), loss)
        if epoch % self.stride:
            return
        self.x.append(float(epoch))
        self.y.append(loss)
        if len(self.x) > 2 * MAX_POINTS:
            self.stride *= 2
            keep = [i for i, e in enumerate(self.x) if int(e) % self.stride == 0]
            self.x = [self.x[i] for i in keep]
            self.y = [self.y[i] for i in keep]

    def snapshot(self) -> Curve:
        x, y = list(self.x), list(self.y)
        if self.last is not None and (not x or x[-1] != self.last[0]):
            x.append(self.last[0])
            y.append(self.last[1])
        return Curve(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def chart(c: Curve, log: bool) -> Chart:
    """The chart of a curve of epoch losses, on a linear or a log10 y axis."""
    x, y = c.x, c.y
    if not len(y):
        return Chart(note=NO_EPOCH)
    n = int(x[-1])
    notes = []
    bad = ~np.isfinite(y)
    if bad.any():
        notes.append(f"non-finite from epoch {int(x[np.argmax(bad)]):,}: not drawn")
    keep = ~bad
    if log:
        if (keep & (y <= 0)).any():
            notes.append("losses of 0 not drawn on the log scale")
        keep &= y > 0
    x, y = x[keep], y[keep]
    if log:
        y = np.log10(y)
    xticks = integer_ticks(1, max(n, 1))
    xs, xlabels = [float(t) for t in xticks], [f"{t:,}" for t in xticks]
    xlim, note = (1.0, float(max(n, 2))), " · ".join(notes)
    if not len(y):
        return Chart(xticks=xs, xlabels=xlabels, xlim=xlim, note=note)
    lo, hi = float(y.min()), float(y.max())
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):  # one point, or a flat line: a band around it
        pad = 0.5 if log else max(abs(hi) * 0.1, 1e-12)
        lo, hi = lo - pad, hi + pad
    ticks = [float(t) for t in np.linspace(lo, hi, Y_TICKS)]
    if log and hi - lo >= 2:  # whole decades read best
        ticks = [float(k) for k in range(math.ceil(lo), math.floor(hi) + 1)]
    labels = [(_log_label if log else _label)(t) for t in ticks]
    return Chart(
        x=x.tolist(),
        y=y.tolist(),
        yticks=ticks,
        ylabels=labels,
        ylim=(lo, hi),
        xticks=xs,
        xlabels=xlabels,
        xlim=xlim,
        note=note,
    )
