"""The bptui App: owns the Debugger, performs commands, publishes one immutable ``state``.

Panes never touch the Debugger (it is not thread-safe): they are data-bound to ``state``, a
snapshot rebuilt after every command, and to ``layer`` (the selected layer). Long commands (run N,
continue) go to a thread worker; while one is under way the other commands only say so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Grid
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from bptui.engine import Debugger, Outcome, Scenario
from bptui.printable import printable

from .debugging import DebugMixin
from .explain import explain, explain_parameter, gradient_check
from .files import FilesMixin
from .first_frame import HeldScreen
from .keyorder import KeyOrderMixin
from .keys import COMMANDS, HELP, keys_of
from .messages import RunDone, RunProgress
from .state import State, capture, select, snapshot_values
from .teach import TeachMixin, edited_names
from .view import PANES, ViewApp
from .widgets import ChainRulePane, InspectorPane, LossPane, NetworkPane, PaneTabs, StatusLine
from .widgets.keybar import KeyBar
from .widgets.loss_chart import Curve, CurveBuilder

PROGRESS_INTERVAL = 0.1  # seconds between progress messages from a run: ≤ 10 updates a second
INLINE_PASSES = 512  # a move computing more passes than this goes to the worker (streetlight: ~1 ms)


class BptuiApp(KeyOrderMixin, DebugMixin, TeachMixin, FilesMixin, ViewApp):
    CSS_PATH = ["app.tcss", "network.tcss"]
    BINDINGS = list[Binding | tuple[str, str] | tuple[str, str, str]](COMMANDS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    state: var[State] = var(None, init=False)  # type: ignore[arg-type]
    progress: var[str] = var("", init=False)
    live_curve: var[Curve | None] = var(None, init=False)  # the loss curve of a run under way

    def __init__(self, scenario: Scenario, ascii: bool = False) -> None:
        super().__init__()
        self.scenario = scenario
        self.ascii_only = ascii  # --ascii: the Network pane draws plain ASCII only
        self.title = printable(scenario.title)
        self.debugger = Debugger(scenario)
        self.busy: str | None = None  # the background command under way, if any
        # escape asks the command under way to stop. (Not by cancelling its Textual worker: one
        # cancelled before it started never ran, never posted RunDone, and left `busy` set.)
        self.stop_requested = threading.Event()
        self._goal = 0  # epochs a background command is heading for, for its progress line
        self._started_at = 0  # where the background command under way started (checkpoints it passes)
        self.pinned: str | None = None  # the parameter whose chain the Chain rule pane shows
        self.checking = False  # the gradient check shown (g)
        # what the user selected; the panes see it only through ``state.selection``
        self.selected_layer = 1
        self.element = 0  # the parameter element of the layer (W row by row, then b)
        self.set_reactive(BptuiApp.state, self._capture(None))

    def get_default_screen(self) -> Screen:
        return HeldScreen(id="_default")  # writes its first frame once the panes have drawn

    def compose(self) -> ComposeResult:
        sc = self.scenario
        yield StatusLine(sc.title, id="status").data_bind(BptuiApp.state, BptuiApp.progress)
        yield PaneTabs(list(PANES.values()), id="pane-tabs")
        with Grid(id="panes"):
            yield NetworkPane(sc, ascii_only=self.ascii_only, id="network").data_bind(BptuiApp.state, BptuiApp.digits)
            yield LossPane(id="loss").data_bind(
                BptuiApp.state, BptuiApp.log_scale, BptuiApp.digits, live=BptuiApp.live_curve
            )
            yield InspectorPane(sc, id="inspector").data_bind(BptuiApp.state, BptuiApp.digits)
            yield ChainRulePane(id="chain-rule").data_bind(BptuiApp.state, BptuiApp.digits)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.show_pane("network")

    def choose(self, layer: int | None = None, element: int = 0) -> None:
        """Select parameter ``element`` of ``layer`` (default: this layer); every pane follows."""
        self.selected_layer = min(max(1, self.selected_layer if layer is None else layer), self.scenario.depth)
        self.element = element
        self._republish()

    def action_select_layer(self, delta: int) -> None:
        """↑/↓ in the Network or Inspector pane (an action, so it is done before the next key)."""
        layer = min(max(1, self.selected_layer + delta), self.scenario.depth)
        if layer != self.selected_layer:
            self.choose(layer)  # the selection (and the gradient check) moved to another layer

    def action_select_element(self, delta: int) -> None:
        """←/→ in the Inspector: the next or previous parameter element of the layer."""
        n = self.state.selection.count
        if n:
            self.choose(element=(self.state.selection.element + delta) % n)

    # --- the selected parameter, its chain rule and the gradient check ---------------------------

    def selected_parameter(self) -> str | None:
        return self.state.selection.name

    def action_pin(self) -> None:
        """Pin the selected parameter: the Chain rule pane follows its chain until unpinned."""
        self.pinned = None if self.pinned else self.selected_parameter()
        self._republish()

    def action_gradient_check(self) -> None:
        self.checking = not self.checking
        self._republish()

    def _capture(self, before) -> State:
        """The state now: the Debugger's values (read once) and everything derived from the selection."""
        dbg = self.debugger
        values = snapshot_values(dbg)
        selection = select(values, self.selected_layer, self.element, self.scenario.convention == "row")
        if self.pinned:
            explanation = explain_parameter(dbg, self.pinned, self.digits)
        else:
            explanation = explain(dbg, selection.name, self.digits)
        return capture(
            dbg,
            values,
            before,
            explanation=explanation,
            selection=selection,
            pinned=self.pinned,
            gradcheck=gradient_check(dbg, self.selected_layer) if self.checking else None,
            edited=frozenset(edited_names(dbg)),
            stopped=self.stopped_by(),
            passed=self._passed,
        )

    def _republish(self) -> None:
        """The same position with another selection: rebuild what depends on it, keep the marks."""
        if self.busy:
            return
        self.state = self._capture(self.state.before)

    # --- commands --------------------------------------------------------------------------------

    def _perform(self, command: Callable[[], Outcome]) -> None:
        """Run a quick command on the Debugger, then publish the new state and its message."""
        if self.refuse_while_busy():
            return
        start = self.debugger.g
        try:
            outcome = command()
            self._note_passed(start)
        except Exception as exc:  # noqa: BLE001 - the session boundary (docs/SPEC.md §7): a bug must not end the lesson
            self._internal_error(exc)
            return
        self._publish(outcome)

    def refuse_while_busy(self) -> bool:
        """Whether a background command is under way; if so, say so (the key does nothing else)."""
        if not self.busy:
            return False
        article = "an" if self.busy[0] in "aeiou" else "a"
        self.notify(f"{article} {self.busy} is under way: escape stops it", severity="warning")
        return True

    def _internal_error(self, exc: BaseException) -> None:
        """A bug, not a user's mistake: log it, say so, and show the Debugger's state as it really is."""
        self.log.error(f"internal error: {exc!r}")
        self.notify(f"internal error: {exc!r}; the screen shows where the debugger is", severity="error", timeout=10)
        self.state = self._capture(self.state.values)

    def _publish(self, outcome: Outcome) -> None:
        if outcome.moved:
            self.state = self._capture(self.state.values)
        if outcome.message:
            why = " · x explains it" if outcome.diverged else ""
            self.notify(outcome.message + why, severity="warning" if outcome.diverged or outcome.hit else "information")

    def _jump(self, name: str, target: int | None, command: Callable[..., Outcome]) -> None:
        """A move to ``target``: at once when cheap, else in the worker with progress and escape.

        Any jump replays at most one checkpoint stride, but a stride of a large network (or a
        finish over a large data set) can still take seconds: the UI must never wait for it.
        """
        if self.refuse_while_busy():
            return
        dbg = self.debugger
        if target is not None and dbg.replay_cost(target) > INLINE_PASSES:
            self._goal = -(-target // dbg.layout.per_epoch)
            self._background(name, command, live=False)
        else:
            self._perform(command)

    def action_step(self) -> None:
        if self.predicting:  # predict mode (P): ask first
            self._ask_prediction()
            return
        dbg = self.debugger
        self._jump("step", dbg.g + 1, partial(dbg.goto, dbg.g + 1))

    def action_step_back(self) -> None:
        dbg = self.debugger
        if dbg.g == 0:
            self._perform(dbg.back)  # says there is nothing to step back to
        else:
            self._jump("step back", dbg.g - 1, partial(dbg.goto, dbg.g - 1))

    def action_finish_pass(self) -> None:
        self._jump("finish pass", self.debugger.target_finish_pass(), self.debugger.finish_pass)

    def action_finish_sample(self) -> None:
        self._jump("finish sample", self.debugger.target_finish_sample(), self.debugger.finish_sample)

    def action_finish_epoch(self) -> None:
        self._jump("finish epoch", self.debugger.target_finish_epoch(), self.debugger.finish_epoch)

    def action_undo(self) -> None:
        self._jump("undo", self.debugger.target_undo(), self.debugger.undo)

    def action_redo(self) -> None:
        self._jump("redo", self.debugger.target_redo(), self.debugger.redo)

    def action_home(self) -> None:
        self._jump("home", 0 if self.debugger.g else None, self.debugger.home)

    # --- long commands, in a worker ----------------------------------------------------------------

    def action_run(self) -> None:
        if self.refuse_while_busy():
            return
        from .screens import RunDialog

        self.push_screen(RunDialog(self.scenario.training.epochs), self.start_run)

    def start_run(self, epochs: int | None) -> None:
        """Run ``epochs`` epochs in the background (``None``: the question was cancelled)."""
        if epochs is None or self.busy:
            return
        dbg = self.debugger
        self._goal = dbg.layout.completed_epochs(dbg.target_run(epochs))
        self._background("run", partial(dbg.run, epochs))

    def action_continue(self) -> None:
        if self.refuse_while_busy():
            return
        dbg = self.debugger
        target = dbg.target_continue()
        self._goal = -(-target // dbg.layout.per_epoch) if target is not None else 0
        self._background("continue", dbg.continue_)

    def _background(self, name: str, command: Callable[..., Outcome], live: bool = True) -> None:
        """Run ``command`` in the worker; ``live``: it trains new epochs, so the chart grows as it goes."""
        self.busy = name
        self._started_at = self.debugger.g
        self.progress = f"{name}… escape stops it"
        self.stop_requested.clear()
        self._work(command, live)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _work(self, command: Callable[..., Outcome], live: bool) -> None:
        """Thread body: the only place the Debugger is used off the event loop (the UI waits)."""
        worker = get_current_worker()
        last = 0.0
        losses = CurveBuilder(self.debugger.loss_array()) if live else None

        def progress(epochs: int, loss: float) -> None:
            nonlocal last
            if losses is not None:
                losses.add(epochs, loss)
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL:
                last = now
                self.post_message(RunProgress(epochs, loss, losses.snapshot() if losses is not None else None))

        outcome = command(should_stop=lambda: worker.is_cancelled or self.stop_requested.is_set(), progress=progress)
        self.post_message(RunDone(outcome))  # a failure arrives as Worker.StateChanged instead

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "run":
            self.busy = None
            self.progress = ""
            self.live_curve = None
            self._internal_error(event.worker.error or RuntimeError("the background command failed"))

    @on(RunProgress)
    def _run_progress(self, event: RunProgress) -> None:
        if self.busy:
            self.progress = f"{self.busy}: epoch {event.epochs:,}/{self._goal:,} · loss {event.loss:.6g} · escape stops"
            self.live_curve = event.curve

    @on(RunDone)
    def _run_done(self, event: RunDone) -> None:
        self.busy = None
        self.progress = ""
        self.live_curve = None
        outcome = event.outcome
        self._note_passed(self._started_at)
        self._publish(outcome)
        if outcome.cancelled:
            self.notify(f"stopped at {self.debugger.position.status()}")

    def action_stop(self) -> None:
        if self.busy:
            self.stop_requested.set()
            self.progress = f"stopping the {self.busy}…"
        elif self.pinned:
            self.action_pin()

    # --- command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in COMMANDS:
            if binding.action != "quit":
                yield SystemCommand(
                    f"{binding.description} ({keys_of(binding)})",
                    HELP[binding.action],
                    partial(self.run_action, binding.action),
                )
