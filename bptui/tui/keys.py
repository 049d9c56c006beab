"""The key table of SPEC 6: one list feeds the App's bindings, the footer, help and the palette."""

from __future__ import annotations

from textual.binding import Binding

COMMANDS: list[Binding] = [
    Binding("n,right,space", "step", "Next", key_display="n"),
    Binding("p,left,backspace", "step_back", "Back", key_display="p"),
    Binding("f", "finish_pass", "Pass"),
    Binding("s", "finish_sample", "Sample"),
    Binding("e", "finish_epoch", "Epoch"),
    Binding("r", "run", "Run"),
    Binding("c", "continue", "Continue"),
    Binding("u", "undo", "Undo"),
    Binding("U", "redo", "Redo", key_display="U", show=False),
    Binding("home", "home", "Start", show=False),
    Binding("l", "toggle_log", "Log scale", show=False),
    Binding("plus", "digits(1)", "More digits", key_display="+", show=False),
    Binding("minus", "digits(-1)", "Fewer digits", key_display="-", show=False),
    Binding("z", "zoom", "Zoom", show=False),
    Binding("escape", "stop", "Stop run", show=False),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("enter", "pin", "Pin chain", key_display="⏎"),
    Binding("g", "gradient_check", "Grad check"),
    Binding("i", "about", "About", show=False),
    Binding("left_square_bracket", "batch_sample(-1)", "Prev sample", key_display="[", show=False),
    Binding("right_square_bracket", "batch_sample(1)", "Next sample", key_display="]", show=False),
    Binding("o", "open_file", "Open", show=False),
    Binding("ctrl+r", "reload_file", "Reload", key_display="^r", show=False),
    Binding("ctrl+s", "save_file", "Save", key_display="^s", show=False),
    Binding("P", "predict_mode", "Predict", key_display="P"),
    Binding("equals_sign", "edit", "Edit", key_display="="),
    Binding("N", "notation", "Notation", key_display="N", show=False),
    Binding("b", "breakpoints", "Breakpoints"),
    Binding("k", "checkpoints", "Checkpoints", show=False),
    Binding("x", "explain", "Why diverged", show=False),
    Binding("q", "quit", "Quit"),
]

HELP: dict[str, str] = {
    "step": "next micro-step",
    "step_back": "step back one micro-step",
    "finish_pass": "finish the current pass (forward or backward)",
    "finish_sample": "finish the current sample (through update)",
    "finish_epoch": "finish the current epoch",
    "run": "run N epochs (asks for N); escape stops a run",
    "continue": "continue to the next [[expect]] checkpoint or the end of the file's epochs",
    "undo": "undo the last command (a whole run is one command)",
    "redo": "redo the command undone",
    "home": "back to the start (undoable)",
    "pin": "Chain rule pane: pin (or unpin) the parameter selected in the Inspector (←/→)",
    "gradient_check": "toggle a gradient check of the selected layer: backprop next to central differences",
    "toggle_log": "loss plot: toggle a logarithmic y axis",
    "digits(1)": "more digits in every pane (4, 6, 8, all)",
    "digits(-1)": "fewer digits in every pane",
    "zoom": "zoom: the current pane fills the screen (again to go back); tab moves between panes",
    "stop": "stop a run or continue under way; unpin the Chain rule pane",
    "about": "about the scenario: title, description, source, learning rate, loss, mode, convention",
    "batch_sample(-1)": "batch and minibatch modes, Network pane: draw the previous sample of the batch (or the mean)",
    "batch_sample(1)": "batch and minibatch modes, Network pane: draw the next sample of the batch (or the mean)",
    "open_file": "open a scenario: the bundled ones and the *.toml files of this folder (or type a path)",
    "reload_file": "reload the current file from disk, back at the start (a bad file keeps the current state)",
    "save_file": "save the weights and settings here as a new scenario file that starts from them",
    "help": "this help",
    "predict_mode": "predict mode on/off: each step (n) first asks for a value it computes; score in the status line",
    "edit": "edit the selected weight or bias (or an input a0[i], target t[i], learning_rate) here; u undoes it",
    "notation": "the notation legend: a0 = x, a1 = h, … and this scenario's own names",
    "breakpoints": "breakpoints: list, add (loss < x, inf/nan, ‖grad‖ > x, epoch N, sample N, dead relu, failed check)",
    "checkpoints": "the [[expect]] checkpoints: ✓ held, ✗ failed (expected vs actual), · not reached",
    "explain": "explain a divergence here: the operation that overflowed, the weights' growth, a learning rate to try",
    "quit": "quit (asks first when there are unsaved edits)",
}

NAVIGATION: list[tuple[str, str]] = [
    ("tab, shift+tab", "move between panes (one pane at a time below 100×30)"),
    ("↑ ↓", "choose the layer (Network, Inspector); scroll (Chain rule)"),
    ("← →", "Inspector: choose a parameter element (W, then b) for ⏎ and the chain rule"),
    ("pgup pgdn", "scroll the focused pane"),
    ("ctrl+p", "command palette: every command by name"),
]

_GLYPHS = {
    "right": "→",
    "left": "←",
    "backspace": "⌫",
    "question_mark": "?",
    "escape": "esc",
    "enter": "⏎",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def keys_of(binding: Binding) -> str:
    """All keys of a binding as people read them, e.g. ``n → space``."""
    return " ".join(_GLYPHS.get(k, k) for k in binding.key.split(","))
