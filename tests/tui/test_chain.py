"""Selecting a parameter pins its chain rule; g toggles a gradient check of the selected layer."""

from __future__ import annotations

from bptui.engine.formulas import fmt_number
from bptui.tui import BptuiApp

from .conftest import pane_text


async def test_selecting_a_weight_shows_its_chain_ending_in_the_engines_gradient(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "f", "tab")  # a full pass: forward, then loss and backward
        assert app.focused.id == "inspector"
        assert "dW1[0,0] = ∂loss/∂z1[0]" in pane_text(app, "chain-rule")
        await pilot.press("right")  # W1[0,0] → W1[0,1] (row convention: inputs × units)
        assert app.selected_parameter() == "W1[0,1]"
        step_chain = pane_text(app, "chain-rule")  # the step's derivation follows the selection
        assert "dW1[0,1] = ∂loss/∂z1[1]" in step_chain and "dW1[0,0] =" not in step_chain
        assert app.debugger.g == 5  # ← and → choose the element here, they do not step
        assert "▸" in pane_text(app, "inspector")
        await pilot.press("enter")
        text = pane_text(app, "chain-rule")
        assert text.startswith("∂loss/∂W1[0,1]")
        last = [l for l in text.splitlines() if l.startswith("dW1[0,1] = ")][-1]
        assert last.startswith("dW1[0,1] = " + fmt_number(app.debugger.values()["dW1"][0, 1]))
        chain = app.state.explanation.lines[0]  # the pane wraps it to its width
        assert chain.startswith("∂loss/∂W1[0,1] =") and chain.endswith(
            "= " + fmt_number(app.debugger.values()["dW1"][0, 1])
        )
        assert "".join(text.split()).find("".join(chain.split())) > 0
        await pilot.press("n")  # the pin follows the steps
        assert pane_text(app, "chain-rule").startswith("∂loss/∂W1[0,1]")
        await pilot.press("p", "escape")
        assert pane_text(app, "chain-rule") == step_chain


async def test_gradient_check_after_backward_1_and_toggling_it_off(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        assert "run backward 1 first" in pane_text(app, "chain-rule")
        await pilot.press("g", "f", "f")  # backward 1 done, before the update
        before = pane_text(app, "chain-rule")
        await pilot.press("g")
        text = pane_text(app, "chain-rule")
        assert "gradient check · layer 1" in text
        table = text.split("gradient check · layer 1")[1]
        rows = [l for l in table.splitlines() if l.startswith("dW1[")]
        assert len(rows) == 12
        for row in rows:
            assert float(row.split()[3]) < 1e-6, row
        assert "✗" not in text
        await pilot.press("tab", "down")  # layer 2: checked too
        table = pane_text(app, "chain-rule").split("gradient check · layer 2")[1]
        assert sum(l.startswith("dW2[") for l in table.splitlines()) == 4
        await pilot.press("up", "g")
        await pilot.pause()
        assert pane_text(app, "chain-rule") == before
