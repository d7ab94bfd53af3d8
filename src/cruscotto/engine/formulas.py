"""Safe evaluation of indicator formulas over named base measures.

A formula is arithmetic over measure names: ``(oneri_personale +
oneri_funzionamento) / imprese_attive * 1000``. It is checked when the plan
loads (syntax, allowed constructs) and evaluated per year. simpleeval does the
evaluation; we narrow it further: numbers, names, + - * / ** (exponent at most
``MAX_EXPONENT``, powers computed in floats), unary signs, parentheses (at most
``MAX_DEPTH`` operations nested) and min/max (two or more arguments), abs, round
(``round(x)`` or ``round(x, 2)``, the digits a whole number). No attribute
access, subscripts, strings, comparisons, imports or assignments, and a function
name only as a call. A division by zero, a missing measure, a power with no real
value or a result too large is *non calcolabile* with its reason, never an
exception escaping to the caller.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import simpleeval

from .errors import FormulaError
from .lingua import _

MAX_EXPONENT = 10
# Operations nested in one another (a sum of 101 terms is 100 deep). The evaluator
# recurses about twice per level, so this keeps it far from Python's recursion limit.
MAX_DEPTH = 100


def _round(x: float, ndigits: int | None = None) -> float:
    # round() raises on an infinity or NaN; left as they are, they end as "risultato non numerico".
    if isinstance(x, float) and not math.isfinite(x):
        return x
    return round(x, ndigits)


_FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": _round}
# How many arguments each function takes (at least, at most); round's second is a whole number.
_ARITY = {"min": (2, None), "max": (2, None), "abs": (1, 1), "round": (1, 2)}


def _bounded_pow(a: float, b: float) -> float:
    if abs(b) > MAX_EXPONENT:
        raise FormulaError(_("esponente troppo grande ({b}); massimo {massimo}").format(b=b, massimo=MAX_EXPONENT))
    # In floats: a power of integers is exact, so ((((9**10)**10)**10)**10)**10 ... would
    # build a number of billions of digits; a float overflows at once instead.
    a = float(a)
    if a < 0 and not math.isnan(b) and b != math.floor(b):  # Python would answer with a complex number
        raise FormulaError(_("potenza non reale (base negativa, esponente non intero)"))
    # float ** float is typed Any (it may be complex); the check above keeps it real.
    result: float = operator.pow(a, b)
    return result


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: _bounded_pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Call) + tuple(
    _OPERATORS
)


@dataclass(frozen=True, slots=True)
class Formula:
    testo: str
    nomi: tuple[str, ...]  # measure names it reads, in order of first use


@dataclass(frozen=True, slots=True)
class Esito:
    """The outcome of one evaluation: a value, or the reason it could not be computed."""

    valore: float | None
    valori: dict[str, float]  # the measures used, for the trace
    motivo: str | None = None  # "non calcolabile: ..." when valore is None


@lru_cache(maxsize=4096)
def compile_formula(text: str) -> Formula:
    """Check a formula and list the measures it uses; :class:`FormulaError` if not allowed."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(_("formula non valida ({msg}): {text!r}").format(msg=exc.msg, text=text)) from None
    except (RecursionError, MemoryError):
        # How CPython's parser gives up on very deep nesting ("-" * 10_000 + "a").
        raise FormulaError(_("formula troppo annidata: {text!r}").format(text=text)) from None
    names: list[ast.Name] = []
    callees: set[int] = set()
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:  # depth-first with the nesting depth, without recursion
        node, depth = stack.pop()
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)):
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    _("formula troppo annidata (più di {massimo} livelli): {text!r}").format(
                        massimo=MAX_DEPTH, text=text
                    )
                )
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(
                _("costrutto non ammesso nella formula ({costrutto}): {text!r}").format(
                    costrutto=type(node).__name__, text=text
                )
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        ):
            raise FormulaError(_("nella formula sono ammessi solo numeri e nomi di misure: {text!r}").format(text=text))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                raise FormulaError(
                    _("funzione non ammessa (ammesse: {ammesse}): {text!r}").format(
                        ammesse=", ".join(_FUNCTIONS), text=text
                    )
                )
            # A wrong call would raise TypeError at evaluation, out of the caller's sight.
            least, most = _ARITY[node.func.id]
            if len(node.args) < least or (most is not None and len(node.args) > most):
                raise FormulaError(
                    _("numero di argomenti non valido per {funzione}: {text!r}").format(
                        funzione=node.func.id, text=text
                    )
                )
            if node.func.id == "round" and len(node.args) == 2 and not _is_whole_number(node.args[1]):
                raise FormulaError(_("round vuole come cifre decimali un numero intero: {text!r}").format(text=text))
            callees.add(id(node.func))
        elif isinstance(node, ast.Name) and node.id in _FUNCTIONS:
            if id(node) not in callees:  # "min + 1" would add a function to a number
                raise FormulaError(
                    _("{nome} si usa solo come funzione, con i suoi argomenti: {text!r}").format(
                        nome=node.id, text=text
                    )
                )
        elif isinstance(node, ast.Name):
            names.append(node)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    # Order the names as they are written (by line, then column: a formula may span lines).
    ordered = dict.fromkeys(n.id for n in sorted(names, key=lambda n: (n.lineno, n.col_offset)))
    return Formula(testo=text.strip(), nomi=tuple(ordered))


def _is_whole_number(node: ast.AST) -> bool:
    """``2`` or ``-1``: a literal integer, possibly signed."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def evaluate(formula: Formula | str, misure: Mapping[str, float]) -> Esito:
    """Evaluate with the given measures (one year's values)."""
    if isinstance(formula, str):
        formula = compile_formula(formula)
    missing = [n for n in formula.nomi if misure.get(n) is None]
    used = {n: float(misure[n]) for n in formula.nomi if misure.get(n) is not None}
    if missing:
        return Esito(None, used, f"non calcolabile: misura mancante {', '.join(missing)}")
    evaluator = simpleeval.SimpleEval(operators=_OPERATORS, functions=_FUNCTIONS, names=used)
    try:
        value = evaluator.eval(formula.testo)
        value = float(value)  # inside the try: an integer result may be too large for a float
    except ZeroDivisionError:
        return Esito(None, used, "non calcolabile: divisione per zero")
    except OverflowError:
        return Esito(None, used, "non calcolabile: risultato troppo grande")
    except FormulaError as exc:
        return Esito(None, used, f"non calcolabile: {exc}")
    if not math.isfinite(value):
        return Esito(None, used, "non calcolabile: risultato non numerico")
    return Esito(value, used)
