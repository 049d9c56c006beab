"""The Chain rule pane wraps a long equation with its continuation rows indented.

Without the indent, the tail of ``dW2[0,0] = … = dz2 ·`` wrapped as ``a1[0] = (−0.6081) × 0 = 0``
reads as an equation of its own (and a wrong one: a1[0] is not that product).
"""

from __future__ import annotations

from textual.content import Content

from bptui.tui.widgets.chain_rule import INDENT, hanging

LINE = "dW2[0,0] = ∂loss/∂z2 · ∂z2/∂W2[0,0] = dz2 · a1[0] = (−0.6081) × 0 = 0"


def test_continuation_rows_are_indented_and_keep_every_word() -> None:
    for width in range(16, len(LINE) + 1):  # every word fits a row (narrower folds words)
        rows = [r.plain for r in hanging(Content(LINE), width)]
        assert all(len(r) <= width for r in rows), (width, rows)
        assert all(r.startswith(INDENT) and not r.startswith(INDENT + " ") for r in rows[1:]), rows
        assert not rows[0].startswith(" ")
        assert " ".join(r.strip() for r in rows).split() == LINE.split()


def test_a_line_that_fits_is_left_alone() -> None:
    assert [r.plain for r in hanging(Content(LINE), len(LINE))] == [LINE]
    assert [r.plain for r in hanging(Content(""), 10)] == [""]
