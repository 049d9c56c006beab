"""``bptui run`` and ``bptui check``: training and verification without a screen (no Textual here)."""
from __future__ import annotations

import json
import sys

from bptui.engine import Debugger, Scenario
from bptui.engine.expect import walk_expectations
from bptui.engine.values import to_jsonable
from bptui.progress import ProgressBar

EXIT_OK, EXIT_MISMATCH, EXIT_DIVERGED = 0, 1, 3
TABLE_ROWS = 100  # a longer run prints every k-th epoch (and the last); --json has them all


def run_headless(scenario: Scenario, *, epochs: int | None, steps: int | None, as_json: bool) -> int:
    """Run N epochs (default: the file's) or N micro-steps from the start; print losses or JSON."""
    dbg = Debugger(scenario)
    if steps is not None:
        outcome = dbg.goto(steps)
        total = dbg.layout.completed_epochs(steps)
    else:
        total = epochs if epochs is not None else scenario.training.epochs
        bar = ProgressBar(total)
        try:
            outcome = dbg.run(total, progress=bar.update)
        finally:
            bar.close()
    if as_json:
        print(json.dumps(json_document(dbg)))
    else:
        print_table(dbg)
    if outcome.diverged is not None:
        print(f"bptui: {outcome.diverged.describe()}; stopped there", file=sys.stderr)
        return EXIT_DIVERGED
    return EXIT_OK


def json_document(dbg: Debugger) -> dict:
    """The ``--json`` document of SPEC 5.1; non-finite numbers are written as "nan"/"inf"/"-inf"."""
    return {
        "title": dbg.scenario.title,
        "position": dbg.position.as_dict(),
        "loss": [to_jsonable(x) for x in dbg.epoch_losses],
        "params": {name: to_jsonable(v) for name, v in dbg.params_values().items()},
        "values": {name: to_jsonable(v) for name, v in dbg.values().items()},
    }


def print_table(dbg: Debugger) -> None:
    losses = dbg.epoch_losses
    print(dbg.scenario.title)
    stride = max(1, -(-len(losses) // TABLE_ROWS))
    if stride > 1:
        print(f"(every {stride}th epoch of {len(losses)}; --json gives them all)")
    print(f"{'epoch':>8}  {'loss':<22}")
    for i, loss in enumerate(losses, start=1):
        if i % stride == 0 or i == len(losses) or i == 1:
            print(f"{i:>8}  {loss!r:<22}")
    print(f"at {dbg.position.status()}")


def check_file(label: str, scenario: Scenario, *, gradients: bool) -> bool:
    """Print a line per ``[[expect]]`` block (and the gradient check); True if everything holds."""
    results, diverged = walk_expectations(scenario)
    if diverged is not None:
        print(f"{label}: warning: {diverged.describe()}")
    for result in results:
        print(f"{label}: {result.describe()}")
    ok = all(r.ok for r in results)
    if not results:
        print(f"{label}: valid (no [[expect]] blocks)")
    if gradients:
        from bptui.engine.gradcheck import check_gradients

        report = check_gradients(scenario)
        print(f"{label}: {report.describe()}")
        ok = ok and report.ok
    return ok
