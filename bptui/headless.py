"""``bptui run`` and ``bptui check``: training and verification without a screen (no Textual here)."""

from __future__ import annotations

import sys

from bptui.allocator import pin_malloc_thresholds
from bptui.blas import choose_blas_threads
from bptui.engine import Debugger, Scenario
from bptui.engine.batches import layout_of
from bptui.engine.expect import expectation_g, walk_expectations
from bptui.engine.values import to_jsonable
from bptui.errors import EXIT_DIVERGED, EXIT_OK
from bptui.jsonout import DEFAULT_VALUES, write_document
from bptui.printable import printable
from bptui.progress import ProgressBar

TABLE_ROWS = 100  # a longer run prints every k-th epoch (and the last); --json has them all


def run_headless(
    scenario: Scenario, *, epochs: int | None, steps: int | None, as_json: bool, values: str = DEFAULT_VALUES
) -> int:
    """Run N epochs (default: the file's) or N micro-steps from the start; print losses or JSON.

    ``values`` chooses what the JSON document's ``values`` holds (``all``, ``params``, ``none``).
    """
    choose_blas_threads(scenario)
    pin_malloc_thresholds()
    dbg = Debugger(scenario)
    total = (
        dbg.layout.completed_epochs(steps)
        if steps is not None
        else (epochs if epochs is not None else scenario.training.epochs)
    )
    bar = ProgressBar(total)
    try:
        outcome = dbg.goto(steps, progress=bar.update) if steps is not None else dbg.run(total, progress=bar.update)
    finally:
        bar.close()
    if outcome.message and not outcome.moved and outcome.diverged is None:
        raise ValueError(outcome.message)  # e.g. beyond MAX_EPOCHS: the CLI says so in one line
    if as_json:
        sys.stdout.flush()
        write_document(sys.stdout.buffer, dbg, values)
        sys.stdout.buffer.flush()
    else:
        print_table(dbg)
    if outcome.diverged is not None:
        from bptui.engine.diagnosis import diagnose

        found = diagnose(dbg, outcome.diverged)
        cause = f"; cause: {found.cause}" if found is not None else ""
        print(f"bptui: {outcome.diverged.describe()}; stopped there{cause}", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_OK


def json_document(dbg: Debugger) -> dict:
    """The ``--json`` document of docs/SPEC.md §5.1; non-finite numbers are written as "nan"/"inf"/"-inf"."""
    doc = {
        "title": dbg.scenario.title,
        "position": dbg.position.as_dict(),
        "loss": [to_jsonable(x) for x in dbg.epoch_losses],
    }
    tests, now = dbg.test_accuracies(), dbg.accuracy()
    if tests is not None and now is not None:  # only with a test split: other documents are unchanged
        doc["test_accuracy"] = [to_jsonable(x) for x in tests.tolist()]
        doc["accuracy"] = {"train": to_jsonable(now.train), "test": to_jsonable(now.test)}
    doc["params"] = {name: to_jsonable(v) for name, v in dbg.params_values().items()}
    doc["values"] = {name: to_jsonable(v) for name, v in dbg.values().items()}
    return doc


def print_table(dbg: Debugger) -> None:
    losses, tests = dbg.loss_array(), dbg.test_accuracies()
    print(printable(dbg.scenario.title))  # someone else's text: shown, never obeyed
    stride = max(1, -(-len(losses) // TABLE_ROWS))
    if stride > 1:
        print(f"(every {stride}th epoch of {len(losses)}; --json gives them all)")
    print(f"{'epoch':>8}  {'loss':<22}" + ("  test accuracy" if tests is not None else ""))
    shown = {1, len(losses), *range(stride, len(losses) + 1, stride)} if len(losses) else set()
    for i in sorted(shown):
        extra = f"  {100 * float(tests[i - 1]):.2f} %" if tests is not None else ""
        print(f"{i:>8}  {float(losses[i - 1])!r:<22}{extra}")
    print(f"at {dbg.position.status()}")
    now = dbg.accuracy()
    if now is not None:
        print(f"accuracy here: training {100 * now.train:.2f} %, test {100 * now.test:.2f} %")


def check_file(label: str, scenario: Scenario, *, gradients: bool) -> bool:
    """Print a line per ``[[expect]]`` block (and the gradient check); True if everything holds."""
    choose_blas_threads(scenario)
    pin_malloc_thresholds()
    layout = layout_of(scenario)
    last = max((expectation_g(e, layout) for e in scenario.expectations), default=0)
    bar = ProgressBar(layout.completed_epochs(last))
    try:
        results, diverged = walk_expectations(scenario, progress=bar.update)
    finally:
        bar.close()
    if diverged is not None:
        print(f"{label}: warning: {diverged.describe()}")
    for result in results:
        print(f"{label}: {result.describe()}")
    ok = all(r.ok for r in results)
    if not results:
        print(f"{label}: valid (no [[expect]] blocks)")
    if gradients:
        from bptui.engine.gradcheck import check_gradients

        bar = ProgressBar(1)
        try:
            report = check_gradients(scenario, progress=lambda done, total: _count(bar, done, total))
        finally:
            bar.close()
        print(f"{label}: {report.describe()}")
        ok = ok and report.ok
    return ok


def _count(bar: ProgressBar, done: int, total: int) -> None:
    bar.total = max(1, total)
    bar.count(done, "elements checked")
