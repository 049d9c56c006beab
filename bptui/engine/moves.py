"""What a move of the timeline reports, and the state a branch timeline (an edit) starts from."""

from __future__ import annotations

from dataclasses import dataclass

from .network import Params
from .sample_pass import SamplePass
from .steps import Position


@dataclass(frozen=True)
class NonFinite:
    """Where training first produced a non-finite number, and in which value."""

    position: Position
    value: str

    def describe(self) -> str:
        p = self.position
        return (
            f"training diverged: {self.value} became non-finite at epoch {p.epoch}, "
            f"sample {p.sample}/{p.samples}, step {p.step}"
        )


@dataclass(frozen=True)
class Origin:
    """A state a branch timeline starts from (an edit, see :mod:`.edit`): the end of pass ``p``.

    ``p = -1`` is the very start (only ``params`` count). Otherwise ``done`` is pass ``p``
    walked to its ``update``, ``start_params`` the parameters it started with, ``params`` the
    (edited) parameters after it, ``acc`` and ``losses`` the epoch accounting as a timeline holds
    it there. The branch never goes before the end of pass ``p``.
    """

    p: int
    params: Params
    done: SamplePass | None = None
    start_params: Params | None = None
    acc: float = 0.0
    losses: tuple[float, ...] = ()
    computed: Params | None = None  # the parameters pass ``p``'s update computed (before the edit)
    tests: tuple[float, ...] = ()  # the test accuracies of the epochs completed there (a test split)


@dataclass(frozen=True)
class Moved:
    """What a move reached: its position count, and why it stopped short, if it did."""

    g: int
    diverged: NonFinite | None = None
    cancelled: bool = False
