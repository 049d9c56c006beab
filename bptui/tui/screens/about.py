"""The ``i`` screen: what the scenario is (title, description, source) and how it trains.

A scenario file is someone else's data: every text from it goes through ``printable`` (control
characters shown, never obeyed), with its newlines kept so a description reads as written.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from bptui.engine import Scenario
from bptui.printable import printable

from .dialog import Dialog

TEXT_LIMIT = 20_000  # characters of a description shown (the rest is counted, not dropped silently)


def architecture(sc: Scenario) -> str:
    """``3 → 4 relu → 1 identity``."""
    return " → ".join([str(sc.inputs)] + [f"{l.units} {printable(l.activation, 40)}" for l in sc.layers])


def about_text(sc: Scenario) -> Content:
    t = sc.training
    rows = [
        ("network", architecture(sc)),
        ("learning rate", f"{t.learning_rate:g}"),
        ("loss", f"{printable(t.loss, 60)} ({printable(t.reduction, 20)} over the samples)"),
        ("mode", f"{printable(t.mode, 20)} · {sc.samples} samples · {t.epochs} epochs by default"),
        *(
            [("test", f"{sc.test_samples} samples held out (test accuracy in the Loss pane)")]
            if sc.test_samples
            else []
        ),
        (
            "convention",
            printable(sc.convention, 20)
            + (" (W is inputs × units, x·W)" if sc.convention == "row" else " (W is units × inputs, W·x)"),
        ),
        ("source", printable(sc.source, TEXT_LIMIT, keep_newlines=True) or "—"),
    ]
    if sc.path is not None:
        rows.append(("file", printable(sc.path, 400)))
    width = max(len(k) for k, _ in rows)
    lines = [Content.assemble((printable(sc.title, 400), "bold $text-accent")), Content("")]
    description = printable(sc.description.strip(), TEXT_LIMIT, keep_newlines=True)
    if description:
        lines += [Content(line) for line in description.splitlines()] + [Content("")]
    lines += [Content.assemble((f"{k:<{width}}", "bold"), "  ", v) for k, v in rows]
    lines.append(Content.assemble(("\nescape, i or q closes this screen", "$text-muted")))
    return Content("\n").join(lines)


class AboutScreen(Dialog[None]):
    DEFAULT_CSS = """
    AboutScreen {
        align: center middle;
    }
    #about {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,i,q", "dismiss", "Close", show=False)]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="about") as box:
            box.border_title = "About this scenario"
            yield Static(about_text(self.scenario), markup=False)
