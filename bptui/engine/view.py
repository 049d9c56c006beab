"""A typed, read-only view of the pass at a position: what derivations read, and nothing more.

The Debugger hands this out (:meth:`bptui.engine.debugger.Debugger.pass_view`) so that code
explaining a step never reaches through ``debugger.timeline`` into its internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .network import Network, Params
from .sample_pass import SamplePass
from .steps import Position


@dataclass(frozen=True)
class PassView:
    sp: SamplePass  # the pass under way (or just finished) at this position
    net: Network
    params: Params  # as training computed them here: an edit (=) after an update is not in them
    position: Position
    start_params: Callable[[], Params]  # the parameters this pass started with (valid until the next move)


class HasPassView(Protocol):
    def pass_view(self) -> PassView: ...


def view_of(source: PassView | HasPassView) -> PassView:
    """``source`` itself, or the view a Debugger gives of its position."""
    return source if isinstance(source, PassView) else source.pass_view()
