"""The engine's messages in English (issue 14), with the standard library's gettext and no Django:
every message the engine marks has its translation, with the same fields, and a plan scored in
English explains itself in English while Italian stays the default."""

from __future__ import annotations

import ast
import gettext
import string
from pathlib import Path

import pytest

from cruscotto.engine import lingua
from cruscotto.engine.rollup import score_plan
from cruscotto.engine.scoring import STATO_TESTO, Stato
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals

ENGINE = Path(lingua.__file__).parent


def _marked() -> list[tuple[str, str, str | None]]:
    """(place, message, plural) for every literal passed to _, N_ or ngettext in the engine's code."""
    found = []
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_", "ngettext")
            ):
                texts = [
                    a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
                ]
                if texts and texts[0] is not None:
                    plural = texts[1] if node.func.id == "ngettext" else None
                    found.append((f"{path.name}:{node.lineno}", texts[0], plural))
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_engine_message_has_its_english_with_the_same_fields():
    mo = ENGINE / "locale" / "en" / "LC_MESSAGES" / "engine.mo"
    assert mo.exists(), "engine.mo is missing: `make messages` compiles it from engine.po"
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    marked = _marked()
    assert len(marked) > 150  # the traces, warnings and validation messages of scoring, rollup, validation
    untranslated, wrong = [], []
    for place, msg, plural in marked:
        # a message counted (ngettext) is stored under (singular, form); the others by themselves
        forms = [catalogue._catalog.get((msg, k)) for k in (0, 1)] if plural else [catalogue._catalog.get(msg)]  # type: ignore[attr-defined]
        if not all(forms):
            untranslated.append((place, msg))
            continue
        allowed = _fields(msg) | _fields(plural or "")
        wrong += [(place, msg, text) for text in forms if _fields(text) - allowed]
    assert untranslated == [] and wrong == []


@pytest.fixture(scope="module")
def seed(demo_plan_path, demo_actuals_path):
    return load_plan(demo_plan_path).piano, read_actuals(demo_actuals_path)


def test_a_plan_scored_in_english_explains_itself_in_english(seed):
    plan, valori = seed
    italian = score_plan(plan, anno=2020, valori=valori)
    with lingua.in_lingua("en"):
        english = score_plan(plan, anno=2020, valori=valori)
        assert STATO_TESTO[Stato.PARZIALE] == "partly achieved"
        # the coverage is said when it is read: in the reader's language
        assert english.copertura.testo() == "50 indicators assessed of 50 with data, 4 without data"
    assert lingua.lingua() == "it" and STATO_TESTO[Stato.PARZIALE] == "parzialmente raggiunto"
    # the same figures, other words
    assert english.achievement == italian.achievement
    a, b = italian.indicatore("B.2.1-1"), english.indicatore("B.2.1-1")
    assert a.achievement == b.achievement
    steps_it, steps_en = " | ".join(a.trace["passi"]), " | ".join(b.trace["passi"])
    assert "regola più alto è meglio" in steps_it and "calcolo: " in steps_it
    assert "rule higher is better" in steps_en and "calculation: " in steps_en
    assert "calcolo" not in steps_en and "regola" not in steps_en
    assert italian.copertura.testo() == "50 indicatori valutati su 50 con dati, 4 senza dati"
    # the weights warnings, with real plurals in both
    assert any("i pesi sommano" in w for w in italian.warnings)
    assert any("the weights add up to" in w for w in english.warnings)
    assert not any("i pesi sommano" in w for w in english.warnings)


def test_a_language_without_a_catalogue_writes_italian(seed):
    plan, valori = seed
    with lingua.in_lingua("de-DE"):
        assert lingua.lingua() == "de"
        result = score_plan(plan, anno=2020, valori=valori)
    assert "calcolo: " in " ".join(result.indicatore("B.2.1-1").trace["passi"])
