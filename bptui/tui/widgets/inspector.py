"""The Inspector pane: every value of the selected layer as an aligned matrix.

Values the position has not computed yet say so instead of showing stale numbers; elements the
last command changed are marked (bold, underlined, and a ● by the name, so it reads without colour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.binding import Binding
from textual.content import Content

from bptui.engine import Scenario
from bptui.printable import printable

from ..formatting import cell_text, decimals_format, significant_format, window
from ..state import State
from .lines import LinesView
from .pane import Pane

CHANGED = "bold underline $text-warning"
SELECTED = "reverse"
MORE = " …"  # the columns left out, on either side
MAX_ROWS = 8  # matrix rows drawn; the rest are ⋮ (the selected row is always among them)
NARROW_DIGITS = 4  # up to this digits setting (the default), a layer too wide trades decimals for columns
Part = tuple[str, str] | str


@dataclass(frozen=True)
class Shown:
    """A value about to be drawn: its rows shown, its format and the cell width they need."""

    arr: np.ndarray
    grid: np.ndarray  # ``arr`` as rows (a vector is one row)
    at: tuple[int, ...] | None  # the selected element within ``grid``
    rows: list[int | None]
    fmt: str
    width: int


class InspectorPane(Pane):
    TITLE = "Inspector"
    BINDINGS = [
        Binding("up", "select(-1)", "Layer up", show=False),
        Binding("down", "select(1)", "Layer down", show=False),
        Binding("right", "move(1)", "Next element", show=False),
        Binding("left", "move(-1)", "Previous element", show=False),
    ]

    def __init__(self, scenario: Scenario, *, id: str | None = None) -> None:
        self.depth = scenario.depth
        self.has_bias = tuple(l.bias for l in scenario.layers)
        self.activations = tuple(l.activation for l in scenario.layers)
        self.row = scenario.convention == "row"
        self.momentum = scenario.training.momentum > 0
        self.minibatch = scenario.training.mode == "minibatch"
        self.textbook = {k: printable(v, 12) for k, v in scenario.names.items()}  # names = {a1 = "h"}
        super().__init__(id=id)

    async def action_select(self, delta: int) -> None:
        # the App's action, awaited: a key typed right after (enter pins) sees the new selection
        await self.app.run_action(f"select_layer({delta})")

    async def action_move(self, delta: int) -> None:
        await self.app.run_action(f"select_element({delta})")

    def names(self, l: int) -> list[str]:
        """The values shown for layer ``l``, in the order the pass computes them."""
        names = [f"a{l - 1}", f"W{l}"] + ([f"b{l}"] if self.has_bias[l - 1] else []) + [f"z{l}", f"a{l}"]
        if l == self.depth:
            names += ["t", "loss"]
        names += [f"da{l}", f"dz{l}", f"dW{l}"] + ([f"db{l}"] if self.has_bias[l - 1] else [])
        if l == 1:
            names.append("da0")  # the gradient with respect to the input
        if self.momentum:
            names += [f"vW{l}"] + ([f"vb{l}"] if self.has_bias[l - 1] else [])
        return names

    def body(self, state: State) -> list[Content]:
        l = state.selection.layer
        chosen = state.selection.name
        pin = " ⏎ pinned" if state.pinned == chosen else (f" · pinned {state.pinned}" if state.pinned else "")
        subtitle = f"layer {l} of {self.depth} · {self.activations[l - 1]} · ↑↓←→ {chosen}{pin}"
        if subtitle != self.border_subtitle:  # setting it repaints the whole pane: only on change
            self.border_subtitle = subtitle
        self._focus_line: int | None = None
        names = self.names(l)
        # one label column and one cell width for the whole layer: element j of every vector and
        # every matrix row stands in the same column, whatever the widths of the values
        label_width = max(5, *(len(self.label(name)) for name in names))  # 5: ``loss`` and a space
        shown = [self.prepare(state, name, self.cell_of(chosen, name)) for name in names]
        width = max((v.width for v in shown if v is not None), default=1)
        fit = self.columns_fit(label_width, width)
        cut = any(v is not None and v.grid.shape[1] > fit for v in shown)
        if cut and self.digits <= NARROW_DIGITS:  # a value is cut: narrower cells, unless + asked for digits
            narrow = [self.prepare(state, name, self.cell_of(chosen, name), significant=True) for name in names]
            narrow_width = max((v.width for v in narrow if v is not None), default=1)
            if self.columns_fit(label_width, narrow_width) > fit:  # only when more columns show
                shown, width = narrow, narrow_width
        lines: list[Content] = []
        for name, value in zip(names, shown):
            block = self.block(state, name, value, label_width, width)
            if self._focus_row is not None:
                self._focus_line, self._focus_row = len(lines) + self._focus_row, None
            lines += block
        return lines

    def update_body(self) -> None:
        super().update_body()
        if self._focus_line is not None:  # keep the ▸ in view when ↑↓←→ move it
            self.query_one(LinesView).reveal(self._focus_line)

    _focus_row: int | None = None  # set by ``block``: the line of the selected element within it

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
        if name.lstrip("dv").startswith("W"):
            return f"{dims} ({'inputs × units' if self.row else 'units × inputs'})"
        return dims

    def label(self, name: str) -> str:
        """``name``, and its textbook name if the scenario gives one: ``a0 (x)``."""
        return name + (f" ({self.textbook[name]})" if name in self.textbook else "")

    def columns_fit(self, label_width: int, width: int) -> int:
        """How many cells ``width`` wide fit beside the labels (with room for ``…`` on either side)."""
        room = self.scrollable_content_region.width or 10_000  # 0 before the first layout
        return max(1, (room - label_width - 1 - 2 * len(MORE)) // (width + 1))

    def prepare(self, state: State, name: str, cell: tuple[int, ...] | None, significant: bool = False) -> Shown | None:
        """What of ``name`` is drawn (the rows, the format, the width it needs); ``None``: not computed.

        ``significant``: the digits setting as significant digits (:func:`significant_format`), for
        a layer too wide to show whole. Only the rows shown are measured (a 512×64 batch matrix
        shows at most 8 rows)."""
        value = state.values.get(name)
        if value is None:
            return None
        arr = np.asarray(value, dtype=float)
        grid = arr.reshape(1, -1) if arr.ndim < 2 else arr
        at = None if cell is None else ((0, cell[0]) if arr.ndim < 2 else cell)
        n_rows = grid.shape[0]
        focus_row = at[0] if at is not None else 0
        rows = window(n_rows, n_rows if n_rows <= MAX_ROWS else MAX_ROWS - 2, focus_row)
        fmt = significant_format(self.digits) if significant else decimals_format(grid, self.digits)
        return Shown(arr, grid, at, rows, fmt, self._cell_width(grid, rows, fmt))

    def block(self, state: State, name: str, shown: Shown | None, label_width: int, width: int) -> list[Content]:
        """``name`` as a matrix (or a vector on its label's line), cut to the pane with ``…``/``⋮``.

        Cells are ``width`` wide and start after ``label_width`` and the mark column, in every block
        of the layer alike. Only the elements shown are formatted."""
        label = (f"{self.label(name):<{label_width}}", "bold")
        asked = state.asking is not None and state.asking.partition("[")[0] == name
        if shown is None:
            if asked:  # predict mode: what the open question asks for
                return [
                    Content.assemble(
                        label,
                        ("?", "bold reverse $text-warning"),
                        (f" {state.asking}: predict it", "bold $text-warning"),
                    )
                ]
            return [Content.assemble(label, "  ", ("— not computed yet", "$text-muted"))]
        arr, grid, at = shown.arr, shown.grid, shown.at
        changed = state.changed(name)
        mark: Part = ("●", CHANGED) if np.any(changed) else " "
        if any(e.partition("[")[0] == name for e in state.edited):
            mark = ("✎", CHANGED if np.any(changed) else "bold $text-accent")  # an edit (=) is in effect
        if asked:
            mark = ("?", "bold reverse $text-warning")
        mask = np.broadcast_to(np.asarray(changed, bool), arr.shape).reshape(grid.shape)
        indent = label_width + 1  # the label and the mark
        focus_col = at[1] if at is not None else 0
        cols = window(grid.shape[1], self.columns_fit(label_width, width), focus_col)
        rows = shown.rows
        text = {(i, j): cell_text(grid[i, j], shown.fmt) for i in rows if i is not None for j in cols if j is not None}
        if at is not None:
            self._focus_row = 0 if arr.ndim < 2 else 1 + rows.index(at[0])
        if arr.ndim < 2:  # a scalar or a vector: on the label's line
            return [Content.assemble(label, mark, *self.row_parts(text, mask, 0, cols, width, at))]
        note = self.shape_note(name, arr)
        if name == "a0" and state.samples:  # minibatch: which samples of the data the batch holds
            listed = ", ".join(map(str, state.samples[:8])) + (", …" if len(state.samples) > 8 else "")
            note += f" · data samples {listed}"
        head = Content.assemble(label, mark, " ", (note, "$text-muted"))
        return [head] + [Content.assemble(" " * indent, *self.row_parts(text, mask, i, cols, width, at)) for i in rows]

    @staticmethod
    def _cell_width(grid: np.ndarray, rows: list[int | None], fmt: str) -> int:
        """The widest element of the shown rows: columns stay aligned as ← → move the window."""
        shown = grid[[i for i in rows if i is not None]].ravel()
        finite = shown[np.isfinite(shown)]
        # fixed or scientific: the smallest or the largest is the widest; repr or significant: any
        extremes = [finite.min(), finite.max()] if finite.size else []
        candidates = extremes if fmt.startswith("{") else list(finite[:4096])  # significant: any of them
        widths = [len(cell_text(v, fmt)) for v in candidates]
        if finite.size < shown.size:
            widths.append(4)  # "-inf"
        return max(widths, default=1)

    @staticmethod
    def row_parts(
        text: dict,
        mask: np.ndarray,
        i: int | None,
        cols: list[int | None],
        width: int,
        at: tuple[int, ...] | None = None,
    ) -> list[Part]:
        """One matrix row of right-aligned cells; an ``i`` of ``None`` is the row of left-out rows."""
        parts: list[Part] = []
        for j in cols:
            if i is None:
                parts.append((f" {'⋮':>{width}}", "$text-muted"))
            elif j is None:
                parts.append((MORE, "$text-muted"))
            else:
                chosen = at == (i, j)
                style = " ".join(s for s in (CHANGED if mask[i, j] else "", SELECTED if chosen else "") if s)
                parts += [("▸", "bold $text-accent") if chosen else " ", (f"{text[i, j]:>{width}}", style)]
        return parts
