"""The Inspector pane: every value of the selected layer as an aligned matrix.

Values the position has not computed yet say so instead of showing stale numbers; elements the
last command changed are marked (bold, underlined, and a ● by the name, so it reads without colour).
"""
from __future__ import annotations

import numpy as np
from textual.binding import Binding
from textual.content import Content
from textual.reactive import var

from bptui.engine import Scenario

from ..formatting import cells, shown_indices
from ..messages import MoveElement, SelectLayer
from ..state import State, parameter_names
from .pane import Pane

CHANGED = "bold underline $text-warning"
SELECTED = "reverse"
Part = tuple[str, str] | str


class InspectorPane(Pane):
    TITLE = "Inspector"
    BINDINGS = [
        Binding("up", "select(-1)", "Layer up", show=False),
        Binding("down", "select(1)", "Layer down", show=False),
        Binding("right", "move(1)", "Next element", show=False),
        Binding("left", "move(-1)", "Previous element", show=False),
    ]

    element: var[int] = var(0)  # the selected element of the layer's W, then b (bound to the App's)

    def __init__(self, scenario: Scenario, *, id: str | None = None) -> None:
        self.depth = scenario.depth
        self.has_bias = tuple(l.bias for l in scenario.layers)
        self.activations = tuple(l.activation for l in scenario.layers)
        self.row = scenario.convention == "row"
        super().__init__(id=id)

    def action_select(self, delta: int) -> None:
        self.post_message(SelectLayer(delta))

    def action_move(self, delta: int) -> None:
        self.post_message(MoveElement(delta))

    def selected(self, state: State) -> str | None:
        names = parameter_names(state.values, self.selected_layer)
        return names[min(self.element, len(names) - 1)] if names else None

    def watch_element(self) -> None:
        self.redraw()

    def names(self, l: int) -> list[str]:
        """The values shown for layer ``l``, in the order the pass computes them."""
        names = [f"a{l - 1}", f"W{l}"] + ([f"b{l}"] if self.has_bias[l - 1] else []) + [f"z{l}", f"a{l}"]
        if l == self.depth:
            names += ["t", "loss"]
        return names + [f"da{l}", f"dz{l}", f"dW{l}"] + ([f"db{l}"] if self.has_bias[l - 1] else [])

    def body(self, state: State) -> list[Content]:
        l = self.selected_layer
        chosen = self.selected(state)
        pin = " ⏎ pinned" if state.pinned == chosen else (f" · pinned {state.pinned}" if state.pinned else "")
        self.border_subtitle = f"layer {l} of {self.depth} · {self.activations[l - 1]} · ↑↓←→ {chosen}{pin}"
        return [line for name in self.names(l) for line in self.block(state, name, self.cell_of(chosen, name))]

    @staticmethod
    def cell_of(chosen: str | None, name: str) -> tuple[int, ...] | None:
        """The index of the selected element within ``name`` (its W/b, or their gradients dW/db)."""
        if not chosen:
            return None
        param, _, rest = chosen.partition("[")
        if name not in (param, "d" + param):
            return None
        return tuple(int(i) for i in rest.rstrip("]").split(","))

    def shape_note(self, name: str, value: np.ndarray) -> str:
        dims = "×".join(str(d) for d in value.shape)
        if name.lstrip("d").startswith("W"):
            return f"{dims} ({'inputs × units' if self.row else 'units × inputs'})"
        return dims

    def block(self, state: State, name: str, cell: tuple[int, ...] | None = None) -> list[Content]:
        value = state.values.get(name)
        label = (f"{name:<5}", "bold")
        if value is None:
            return [Content.assemble(label, "  ", ("— not computed yet", "$text-muted"))]
        changed = state.changed(name)
        mark = ("●", CHANGED) if np.any(changed) else " "
        arr = np.asarray(value, dtype=float)
        grid = arr.reshape(1, -1) if arr.ndim < 2 else arr
        mask = np.broadcast_to(np.asarray(changed, bool), arr.shape).reshape(grid.shape)
        text = np.array(cells(grid), dtype=object).reshape(grid.shape)
        width = max(len(t) for t in text.ravel())
        rows, cols = shown_indices(grid.shape[0]), shown_indices(grid.shape[1])
        at = None if cell is None else ((0, cell[0]) if arr.ndim < 2 else cell)
        if arr.ndim < 2:  # a scalar or a vector: on the label's line
            return [Content.assemble(label, mark, *self.row_parts(text, mask, 0, cols, width, at))]
        head = Content.assemble(label, mark, " ", (self.shape_note(name, arr), "$text-muted"))
        return [head] + [Content.assemble("      ", *self.row_parts(text, mask, i, cols, width, at)) for i in rows]

    @staticmethod
    def row_parts(text: np.ndarray, mask: np.ndarray, i: int | None, cols: list[int | None], width: int,
                  at: tuple[int, ...] | None = None) -> list[Part]:
        """One matrix row of right-aligned cells; an ``i`` of ``None`` is the row of left-out rows."""
        parts: list[Part] = []
        for j in cols:
            if i is None:
                parts.append((f" {'⋮':>{width}}", "$text-muted"))
            elif j is None:
                parts.append((f" {'…':>{width}}", "$text-muted"))
            else:
                chosen = at == (i, j)
                style = " ".join(s for s in (CHANGED if mask[i, j] else "", SELECTED if chosen else "") if s)
                parts += [("▸", "bold $text-accent") if chosen else " ", (f"{text[i, j]:>{width}}", style)]
        return parts
