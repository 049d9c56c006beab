"""What the Chain rule pane shows, asked of the engine on the App's side (where the Debugger lives).

The derivations and the gradient check are the engine's (``bptui.engine.derivation`` and
``bptui.engine.gradcheck``); these adapters turn them into the immutable parts of :class:`State`,
and keep a gap in either from ever putting a traceback in front of the user.
"""

from __future__ import annotations

import numpy as np

from bptui.engine import Debugger
from bptui.engine.formulas import DIGITS

from .state import Explanation, GradCheck, GradRow


def focus_of(selected: str | None, step_layer: int | None, row_convention: bool) -> tuple[int, int]:
    """``(unit, source)`` for ``derive_step``: the element of the step's layer the selection points at.

    ``selected`` is a parameter element in the file's convention (``W2[0,1]``, ``b1[3]``). In the
    step's own layer it names a unit and a source; one layer up, its source is a unit of the step's
    layer (``a1[j]`` feeds ``W2[j,·]``). The update step (no layer) follows the selection as is.
    """
    if not selected:
        return 0, 0
    name, _, rest = selected.partition("[")
    layer = int(name[1:])
    idx = [int(i) for i in rest.rstrip("]").split(",")] if rest else [0]
    if name[0] == "b":
        unit, source = idx[0], 0
    else:
        i, j = (idx + [0])[:2]
        source, unit = (i, j) if row_convention else (j, i)
    if step_layer is None or step_layer == layer:
        return unit, source
    if step_layer == layer - 1 and name[0] == "W":
        return source, 0
    return 0, 0


def explain(debugger: Debugger, selected: str | None = None, digits: int = DIGITS) -> Explanation:
    """The engine's derivation of the step just taken, showing the selected element when it must choose."""
    from bptui.engine.derivation import derive_step

    unit, source = focus_of(selected, debugger.position.layer, debugger.scenario.convention == "row")
    try:
        derivation = derive_step(debugger, unit=unit, source=source)
    except Exception as exc:  # noqa: BLE001 - last resort (docs/SPEC.md §7): derive_step raises on no
        # input, so this is a bug: said as one in the pane (not a quiet line); it runs in every state capture
        return Explanation(debugger.position.step, (f"(internal error in the derivation: {exc!r})",))
    return Explanation(derivation.title, tuple(line.unicode(digits) for line in derivation.lines))


def explain_parameter(debugger: Debugger, name: str, digits: int = DIGITS) -> Explanation:
    """The full chain rule from loss to the parameter ``name`` (e.g. ``W1[0,1]``) at this position."""
    from bptui.engine.derivation import derive_parameter

    try:
        derivation = derive_parameter(debugger, name)
    except ValueError as exc:  # a name that is no parameter of this network
        return Explanation(f"∂loss/∂{name}", (f"(no derivation for {name}: {exc})",))
    except Exception as exc:  # noqa: BLE001 - last resort (docs/SPEC.md §7), as in explain: a bug, said as one
        return Explanation(f"∂loss/∂{name}", (f"(internal error in the derivation of {name}: {exc!r})",))
    return Explanation(derivation.title, tuple(line.unicode(digits) for line in derivation.lines))


def gradient_check(debugger: Debugger, layer: int) -> GradCheck:
    """Backprop's dW/db of ``layer`` next to central finite differences, element by element.

    The engine says when there is nothing to check yet (``backward layer`` has not run).
    """
    from bptui.engine.gradcheck import TOLERANCE, layer_fd

    rows: list[GradRow] = []
    worst = 0.0
    for param in ("W", "b"):
        if param == "b" and debugger.values().get(f"b{layer}") is None:
            continue
        try:
            fd = layer_fd(debugger, layer, param)
        except ValueError as exc:
            return GradCheck(layer, note=str(exc))
        worst = max(worst, fd.rel_err)
        analytic, numeric = np.asarray(fd.analytic, float), np.asarray(fd.numeric, float)
        for idx in np.ndindex(*analytic.shape):
            if np.isnan(numeric[idx]):
                continue  # not sampled (layers of more than a thousand elements)
            rel = float(fd.errors[idx])
            flag = "kink" if fd.skipped[idx] else ("ok" if rel <= TOLERANCE else "bad")
            rows.append(
                GradRow(
                    f"d{param}{layer}[{','.join(map(str, idx))}]", float(analytic[idx]), float(numeric[idx]), rel, flag
                )
            )
    return GradCheck(layer, tuple(rows), worst)
