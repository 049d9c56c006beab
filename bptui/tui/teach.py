"""The App's teaching commands: predict mode (``P``), edit (``=``) and the Notation legend (``N``).

A mixin of :class:`~bptui.tui.app.BptuiApp`, kept apart so the App module stays about stepping.
The engine decides what is asked and how it is judged (:mod:`bptui.engine.predict`) and how an
edit enters the history (:mod:`bptui.engine.edit`); here are only the prompts and the messages.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from bptui.engine import Debugger

if TYPE_CHECKING:
    from bptui.engine.predict import Question


def edited_names(debugger: Debugger) -> set[str]:
    """The elements an edit in effect changed (empty before the first edit)."""
    names = getattr(debugger.timeline, "edited_names", None)
    return names() if callable(names) else set()


def _fmt(x: float) -> str:
    return f"{x:.6g}"


class TeachMixin:
    """Predict, edit and notation for the App (which provides debugger, state, notify, _perform …)."""

    predicting = False  # predict mode on (P)
    _predict_tally = (0, 0)  # (right, asked) since predict mode was turned on

    @property
    def predict_score(self) -> str:
        """What the status line shows of predict mode, e.g. ``predict 3/5`` ("" when off)."""
        right, asked = self._predict_tally
        return f"predict {right}/{asked}" if self.predicting else ""

    def _show_score(self) -> None:
        from .widgets import StatusLine

        for status in self.query(StatusLine):
            status.score = self.predict_score

    # --- predict mode ------------------------------------------------------------------------------

    def action_predict_mode(self) -> None:
        """Toggle predict mode: each single step (n) first asks for a value it computes."""
        from bptui.engine.predict import TOLERANCE_RULE  # predict mode loads when first turned on

        self.predicting = not self.predicting
        self._show_score()
        if self.predicting:
            self._predict_tally = (0, 0)
            self.notify(f"predict mode: each step (n) asks first; {TOLERANCE_RULE}; P again ends it")
        else:
            right, asked = self._predict_tally
            self.notify(f"predict mode off: {right} of {asked} right")

    def _ask_prediction(self) -> None:
        if self.refuse_while_busy():
            return
        from bptui.engine.predict import TOLERANCE_RULE, choose

        dbg: Debugger = self.debugger
        try:
            question = choose(dbg, self.selected_parameter(), self.scenario.predict)
        except ValueError as exc:  # a [predict] entry this step cannot ask: step without a question
            self.notify(f"no question for this step ({exc})", severity="warning")
            question = None
        except Exception as exc:  # noqa: BLE001 - last resort (docs/SPEC.md §7): a bug, reported; no question
            self._internal_error(exc)
            question = None
        if question is None:
            self._perform(dbg.step)
            return
        right, asked = self._predict_tally
        self._mark_question(question.label)
        from .screens.predict import PredictScreen  # the dialogs load when first opened

        self.push_screen(
            PredictScreen(question.text(), TOLERANCE_RULE, f" · score {right}/{asked}"),
            partial(self._predicted, question, dbg.g),
        )

    def _mark_question(self, label: str | None) -> None:
        """Show ``?`` where the asked value goes (the Inspector; ``state.asking`` for other panes)."""
        from dataclasses import replace

        self.state = replace(self.state, asking=label)

    def _predicted(self, question: Question, g: int, guess: float | None) -> None:
        """The prompt's answer: step, then say right or wrong (with the derivation when wrong)."""
        from bptui.engine.predict import judge, tolerance

        dbg: Debugger = self.debugger
        self._mark_question(None)
        if guess is None:
            self.notify("prediction cancelled: nothing stepped")
            return
        if dbg.g != g or self.busy:
            return
        self._perform(dbg.step)
        if dbg.g != g + 1:
            return
        true = question.true_value(dbg.values())
        ok = judge(guess, true)
        right, asked = self._predict_tally
        self._predict_tally = (right + ok, asked + 1)
        self._show_score()
        within = f"within ±{tolerance(true):.3g}"
        if ok:
            self.notify(f"✓ right: {question.label} = {_fmt(true)} (you said {_fmt(guess)}, {within})", title="predict")
            return
        why = self._derivation_line(question)
        self.notify(
            f"✗ wrong: {question.label} = {_fmt(true)}, you said {_fmt(guess)} "
            f"(right would be {within})" + (f"\n{why}" if why else ""),
            title="predict",
            severity="warning",
            timeout=12,
        )

    def _derivation_line(self, question: Question) -> str:
        """The derivation line of the element asked, from the engine, or "" if it has none."""
        from bptui.engine.derivation import derive_step

        try:
            lines = derive_step(self.debugger, unit=question.unit, source=question.source, sample=question.sample).lines
        except Exception as exc:  # noqa: BLE001 - last resort (SPEC §7): derive_step raises on no input: a bug
            self._internal_error(exc)
            return ""
        for line in lines:
            if line.name in (question.label, question.name):
                return line.unicode(self.digits)
        return ""

    # --- edit --------------------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Ask for a new value of the selected parameter (or an input, target, the learning rate)."""
        if self.refuse_while_busy():
            return
        name = self.selected_parameter() or "learning_rate"
        from .screens.edit import EditScreen

        self.push_screen(EditScreen(name, self._check_edit, self._value_now), self._edited)

    def _value_now(self, name: str) -> str:
        from bptui.engine.edit import current_value, parse_target

        try:
            return repr(current_value(self.debugger, parse_target(name, self.debugger)))
        except (ValueError, IndexError, KeyError):
            return ""

    def _check_edit(self, name: str, value: float | None) -> str | None:
        from bptui.engine.edit import parse_target

        try:
            target = parse_target(name, self.debugger)
        except ValueError as exc:
            return str(exc)
        if value is not None and target.kind == "lr" and not value > 0:
            return "the learning rate must be greater than 0"
        return None

    def _edited(self, result: tuple[str, float] | None) -> None:
        if result is None:
            return
        name, value = result

        def edit():
            outcome = self.debugger.edit(name, value)
            if outcome.moved:
                self.edits_unsaved = True  # q, o and ctrl+r ask first; ctrl+s clears it
            return outcome

        self._perform(edit)

    # --- notation ----------------------------------------------------------------------------------

    def action_notation(self) -> None:
        from .screens.notation import NotationScreen

        if not isinstance(self.screen, NotationScreen):
            self.push_screen(NotationScreen(self.scenario))
