"""People: the staff register by year gives the seed's personnel tables and its analisi di genere.

The numbers are the seed's (Piano 2020-2022, sections 1.2 and 3.4); the
register is the invented one in src/cruscotto/demo/personale.csv.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruscotto.demo import demo_path
from cruscotto.engine.errors import ParseError
from cruscotto.engine.personale import (
    CATEGORIE,
    DEFINIZIONI,
    DEFINIZIONI_PER_CODICE,
    DIRIGENTE,
    Dipendente,
    Stampato,
    Titolo,
    calcola,
    composizione,
    concorda,
    confronta_stampati,
    controlla_registro,
    indicatori_genere,
    tipologia_contrattuale,
)
from cruscotto.files.personale import read_personale, read_stampati
from cruscotto.files.tables import InvalidFile

ROOT = Path(__file__).resolve().parents[1]
SG = "1053"  # the Segretario generale's matricola in the demo register


@pytest.fixture(scope="module")
def registro():
    return read_personale(demo_path("personale.csv")).dipendenti


@pytest.fixture(scope="module")
def stampati():
    return read_stampati(demo_path("personale-stampati.csv"))


# --- Composition: the seed's "Composizione del Personale in Ruolo (31.12)" -----------------

# year: {category: (women, men)}, then the totals row (women, men, all)
COMPOSIZIONE = {
    2016: ({"D": (11, 4), "C": (24, 6), "B": (3, 4), "A": (0, 0)}, (38, 14, 52)),
    2017: ({"D": (9, 3), "C": (21, 6), "B": (2, 4), "A": (0, 0)}, (32, 13, 45)),
    2018: ({"D": (8, 3), "C": (21, 6), "B": (2, 3), "A": (0, 0)}, (31, 12, 43)),
    2019: ({"D": (8, 3), "C": (19, 6), "B": (2, 2), "A": (0, 0)}, (29, 11, 40)),
}


@pytest.mark.parametrize("anno", COMPOSIZIONE)
def test_the_composition_by_category_and_gender_is_the_seeds(registro, anno):
    righe, (donne, uomini, totale) = COMPOSIZIONE[anno]
    comp = composizione(registro, anno)
    assert {r.voce: (r.donne, r.uomini) for r in comp.categorie} == righe
    assert (comp.totale_ruolo.donne, comp.totale_ruolo.uomini, comp.totale_ruolo.totale) == (donne, uomini, totale)


def test_the_2019_table_adds_the_one_dirigente_a_man_for_41(registro):
    comp = composizione(registro, 2019)
    assert comp.totale_ruolo.totale == 40
    assert (comp.dirigenti.donne, comp.dirigenti.uomini) == (0, 1)
    assert comp.non_di_ruolo.totale == 0
    assert comp.totale.totale == 41


def test_the_dirigente_is_in_no_category_row(registro):
    sg = [d for d in registro if d.matricola == SG]
    assert [d.anno for d in sg] == [2016, 2017, 2018, 2019]
    assert all(d.categoria == DIRIGENTE and d.genere == "M" and not d.in_ruolo for d in sg)


@pytest.mark.parametrize("anno, pieno, parziale, totale", [(2017, 37, 8, 45), (2018, 35, 8, 43), (2019, 33, 7, 40)])
def test_full_and_part_time_are_the_seeds(registro, anno, pieno, parziale, totale):
    t = tipologia_contrattuale(registro, anno)
    assert (t.tempo_pieno.totale, t.tempo_parziale.totale, t.totale.totale) == (pieno, parziale, totale)


# --- The analisi di genere, 2017-2019 ---------------------------------------------------------

# As printed in the seed's table of section 3.4 (None where the cell is empty).
INDICATORI = {
    "dirigenti_donne": ("-", "-", "-"),
    "po_donne": ("71%", "66%", "66%"),
    "donne": ("71%", "72%", "72%"),
    "donne_indeterminato": ("100%", "100%", "100%"),
    "eta_media_donne": ("54", "55", "55"),
    "eta_media_uomini": ("52", "53", "53"),
    "laureate_donne": ("41%", "39%", "38%"),
    "laureati_uomini": ("36%", "38%", "42%"),
    "part_time": ("17%", "18%", "17%"),
    "orario_personalizzato_donne_pct": (None, "32%", "34%"),
    "orario_personalizzato_donne": ("n.d.", "10", "10"),
    "legge_104_donne": ("n.d.", "7", "7"),
    "legge_104_uomini": ("0", "0", "1"),
}
# No register can print these: PO are held in cat. D (11 people), and no k/n with n <= 11 is
# within half a point of 66% (2/3 = 66,67%; 66% needs at least 19/29).
IRRAGGIUNGIBILI = {("po_donne", 2018), ("po_donne", 2019)}

CASI = [
    (codice, anno, testo)
    for codice, testi in INDICATORI.items()
    for anno, testo in zip((2017, 2018, 2019), testi)
    if testo is not None
]


def test_the_table_covers_every_indicator_in_the_seeds_order():
    assert list(INDICATORI) == [d.codice for d in DEFINIZIONI]


@pytest.mark.parametrize("codice, anno, testo", CASI)
def test_every_indicator_is_the_seeds_within_its_printed_precision(registro, codice, anno, testo):
    valore = calcola(DEFINIZIONI_PER_CODICE[codice], registro, anno).valore
    assert concorda(testo, valore) is ((codice, anno) not in IRRAGGIUNGIBILI), (codice, anno, testo, valore)


@pytest.mark.parametrize(
    "codice, anno, numeratore, denominatore",
    [
        ("po_donne", 2017, 5, 7),
        ("donne", 2017, 32, 45),  # 32/46 would print 70%
        ("part_time", 2017, 8, 46),  # 8/45 would print 18%
        ("part_time", 2018, 8, 44),
        ("part_time", 2019, 7, 41),
        ("laureati_uomini", 2017, 5, 14),  # no count of 13 men prints 36%
        ("laureati_uomini", 2019, 5, 12),
        ("laureate_donne", 2017, 13, 32),
        ("orario_personalizzato_donne_pct", 2018, 10, 31),
        ("eta_media_donne", 2019, 1604, 29),
        ("eta_media_uomini", 2017, 734, 14),
    ],
)
def test_the_trace_gives_numerator_and_denominator(registro, codice, anno, numeratore, denominatore):
    t = calcola(DEFINIZIONI_PER_CODICE[codice], registro, anno).traccia
    assert (t.numeratore, t.denominatore) == (numeratore, denominatore)
    assert len(t.matricole_denominatore) == denominatore and not t.senza_dato


def test_the_dirigente_counts_among_men_and_in_the_part_time_total_but_not_in_the_share_of_women(registro):
    by_code = {i.definizione.codice: i.traccia for i in indicatori_genere(registro, 2017)}
    assert SG in by_code["laureati_uomini"].matricole_denominatore
    assert SG in by_code["laureati_uomini"].matricole_numeratore
    assert SG in by_code["part_time"].matricole_denominatore
    assert SG not in by_code["donne"].matricole_denominatore


def test_women_not_recorded_in_2017_make_the_hours_indicators_nd_and_say_who(registro):
    ind = calcola(DEFINIZIONI_PER_CODICE["legge_104_donne"], registro, 2017)
    assert ind.valore is None
    assert len(ind.traccia.senza_dato) == 32
    assert ind.traccia.spiegazione(ind.definizione.misura) == "dato non rilevato per 32 persone"


def test_the_check_reports_exactly_the_seeds_unreachable_figures(registro, stampati):
    problems = confronta_stampati(registro, stampati)
    assert [(p.code, p.severity, p.where, p.message) for p in problems] == [
        (
            "personale_discordanza",
            "warning",
            "3.4 Principali indicatori dell'analisi di genere (anni 2017-2019), "
            f"riga {DEFINIZIONI_PER_CODICE['po_donne'].dicitura}, anno {anno}",
            "stampato 66%, calcolato 66,67% (4 su 6)",
        )
        for anno in (2018, 2019)
    ]


def test_the_printed_figures_file_holds_every_table_of_the_seed(stampati):
    # 1.2: composition 4 years x (3 rows x 2 + 2 totals + 1) = 36, contract type 9, the text 6;
    # 3.4: 13 indicators x 3 years less the empty 2017 cell = 38, the 2019 table 11.
    assert len(stampati) == 100
    assert {s.tabella for s in stampati} == {
        "1.2 Composizione del Personale in Ruolo (31.12)",
        "1.2 Composizione del Personale per tipologia contrattuale",
        "1.2 Risorse umane (testo: organico attuale)",
        "3.4 Principali indicatori dell'analisi di genere (anni 2017-2019)",
        "3.4 Composizione del Personale in Ruolo (31.12), 2019",
    }


def test_a_changed_register_is_reported_with_table_row_year_and_both_figures(registro, stampati):
    gone = next(d for d in registro if d.anno == 2019 and d.categoria == "C" and d.genere == "F")
    one_less = [d for d in registro if d is not gone]
    found = [
        (p.where, p.message) for p in confronta_stampati(one_less, stampati) if "riga C (donne), anno 2019" in p.where
    ]
    assert found == [
        ("1.2 Composizione del Personale in Ruolo (31.12), riga C (donne), anno 2019", "stampato 19, calcolato 18"),
        (
            "3.4 Composizione del Personale in Ruolo (31.12), 2019, riga C (donne), anno 2019",
            "stampato 19, calcolato 18",
        ),
    ]


def test_a_year_missing_from_the_register_is_reported():
    s = Stampato("T", "D", "donne", 2015, "3")
    [p] = confronta_stampati([], [s])
    assert (p.code, p.severity, p.where) == ("personale_anno_assente", "warning", "T, riga D (donne), anno 2015")


@pytest.mark.parametrize(
    "testo, valore, ok",
    [
        ("71%", 70.5, True),
        ("71%", 71.5, True),
        ("71%", 71.51, False),
        ("72%", 72.5, True),  # 29/40: exactly half a point
        ("66%", 200 / 3, False),
        ("54", 54.22, True),
        ("55,31", 55.3103, True),
        ("55,3", 55.36, False),
        ("8", 8, True),
        ("8", 9, False),
        ("8", None, False),
        ("-", 0, True),
        ("-", None, True),
        ("-", 10, False),
        ("n.d.", None, True),
        ("n.d.", 7, False),
    ],
)
def test_a_printed_figure_agrees_within_half_a_unit_of_its_last_digit(testo, valore, ok):
    assert concorda(testo, valore) is ok


# --- Definitions on small registers ----------------------------------------------------------


def persona(matricola="1", anno=2019, genere="F", categoria="C", **kw) -> Dipendente:
    kw.setdefault("part_time", False)
    kw.setdefault("indeterminato", True)
    return Dipendente(anno, matricola, genere, categoria, **kw)


def test_part_time_alone_is_a_personalised_schedule_even_when_other_data_are_missing():
    d = DEFINIZIONI_PER_CODICE["orario_personalizzato_donne"]
    assert calcola(d, [persona("1", part_time=True)], 2019).valore == 1
    assert calcola(d, [persona("1", part_time=True), persona("2", legge_104=False)], 2019).valore is None
    assert (
        calcola(
            d, [persona("1", part_time=True), persona("2", legge_104=False, orario_personalizzato=False)], 2019
        ).valore
        == 1
    )


def test_no_dirigenti_means_no_share_of_women_among_them():
    ind = calcola(DEFINIZIONI_PER_CODICE["dirigenti_donne"], [persona()], 2019)
    assert ind.valore is None and ind.traccia.denominatore == 0


def test_a_fixed_term_employee_is_outside_the_ruolo_rows_but_in_the_grand_total():
    reg = [persona("1"), persona("2", indeterminato=False), persona("3", genere="M", categoria=DIRIGENTE)]
    comp = composizione(reg, 2019)
    assert (comp.totale_ruolo.totale, comp.non_di_ruolo.totale, comp.dirigenti.totale, comp.totale.totale) == (
        1,
        1,
        1,
        3,
    )


def test_age_comes_from_the_birth_date_at_31_december():
    assert persona(data_nascita=date(1962, 12, 31)).eta_31_12 == 57
    assert persona(eta=57).eta_31_12 == 57
    with pytest.raises(ParseError, match="non concorda"):
        persona(data_nascita=date(1962, 12, 31), eta=56)


def test_the_register_check_finds_a_person_twice_and_a_gender_that_changes():
    reg = [persona("7"), persona("7"), persona("7", anno=2018, genere="M")]
    assert [(p.code, p.severity) for p in controlla_registro(reg)] == [
        ("personale_doppio", "error"),
        ("personale_genere_variato", "warning"),
    ]


esiti = st.none() | st.booleans()
registri = st.lists(
    st.builds(
        Dipendente,
        anno=st.sampled_from((2018, 2019)),
        matricola=st.sampled_from("123456789"),
        genere=st.sampled_from("FM"),
        categoria=st.sampled_from((*CATEGORIE, DIRIGENTE)),
        part_time=st.booleans(),
        indeterminato=st.booleans(),
        eta=st.none() | st.integers(18, 70),
        titolo=st.none() | st.sampled_from(Titolo),
        legge_104=esiti,
        orario_personalizzato=esiti,
        posizione_organizzativa=esiti,
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(registri)
def test_composition_totals_always_equal_the_sums_of_their_rows(reg):
    for anno in (2018, 2019):
        comp = composizione(reg, anno)
        tip = tipologia_contrattuale(reg, anno)
        for genere in ("donne", "uomini"):
            ruolo = getattr(comp.totale_ruolo, genere)
            assert ruolo == sum(getattr(r, genere) for r in comp.categorie)
            assert getattr(comp.totale, genere) == ruolo + getattr(comp.dirigenti, genere) + getattr(
                comp.non_di_ruolo, genere
            )
            assert (
                getattr(tip.totale, genere)
                == getattr(tip.tempo_pieno, genere) + getattr(tip.tempo_parziale, genere)
                == ruolo
            )
        assert comp.totale.totale == sum(d.anno == anno for d in reg)
        for ind in indicatori_genere(reg, anno):
            assert ind.valore is None or ind.definizione.misura != "percentuale" or 0 <= ind.valore <= 100


# --- Reading files ---------------------------------------------------------------------------

HEADER = (
    "anno;matricola;genere;categoria;tempo di lavoro;contratto;data di nascita;titolo di studio;"
    "legge 104;orario personalizzato;posizione organizzativa\n"
)


def write(tmp_path, text, name="registro.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_every_bad_cell_is_reported_at_once_with_file_row_column_and_value(tmp_path):
    p = write(
        tmp_path,
        HEADER
        + "2019;1001;X;C;pieno;indeterminato;12/05/1970;diploma;no;no;no\n"
        + "2019;1002;F;E;pieno;indeterminato;12/05/70;diploma;no;no;no\n"
        + "2019;1003;F;C;metà;indeterminato;31/02/1970;dottore;forse;no;no\n"
        + "duemila;1004;F;C;pieno;;12/05/1970;diploma;no;no;no\n",
    )
    with pytest.raises(InvalidFile) as exc:
        read_personale(p)
    where = [(pr.where, pr.message) for pr in exc.value.problems]
    assert where == [
        (f"{p}, riga 2, colonna genere", "genere non valido (attesi F o M): 'X'"),
        (f"{p}, riga 3, colonna categoria", "categoria sconosciuta (attese D, C, B, A o DIR): 'E'"),
        (f"{p}, riga 3, colonna data di nascita", "data non valida (atteso gg/mm/aaaa): '12/05/70'"),
        (f"{p}, riga 4, colonna tempo di lavoro", "tempo di lavoro non valido (attesi «pieno» o «parziale»): 'metà'"),
        (f"{p}, riga 4, colonna data di nascita", "data inesistente: '31/02/1970'"),
        (
            f"{p}, riga 4, colonna titolo di studio",
            "titolo di studio sconosciuto (attesi: obbligo, diploma, laurea triennale, laurea, post-laurea): 'dottore'",
        ),
        (f"{p}, riga 4, colonna legge 104", "valore non valido (attesi sì, no o cella vuota): 'forse'"),
        (f"{p}, riga 5, colonna anno", "anno non valido: 'duemila'"),
        (f"{p}, riga 5, colonna contratto", "cella vuota: valore obbligatorio"),
    ]
    assert isinstance(exc.value, ParseError)
    assert f"{p}: 9 valore/i non valido/i" in str(exc.value)


def test_a_missing_column_is_named(tmp_path):
    p = write(tmp_path, "anno,matricola,genere,categoria,contratto\n2019,1,F,C,indeterminato\n")
    with pytest.raises(ParseError, match=r"riga 1: colonne mancanti: tempo di lavoro"):
        read_personale(p)


def test_a_person_twice_in_a_year_names_both_rows(tmp_path):
    row = "2019;1001;F;C;pieno;indeterminato;12/05/1970;diploma;no;no;no\n"
    p = write(tmp_path, HEADER + row + row)
    with pytest.raises(InvalidFile) as exc:
        read_personale(p)
    [pr] = exc.value.problems
    assert (pr.where, pr.message) == (
        f"{p}, riga 3, colonna matricola",
        "matricola già presente per il 2019 alla riga 2: '1001'",
    )


def test_an_age_that_contradicts_the_birth_date_names_the_age_cell(tmp_path):
    p = write(
        tmp_path,
        "anno,matricola,genere,categoria,tempo di lavoro,contratto,data di nascita,età\n"
        "2019,1,F,C,pieno,indeterminato,12/05/1970,50\n",
    )
    with pytest.raises(InvalidFile) as exc:
        read_personale(p)
    [pr] = exc.value.problems
    assert pr.where == f"{p}, riga 2, colonna età"
    assert pr.message == "l'età al 31/12/2019 (50) non concorda con la data di nascita: '50'"


def test_absent_optional_columns_are_warnings_and_their_indicators_nd(tmp_path):
    p = write(
        tmp_path,
        "anno,matricola,sesso,categoria,tempo di lavoro,contratto,età,reparto\n"
        "2019,1,donna,C3,part time,tempo indeterminato,50,x\n",
    )
    r = read_personale(p)
    assert r.dipendenti == (Dipendente(2019, "1", "F", "C", True, True, eta=50),)
    assert [w.code for w in r.warnings] == ["colonna_sconosciuta"] + ["colonna_assente"] * 4
    assert calcola(DEFINIZIONI_PER_CODICE["laureate_donne"], r.dipendenti, 2019).valore is None


def test_the_register_reads_the_same_from_xlsx(tmp_path, registro):
    from openpyxl import Workbook

    csv_table = (ROOT / "src/cruscotto/demo/personale.csv").read_text(encoding="utf-8").splitlines()
    import csv

    rows = list(csv.reader(csv_table))
    wb = Workbook()
    ws = wb.active
    ws.append(rows[0])
    for r in rows[1:]:
        d, m, y = (int(x) for x in r[6].split("/"))
        # As a spreadsheet holds them: numbers as numbers, dates as dates.
        ws.append([int(r[0]), int(r[1]), *r[2:6], date(y, m, d), *r[7:]])
    p = tmp_path / "personale.xlsx"
    wb.save(p)
    assert read_personale(p).dipendenti == registro


def test_a_bad_xlsx_cell_names_file_row_column_and_value(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["anno", "matricola", "genere", "categoria", "tempo di lavoro", "contratto"])
    ws.append([2019, 1, "F", "C", "pieno", "indeterminato"])
    ws.append([2019, 2, "Q", "C", "pieno", "indeterminato"])
    p = tmp_path / "r.xlsx"
    wb.save(p)
    with pytest.raises(InvalidFile, match=r"r\.xlsx, riga 3, colonna genere: genere non valido \(attesi F o M\): 'Q'"):
        read_personale(p)


def test_bad_printed_figures_are_reported_with_row_column_and_value(tmp_path):
    p = write(
        tmp_path,
        "tabella,riga,colonna,anno,valore\n"
        "T,E,donne,2019,3\n"
        "T,D,femmine,2019,3\n"
        "T,part_time,,2019,tanti\n"
        "T,part_time,donne,2019,17%\n"
        "T,D,,2019,8\n"
        "T,D,donne,2019,8 gg\n",
        "stampati.csv",
    )
    with pytest.raises(InvalidFile) as exc:
        read_stampati(p)
    assert [(pr.where.rsplit(", ", 2)[-2:], pr.message.rsplit(": ", 1)[-1]) for pr in exc.value.problems] == [
        (["riga 2", "colonna riga"], "'E'"),
        (["riga 3", "colonna colonna"], "'femmine'"),
        (["riga 4", "colonna valore"], "'tanti'"),
        (["riga 5", "colonna colonna"], "'donne'"),
        (["riga 6", "colonna colonna"], "la riga 'D' richiede la colonna (donne, uomini o totale)"),
        (["riga 7", "colonna valore"], "'8 gg'"),
    ]


# --- The demo files and their docs --------------------------------------------------------------


def test_the_demo_register_is_what_the_script_writes():
    spec = importlib.util.spec_from_file_location("demo_personale", ROOT / "scripts/demo_personale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    assert (ROOT / "src/cruscotto/demo/personale.csv").read_text(encoding="utf-8") == module.render()


def test_the_demo_register_reads_without_warnings_and_names_nobody():
    r = read_personale(demo_path("personale.csv"))
    assert r.warnings == []
    assert all(d.matricola.isdigit() for d in r.dipendenti)


def test_the_docs_define_every_indicator():
    docs = (ROOT / "docs/personale.md").read_text(encoding="utf-8")
    missing = [d.codice for d in DEFINIZIONI if f"`{d.codice}`" not in docs]
    assert missing == []


def test_the_register_survives_a_json_round_trip(registro):
    import json

    from cruscotto.engine.personale import registro_from_data, registro_to_data

    assert registro_from_data(json.loads(json.dumps(registro_to_data(registro)))) == tuple(registro)
