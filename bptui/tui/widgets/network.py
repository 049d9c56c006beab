"""The Network pane: neurons in layer columns, incoming weights as a strip of signed glyphs.

Edges are drawn Hinton-style: left of each neuron, one glyph per incoming weight (in input order),
filled (■ ▪ ·) for positive and hollow (□ ▫ ∘) for negative, so the sign reads without colour; the
size is the magnitude relative to the layer's largest weight. Layers wider than 8 units show their
first and last 3 units and say how many are left out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.binding import Binding
from textual.content import Content

from bptui.engine import Scenario

from ..formatting import short, shown_indices
from ..messages import SelectLayer
from ..state import State
from .pane import Pane

EDGE_FILLED = ("·", "▪", "■")
EDGE_HOLLOW = ("∘", "▫", "□")
Part = tuple[str, str]


def edge_glyph(w: float, largest: float) -> Part:
    if not np.isfinite(w):
        return "!", "bold $text-warning"
    r = abs(w) / largest if largest > 0 else 0.0
    size = 2 if r > 2 / 3 else (1 if r > 1 / 3 else 0)
    glyph = (EDGE_FILLED if w >= 0 else EDGE_HOLLOW)[size]
    return glyph, ("$text-success" if w >= 0 else "$text-error") + (" bold" if size == 2 else "")


@dataclass(frozen=True)
class Shape:
    """The fixed structure the pane draws, read once from the scenario."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    row: bool  # row convention: W is (inputs, units)
    batch: bool

    @classmethod
    def of(cls, sc: Scenario) -> "Shape":
        return cls(
            (sc.inputs, *(l.units for l in sc.layers)),
            tuple(l.activation for l in sc.layers),
            sc.convention == "row",
            sc.training.mode == "batch",
        )

    @property
    def depth(self) -> int:
        return len(self.activations)


class NetworkPane(Pane):
    TITLE = "Network"
    BINDINGS = [
        Binding("up", "select(-1)", "Layer up", show=False),
        Binding("down", "select(1)", "Layer down", show=False),
    ]

    def __init__(self, scenario: Scenario, *, id: str | None = None) -> None:
        self.shape = Shape.of(scenario)
        super().__init__(id=id)

    def action_select(self, delta: int) -> None:
        self.post_message(SelectLayer(delta))

    def node_values(self, state: State, l: int) -> tuple[str, np.ndarray | None]:
        """Name and per-unit values of column ``l``: ``a`` going forward, ``dz`` going back."""
        back = state.position.phase in ("backward", "update")
        name = f"dz{l}" if back and l > 0 else f"a{l}"
        return name, self.per_unit(state.values.get(name))

    def per_unit(self, value: np.ndarray | None) -> np.ndarray | None:
        """One number per unit: the value online, the batch mean in batch mode."""
        if value is None:
            return None
        v = np.asarray(value, dtype=float)
        if v.ndim == 2:
            v = v.mean(axis=0) if self.shape.row else v.mean(axis=1)
        return v

    def body(self, state: State) -> list[Content]:
        """The widest drawing that fits: 6-character values, else 5, else without the target."""
        width = self.scrollable_content_region.width or 1000  # 0 before the first layout
        for cell, with_target in ((6, True), (5, True), (5, False)):
            lines = self.draw(state, cell, with_target)
            if max(line.cell_length for line in lines) <= width:
                break
        return lines

    def draw(self, state: State, cell: int, with_target: bool) -> list[Content]:
        shape, pos = self.shape, state.position
        L = shape.depth
        hot = pos.layer  # the layer the last step computed
        columns: list[list[Part | Content]] = []  # each: header part, then one part per row
        rows = max(len(shown_indices(n)) for n in shape.sizes)

        def place(parts: list, n: int, width: int) -> list:
            top = (rows - n) // 2
            blank = (" " * width, "")
            return [blank] * top + parts + [blank] * (rows - n - top)

        for l in range(L + 1):
            units = shown_indices(shape.sizes[l])
            name, vec = self.node_values(state, l)
            selected = l == self.selected_layer
            hot_here = hot == l or (pos.phase == "loss" and l == L)
            if l > 0:
                head, edges = self.strip(state, l, units, selected, hot_here or pos.phase == "update")
                columns.append([head] + place(edges, len(units), len(head[0])))
            label = ("▸" if selected else "") + name
            head_style = "bold $text-accent" + (" underline" if selected else "")
            col = [(f"{label:>{cell}}"[-cell:], head_style)]
            parts: list[Part] = []
            for j in units:
                if j is None:
                    parts.append((f"{'⋮+' + str(shape.sizes[l] - 6):>{cell}}", "$text-muted"))
                elif vec is None:
                    parts.append((f"{'·':>{cell}}", "$text-muted"))
                else:
                    parts.append((short(float(vec[j]), cell), "reverse bold" if hot_here else ""))
            col += place(parts, len(units), cell)
            columns.append(col)
        tvec = self.per_unit(state.values.get("t"))
        if with_target and tvec is not None:
            units = shown_indices(shape.sizes[L])
            parts = [(f"{'⋮':>{cell}}", "$text-muted") if j is None else (short(float(tvec[j]), cell), "$text-muted")
                     for j in units]
            columns.append([(f"{'t':>{cell}}", "bold $text-muted")] + place(parts, len(units), cell))

        lines: list[Content] = []
        for r in range(rows + 1):
            pieces: list[Part | str] = []
            for c, col in enumerate(columns):
                if c:
                    pieces.append(" ")
                pieces.append(col[r])
            lines.append(Content.assemble(*pieces))
        lines.append(Content.assemble(*self.summary(state)))
        return lines

    def strip(
        self, state: State, l: int, units: list[int | None], selected: bool, hot: bool
    ) -> tuple[Part, list[Part | Content]]:
        """The edges into layer ``l``: one row of glyphs per shown unit, one glyph per shown input."""
        inputs = shown_indices(self.shape.sizes[l - 1])
        width = max(2, len(inputs))  # room for the "W1" above a single input's edges
        head = (f"W{l}".ljust(width), ("reverse " if hot else "") + "$text-accent" + (" underline" if selected else ""))
        W = state.values.get(f"W{l}")
        if W is None:
            return head, [(" " * width, "")] * len(units)
        W = np.asarray(W, dtype=float)
        w_io = W if self.shape.row else W.T  # (inputs, units)
        finite = np.abs(w_io[np.isfinite(w_io)])
        largest = float(finite.max()) if finite.size else 0.0
        rows: list[Part | Content] = []
        for j in units:
            if j is None:
                rows.append(("⋮".center(width), "$text-muted"))
                continue
            row = Content.assemble(*[("…", "$text-muted") if i is None else edge_glyph(float(w_io[i, j]), largest)
                                     for i in inputs], " " * (width - len(inputs)))
            rows.append(row)
        return head, rows

    def summary(self, state: State) -> list[Part | str]:
        """The architecture in one line (``784 → 128 relu → 10 softmax``) and the loss."""
        shape = self.shape
        parts: list[Part | str] = [(f"{shape.sizes[0]}", "bold")]
        for n, act in zip(shape.sizes[1:], shape.activations):
            parts += [" → ", (f"{n}", "bold"), (f" {act}", "$text-muted")]
        loss = state.values.get("loss")
        if loss is not None:
            parts += ["   loss ", (f"{float(loss):.6g}", "bold")]
        if shape.batch:
            parts += [("   (batch: mean per unit)", "$text-muted")]
        return parts
