"""A tiny expression tree for derivations, rendered twice: Unicode for the terminal, LaTeX for exports.

Derivations build each equation once from these nodes — symbols and numbers alike — so the
terminal and the handout can never disagree about what was computed. Rendering is the only
place numbers are turned into text (:func:`fmt_number`), so the rules (significant digits, the
minus sign ``−``, parentheses around negative factors) hold everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

DIGITS = 4  # significant digits shown by default: enough to follow by hand, short enough for a pane
MAX_DIGITS = 17  # enough for any float64 to print exactly (round-trip)

# precedence: a child with a lower precedence than its context gets parentheses
ADD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5


def fmt_number(x: float, digits: int = DIGITS, tex: bool = False) -> str:
    """``x`` with ``digits`` significant digits, no trailing zeros, ``−`` (or LaTeX ``-``) for minus."""
    x = float(x)
    if math.isnan(x):
        return r"\mathrm{nan}" if tex else "nan"
    if math.isinf(x):
        s = r"\infty" if tex else "∞"
        return ("-" if tex else "−") + s if x < 0 else s
    if x == 0:
        return "0"
    if digits >= MAX_DIGITS:  # every digit: the shortest text that reads back as the same float
        digits = next(d for d in range(1, MAX_DIGITS + 1) if float(f"{x:.{d}g}") == x)
    exp = math.floor(math.log10(abs(float(f"{x:.{digits}g}"))))  # after rounding: 99999.5 → 1e5
    if -4 <= exp < 6:
        text = f"{x:.{digits}g}" if exp < digits else f"{x:.0f}"  # 12345.6 → 12346, not 1.235e+04
        return text if tex else text.replace("-", "−")
    mantissa, e = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    e_int = int(e)
    if tex:
        return rf"{mantissa} \times 10^{{{e_int}}}"
    return f"{mantissa}e{e_int}".replace("-", "−")


class Expr:
    """A node of an equation. ``prec`` says how tightly it binds (for parentheses)."""

    prec: int = ATOM

    def uni(self, digits: int) -> str:
        raise NotImplementedError

    def tex(self, digits: int) -> str:
        raise NotImplementedError

    def negative(self) -> bool:
        """True for a number shown with a leading minus (it needs parentheses as a factor)."""
        return False


def _wrap(e: Expr, need: int, digits: int, tex: bool, neg_parens: bool = True) -> str:
    """``e`` rendered, in parentheses if it binds looser than ``need`` or is a negative operand."""
    s = e.tex(digits) if tex else e.uni(digits)
    if e.prec < need or (neg_parens and e.negative()):
        return rf"\left({s}\right)" if tex else f"({s})"
    return s


@dataclass(frozen=True)
class Num(Expr):
    value: float

    def uni(self, digits: int) -> str:
        return fmt_number(self.value, digits)

    def tex(self, digits: int) -> str:
        return fmt_number(self.value, digits, tex=True)

    def negative(self) -> bool:
        return self.value < 0 or (math.isinf(self.value) and self.value < 0)


@dataclass(frozen=True)
class Sym(Expr):
    """A fixed symbol with its two spellings, e.g. ``η`` / ``\\eta``."""

    text: str
    latex: str

    def uni(self, digits: int) -> str:
        return self.text

    def tex(self, digits: int) -> str:
        return self.latex


ONE = Sym("1", "1")
ETA = Sym("η", r"\eta")
HALF = Sym("½", r"\frac{1}{2}")


@dataclass(frozen=True)
class Var(Expr):
    """A value by its value name, e.g. ``dz2[0]``: ``base`` ``dz``, ``layer`` 2, ``index`` (0,).

    ``index`` is ``()`` for a value with a single element (no brackets needed).
    """

    base: str
    layer: int | None = None
    index: tuple[int | str, ...] = ()  # a str is a summation index, e.g. "k" in Σ_k

    @property
    def name(self) -> str:
        """The value name with its index, as the engine's ``values()`` would be indexed."""
        s = self.base + ("" if self.layer is None else str(self.layer))
        return s + (f"[{','.join(map(str, self.index))}]" if self.index else "")

    def uni(self, digits: int) -> str:
        return self.name

    def tex(self, digits: int) -> str:
        base = r"\text{loss}" if self.base == "loss" else self.base
        s = base if self.layer is None else f"{base}_{{{self.layer}}}"
        return s + (f"[{','.join(map(str, self.index))}]" if self.index else "")


@dataclass(frozen=True)
class Partial(Expr):
    """∂of/∂wrt."""

    of: Expr
    wrt: Expr

    def uni(self, digits: int) -> str:
        return f"∂{self.of.uni(digits)}/∂{self.wrt.uni(digits)}"

    def tex(self, digits: int) -> str:
        return rf"\frac{{\partial {self.of.tex(digits)}}}{{\partial {self.wrt.tex(digits)}}}"


@dataclass(frozen=True)
class Apply(Expr):
    """A named function applied to one argument: ``σ(z1[0])``, ``σ′(z1[0])``, ``ln(1 − y)``."""

    fn: str
    fn_tex: str
    arg: Expr
    prime: bool = False

    def uni(self, digits: int) -> str:
        return f"{self.fn}{'′' if self.prime else ''}({self.arg.uni(digits)})"

    def tex(self, digits: int) -> str:
        return rf"{self.fn_tex}{chr(39) if self.prime else ''}\left({self.arg.tex(digits)}\right)"


@dataclass(frozen=True)
class Prod(Expr):
    """A product. ``numeric`` products use ``×`` (numbers), symbolic ones ``·``; ``juxt`` writes none."""

    factors: tuple[Expr, ...]
    numeric: bool = False
    juxt: bool = False
    prec: int = field(default=MUL, init=False)

    def _join(self, digits: int, tex: bool) -> str:
        parts = [_wrap(f, MUL + (1 if i else 0), digits, tex) for i, f in enumerate(self.factors)]
        if self.juxt:
            return (" " if tex else "").join(parts)
        op = (r" \times " if self.numeric else r" \cdot ") if tex else (" × " if self.numeric else " · ")
        return op.join(parts)

    def uni(self, digits: int) -> str:
        return self._join(digits, False)

    def tex(self, digits: int) -> str:
        return self._join(digits, True)


@dataclass(frozen=True)
class Add(Expr):
    """``t0 ± t1 ± …``; each term carries its sign (+1 or −1)."""

    terms: tuple[tuple[int, Expr], ...]
    prec: int = field(default=ADD, init=False)

    def _join(self, digits: int, tex: bool) -> str:
        minus = "-" if tex else "−"
        out = []
        for i, (sign, term) in enumerate(self.terms):
            if i == 0 and sign > 0:  # a leading negative number needs no parentheses
                out.append(_wrap(term, ADD, digits, tex, neg_parens=False))
                continue
            op = minus if sign < 0 else "+"
            body = _wrap(term, MUL if sign < 0 else ADD, digits, tex)
            out.append(f"{op}{body}" if i == 0 else f" {op} {body}")
        return "".join(out)

    def uni(self, digits: int) -> str:
        return self._join(digits, False)

    def tex(self, digits: int) -> str:
        return self._join(digits, True)

    def negative(self) -> bool:
        return bool(self.terms) and (self.terms[0][0] < 0 or self.terms[0][1].negative())


def plus(*terms: Expr) -> Add:
    return Add(tuple((1, t) for t in terms))


@dataclass(frozen=True)
class Neg(Expr):
    """``−x``."""

    arg: Expr
    prec: int = field(default=NEG, init=False)

    def uni(self, digits: int) -> str:
        return "−" + _wrap(self.arg, MUL, digits, False)

    def tex(self, digits: int) -> str:
        return "-" + _wrap(self.arg, MUL, digits, True)

    def negative(self) -> bool:
        return True


@dataclass(frozen=True)
class Frac(Expr):
    """``num / den`` (``\\frac`` in LaTeX)."""

    num: Expr
    den: Expr
    prec: int = field(default=MUL, init=False)

    def uni(self, digits: int) -> str:
        return f"{_wrap(self.num, MUL, digits, False)} / {_wrap(self.den, POW, digits, False)}"

    def tex(self, digits: int) -> str:
        return rf"\frac{{{self.num.tex(digits)}}}{{{self.den.tex(digits)}}}"

    def negative(self) -> bool:
        return self.num.negative()


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Pow(Expr):
    base: Expr
    exponent: int
    prec: int = field(default=POW, init=False)

    def uni(self, digits: int) -> str:
        return _wrap(self.base, ATOM, digits, False) + str(self.exponent).translate(_SUPERSCRIPTS)

    def tex(self, digits: int) -> str:
        return f"{_wrap(self.base, ATOM, digits, True)}^{{{self.exponent}}}"


@dataclass(frozen=True)
class Group(Expr):
    """Explicit brackets, e.g. ``[t·ln y + (1 − t)·ln(1 − y)]``."""

    inner: Expr
    square: bool = False

    def uni(self, digits: int) -> str:
        o, c = ("[", "]") if self.square else ("(", ")")
        return f"{o}{self.inner.uni(digits)}{c}"

    def tex(self, digits: int) -> str:
        o, c = (r"\left[", r"\right]") if self.square else (r"\left(", r"\right)")
        return f"{o}{self.inner.tex(digits)}{c}"


@dataclass(frozen=True)
class SumOver(Expr):
    """``Σ_k body``: a sum written with its index rather than expanded."""

    index: str
    body: Expr
    prec: int = field(default=NEG, init=False)  # "½ Σ_k …" needs no parentheses

    def uni(self, digits: int) -> str:
        return f"Σ_{self.index} {_wrap(self.body, MUL, digits, False)}"

    def tex(self, digits: int) -> str:
        return rf"\sum_{{{self.index}}} {_wrap(self.body, MUL, digits, True)}"


ELLIPSIS = Sym("…", r"\dots")


def sum_of(terms: Sequence[Expr], limit: int = 8, keep: int = 3) -> Expr:
    """``t0 + t1 + …``, elided to the first ``keep`` and the last term beyond ``limit`` terms."""
    if len(terms) == 1:
        return terms[0]
    if len(terms) > limit:
        terms = [*terms[:keep], ELLIPSIS, *terms[-1:]]
    return plus(*terms)


@dataclass
class Line:
    """One equation: ``lhs = form₁ = form₂ = … = result``.

    ``forms`` go from symbols to numbers; ``value`` is the result, taken from the engine (or, in a
    parameter's chain, computed from the engine's values). ``name`` is the value element (docs/SPEC.md §2) the
    line computes (``dz2[0]``, ``loss``) when there is one, so tests and the TUI can match it.
    A line with no ``forms`` and no ``value`` is a sentence (``lhs`` a :class:`Sym`).
    """

    lhs: Expr
    forms: list[Expr] = field(default_factory=list)
    value: float | None = None
    name: str | None = None
    note: str = ""
    relation: str = "="  # "=" or "←" (an update)
    distinct: tuple[float, float] | None = None  # values that must not print alike (old and new weight)

    def digits_for(self, digits: int) -> int:
        """``digits``, or more when ``distinct`` values differ but would print the same.

        ``0.1 − 0.1 × (−0.0003333) = 0.1`` reads as an error; ``… = 0.1000333`` does not.
        """
        if self.distinct is None:
            return digits
        a, b = self.distinct
        while a != b and digits < MAX_DIGITS and fmt_number(a, digits) == fmt_number(b, digits):
            digits += 1
        return digits

    def _render(self, digits: int, tex: bool) -> str:
        digits = self.digits_for(digits)
        rel = {"=": "=", "←": r"\leftarrow"}[self.relation] if tex else self.relation
        parts = [self.lhs.tex(digits) if tex else self.lhs.uni(digits)]
        parts += [f.tex(digits) if tex else f.uni(digits) for f in self.forms]
        if self.value is not None:
            parts.append(fmt_number(self.value, digits, tex))
        text = parts[0]
        for i, p in enumerate(parts[1:]):
            text += f" {rel if i == 0 else '='} {p}"
        if self.note:
            note = self.note.replace("′", "'") if tex else self.note
            text += rf" \quad \text{{({note})}}" if tex else f"   ({note})"
        return text

    def unicode(self, digits: int = DIGITS) -> str:
        return self._render(digits, False)

    def latex(self, digits: int = DIGITS) -> str:
        return self._render(digits, True)

    @property
    def is_text(self) -> bool:
        return not self.forms and self.value is None


def text_line(text: str, name: str | None = None) -> Line:
    """A sentence in the derivation (a summary, or what is still needed)."""
    return Line(Sym(text, r"\text{" + text.replace("_", r"\_") + "}"), name=name)


@dataclass
class Derivation:
    title: str
    lines: list[Line] = field(default_factory=list)

    def unicode(self, digits: int = DIGITS) -> str:
        return "\n".join([self.title] + [ln.unicode(digits) for ln in self.lines])


def ln(arg: Expr) -> Apply:
    return Apply("ln", r"\ln", arg)


def exp(arg: Expr) -> Apply:
    return Apply("exp", r"\exp", arg)


def minus(a: Expr, b: Expr) -> Add:
    """``a − b``."""
    return Add(((1, a), (-1, b)))


def times(*xs: float) -> Prod:
    """A product of numbers, written out: ``0.5 × 2``."""
    return Prod(tuple(Num(float(x)) for x in xs), numeric=True)
