"""A long lesson stays bounded: what the undo history keeps (issue 10's leak hunt, second round).

An edit (``=``) starts a branch: a Timeline with its own history and a copy of the data. An edit
at or before the start of an earlier one replaces it, and the undo list kept the replaced branch
for undo, without end (edit, home, edit again...: on digits 5.8 MiB an edit). The undo history now
keeps the branches of as many edits as may be in effect at once (``edit_limit``), forgetting its
oldest commands first; what it keeps still undoes exactly. Checked by the Timelines alive, not bytes.
"""

from __future__ import annotations

import gc

from bptui.engine import Debugger
from bptui.engine import debugger as debugger_module
from bptui.engine import edit as edit_module
from bptui.engine.network import initial_params
from bptui.engine.timeline import Timeline
from bptui.tui import BptuiApp

from .conftest import streetlight

EDITS = 6
LIMIT = 2  # edits in effect at once (MAX_EDITS, 16 on a small net, made 2 to keep the test short)


def timelines_alive() -> int:
    gc.collect()
    return sum(isinstance(o, Timeline) for o in gc.get_objects())


async def test_replaced_edits_are_forgotten_oldest_first_and_the_rest_undo_exactly(monkeypatch):
    monkeypatch.setattr(edit_module, "MAX_EDITS", LIMIT)
    sc = streetlight()
    app = BptuiApp(sc)
    start = float(initial_params(sc).W[0][0, 0])
    async with app.run_test(size=(120, 40)) as pilot:
        base = timelines_alive()  # the scenario's own
        dbg = app.debugger
        for k in range(1, EDITS + 1):  # each edit at the start replaces the one before it
            await pilot.press("equals_sign")
            await pilot.pause()
            assert app.screen.query_one("#edit-name").value == "W1[0,0]"
            await pilot.press(str(k), "enter")
            await pilot.pause()
            assert dbg.params_values()["W1"][0, 0] == k
        await pilot.press("n")  # a move after the edits
        # before: every replaced branch stayed (EDITS + 1 timelines, the scenario's own included)
        assert timelines_alive() - base <= LIMIT
        assert len(dbg._undo) <= LIMIT + 1
        # what is kept undoes exactly: the step, then the edits from the newest back
        await pilot.press("u")
        assert dbg.g == 0
        undone = []
        while dbg.can_undo():
            await pilot.press("u")
            undone.append(float(dbg.params_values()["W1"][0, 0]))
        assert undone and undone == [float(k) for k in range(EDITS - 1, EDITS - 1 - len(undone), -1)]
        assert start not in undone  # the oldest edits (and the start they replaced) were forgotten


def test_the_undo_history_keeps_the_newest_commands_and_they_undo_exactly(monkeypatch):
    monkeypatch.setattr(debugger_module, "UNDO_DEPTH", 5, raising=False)  # (absent before the bound)
    dbg = Debugger(streetlight())
    for _ in range(8):  # eight moves of one micro-step: positions 0..7 to go back to
        assert dbg.step().moved
    assert dbg._undo == [3, 4, 5, 6, 7]  # the newest five (before: all eight, without end)
    while dbg.can_undo():
        assert dbg.undo().moved
    assert dbg.g == 3  # as far back as the history reaches
    assert dbg.redo().moved and dbg.g == 4
