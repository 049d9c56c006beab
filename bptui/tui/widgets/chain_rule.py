"""The Chain rule pane: what the current micro-step computed, symbols first, then the numbers.

The derivation itself is the engine's (``bptui.engine.derivation``); ``bptui.tui.explain`` asks for it on the
App's side, where the Debugger lives, and the pane only shows the lines it produced.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from ..state import GradCheck, State
from .lines import LinesView
from .pane import Pane

MAX_ROWS = 64  # gradient-check rows drawn; the rest are summarised
INDENT = "  "  # before a wrapped line's continuation rows


def hanging(line: Content, width: int) -> list[Content]:
    """``line`` wrapped to ``width`` with its continuation rows indented, so that the tail of a long
    equation (``… = dz2 ·`` / ``a1[0] = …``) never reads as an equation of its own."""
    rows = line.wrap(width)
    if len(rows) <= 1 or width <= 2 * len(INDENT):
        return rows or [line]
    rows = line.wrap(width - len(INDENT))
    return [rows[0], *(Content(INDENT) + row for row in rows[1:])]


class ChainRulePane(Pane):
    TITLE = "Chain rule"
    BINDINGS = [
        Binding("up", "scroll_line(-1)", "Scroll up", show=False),
        Binding("down", "scroll_line(1)", "Scroll down", show=False),
    ]

    def action_scroll_line(self, delta: int) -> None:
        self.query_one(LinesView).scroll_lines(delta)

    def body(self, state: State) -> list[Content]:
        """The lines, wrapped here to the pane's width so that unchanged rows are not repainted."""
        width = self.scrollable_content_region.width
        if not width:  # not laid out yet: on_resize draws
            return []
        return [row for line in self.lines(state) for row in hanging(line, width)]

    def lines(self, state: State) -> list[Content]:
        ex = state.explanation
        lines = [Content.assemble((ex.title, "bold $text-accent"))]
        lines += [Content(line) for line in ex.lines]
        if state.pinned:
            lines.append(Content.assemble(("pinned: enter or escape goes back to the step", "$text-muted")))
        for check in state.checks:
            lines.append(
                Content.assemble(
                    ("✓ " if check.ok else "✗ ", "bold " + ("$text-success" if check.ok else "$text-error")),
                    check.describe(),
                )
            )
        if state.gradcheck is not None:
            lines += self.gradcheck_lines(state.gradcheck)
        return lines

    @staticmethod
    def gradcheck_lines(gc: GradCheck) -> list[Content]:
        """The gradient check as a table: backprop, central differences, relative error, flag."""
        from bptui.engine.gradcheck import TOLERANCE

        head = Content.assemble((f"gradient check · layer {gc.layer} (g hides it)", "bold $text-accent"))
        if gc.note:
            return [Content(""), head, Content.assemble((gc.note, "$text-warning"))]
        width = max([len(r.name) for r in gc.rows] + [7])
        lines = [
            Content(""),
            head,
            Content.assemble((f"{'':<{width}}  {'backprop':>12}  {'numeric':>12}  {'rel err':>8}", "$text-muted")),
        ]
        rows = list(gc.rows)
        if len(rows) > MAX_ROWS:  # flagged elements first, so none is ever hidden
            rows = ([r for r in rows if r.flag != "ok"] + [r for r in rows if r.flag == "ok"])[:MAX_ROWS]
        for r in rows:
            flag = {
                "ok": ("✓", "$text-success"),
                "bad": ("✗", "bold $text-error"),
                "kink": ("~ relu kink, skipped", "$text-muted"),
            }[r.flag]
            lines.append(
                Content.assemble(f"{r.name:<{width}}  {r.analytic:>12.6g}  {r.numeric:>12.6g}  {r.rel:>8.1e} ", flag)
            )
        if len(rows) < len(gc.rows):
            lines.append(
                Content.assemble(
                    (f"… {len(gc.rows) - len(rows)} more elements, all within the tolerance", "$text-muted")
                )
            )
        verdict = ("✓", "$text-success") if gc.worst <= TOLERANCE else ("✗", "bold $text-error")
        lines.append(Content.assemble(verdict, f" worst relative error {gc.worst:.1e} (flagged above {TOLERANCE:g})"))
        return lines
