"""Safe evaluation of indicator formulas over named base measures.

A formula is arithmetic over measure names: ``(oneri_personale +
oneri_funzionamento) / imprese_attive * 1000``. It is checked when the plan
loads (syntax, allowed constructs) and evaluated per year. simpleeval does the
evaluation; we narrow it further: numbers, names, + - * / ** (exponent at most
``MAX_EXPONENT``), unary signs, parentheses and min/max/abs/round. No
attribute access, subscripts, strings, comparisons, imports or assignments.
A division by zero or a missing measure is *non calcolabile* with its reason,
never an exception escaping to the caller.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import simpleeval

from .errors import FormulaError

MAX_EXPONENT = 10

_FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round}


def _bounded_pow(a: float, b: float) -> float:
    if abs(b) > MAX_EXPONENT:
        raise FormulaError(f"esponente troppo grande ({b}); massimo {MAX_EXPONENT}")
    return operator.pow(a, b)


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: _bounded_pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Call) + tuple(_OPERATORS)


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
        raise FormulaError(f"formula non valida ({exc.msg}): {text!r}") from None
    names: list[ast.Name] = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(f"costrutto non ammesso nella formula ({type(node).__name__}): {text!r}")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, (int, float))):
            raise FormulaError(f"nella formula sono ammessi solo numeri e nomi di misure: {text!r}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                raise FormulaError(f"funzione non ammessa (ammesse: {', '.join(_FUNCTIONS)}): {text!r}")
        elif isinstance(node, ast.Name) and node.id not in _FUNCTIONS:
            names.append(node)
    # ast.walk is breadth-first: order the names as they are written.
    ordered = dict.fromkeys(n.id for n in sorted(names, key=lambda n: n.col_offset))
    return Formula(testo=text.strip(), nomi=tuple(ordered))


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
    except ZeroDivisionError:
        return Esito(None, used, "non calcolabile: divisione per zero")
    except (OverflowError, FormulaError) as exc:
        return Esito(None, used, f"non calcolabile: {exc}")
    if isinstance(value, complex) or value != value or value in (float("inf"), float("-inf")):
        return Esito(None, used, "non calcolabile: risultato non numerico")
    return Esito(float(value), used)
