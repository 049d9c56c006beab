"""Value names as the scenario format writes them (docs/SPEC.md §2): ``a2``, ``dW1``, ``t``,
``loss``, and one element of a value, ``dW2[1,0]`` (indices in the file's convention).

One parser and one formatter, used by the engine, the loader, the derivations, the handout and
the TUI, so a name means the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BASES = ("dW", "db", "da", "dz", "vW", "vb", "W", "b", "z", "a", "t", "loss")
LAYERED = ("dW", "db", "da", "dz", "vW", "vb", "W", "b", "z", "a")  # bases written with a layer number
_NAME = re.compile(r"^(dW|db|da|dz|vW|vb|W|b|z|a|t|loss)(\d*)(?:\[(\d+)(?:(?:,|\]\[)(\d+))?\])?$")


@dataclass(frozen=True)
class ValueName:
    base: str  # "dW"
    layer: int | None  # 2; None for ``t`` and ``loss``
    index: tuple[int, ...] = ()  # an element, in the file's convention; () for the whole value

    @property
    def array(self) -> str:
        """The whole value's name: ``dW2`` for ``dW2[1,0]``."""
        return self.base if self.layer is None else f"{self.base}{self.layer}"

    def __str__(self) -> str:
        return format_value_name(self.base, self.layer, self.index)


def format_value_name(base: str, layer: int | None = None, index: tuple[int, ...] = ()) -> str:
    """``("dW", 2, (1, 0))`` → ``dW2[1,0]``."""
    name = base if layer is None else f"{base}{layer}"
    return f"{name}[{','.join(map(str, index))}]" if index else name


def parse_value_name(text: str) -> ValueName:
    """``dW2[1,0]`` (also ``dW2[1][0]``, spaces ignored) → ValueName("dW", 2, (1, 0)).

    Only the form is checked (a layered base has a layer number, ``t`` and ``loss`` none);
    whether the layer or index exists depends on the network. Raises ValueError otherwise.
    """
    m = _NAME.match(text.replace(" ", ""))
    if not m:
        raise ValueError(f"{text!r} is not a value name such as a1, W2[1,0] or loss")
    base, digits = m.group(1), m.group(2)
    if (base in LAYERED) != bool(digits):
        raise ValueError(f"{text!r} is not a value name such as a1, W2[1,0] or loss")
    index = tuple(int(x) for x in (m.group(3), m.group(4)) if x is not None)
    return ValueName(base, int(digits) if digits else None, index)


def split_layer(name: str) -> tuple[str, int | None]:
    """``dW12`` → ("dW", 12); ``t`` → ("t", None): a whole value's base and layer, without checks."""
    base = name.rstrip("0123456789")
    return base, int(name[len(base) :]) if base != name else None
