"""Edits (``=``): a weight, a bias, an input, a target or the learning rate changed at a position.

Design (an edit starts a *branch*): the timeline is deterministic, so a changed value cannot be
poked into it; instead an edit starts a new :class:`Timeline` whose origin is the edited state
(``Timeline(origin=...)``), and :class:`Branches` routes every position to the newest branch that
reaches it. The edit is part of the history: stepping back before it shows the old values,
stepping forward again shows the edited ones; undo removes the branch (the old timeline was never
touched, so its values come back bit for bit) and redo puts the same branch back.

Where an edit takes effect (``S`` micro-steps per pass, the position ``g = p·S + k``):

* a weight, a bias or the learning rate from the end of the previous pass (``b = g // S``): in
  the middle of a pass, the pass is recomputed from its start with the new value, so every value
  shown agrees with the parameters shown; after ``update`` it applies to the next pass (the
  update just shown is not redone);
* an input or a target changes that row of the data from the current pass on (this pass is
  recomputed, later epochs use the new row too).

An edit at or before the origin of a later edit replaces that later branch (undo brings it back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from .spec import COLUMN
from .timeline import CHECKPOINT_BUDGET, PASS_CACHE_BUDGET, Moved, Timeline

MAX_EDITS = 16  # edits in effect at once; each keeps a (small) history of its own
EDIT_MEMORY = 512 * 2**20  # and, for large networks, fewer: a branch holds ~6 copies of the parameters
BRANCH_BUDGETS = {"checkpoint_budget": CHECKPOINT_BUDGET // 4, "pass_cache_budget": PASS_CACHE_BUDGET // 4}
LEARNING_RATE_NAMES = ("learning_rate", "lr", "η", "eta")
_NAME = re.compile(r"^(W|b|a|t)(\d*)(?:\[(\d+)(?:(?:,|\]\[)(\d+))?\])?$")


@dataclass(frozen=True)
class Target:
    """What an edit changes: ``kind`` W, b, a0, t or lr; ``index`` in the file's convention."""

    kind: str
    layer: int
    index: tuple[int, ...]
    name: str  # as shown, e.g. "W1[0,1]", "a0[2]", "learning_rate"


@dataclass(frozen=True)
class Edit:
    target: Target
    old: float
    new: float
    where: str  # the position it was made at, as the status line writes it
    g: int
    row: int | None = None  # the data row an input or target edit changed


@dataclass
class Segment:
    """One timeline of the history: the scenario's own (``edit`` None) or a branch an edit started."""

    timeline: Timeline
    edit: Edit | None = None

    @property
    def min_g(self) -> int:
        return self.timeline.min_g


@dataclass
class EditEntry:
    """An edit as an undoable command: the branch it added and the later branches it replaced."""

    added: Segment
    removed: list[Segment] = field(default_factory=list)


class Branches:
    """Looks like a :class:`Timeline` (attributes go to the branch in use); routes moves by position."""

    def __init__(self, root: Timeline) -> None:
        self.segments: list[Segment] = [Segment(root)]
        self.active: Timeline = root

    def __getattr__(self, name: str):
        return getattr(self.active, name)

    def route(self, g: int) -> Timeline:
        """The newest branch that reaches position ``g``."""
        chosen = self.segments[0].timeline
        for seg in self.segments:
            if seg.min_g <= g:
                chosen = seg.timeline
        return chosen

    def goto(self, g: int, **kw) -> Moved:
        tl = self.route(max(0, int(g)))
        self.active = tl
        return tl.goto(g, **kw)

    def replay_cost(self, g: int) -> int:
        """What a move to ``g`` computes, asked of the branch that will make it."""
        return self.route(max(0, int(g))).replay_cost(g)

    def edits_in_effect(self) -> list[Edit]:
        g = self.active.g
        return [s.edit for s in self.segments if s.edit is not None and s.min_g <= g]

    def edited_names(self) -> set[str]:
        """The elements edited before this position, as the Inspector names them (``W1[0,1]``).

        An input or target counts only while its sample's row is the one shown."""
        tl = self.active
        row = tl.layout.split(tl.g)[0] % tl.layout.passes if not tl.net.batch else None
        return {e.target.name for e in self.edits_in_effect() if e.row is None or row is None or e.row == row}

    def apply(self, entry: EditEntry, undo: bool) -> None:
        """Put the branch of ``entry`` in (or, undoing, take it out and restore what it replaced)."""
        here = self.active.g
        if undo:
            kept = [s for s in self.segments if s is not entry.added] + entry.removed
        else:
            kept = [s for s in self.segments if all(s is not r for r in entry.removed)] + [entry.added]
        self.segments = sorted(kept, key=lambda s: s.min_g)  # stable: a newer branch after an equal one
        self.goto(here)


def parse_target(name: str, debugger) -> Target:
    """A name typed in the edit prompt, checked against the network; ``ValueError`` says what is valid."""
    text = " ".join(name.split()).replace(" ", "")
    if text.lower() in LEARNING_RATE_NAMES:
        return Target("lr", 0, (), "learning_rate")
    sc, net = debugger.scenario, debugger.timeline.net
    m = _NAME.match(text)
    computed = re.match(r"^(dW|db|da|dz|z|loss)", text)
    if computed:
        raise ValueError(
            f"{text[:20]} is computed by the network: only the input a0, the target t, "
            f"weights, biases and the learning rate can be edited"
        )
    valid = "W1[0,0], b1[0], a0[0] (an input of the current sample), t[0] (its target) or learning_rate"
    if not m:
        raise ValueError(f"cannot edit {text[:20]!r}; name one of: {valid}")
    base, layer_text = m.group(1), m.group(2)
    idx = tuple(int(g) for g in m.groups()[2:] if g is not None)
    if base in ("a", "t"):
        if (base == "a" and layer_text != "0") or (base == "t" and layer_text):
            raise ValueError(
                f"only the input a0 and the target t can be edited, not {text[:20]}; "
                f"z and a of later layers are computed"
            )
        kind, layer = ("a0" if base == "a" else "t"), 0
        value = debugger.values()[kind]
    else:
        layer = int(layer_text) if layer_text else 0
        if not 1 <= layer <= net.depth:
            raise ValueError(f"the network has layers 1 to {net.depth}: {text[:20]} does not exist")
        if base == "b" and not net.has_bias[layer - 1]:
            raise ValueError(f"layer {layer} has no bias (bias = false)")
        kind = base
        value = debugger.params_values()[f"{base}{layer}"]
    shape = np.shape(value)
    if not idx and int(np.prod(shape)) == 1:
        idx = (0,) * len(shape)
    if len(idx) != len(shape) or any(not 0 <= i < n for i, n in zip(idx, shape)):
        dims = "×".join(map(str, shape))
        label = f"{kind}{layer}" if kind in ("W", "b") else kind
        raise ValueError(
            f"{label} is {dims} here: give {len(shape)} index(es), each from 0 to one less "
            f"than its size, e.g. {label}[{','.join('0' * len(shape))}]"
        )
    label = f"{kind}{layer}" if kind in ("W", "b") else kind
    shown = f"{label}[{','.join(map(str, idx))}]"
    del sc
    return Target(kind, layer, idx, shown)


def current_value(debugger, target: Target) -> float:
    if target.kind == "lr":
        return float(debugger.timeline.net.learning_rate)
    if target.kind in ("a0", "t"):
        return float(np.asarray(debugger.values()[target.kind])[target.index])
    return float(debugger.params_values()[f"{target.kind}{target.layer}"][target.index])


def _internal_index(target: Target, convention: str) -> tuple[int, ...]:
    """The index of a weight in the internal row layout (inputs, units)."""
    if target.kind == "W" and convention == COLUMN:
        return target.index[::-1]
    return target.index


def _data_cell(target: Target, debugger) -> tuple[int, int]:
    """(row, column) of an input or target in the data arrays."""
    tl = debugger.timeline
    if not tl.net.batch:
        p, _ = tl.layout.split(tl.g)
        return p % tl.layout.passes, target.index[-1]
    s, j = (target.index[1], target.index[0]) if debugger.scenario.convention == COLUMN else target.index
    if tl.net.minibatch:  # row s of the batch is a sample of the data chosen by the epoch's order
        s = debugger.pass_samples()[s] - 1
    return s, j


def edit_limit(timeline) -> int:
    """Edits that may be in effect at once on this network (and branches the undo list keeps)."""
    return max(1, min(MAX_EDITS, EDIT_MEMORY // max(1, 6 * timeline.params.nbytes())))


def make_edit(debugger, target: Target, value: float) -> EditEntry:
    """Build the branch that holds ``value`` for ``target`` at the debugger's position (moves nothing visible)."""
    tl = debugger.timeline
    if not isinstance(tl, Branches):
        tl = debugger.timeline = Branches(tl)
    limit = edit_limit(tl)
    if sum(seg.edit is not None for seg in tl.segments) >= limit:
        raise ValueError(
            f"at most {limit} edit{'s' if limit > 1 else ''} can be in effect for this network; undo one (u) first"
        )
    if target.kind == "lr" and not value > 0:
        raise ValueError("the learning rate must be greater than 0")
    here, S = tl.g, tl.layout.per_pass
    old = current_value(debugger, target)
    where = debugger.position.status()
    data = target.kind in ("a0", "t")
    row_col = _data_cell(target, debugger) if data else None
    boundary = tl.layout.split(here)[0] if data else here // S
    try:
        tl.goto(boundary * S)
        base = tl.active
        params = base.params.copy()
        sc = base.scenario
        X, T = sc.data_inputs.copy(), sc.data_targets.copy()
        lr = float(base.net.learning_rate)
        if target.kind in ("W", "b"):
            arr = (params.W if target.kind == "W" else params.b)[target.layer - 1]
            assert arr is not None, "parse_target refuses the bias of a layer without one"
            arr[_internal_index(target, sc.convention)] = value
        elif target.kind == "lr":
            lr = value
        else:
            (X if target.kind == "a0" else T)[row_col] = value
        derived = replace(sc, data_inputs=X, data_targets=T, training=replace(sc.training, learning_rate=lr))
        branch = Timeline(derived, origin=base.branch_origin(params), **BRANCH_BUDGETS)
        with np.errstate(all="ignore"):
            branch.goto(here)
    finally:
        tl.goto(here)
    seg = Segment(branch, Edit(target, old, float(value), where, here, row_col[0] if row_col else None))
    return EditEntry(seg, [s for s in tl.segments if s.min_g >= seg.min_g])
