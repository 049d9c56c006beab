"""The handout: the steps walked, as equations with the numbers in, in the seeds' layout.

Markdown follows the seeds' worked examples — headings for the forward pass, the loss, the
backward pass and the update, a numbered item per micro-step, one ``$$`` block per equation.
Plain text has the same structure with the Unicode rendering.
"""

from __future__ import annotations

import re

import numpy as np

from bptui.engine import Debugger
from bptui.engine.activations import op as activation_op
from bptui.engine.derivation import derive_parameter, derive_step
from bptui.engine.formulas import Derivation, Line, fmt_number
from bptui.engine.losses import make_loss
from bptui.engine.spec import BATCH, COLUMN, MINIBATCH, Scenario
from bptui.engine.steps import Position
from bptui.engine.value_name import split_layer
from bptui.printable import printable

DIGITS = 6  # a handout is checked against a textbook's printed numbers: more digits than the pane
MAX_STEPS = 10_000  # a handout longer than this is not something anyone will read
MAX_SHOWN = 64  # arrays with more elements are described by their shape

PHASES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass (backpropagation)", "update": "Update"}


# Markdown (CommonMark) and the LaTeX a renderer such as pandoc or GitHub applies to it: inline
# syntax anywhere in a line, block syntax at its start. ``\`` first, so the escapes are not escaped.
_MD_INLINE = "\\`*_{}[]<>$%&#|~^"
_MD_BLOCK_START = ("-", "+", "=")
_MD_ORDERED = re.compile(r"\d+(?=[.)])")


def file_text(text: str, tex: bool) -> str:
    """Text from the scenario file (title, description, source) made inert in the handout.

    One line (whitespace collapsed, so no text can open a heading, a table or a ``$$`` block of
    its own), control characters shown escaped as ``\\x1b``, and in Markdown every character
    with a meaning in Markdown, HTML or LaTeX backslash-escaped, so ``$x$``, ``<script>``,
    ``# Heading`` or ``| a | b |`` in a title are shown as typed.
    """
    line = printable(" ".join(text.split()), limit=None)
    if not tex:
        return line
    out = "".join("\\" + ch if ch in _MD_INLINE else ch for ch in line)
    m = _MD_ORDERED.match(out)
    if m:  # "1. x" would be a numbered list at a line's start
        return out[: m.end()] + "\\" + out[m.end() :]
    return "\\" + out if out[:1] in _MD_BLOCK_START else out  # "- x", "+ x", "=== "


def _array_text(value, tex: bool) -> str:
    """A scalar, vector or matrix as LaTeX ``bmatrix`` or ``[…]`` text; huge ones by their shape."""
    arr = np.asarray(value, dtype=float)
    if arr.size == 1:
        return fmt_number(arr.ravel()[0], DIGITS, tex)
    if arr.size > MAX_SHOWN:
        shape = "×".join(map(str, arr.shape))
        return rf"\text{{({shape} values)}}" if tex else f"({shape} values)"
    rows = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if tex:
        body = r" \\ ".join(" & ".join(fmt_number(x, DIGITS, True) for x in row) for row in rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
    inner = ["[" + ", ".join(fmt_number(x, DIGITS) for x in row) + "]" for row in rows]
    return inner[0] if arr.ndim == 1 else "[" + ", ".join(inner) + "]"


def _name(name: str, tex: bool) -> str:
    """``W1`` → ``W_{1}`` in LaTeX, as the derivations write it."""
    if not tex:
        return name
    base, layer = split_layer(name)
    return f"{base}_{{{layer}}}" if layer is not None else name


class _Writer:
    """Headings, paragraphs and equations, in Markdown + LaTeX or in plain text."""

    def __init__(self, tex: bool) -> None:
        self.tex = tex
        self.out: list[str] = []

    def heading(self, level: int, text: str) -> None:
        if self.tex:
            self.out += [f"{'#' * level} {text}", ""]
        else:
            self.out += [text, ("=" if level == 1 else "-" if level == 2 else "·") * len(text), ""]

    def para(self, text: str) -> None:
        self.out += [text, ""]

    def item(self, number: int, text: str) -> None:
        self.out.append(f"{number}. {text}")

    def equations(self, lines: list[Line], indent: str = "   ") -> None:
        for line in lines:
            if line.is_text:
                self.out.append(f"{indent}{line.unicode(DIGITS)}")
            elif self.tex:
                self.out += [f"{indent}$$", f"{indent}{line.latex(DIGITS)}", f"{indent}$$"]
            else:
                self.out.append(f"{indent}{line.unicode(DIGITS)}")
        self.out.append("")

    def math(self, text: str) -> str:
        return f"$ {text} $" if self.tex else text

    def text(self) -> str:
        return "\n".join(self.out).rstrip() + "\n"


def _describe_step(sc: Scenario, pos: Position) -> str:
    L = sc.depth
    kind, _, layer = pos.step.partition(" ")
    if kind == "forward":
        act = activation_op(sc.layers[int(layer) - 1].activation).text
        return f"layer {layer}: the pre-activation z{layer} and the activation a{layer} ({act})."
    if kind == "loss":
        return f"the loss ({make_loss(sc.training.loss).text}) and its gradient with respect to the output a{L}."
    if kind == "backward":
        l = int(layer)
        parts = [f"dz{l}", f"dW{l}"] + ([f"db{l}"] if sc.layers[l - 1].bias else [])
        passed = f", and da{l - 1} passed back to layer {l - 1}" if l > 1 else ""
        return f"layer {l}: the gradients {', '.join(parts)}{passed}."
    if sc.training.momentum:
        return (
            f"gradient descent with momentum μ = {fmt_number(sc.training.momentum, DIGITS)}: each velocity, "
            f"then the weight or bias it moves, learning rate η = {fmt_number(sc.training.learning_rate, DIGITS)}."
        )
    return (
        f"gradient descent on every weight and bias, learning rate η = {fmt_number(sc.training.learning_rate, DIGITS)}."
    )


def _setup(w: _Writer, sc: Scenario, d: Debugger) -> None:
    sizes = [str(sc.inputs)] + [f"{layer.units} ({activation_op(layer.activation).text})" for layer in sc.layers]
    formula = "z = W·a + b, W is units × inputs" if sc.convention == COLUMN else "z = a·W + b, W is inputs × units"
    tr = sc.training
    mode = (
        "batch: one update per epoch on the whole data set"
        if tr.mode == BATCH
        else "online: an update after every sample"
    )
    if tr.mode == MINIBATCH:
        order = "the file's order" if tr.shuffle is None else f"an order drawn each epoch with seed {tr.shuffle}"
        mode = f"minibatch: an update after every {tr.batch_size} samples, in {order}"
    if tr.momentum:
        mode += f"; momentum μ = {fmt_number(tr.momentum, DIGITS)} (v ← μ·v − η·g, W ← W + v)"
    w.heading(2, "Setup")
    w.out += [
        f"- Network: {' → '.join(sizes)} units, {sc.convention} convention ({formula})",
        f"- Loss: {make_loss(sc.training.loss).text}, loss = {d.timeline.net.loss.formula}"
        + (f", reduction {sc.training.reduction}" if sc.samples > 1 else ""),
        f"- Learning rate: η = {fmt_number(sc.training.learning_rate, DIGITS)}; {mode}",
        "",
    ]
    w.heading(2, "Initial values")
    params = d.params_values()
    for l in range(1, sc.depth + 1):
        parts = [f"{_name(f'W{l}', w.tex)} = {_array_text(params[f'W{l}'], w.tex)}"]
        if params[f"b{l}"] is not None:
            parts.append(f"{_name(f'b{l}', w.tex)} = {_array_text(params[f'b{l}'], w.tex)}")
        sep = r", \quad " if w.tex else ", "
        w.out.append("- " + w.math(sep.join(parts)))
    w.out.append("")


def _pass_heading(w: _Writer, sc: Scenario, d: Debugger, pos: Position) -> None:
    where = (
        f"Epoch {pos.epoch}, whole batch"
        if sc.training.mode == BATCH
        else f"Epoch {pos.epoch}, {pos.unit} {pos.sample} of {pos.samples}"
    )
    w.heading(2, where)
    vals = d.values()
    a0, t = _array_text(vals["a0"], w.tex), _array_text(vals["t"], w.tex)
    w.para(f"Input {w.math(_name('a0', w.tex) + ' = ' + a0)}, target {w.math('t = ' + t)}.")


def handout(scenario: Scenario, *, steps: int | None = None, param: str | None = None, tex: bool = True) -> str:
    """Walk ``steps`` micro-steps from the start (default one pass) and write what each computed."""
    d = Debugger(scenario)
    n = d.layout.per_pass if steps is None else int(steps)
    if not 0 <= n <= MAX_STEPS:
        raise ValueError(f"--steps must be between 0 and {MAX_STEPS}, not {steps}")
    if param is not None:
        derive_parameter(d, param)  # a bad name fails before anything is written
    w = _Writer(tex)
    w.heading(1, file_text(scenario.title, tex))
    description, source = file_text(scenario.description, tex), file_text(scenario.source, tex)
    if description:
        w.para(description)
    if source:
        w.para(f"Source: {source}")
    _setup(w, scenario, d)
    phase, item = "", 0
    for _ in range(n):
        outcome = d.step()
        pos = d.position
        if not outcome.moved:
            w.para(f"Stopped: {outcome.message}")
            break
        if pos.k == 1:
            _pass_heading(w, scenario, d, pos)
            phase = ""
        if pos.phase != phase:
            phase, item = pos.phase, 0
            w.heading(3, PHASES[phase])
        item += 1
        derivation: Derivation = derive_step(d, input_gradient=False)  # as the seeds: no da0
        step = f"**{pos.step}**" if tex else pos.step
        w.item(item, f"{step} — {_describe_step(scenario, pos)}")
        w.equations(derivation.lines)
        if outcome.diverged:
            w.para(f"Stopped: {outcome.message}")
            break
    if param is not None:
        chain = derive_parameter(d, param)
        w.heading(2, f"The chain rule for {param}")
        w.para(
            f"Every path from the loss back to {param}, one factor per edge and activation, "
            f"at epoch {d.position.epoch}, sample {d.position.sample}, after {d.position.step}."
        )
        w.equations(chain.lines, indent="")
    return w.text()
