"""The Notation legend (``N``): what each value name means, as textbooks write it, and the file's own names."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from bptui.engine import Scenario
from bptui.printable import printable

from .dialog import Dialog


def legend_rows(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(name, meaning, how textbooks write it) for every kind of value of this network."""
    L = scenario.depth
    hidden = "a1" if L == 2 else f"a1…a{L - 1}"
    rows = [
        ("a0", "the input sample (a batch: one row or column per sample)", "x"),
        (f"a{L}", "the output: f(z) of the last layer", "y, ŷ, o"),
    ]
    if L > 1:
        rows.insert(1, (hidden, "activations of the hidden layers: f(z)", "h"))
    rows += [
        ("t", "the target of the sample", "y, t, target"),
        (
            "W{l}, b{l}",
            f"weights and bias of layer l ({scenario.convention} convention: "
            + ("z = a·W + b" if scenario.convention == "row" else "z = W·a + b")
            + ")",
            "w, θ",
        ),
        ("z{l}", "pre-activation of layer l", "net, s"),
        ("a{l}", "activation of layer l: f(z{l})", "out, h"),
        ("loss", f"the loss ({scenario.training.loss.replace('_', ' ')})", "E, L, C, J"),
        ("da{l}", "∂loss/∂a{l}; da0 is the gradient with respect to the input", "∂E/∂x for da0"),
        ("dz{l}", "∂loss/∂z{l}, the error signal of layer l", "δ{l}"),
        ("dW{l}, db{l}", "∂loss/∂W{l}, ∂loss/∂b{l}: the true gradients (update subtracts η·dW)", "∇W, ∂E/∂w"),
        ("η", f"the learning rate ({scenario.training.learning_rate:g} in this file)", "α, lr"),
        ("f′", "the derivative of the activation function", "σ′, relu′"),
    ]
    if scenario.training.momentum:
        rows += [
            ("μ", f"the momentum ({scenario.training.momentum:g} in this file)", "β, γ"),
            ("vW{l}, vb{l}", "velocities: v ← μ·v − η·dW, then W ← W + v", "momentum buffer"),
        ]
    return rows


def legend_text(scenario: Scenario) -> Content:
    rows = legend_rows(scenario)
    width = max(len(n) for n, _, _ in rows)
    lines = [
        Content.assemble(
            (f"{'name':<{width}}", "bold"), "  ", ("meaning", "bold"), "  ", ("(often written)", "$text-muted")
        )
    ]
    for name, meaning, often in rows:
        lines.append(
            Content.assemble(
                (f"{name:<{width}}", "bold $text-accent"),
                "  ",
                meaning,
                ("  (" + often + ")" if often else "", "$text-muted"),
            )
        )
    if scenario.names:
        lines.append(Content.assemble(("\nThis scenario's names", "bold")))
        for name, label in scenario.names.items():
            lines.append(Content.assemble((f"{name:<{width}}", "bold $text-accent"), "  ", printable(label, 24)))
    lines.append(Content.assemble(("\nescape, N or q closes this legend", "$text-muted")))
    return Content("\n").join(lines)


class NotationScreen(Dialog[None]):
    BINDINGS = [Binding("escape,N,q", "dismiss", "Close", show=False)]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="notation") as box:
            box.border_title = "Notation"
            yield Static(legend_text(self.scenario), markup=False)
