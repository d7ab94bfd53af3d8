"""The budget tables of the seed (section 1.3): rows, totals, results, investments, net worth.

Figures are the seed's, transcribed in src/cruscotto/demo/bilancio/; where they disagree
with each other the checks must say so, cell by cell, and say nothing else.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruscotto.demo import demo_path
from cruscotto.engine.bilancio import (
    FUNZIONI,
    SCHEMA,
    Preventivo,
    RigaPreventivo,
    calcola,
    check_bilancio,
    check_preventivo,
    misure_dal_preventivo,
    proiezione,
)
from cruscotto.engine.errors import ParseError
from cruscotto.files.bilancio import load_bilancio, read_preventivo
from cruscotto.files.values import read_measures

DEMO = demo_path("bilancio")


@pytest.fixture(scope="module")
def bilancio():
    return load_bilancio(DEMO)


def test_the_seeds_budget_rows_and_results(bilancio):
    p = bilancio.preventivo
    assert p.anno == 2020 and len(p.righe) == len(SCHEMA)
    c = calcola(p)
    assert c["A"]["preventivo"] == 5_641_647 and c["B"]["preventivo"] == -6_108_547
    assert c["A-B"]["preventivo"] == -466_900  # risultato della gestione corrente
    assert c["C"]["preventivo"] == 11_900 and c["D"]["preventivo"] == 4_000
    assert c["A-B-C-D"]["preventivo"] == -451_000  # the deficit the body plans for 2020
    assert c["A-B-C-D"]["consuntivo"] == -433_025  # from the rows; printed -431.015 (its totals are 2.000 and 10 off)
    assert c["E-F-G"]["preventivo"] == 92_800 and c["E-F-G"]["consuntivo"] == 44_000
    assert {f: c["A"][f] for f in FUNZIONI} == {"A": 400, "B": 3_160_200, "C": 1_441_807, "D": 1_039_240}


def test_every_disagreement_of_the_seeds_tables_is_reported_and_nothing_else(bilancio):
    found = sorted((p.code, p.where, p.message) for p in check_bilancio(bilancio))
    assert all(p.severity == "warning" for p in check_bilancio(bilancio))
    assert found == sorted(
        [
            (
                "bilancio_totale",
                "preventivo 2020, riga A «Totale proventi correnti», colonna previsione consuntivo",
                "stampato 5.541.421, somma delle righe 1 + 2 + 3 + 4 + 5 5.539.421 (differenza 2.000)",
            ),
            (
                "bilancio_funzioni",
                "preventivo 2020, riga 6 «Personale», colonna totale funzioni (A+B+C+D)",
                "stampato -2.080.927, somma delle funzioni A+B+C+D -2.080.926 (differenza -1)",
            ),
            (
                "bilancio_totale",
                "preventivo 2020, riga B «Totale oneri correnti», colonna previsione consuntivo",
                "stampato -6.005.381, somma delle righe 6 + 7 + 8 + 9 -6.005.391 (differenza 10)",
            ),
            (
                "bilancio_totale",
                "preventivo 2020, riga B «Totale oneri correnti», colonna funzione B",
                "stampato -2.238.464, somma delle righe 6 + 7 + 8 + 9 -2.238.463 (differenza -1)",
            ),
            (
                "bilancio_totale",
                "preventivo 2020, riga B «Totale oneri correnti», colonna funzione D",
                "stampato -1.894.354, somma delle righe 6 + 7 + 8 + 9 -1.884.353 (differenza -10.001)",
            ),
            (
                "bilancio_funzioni",
                "preventivo 2020, riga B «Totale oneri correnti», colonna totale funzioni (A+B+C+D)",
                "stampato -6.108.547, somma delle funzioni A+B+C+D -6.118.548 (differenza 10.001)",
            ),
            (
                "bilancio_totale",
                "preventivo 2020, riga A-B «Risultato della gestione corrente», colonna funzione D",
                "stampato -845.114, somma delle righe A + B -855.114 (differenza 10.000)",
            ),
            (
                "bilancio_funzioni",
                "preventivo 2020, riga A-B «Risultato della gestione corrente», colonna totale funzioni (A+B+C+D)",
                "stampato -466.900, somma delle funzioni A+B+C+D -466.901 (differenza 1)",
            ),
            (
                "bilancio_funzioni",
                "preventivo 2020, riga A-B-C-D «Disavanzo/avanzo economico dell'esercizio», "
                "colonna totale funzioni (A+B+C+D)",
                "stampato -451.000, somma delle funzioni A+B+C+D -451.001 (differenza 1)",
            ),
            (
                "composizione_preventivo",
                "composizione oneri 2019, «Promozione economica»",
                "stampato 21%, dalla previsione consuntivo del preventivo 2020 21,5% (righe 8 su B)",
            ),
            (
                "composizione_preventivo",
                "composizione oneri 2019, «Funzionamento e quote associative»",
                "stampato 22%, dalla previsione consuntivo del preventivo 2020 20,7% (righe 7 su B)",
            ),
            (
                "composizione_preventivo",
                "composizione oneri 2019, «Ammortamenti e Accantonamenti»",
                "stampato 22%, dalla previsione consuntivo del preventivo 2020 22,5% (righe 9 su B)",
            ),
        ]
    )


def test_investments_and_net_worth(bilancio):
    pi = bilancio.investimenti
    assert (pi.totale("immateriali"), pi.totale("materiali"), pi.totale("finanziarie"), pi.totale()) == (
        20_000,
        62_800,
        10_000,
        92_800,
    )
    pn = proiezione(bilancio.patrimonio, bilancio.preventivo)
    assert pn["pareggio"] == 451_000 and pn["investimenti"] == 92_800
    assert pn["residuo"] == 6_122_561  # the seed's estimate at 31.12.2020
    assert pn["trace"] == "6.487.085 − 451.000 − 92.800 + 179.276 = 6.122.561"


def test_balance_sheet_years(bilancio):
    assert [(s.anno, s.attivo + s.passivo) for s in bilancio.stato_patrimoniale] == [
        (2016, 12_235_359),
        (2017, 10_056_645),
        (2018, 9_554_100),
    ]


def test_measures_from_the_budget_agree_with_the_demo_measures_file(bilancio):
    from_budget = misure_dal_preventivo(bilancio.preventivo)
    measures = read_measures(demo_path("misure-2020-preventivo.csv")).misure
    assert measures and all(from_budget[k] == v for k, v in measures.items())
    assert (
        from_budget[("oneri_correnti", 2019)] == 6_005_381 and from_budget[("interventi_economici", 2020)] == 1_271_100
    )


def test_every_bad_cell_is_listed_with_file_row_column_and_value(tmp_path):
    from cruscotto.files.tables import InvalidFile

    f = tmp_path / "preventivo-2020.csv"
    f.write_text(
        "anno;codice;voce;previsione_consuntivo;preventivo;A;B;C;D;totale_funzioni\n"
        "2020;1;Diritto annuale;3.718.800;3.722.800 circa;;;;;\n"
        "2020;2;Diritti di segreteria;uno;1.282.970;;;;;\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        read_preventivo(f)
    assert [(p.where, p.message) for p in exc.value.problems] == [
        (f"{f}, riga 2, colonna preventivo", "importo non valido: '3.722.800 circa'"),
        (f"{f}, riga 3, colonna previsione_consuntivo", "importo non valido: 'uno'"),
    ]
    assert isinstance(exc.value, ParseError)  # callers that catch parse errors catch this too


def test_a_missing_column_is_named(tmp_path):
    f = tmp_path / "preventivo-2020.csv"
    f.write_text("anno;codice;voce;preventivo\n2020;1;Diritto annuale;1\n", encoding="utf-8")
    with pytest.raises(ParseError, match="colonne mancanti: previsione_consuntivo, A, B, C, D, totale_funzioni"):
        read_preventivo(f)


def test_xlsx_reads_as_csv(tmp_path):
    from openpyxl import Workbook

    from cruscotto.files.tables import read_csv

    table = read_csv(f"{DEMO}/preventivo-2020.csv")
    wb = Workbook()
    ws = wb.active
    ws.append(table.headers)
    for _n, cells in table.rows:
        ws.append(cells)
    wb.save(tmp_path / "preventivo-2020.xlsx")
    assert (
        read_preventivo(tmp_path / "preventivo-2020.xlsx").righe == read_preventivo(f"{DEMO}/preventivo-2020.csv").righe
    )


amount = st.integers(min_value=-5_000_000, max_value=5_000_000).map(float)


@st.composite
def consistent_budget(draw):
    """A preventivo whose every printed total is the sum of its rows and functions."""
    rows: dict[str, dict[str, float]] = {}
    for voce in SCHEMA:
        if voce.totale:
            row = {c: sum(rows[k][c] for k in voce.componenti) for c in ("consuntivo", *FUNZIONI)}
        else:
            row = {"consuntivo": draw(amount), **{f: draw(amount) for f in FUNZIONI}}
        row["totale"] = row["preventivo"] = sum(row[f] for f in FUNZIONI)
        rows[voce.codice] = row
    return Preventivo(2020, tuple(RigaPreventivo(k, k, dict(v)) for k, v in rows.items()))


@settings(max_examples=60, deadline=None)
@given(
    consistent_budget(),
    st.sampled_from([v.codice for v in SCHEMA]),
    st.sampled_from(["consuntivo", "preventivo", *FUNZIONI, "totale"]),
    st.integers(min_value=1, max_value=10_000),
)
def test_a_consistent_budget_has_no_finding_and_one_changed_cell_is_found(p, code, col, delta):
    assert check_preventivo(p) == []
    rows = [
        RigaPreventivo(r.codice, r.nome, {**r.valori, col: r.valori[col] + delta} if r.codice == code else r.valori)
        for r in p.righe
    ]
    findings = check_preventivo(Preventivo(p.anno, tuple(rows)))
    # Found in the changed cell itself, or in a total of which that row is a part.
    parts = {v.codice: v.componenti for v in SCHEMA}
    assert findings and any(
        f"riga {code} " in f.where or code in parts[f.where.split("riga ")[1].split(" ")[0]] for f in findings
    )


def test_the_tables_survive_a_json_round_trip(bilancio):
    import json

    from cruscotto.engine.bilancio import bilancio_from_data, bilancio_to_data

    again = bilancio_from_data(json.loads(json.dumps(bilancio_to_data(bilancio))))
    # The base measures are the ente's, kept apart from the tables (docs/bilancio.md).
    assert again == dataclasses.replace(bilancio, misure={}) and bilancio.misure
    assert [p.as_dict() for p in check_bilancio(again, bilancio.misure)] == [
        p.as_dict() for p in check_bilancio(bilancio)
    ]


@pytest.mark.parametrize(
    "name, text, where",
    [
        (
            "investimenti-2020.csv",
            "anno;categoria;gruppo;voce;importo;tipo\n"
            "2020;immateriali;;Software;1.000 circa;voce\n"
            "2020;altre;;Altro;5;voce\n"
            "2020;materiali;;Licenze;;voce\n",
            ["riga 2, colonna importo", "riga 3, colonna categoria", "riga 4, colonna importo"],
        ),
        (
            "patrimonio-netto-2020.csv",
            "anno;voce;descrizione;importo\n2020;iniziale;;x\n2020;boh;;1\n20x0;ammortamenti;;1\n",
            ["riga 2, colonna importo", "riga 3, colonna voce", "riga 4, colonna anno"],
        ),
        (
            "stato-patrimoniale.csv",
            "anno;attivo;passivo;patrimonio_netto;risultato\n2016;1;;1;\n2017;a;1;1;b\n",
            ["riga 2, colonna passivo", "riga 3, colonna attivo", "riga 3, colonna risultato"],
        ),
        (
            "composizione.csv",
            "tabella;voce;righe_preventivo;2018;2019\n"
            "proventi;Diritto annuale;1;68 circa;67%\n"
            "ricavi;X;;1%;1%\n"
            "oneri;Personale;6;35%;x\n",
            ["riga 2, colonna 2018", "riga 3, colonna tabella", "riga 4, colonna 2019"],
        ),
    ],
)
def test_every_table_lists_all_its_bad_cells_at_once(tmp_path, name, text, where):
    from cruscotto.files.tables import InvalidFile

    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFile) as exc:
        load_bilancio(tmp_path)
    assert [p.where for p in exc.value.problems] == [f"{tmp_path / name}, {w}" for w in where]
