"""The Relazione as DFP guideline 3/2018 asks (issue 14): a summary for citizens and stakeholders
first, the efficiency and economy section, and how the Relazione was made. On the seed's plan
and the demo's values."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.documents.blocks import Heading, Table
from cruscotto.documents.build import Fase, Redazione
from cruscotto.documents.relazione import build_relazione
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals


def _text(doc) -> str:
    out = []
    for blk in doc.blocks:
        if isinstance(blk, Table):
            out += [blk.caption, " | ".join(blk.header)] + [" | ".join(c.text for c in row) for row in blk.rows]
        else:
            out.append(getattr(blk, "text", "") or " ".join(getattr(blk, "items", ())))
    return "\n".join(out)


@pytest.fixture(scope="module")
def demo(demo_plan_path, demo_actuals_path):
    plan = load_plan(demo_plan_path).piano
    return plan, score_plan(plan, anno=2020, valori=read_actuals(demo_actuals_path))


def _section(doc, title: str) -> str:
    """The text from heading ``title`` to the next heading of the same or a higher level."""
    blocks = list(doc.blocks)
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == title)
    level = blocks[start].level
    end = next(
        (i for i in range(start + 1, len(blocks)) if isinstance(blocks[i], Heading) and blocks[i].level <= level),
        len(blocks),
    )
    return _text(type(doc)(doc.title, doc.subtitle, doc.author, tuple(blocks[start + 1 : end])))


def test_the_summary_for_citizens_comes_first_in_plain_figures(demo):
    plan, result = demo
    doc = build_relazione(plan, result)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert headings[:3] == [
        "1. Presentazione e principali risultati",
        "1.1 In sintesi, per i cittadini e gli stakeholder",
        "1.2 I risultati dell'anno",
    ]
    text = _section(doc, "1.1 In sintesi, per i cittadini e gli stakeholder")
    assert (
        "Nel 2020 il grado di raggiungimento degli obiettivi della Camera di Commercio di Pistoia è pari al 91,49%: "
        "raggiunto, con la soglia fissata dal piano all'80,00%." in text.replace("**", "")
    )
    # the seed's strategic objectives of the cruscotto di ente, counted; the two short of target named
    own = [n for n in result.nodi if n.livello == "obiettivo_strategico" and n.cruscotto == "ente"]
    short = [n for n in own if n.stato.value in ("non_raggiunto", "parzialmente_raggiunto")]
    assert f"Dei {len(own)} obiettivi strategici del cruscotto di ente:" in text
    assert [n.codice for n in short] == ["G", "H1"]
    assert "G – Potenziare la comunicazione istituzionale e la trasparenza: 75,00%" in text
    assert "€ 24.903,64 su un massimo di € 28.063,95" in text


def test_the_entes_own_summary_and_note_are_printed_with_the_recorded_steps(demo):
    plan, result = demo
    redazione = Redazione(
        sintesi="Nel 2020 la Camera ha **sostenuto le imprese** del territorio.\n\n- 1.200 imprese aiutate",
        note="Hanno partecipato tutti i responsabili; da migliorare la tempestività dei dati.",
        fasi=(
            Fase(date(2020, 1, 30), "Adozione del piano (versione 1)", "Delibera di Giunta n. 12"),
            Fase(None, "Osservazioni dell'OIV sul ciclo: 2", "OIV"),
        ),
    )
    doc = build_relazione(plan, result, redazione=redazione)
    summary = _section(doc, "1.1 In sintesi, per i cittadini e gli stakeholder")
    assert summary.startswith("Nel 2020 la Camera ha **sostenuto le imprese** del territorio.")  # bold kept
    assert "1.200 imprese aiutate" in summary
    made = _section(doc, "Come è stata redatta la Relazione")
    assert "30/01/2020 | Adozione del piano (versione 1) | Delibera di Giunta n. 12" in made
    assert "— | Osservazioni dell'OIV sul ciclo: 2 | OIV" in made
    assert made.endswith("Hanno partecipato tutti i responsabili; da migliorare la tempestività dei dati.")
    # without a record of the cycle (a plan file on the command line) the Relazione says so
    alone = _section(build_relazione(plan, result), "Come è stata redatta la Relazione")
    assert "non c'è un registro del ciclo" in alone


def test_efficiency_and_economy_from_the_plans_indicators(demo):
    plan, result = demo
    doc = build_relazione(plan, result)
    title = "3.7 Efficienza ed economicità"  # 3.6 is the fund's
    (table,) = [b for b in doc.blocks if isinstance(b, Table) and b.caption.startswith("Indicatori di efficienza")]
    codes = [row[0].text for row in table.rows]
    kinds = {i.codice: i.tipologia for i in plan.indicatori()}
    assert codes and all("efficien" in kinds[c].casefold() or "econom" in kinds[c].casefold() for c in codes)
    expected = [i.codice for i in plan.indicatori() if any(k in i.tipologia.casefold() for k in ("efficien", "econom"))]
    assert codes == expected
    # the seed's I.2.1-3 ("Costi di personale e funzionamento per impresa", EFFICIENZA) among them
    assert "I.2.1-3" in codes
    assert title in [b.text for b in doc.blocks if isinstance(b, Heading)]


def test_a_plan_without_such_indicators_says_so(demo):
    import dataclasses

    plan, result = demo

    def plain(i):
        return dataclasses.replace(i, tipologia="")

    bare = plan
    for attr in ("prospettive",):
        bare = dataclasses.replace(
            bare,
            **{
                attr: tuple(
                    dataclasses.replace(
                        p,
                        linee=tuple(
                            dataclasses.replace(
                                ln,
                                obiettivi_strategici=tuple(
                                    dataclasses.replace(
                                        o,
                                        indicatori=tuple(map(plain, o.indicatori)),
                                        obiettivi_operativi=tuple(
                                            dataclasses.replace(oo, indicatori=tuple(map(plain, oo.indicatori)))
                                            for oo in o.obiettivi_operativi
                                        ),
                                    )
                                    for o in ln.obiettivi_strategici
                                ),
                            )
                            for ln in p.linee
                        ),
                    )
                    for p in getattr(bare, attr)
                )
            },
        )
    text = _section(build_relazione(bare, result), "3.7 Efficienza ed economicità")
    assert "Il piano non indica indicatori di efficienza o di economicità" in text
