"""Names and arithmetic of positions: which micro-step a global step count stands for.

A pass (one sample online, the whole batch in batch mode) has ``2L+2`` micro-steps:
``forward 1 … forward L → loss → backward L … backward 1 → update``. The state of training is a
function of one integer, the number ``g`` of micro-steps done since the start; everything else
(epoch, sample, step) is derived from it here.
"""

from __future__ import annotations

from dataclasses import dataclass


def steps_per_pass(depth: int) -> int:
    return 2 * depth + 2


def step_name(k: int, depth: int) -> str:
    """Name of micro-step ``k`` (1-based) of a pass; 0 is ``start`` (nothing done yet)."""
    if k == 0:
        return "start"
    if k <= depth:
        return f"forward {k}"
    if k == depth + 1:
        return "loss"
    if k <= 2 * depth + 1:
        return f"backward {2 * depth + 2 - k}"
    if k == 2 * depth + 2:
        return "update"
    raise ValueError(f"step {k} is past the end of a pass")


def step_names(depth: int) -> list[str]:
    return [step_name(k, depth) for k in range(1, steps_per_pass(depth) + 1)]


def step_index(name: str, depth: int) -> int:
    """Inverse of :func:`step_name`; raises ``ValueError`` listing the valid names."""
    names = step_names(depth)
    key = " ".join(name.split())
    if key in names:
        return names.index(key) + 1
    raise ValueError(f"unknown step {name!r}; expected one of: {', '.join(names)}, epoch")


def step_layer(k: int, depth: int) -> int | None:
    """The layer a micro-step works on (``None`` for start, loss and update)."""
    if 1 <= k <= depth:
        return k
    if depth + 2 <= k <= 2 * depth + 1:
        return 2 * depth + 2 - k
    return None


@dataclass(frozen=True)
class Position:
    """Where the stepper stands: after micro-step ``step`` of ``sample`` in ``epoch`` (all 1-based)."""

    g: int
    epoch: int
    sample: int
    samples: int
    k: int
    depth: int
    unit: str = "sample"  # what a pass holds: "sample" (online, batch) or "batch" (minibatch)

    @property
    def step(self) -> str:
        return step_name(self.k, self.depth)

    @property
    def steps(self) -> int:
        return steps_per_pass(self.depth)

    @property
    def layer(self) -> int | None:
        return step_layer(self.k, self.depth)

    @property
    def phase(self) -> str:
        """``start``, ``forward``, ``loss``, ``backward`` or ``update``."""
        return self.step.split()[0]

    def status(self) -> str:
        """The status line of docs/SPEC.md §6: ``epoch E · sample S/N · STEP (k/2L+2)``, or
        ``epoch E · batch B/NB · STEP (k/2L+2)`` in minibatch mode."""
        return f"epoch {self.epoch} · {self.unit} {self.sample}/{self.samples} · {self.step} ({self.k}/{self.steps})"

    def as_dict(self) -> dict:
        return {"epoch": self.epoch, self.unit: self.sample, "step": self.step}


@dataclass(frozen=True)
class Layout:
    """How global step counts map to (epoch, sample, step) for one scenario."""

    depth: int
    passes: int  # passes per epoch: samples online, 1 in batch mode, batches in minibatch mode
    unit: str = "sample"  # what the position counts within an epoch: "sample" or "batch"

    @property
    def per_pass(self) -> int:
        return steps_per_pass(self.depth)

    @property
    def per_epoch(self) -> int:
        return self.per_pass * self.passes

    def split(self, g: int) -> tuple[int, int]:
        """(global pass index, micro-step within it); ``g = 0`` is (0, 0)."""
        if g <= 0:
            return 0, 0
        p, r = divmod(g - 1, self.per_pass)
        return p, r + 1

    def position(self, g: int) -> Position:
        p, k = self.split(g)
        epoch, sample = divmod(p, self.passes)
        return Position(g, epoch + 1, sample + 1, self.passes, k, self.depth, self.unit)

    def g_of(self, epoch: int, sample: int, k: int) -> int:
        """Global count of (1-based) epoch and sample after micro-step ``k``."""
        return ((epoch - 1) * self.passes + (sample - 1)) * self.per_pass + k

    def completed_epochs(self, g: int) -> int:
        return g // self.per_epoch
