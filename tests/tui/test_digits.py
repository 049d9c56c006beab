"""The digits scenario in the TUI: 64 inputs drawn as an 8×8 image, the classes 0–9 with the
predicted one marked, and the test accuracy beside the loss."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bptui.engine import Debugger
from bptui.scenario import load_scenario
from bptui.tui import BptuiApp
from bptui.tui.formatting import cell_text, significant_format
from bptui.tui.widgets.netimage import image_rows, image_side
from bptui.tui.widgets.network import NetworkPane

from .conftest import pane_text, steps

DIGITS = Path(__file__).resolve().parents[2] / "scenarios" / "digits.toml"


def image_cells(app) -> list[list[tuple[str, str]]]:
    """The picture's cells that hold the input image (the caption rows, left)."""
    canvas, geo = app.query_one(NetworkPane).picture(app.state)
    return [canvas.cells[y][:8] for y in range(geo.height - 4, geo.height)]


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


async def test_digits_opens_steps_and_shows_sample_image_prediction_and_accuracy():
    sc = load_scenario(DIGITS)
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("]", "f")  # sample 1 of the batch; the forward pass
        await pilot.pause()
        assert app.debugger.position.step == "loss"
        net = pane_text(app, "network")
        first = int(np.random.RandomState([0, 1]).permutation(sc.samples)[0])  # the batch's first sample
        assert f"sample 1/32 (data sample {first + 1})" in net and "⋮" in net and "more" in net  # 64 inputs summarised
        want = image_rows(sc.data_inputs[first], 8)  # that digit, in shades
        assert image_cells(app) == [[(ch, style) for ch, style in row] for row in want]
        reference = Debugger(sc)
        reference.goto(app.debugger.g)
        a2 = reference.values()["a2"][:, 0]  # column convention: (units, samples)
        guess = int(np.argmax(a2))
        assert f"predicted {guess}, target {int(np.argmax(sc.data_targets[first]))}" in net
        assert f"{guess}◂ t" in net  # the predicted class marked beside its output
        acc = reference.accuracy()
        assert f"test {percent(acc.test)} · train {percent(acc.train)}" in pane_text_loss(app)
        await pilot.press("r", *"\b\b\b2", "enter")  # run 2 epochs
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.debugger.g == 2 * 45 * 6 and len(app.state.losses) == 2  # to the end of epoch 2 (45 batches)
        reference.run(2)
        acc = reference.accuracy()
        assert acc.epoch == 2
        assert f"test {percent(acc.test)} · train {percent(acc.train)}" in pane_text_loss(app)


def pane_text_loss(app) -> str:
    from textual.widgets import Static

    return str(app.query_one("#loss").query_one("#running", Static).content)


async def test_keys_on_the_64_input_inspector_and_chain_rule_stay_usable():
    app = BptuiApp(load_scenario(DIGITS))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n", "n", "n")  # through backward 1: dW1 is 16×64
        await pilot.pause()
        assert app.debugger.position.step == "backward 1"
        await pilot.press("tab", "right", "right")  # the Inspector: W1[0,2] (unit 0, input 2 of 64)
        await pilot.pause()
        assert app.state.selection.name == "W1[0,2]"
        assert "dW1[0,2]" in pane_text(app, "chain-rule")
        await pilot.press("enter")  # pin its chain: from the loss back through 10 outputs
        await pilot.pause()
        assert app.pinned == "W1[0,2]"
        assert "∂" in pane_text(app, "chain-rule")


def test_only_square_inputs_of_8_to_16_make_an_image():
    assert [image_side(n) for n in (4, 16, 49, 64, 100, 256, 784, 63)] == [0, 0, 0, 8, 10, 16, 0, 0]
    rows = image_rows(np.linspace(0, 1, 64), 8)
    assert len(rows) == 4 and all(len(r) == 8 for r in rows)
    assert rows[0][0] == ("▀", "#000000 on #202020")  # pixel 0 (0.0) above pixel 8 (8/63 → 32)
    ascii_rows = image_rows(np.linspace(0, 1, 64), 8, ascii_only=True)
    assert ascii_rows[-1][0][0][-1] == "@" and ascii_rows[0][0][0][0] == "."  # max(0, 8/63) of ten shades


def test_digits_snapshot(snap_compare):
    """The digits network at 120×40 after the forward pass of sample 1."""
    app = BptuiApp(load_scenario(DIGITS))
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("bracketright", "f"))


def test_significant_cells_round_to_the_digits_asked():
    for x in (0.0625, -0.0447845, 0.7555123, -1.23456e-5, 123456.7, 1e300, -0.00078961):
        for digits in (4, 6, 8):
            text = cell_text(x, significant_format(digits))
            assert float(text) == float(f"{x:.{digits - 1}e}")  # the value rounded to `digits` significant digits
            assert not text.endswith(".") and "e+" not in text and "e-0" not in text
    assert significant_format(17) == "repr"


async def test_the_wide_digits_inspector_shows_four_columns_of_four_significant_digits():
    sc = load_scenario(DIGITS)
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("]", "f")
        await pilot.pause()
        lines = pane_text(app, "inspector").splitlines()
        reference = Debugger(sc)
        reference.goto(app.debugger.g)
        a0 = reference.values()["a0"]  # 64×32: input i of each sample of the batch
        first = lines[lines.index(next(ln for ln in lines if ln.startswith("a0 "))) + 1]
        assert first.split()[:-1] == [cell_text(x, significant_format(4)) for x in a0[0, :4]] and first.endswith("…")
