"""Files in the TUI (issue 9): open (o) and reload (ctrl+r); saving is in test_save.py.

Every prompt is also given wrong input: a clear message, and the app's scenario, Debugger and
position untouched.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList
from textual.widgets import Input, OptionList

from bptui.scenario import bundled, load_scenario
from bptui.tui import BptuiApp
from bptui.tui.screens.confirm import ConfirmDialog
from bptui.tui.screens.help import HelpScreen
from bptui.tui.screens.open_file import OpenFile
from bptui.tui.screens.save_file import SaveDialog

from .conftest import Recorder, error_of, press_each, streetlight_file, until

SIZES = [(80, 24), (100, 30), (120, 40)]


def status(app: BptuiApp) -> str:
    return app.query_one("#status").render().plain


def visible_titles(app: BptuiApp) -> set[str]:
    return {p.border_title for p in app.query(".pane") if p.display and p.region.area}


async def choose(app: BptuiApp, pilot, name: str) -> None:
    """Highlight the picker's entry ``name`` and press enter."""
    picker = app.screen
    assert isinstance(picker, OpenFile)
    index = [e.name for e in picker.entries].index(name)
    options = picker.query_one(OptionList)
    options.highlighted = options.get_option_index(f"entry-{index}")
    await press_each(pilot, "enter")


# --- o: the picker ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_open_lists_bundled_and_local_files_and_replaces_the_scenario(folder, size):
    app = streetlight_file()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n", "n", "tab", "down")
        old = app.debugger
        await press_each(pilot, "o")
        picker = app.screen
        assert isinstance(picker, OpenFile)
        names = [e.name for e in picker.entries]
        assert names[: len(bundled())] == [n for n, _ in bundled()]
        assert names[len(bundled()) :] == ["bad.toml", "evil.toml", "lesson.toml"]  # *.toml only, sorted
        lesson = next(e for e in picker.entries if e.name == "lesson.toml")
        assert lesson.title == "XOR in batch mode" and lesson.description.startswith("The classic problem")
        assert picker.query_one("#open-file").region.right <= size[0]  # the dialog fits the screen
        await choose(app, pilot, "lesson.toml")
        assert not isinstance(app.screen, OpenFile)
        assert app.scenario.path == folder / "lesson.toml" and app.scenario.title == "XOR in batch mode"
        assert app.debugger is not old and app.debugger.scenario is app.scenario and app.debugger.g == 0
        assert (app.selected_layer, app.element, app.pinned) == (1, 0, None)
        assert "XOR in batch mode" in status(app) and "start (0/6)" in status(app)
        assert len(app.query("#inspector")) == 1  # the panes were built again, for the new scenario
        assert app.query_one("#inspector").activations == ("tanh", "sigmoid")
        if size[0] >= 100 and size[1] >= 30:
            assert visible_titles(app) == {"Network", "Inspector", "Chain rule", "Loss"}
        else:
            assert visible_titles(app) == {"Network"}
        await pilot.press("n")
        assert app.debugger.g == 1 and "forward 1 (1/6)" in status(app)
        await press_each(pilot, "tab")
        assert app.focused.id == "inspector"


async def test_open_a_bad_file_says_why_and_keeps_the_current_scenario(folder):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n")
        scenario, debugger, state = app.scenario, app.debugger, app.state
        await press_each(pilot, "o")
        await choose(app, pilot, "bad.toml")
        assert isinstance(app.screen, OpenFile)  # still open: choose another or escape
        message = error_of(app, "#open-error")
        assert message.startswith("refused: ") and "bad.toml" in message and "layers" in message
        assert "\n" not in message
        await pilot.press("escape")
        assert not isinstance(app.screen, OpenFile)
        assert (app.scenario, app.debugger, app.state, app.debugger.g) == (scenario, debugger, state, 3)


async def test_open_by_typed_path_and_wrong_paths(folder):
    app = streetlight_file()
    async with app.run_test(size=(100, 30)) as pilot:
        scenario = app.scenario
        await press_each(pilot, "o")
        await pilot.press("tab")  # list → path input
        assert isinstance(app.focused, Input)
        await pilot.press("enter")
        assert "type a path" in error_of(app, "#open-error")
        for wrong, says in [("missing.toml", "no such file"), (".", "directory"), ("notes.txt", "not valid TOML")]:
            app.focused.value = wrong
            await pilot.press("enter")
            assert isinstance(app.screen, OpenFile), wrong
            assert says in error_of(app, "#open-error"), wrong
        assert app.scenario is scenario and app.debugger.g == 0
        app.focused.value = "sigmoid_221"  # a bundled name works too
        await press_each(pilot, "enter")
        assert app.scenario.title == "2-2-1 sigmoid network, column convention"


async def test_the_picker_shows_a_hostile_title_escaped(folder):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_each(pilot, "o")
        picker = app.screen
        evil = next(e for e in picker.entries if e.name == "evil.toml")
        assert evil.title == "evil \x1b[2J\x07 title"  # the file's own text…
        index = [e.name for e in picker.entries].index("evil.toml")
        shown = str(picker.query_one(OptionList).get_option(f"entry-{index}").prompt)
        assert "\\x1b[2J\\x07" in shown and "\x1b" not in shown and "\x07" not in shown  # …shown escaped
        await choose(app, pilot, "evil.toml")
        assert "\x1b" not in status(app) and "\\x1b" in status(app)
        assert "\x1b" not in app.title


async def test_the_picker_marks_a_toml_file_that_is_not_a_scenario(folder):
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n')
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_each(pilot, "o")
        entry = next(e for e in app.screen.entries if e.name == "pyproject.toml")
        assert entry.note == "no title: probably not a scenario"
        await choose(app, pilot, "pyproject.toml")
        assert isinstance(app.screen, OpenFile) and "title" in error_of(app, "#open-error")


async def test_open_is_refused_while_a_run_is_under_way(folder):
    app = streetlight_file()
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        app.busy = "run"
        for key in ("o", "ctrl+r", "ctrl+s"):
            await pilot.press(key)
            assert not app._modal(), key
        assert rec.text().count("a run is under way") == 3
        app.busy = None


# --- ctrl+r: reload ---------------------------------------------------------------------------------


async def test_reload_reads_the_file_again_and_a_bad_edit_keeps_the_state(folder):
    path = folder / "lesson.toml"
    app = BptuiApp(load_scenario(path))
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")
        path.write_text(path.read_text().replace("learning_rate = 1.0", "learning_rate = 0.5"))
        await press_each(pilot, "ctrl+r")
        assert app.scenario.training.learning_rate == 0.5 and app.debugger.g == 0
        assert "reloaded" in rec.text() and "back at the start" in rec.text()
        await pilot.press("n", "n")
        scenario, debugger, state = app.scenario, app.debugger, app.state
        path.write_text(path.read_text().replace("learning_rate = 0.5", "learning_rate = -1"))
        await press_each(pilot, "ctrl+r")
        assert (app.scenario, app.debugger, app.state, app.debugger.g) == (scenario, debugger, state, 2)
        last, severity = rec.messages[-1]
        assert severity == "error" and last.startswith("not reloaded, the current state is kept: ")
        assert "learning_rate" in last and "\n" not in last
        path.unlink()
        await pilot.press("ctrl+r")
        assert app.scenario is scenario and "no such file" in rec.messages[-1][0]


async def test_reload_of_a_scenario_built_in_code_says_there_is_no_file(scenario):
    app = BptuiApp(scenario)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        assert app.scenario is scenario and "nothing to reload" in rec.text()


# --- open with unsaved edits ----------------------------------------------------------------------------


async def test_open_with_unsaved_edits_asks_first(folder):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        app.edits_unsaved = True
        await press_each(pilot, "o")
        assert isinstance(app.screen, ConfirmDialog)
        await press_each(pilot, "n")
        assert not app._modal()
        await press_each(pilot, "o", "y")
        assert isinstance(app.screen, OpenFile)
        await choose(app, pilot, "lesson.toml")
        assert app.scenario.title == "XOR in batch mode" and not app.has_unsaved_edits()


# --- discoverable -------------------------------------------------------------------------------------


async def test_help_and_palette_list_the_file_commands(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ["Open (o)", "Reload (ctrl+r)", "Save (ctrl+s)"]:
            assert title in titles, title
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help Static").render())
        for keys in ["o ", "ctrl+r", "ctrl+s", "open a scenario", "reload the current file", "save the weights"]:
            assert keys in text, keys


@pytest.mark.parametrize("typed, screen", [("Save (", SaveDialog), ("Open (", OpenFile)])
async def test_the_palette_runs_the_file_commands(folder, typed, screen):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*typed)
        results = app.screen.query_one(CommandList)

        def found() -> bool:
            """the palette's search highlights the command typed"""
            at = results.highlighted
            return at is not None and str(results.get_option_at_index(at).prompt).startswith(typed)

        await until(pilot, found)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, screen))
