"""The Network pane: the network as a picture, neurons holding their values, edges between them.

The geometry (``netlayout``) and the drawing (``netdraw``) are pure and tested alone; this pane
only turns the App's ``state`` into a :class:`~.netdraw.Scene` (one number per unit: the sample
shown, or the batch mean), picks the widest drawing that fits the pane at its current size, and
hands the rows to the ``LinesView``, which repaints only the cells a micro-step changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.reactive import var

from bptui.engine import Scenario

from ..formatting import fit_digits
from ..state import State
from .netdraw import Canvas, Run, Scene, class_label_width, draw, legend
from .netimage import image_rows, image_side
from .netlayout import Geometry, layout
from .netstrips import NetStrips, cuts, slices, strip_count
from .pane import Pane

MIN_VALUE_WIDTH = 5
MAX_FOOTER = 2  # caption lines under the picture (beside an input image: as many as its rows)
IMAGE_GAP = 2  # cells between the input image and the caption text beside it


@dataclass(frozen=True)
class Shape:
    """The fixed structure the pane draws, read once from the scenario."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    row: bool  # row convention: W is (inputs, units), a batch is (samples, units)
    batch: bool  # a pass holds several samples: batch and minibatch modes
    samples: int  # the samples of a (full) pass
    image: int = 0  # the side of the square picture the inputs make (64 inputs: 8), 0: none
    classify: bool = False  # a classifier (the file holds a test split): output units are classes
    minibatch: bool = False

    @classmethod
    def of(cls, sc: Scenario) -> Shape:
        classify = sc.test_inputs is not None and sc.layers[-1].units > 1
        return cls(
            (sc.inputs, *(l.units for l in sc.layers)),
            tuple(l.activation for l in sc.layers),
            sc.convention == "row",
            sc.training.mode in ("batch", "minibatch"),
            min(sc.training.batch_size, sc.samples) if sc.training.mode == "minibatch" else sc.samples,
            image_side(sc.inputs),
            classify,
            sc.training.mode == "minibatch",
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

    batch_view: var[int] = var(0)  # batch mode: 0 draws the batch mean, s draws sample s

    def __init__(self, scenario: Scenario, *, ascii_only: bool = False, id: str | None = None) -> None:
        self.shape = Shape.of(scenario)
        self.ascii_only = ascii_only
        self._drawn_for: Size | None = None  # the room the picture was last drawn for
        super().__init__(id=id)
        if ascii_only:
            self.add_class("-ascii")

    async def action_select(self, delta: int) -> None:
        await self.app.run_action(f"select_layer({delta})")  # awaited: done before the next key

    def watch_batch_view(self) -> None:
        self.redraw()

    def step_batch(self, delta: int) -> str | None:
        """Show the next (``delta`` = 1) or previous sample of the batch, the mean among them.

        Returns why nothing changed (online mode), else ``None``: the pane itself says what it draws."""
        if not self.shape.batch:
            return "online mode: the Network pane draws the one sample of the pass"
        self.batch_view = (self.batch_view + delta) % (self.shape.samples + 1)
        return None

    def view_name(self, samples: tuple[int, ...] = ()) -> str:
        """What the pane draws: the mean, or sample s of the batch (and, in minibatch mode, which
        sample of the data that is: the batch's order is the epoch's, shuffled or not)."""
        n = len(samples) or self.shape.samples
        if self.batch_view == 0:
            return f"mean of the batch's {n} samples" if self.shape.minibatch else f"mean of the {n} samples"
        s = min(self.batch_view, n)
        which = f" (data sample {samples[s - 1]})" if samples else ""
        return f"sample {s}/{n}{which}"

    # --- from the state to a scene ------------------------------------------------------------

    def per_unit(self, value) -> np.ndarray | None:
        """One number per unit: the value online; in batch mode the sample shown or the mean."""
        if value is None:
            return None
        v = np.asarray(value, dtype=float)
        if v.ndim == 2:
            axis = 0 if self.shape.row else 1
            if self.batch_view == 0:
                v = v.mean(axis=axis)
            else:
                s = min(self.batch_view, v.shape[axis]) - 1
                v = v[s] if self.shape.row else v[:, s]
        return v

    def scene(self, state: State) -> tuple[Scene, str | None]:
        shape, pos, values = self.shape, state.position, state.values
        L = shape.depth
        back = pos.phase in ("backward", "update")
        a = tuple(self.per_unit(values.get(f"a{l}")) for l in range(L + 1))
        dz = (None,) + tuple(self.per_unit(values.get(f"dz{l}")) for l in range(1, L + 1))
        names, shown, labels = [], [], []
        for l in range(L + 1):
            use_dz = back and l > 0 and dz[l] is not None
            names.append(f"dz{l}" if use_dz else f"a{l}")
            shown.append(dz[l] if use_dz else a[l])
            labels.append(names[-1] + ("" if l == 0 else " " + shape.activations[l - 1]))
        weights = []
        for l in range(1, L + 1):
            W = values.get(f"W{l}")
            weights.append(None if W is None else (np.asarray(W, float) if shape.row else np.asarray(W, float).T))
        sel = state.selection
        picked = (sel.name, (sel.layer, sel.source, sel.unit)) if sel.name else None
        loss = values.get("loss")
        out = a[L]
        scene = Scene(
            sizes=shape.sizes,
            names=tuple(names),
            shown=tuple(shown),
            a=a,
            dz=dz,
            weights=tuple(weights),
            targets=self.per_unit(values.get("t")),
            loss=None if loss is None else float(loss),
            phase=pos.phase,
            hot=pos.layer,
            selected=picked[1] if picked else None,
            labels=tuple(labels),
            tall_labels=("input a0",) + tuple(f"layer {l} {shape.activations[l - 1]}" for l in range(1, L + 1)),
            classes=shape.classify,
            predicted=int(np.argmax(out)) if shape.classify and out is not None and np.isfinite(out).all() else None,
        )
        return scene, picked[0] if picked else None

    def prediction(self, state: State) -> list[Run]:
        """A classifier's answer for the sample shown: its largest output against the target's class."""
        L = self.shape.depth
        y, t = self.per_unit(state.values.get(f"a{L}")), self.per_unit(state.values.get("t"))
        if y is None or not np.isfinite(y).all():
            return [("predicted: after forward", "$text-muted")]
        guess = int(np.argmax(y))
        if self.shape.batch and self.batch_view == 0:
            return [(f"largest mean output: {guess}", "bold")]
        right = t is not None and int(np.argmax(t)) == guess
        target = "" if t is None else f", target {int(np.argmax(t))}"
        return [(f"predicted {guess}", "bold $text-success" if right else "bold $text-error"), (target, "")]

    def caption(self, state: State, name: str | None, width: int) -> list[list[Run]]:
        """The lines under the picture: the input image and, beside it, the sample shown, the
        prediction, the selection, the legend."""
        side = self.shape.image
        picture: list[list[Run]] = []
        if side and width >= side + IMAGE_GAP + 20:
            picture = image_rows(self.per_unit(state.values.get("a0")), side, self.ascii_only)
            width -= side + IMAGE_GAP
        items: list[list[Run]] = []
        if self.shape.batch:
            items.append([(self.view_name(state.samples), "bold"), (" ([ ] steps)", "$text-muted")])
        if self.shape.classify:
            items.append(self.prediction(state))
        if name:
            value = state.values.get(name.split("[")[0])
            idx = tuple(int(i) for i in name[name.index("[") + 1 : -1].split(","))
            v = float(np.asarray(value)[idx]) if value is not None else None
            text = name + ("" if v is None else " = " + fit_digits(v, self.digits, 24))
            items.append([(text, "bold underline $text-warning")])
        items.append(legend(self.ascii_only))
        lines: list[list[Run]] = [[]]
        used = 0
        most = max(MAX_FOOTER, len(picture))
        for item in items:
            n = sum(len(t) for t, _ in item)
            if used and used + 3 + n > width:
                if len(lines) == most:
                    continue  # the legend (last) goes first when there is no room
                lines.append([])
                used = 0
            if used:
                lines[-1].append(("   ", ""))
                used += 3
            lines[-1].extend(item)
            used += n
        if picture:
            lines += [[] for _ in range(len(picture) - len(lines))]
            lines = [row + [(" " * IMAGE_GAP, "")] + line for row, line in zip(picture, lines)]
        return lines

    # --- drawing -------------------------------------------------------------------------------------

    def geometry(self, scene: Scene, width: int, height: int, footer: int) -> tuple[Geometry, int]:
        """The widest drawing that fits: most digits first, then the largest neuron shape."""
        keep: dict[int, set[int]] = {}
        if scene.selected is not None:
            l, i, j = scene.selected
            keep.setdefault(l, set()).add(j)
            if i is not None:
                keep.setdefault(l - 1, set()).add(i)
        if scene.predicted is not None:  # the class the network gives never hides in "⋮ N more"
            keep.setdefault(len(scene.sizes) - 1, set()).add(scene.predicted)
        widest = min(self.digits + 3, 22)
        geo: Geometry | None = None
        for vw in range(widest, MIN_VALUE_WIDTH - 1, -1):
            for shapes in (("tall", "box", "line"), ("box", "line"), ("line",)):
                geo = layout(
                    scene.sizes,
                    width,
                    height,
                    value_width=vw,
                    annex_width=vw + 5 + (class_label_width(self.shape.sizes[-1]) if self.shape.classify else 0),
                    keep=keep,
                    footer=footer,
                    shapes=shapes,
                    ascii_only=self.ascii_only,
                )
                if geo.fits:
                    return geo, vw
        assert geo is not None  # the loop ran: there is always a smallest layout, fitting or not
        return geo, MIN_VALUE_WIDTH

    def compose(self) -> ComposeResult:
        yield NetStrips(strip_count(self.shape.depth), id="body")

    def update_body(self) -> None:
        """Draw the picture into its strips (see ``netstrips``: a step repaints little)."""
        if self.state is None:
            return
        drawn = self.picture(self.state)
        strips = self.query_one(NetStrips)
        if drawn is None:
            strips.show([])
            return
        canvas, geo = drawn
        strips.show(slices(canvas, cuts(geo, strip_count(self.shape.depth))))
        self._drawn_for = self.scrollable_content_region.size
        self.call_after_refresh(self._recheck)

    def _recheck(self) -> None:
        """Redraw if the room changed without a resize (a scrollbar came or went after a layout)."""
        if self.scrollable_content_region.size != self._drawn_for:
            self.redraw()

    def show_failure(self, message: str) -> None:
        self.query_one(NetStrips).show([[Content.assemble((message, "bold $text-error"))]])

    def body(self, state: State) -> list[Content]:
        """The picture as whole rows (what the strips show side by side)."""
        drawn = self.picture(state)
        if drawn is None:
            return []
        canvas = drawn[0]
        return [Content.assemble(*[(t, s) if s else t for t, s in canvas.runs(y)]) for y in range(canvas.height)]

    def picture(self, state: State) -> tuple[Canvas, Geometry] | None:
        region = self.scrollable_content_region
        if not region.width or not region.height:
            return None  # not laid out yet: a guess would bring scrollbars that then stay (on_resize draws)
        width, height = region.width, region.height
        scene, name = self.scene(state)
        footer = self.caption(state, name, width)
        geo, vw = self.geometry(scene, width, max(height, 4 + len(footer)), len(footer))
        digits = self.digits
        canvas = draw(scene, geo, vw, lambda x, w: fit_digits(x, digits, w), self.ascii_only)
        for k, runs in enumerate(footer):
            y = geo.height - len(footer) + k
            x = 0
            for text, style in runs:
                canvas.put(x, y, text, style)
                x += len(text)
        return canvas, geo
