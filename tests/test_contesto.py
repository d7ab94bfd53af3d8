"""The seed's context as data (sections 1.1-1.2 and 2): organs, structure, activities,
stakeholder map, partecipate, and the external context's tables and figures.

Figures are the seed's, transcribed in src/cruscotto/demo/contesto/; where they disagree
with each other the checks must say so, and say nothing else.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cruscotto.demo import demo_path
from cruscotto.engine.contesto import (
    Cella,
    Contesto,
    MappaStakeholder,
    Partecipata,
    Quote,
    Stakeholder,
    TabellaContesto,
    check_contesto,
    check_mappa,
    check_partecipate,
    check_tabelle,
    cifra_controllo_partita_iva,
    contesto_from_data,
    contesto_to_data,
    decimali,
    numero_stampato,
    problema_partita_iva,
    totale_dalle_quote,
)
from cruscotto.engine.errors import ParseError
from cruscotto.files.contesto import load_contesto, read_partecipate, read_stakeholder, read_tabella
from cruscotto.files.tables import InvalidFile

DEMO = demo_path("contesto")

SAC, REG, PROM = (
    f"Imprese Territorio: {s}" for s in ("Servizi Anagrafico-certificativi", "Regolazione mercato", "Promozione")
)
PI, CS, EF = "Processi Interni", "Crescita e sviluppo", "Economico-Finanziario"


@pytest.fixture(scope="module")
def contesto():
    return load_contesto(DEMO)


# --- partecipate -------------------------------------------------------------------------------

PARTECIPATE = [
    ("1 - D", "Firenze Fiera s.p.a.", "04933280481", 0.014, "0,014%"),
    ("2 - D", "Società Autostrada Ligure toscana S.p.a. – SALT S.p.a.", "00140570466", 0.001, "0,001%"),
    ("3 - D", "Toscana Aeroporti S.p.a.", "00403110505", 0.087, "0,087%"),
    (
        "4 - D",
        "Infocamere – Società consortile di informatica delle Camere di Commercio p.a.",
        "02313821007",
        0.21,
        "0,21%",
    ),
    ("5 - D", "Istituto Nazionale Ricerche Turistiche – ISNART – S.c.p.a.", "04416711002", 0.26, "0,26%"),
    ("6 - D", "Società consortile Energia Toscana a r.l.", "05344720486", 0.02, "0,02%"),
    ("7 - D", "TecnoServiceCamere S.c.p.a.", "04786421000", 0.12, "0,12%"),
    ("8 - D", "Borsa Merci telematica Italiana S.c.p.a. – BMTI S.c.p.a.", "06044201009", 0.01, "0,01%"),
]


def test_the_seeds_eight_partecipate_with_codice_fiscale_and_share(contesto):
    assert [
        (p.progressivo, p.nome, p.codice_fiscale, p.quota, p.quota_stampata) for p in contesto.partecipate
    ] == PARTECIPATE


def test_the_check_digit_worked_by_hand_for_infocamere():
    # 0231382100|7: odd places 0+3+3+2+0 = 8; even places 2,1,8,1,0 doubled 4,2,16-9=7,2,0 = 15;
    # 8 + 15 = 23, and 23 needs 7 to reach 30.
    assert cifra_controllo_partita_iva("0231382100") == 7


def test_every_codice_fiscale_the_seed_prints_has_a_valid_check_digit(contesto):
    computed = [cifra_controllo_partita_iva(p.codice_fiscale[:10]) for p in contesto.partecipate]
    assert computed == [1, 6, 5, 7, 2, 6, 0, 9]
    assert [int(p.codice_fiscale[10]) for p in contesto.partecipate] == computed  # none printed wrong
    assert [p for p in contesto.partecipate if problema_partita_iva(p.codice_fiscale)] == []


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 10), st.integers(1, 9))
def test_any_one_digit_changed_breaks_the_check_digit(first_ten, place, delta):
    valid = first_ten + str(cifra_controllo_partita_iva(first_ten))
    assert problema_partita_iva(valid) is None
    wrong = valid[:place] + str((int(valid[place]) + delta) % 10) + valid[place + 1 :]
    assert problema_partita_iva(wrong)[0] == "partecipata_cifra_controllo"


def test_a_wrong_codice_fiscale_a_repeated_one_and_a_share_over_100_are_warnings_naming_the_row():
    rows = [
        Partecipata("1 - D", "Firenze Fiera s.p.a.", "04933280482", 0.014, "0,014%"),
        Partecipata("2 - D", "Società senza cifre", "0493328048", 0.5, "0,5%"),
        Partecipata("3 - D", "Doppione", "02313821007", 120.0, "120%"),
        Partecipata("", "Infocamere", "02313821007", 0.21, "0,21%"),
    ]
    assert [(p.code, p.where, p.message, p.severity) for p in check_partecipate(rows)] == [
        (
            "partecipata_cifra_controllo",
            "partecipata 1 - D «Firenze Fiera s.p.a.», codice fiscale",
            "cifra di controllo errata in 04933280482: l'ultima cifra dovrebbe essere 1, non 2",
            "warning",
        ),
        (
            "partecipata_codice_fiscale",
            "partecipata 2 - D «Società senza cifre», codice fiscale",
            "il codice fiscale di una società è di 11 cifre, non '0493328048'",
            "warning",
        ),
        (
            "partecipata_quota",
            "partecipata 3 - D «Doppione», quota",
            "quota 120%: una quota di partecipazione è tra 0 e 100%",
            "warning",
        ),
        (
            "partecipata_ripetuta",
            "partecipata «Infocamere», codice fiscale",
            "codice fiscale 02313821007 già indicato per «Doppione»",
            "warning",
        ),
    ]


# --- stakeholder map ---------------------------------------------------------------------------

MAPPA = [
    ("Sistema economico territoriale", "Imprese", (SAC, REG, PROM, PI, EF)),
    ("Sistema economico territoriale", "Associazioni di categoria", (SAC, REG, PROM, PI)),
    ("Sistema economico territoriale", "Consumatori Cittadini", (SAC, REG, PROM, PI)),
    ("Sistema economico territoriale", "Sistema Creditizio", (SAC, PROM, EF)),
    ("Stakeholder Interni", "Risorse umane", (PI, CS)),
    ("Il Sistema Istituzionale", "Sistema camerale", (SAC, REG, PROM, PI, CS, EF)),
    ("Il Sistema Istituzionale", "Altre PA", (SAC, REG, PROM, PI, EF)),
    ("Il Sistema Sociale", "NO_profit", (SAC, PROM, PI)),
    ("Il Sistema Sociale", "Ambiente", (SAC, REG, PROM, PI)),
    ("Il Sistema Sociale", "Sistema del sapere e della cultura", (PROM,)),
]


def test_the_stakeholder_maps_columns_as_printed(contesto):
    m = contesto.mappa
    assert [c.intestazione for c in m.colonne] == [SAC, REG, PROM, PI, CS, EF]
    assert m.prospettive == ("Imprese Territorio", PI, CS, EF)
    assert m.gruppi == (
        "Sistema economico territoriale",
        "Stakeholder Interni",
        "Il Sistema Istituzionale",
        "Il Sistema Sociale",
    )


def test_every_mark_of_the_stakeholder_map(contesto):
    m = contesto.mappa
    assert [(r.gruppo, r.nome, m.segnate(r.nome)) for r in m.righe] == MAPPA
    assert len(m.segnate("Imprese")) == 5
    assert m.segnate("Risorse umane") == (PI, CS)
    assert m.segnati(CS) == ("Risorse umane", "Sistema camerale")
    assert len(m.segnati(PROM)) == 9  # every stakeholder but Risorse umane


def test_a_stakeholder_with_no_mark_is_a_warning(contesto):
    m = contesto.mappa
    assert check_mappa(m) == []
    bare = MappaStakeholder(m.colonne, (*m.righe, Stakeholder("Il Sistema Sociale", "Scuole", (False,) * 6)))
    assert [(p.code, p.where, p.severity) for p in check_mappa(bare)] == [
        ("stakeholder_senza_segni", "mappa degli stakeholder, riga «Scuole» (Il Sistema Sociale)", "warning")
    ]


def test_a_blank_group_is_the_one_above_as_in_merged_cells(tmp_path):
    f = tmp_path / "stakeholder.csv"
    f.write_text(
        "gruppo;stakeholder;Processi Interni;Crescita e sviluppo\n"
        "Stakeholder Interni;Risorse umane;●;x\n"
        ";Dirigenza;;sì\n",
        encoding="utf-8",
    )
    m = read_stakeholder(f)
    assert [(r.gruppo, r.nome, r.segni) for r in m.righe] == [
        ("Stakeholder Interni", "Risorse umane", (True, True)),
        ("Stakeholder Interni", "Dirigenza", (False, True)),
    ]


# --- organs, structure, activities -------------------------------------------------------------


def test_the_equal_opportunity_list_of_section_3_4(contesto):
    plan, *aims = contesto.azioni_positive
    assert plan.azione == "Piano di azioni positive per il triennio 2019-2021"
    assert (
        plan.atto == "deliberazione della Giunta camerale n. 93 del 15 novembre 2019"
        and plan.riferimento.startswith("http://www.pt.camcom.it/")
    )
    assert [a.descrizione.rsplit("(", 1)[1] for a in aims] == [
        "obiettivo a del CUG)",
        "obiettivo b del CUG)",
        "obiettivo c del CUG)",
    ]
    assert all(a.atto == "L. 183/2010, art. 21; d.lgs. 165/2001, art. 57" and not a.riferimento for a in aims)


def test_an_action_without_its_description_or_with_a_script_for_link_is_named(tmp_path):
    (tmp_path / "azioni-positive.csv").write_text(
        "azione;descrizione;riferimento\nPiano 2022-2024;;\nPiano;Testo;javascript:alert(1)\nPiano;Testo;https://www.pt.camcom.it/\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        load_contesto(tmp_path)
    f = tmp_path / "azioni-positive.csv"
    assert [p.where for p in exc.value.problems] == [
        f"{f}, riga 2, colonna descrizione",
        f"{f}, riga 3, colonna riferimento",
    ]
    assert "'javascript:alert(1)'" in exc.value.problems[1].message


def test_organs_structure_and_activities(contesto):
    assert [o.nome for o in contesto.organi] == [
        "IL CONSIGLIO CAMERALE",
        "LA GIUNTA",
        "IL PRESIDENTE",
        "IL COLLEGIO DEI REVISORI dei conti",
        "Organismo indipendente di valutazione della performance (OIV)",
    ]
    assert [o.tipo for o in contesto.organi].count("organo (L. 580/1993)") == 4
    assert "4 membri eletti dal Consiglio camerale" in contesto.organi[1].ruolo
    assert [s.nome for s in contesto.struttura] == [
        "Aree dirigenziali",
        "Vertice della struttura",
        "Segretario Generale",
        "Dirigenza",
        "Articolazione territoriale",
    ]
    assert "non prevede sedi" in contesto.struttura[-1].descrizione
    assert [(a.area, len(a.attivita)) for a in contesto.attivita] == [
        ("Attività anagrafico-certificativa", 5),
        ("Attività di promozione e di informazione economica", 6),
        ("Attività di regolazione del mercato", 4),
    ]
    assert contesto.attivita[1].attivita[-1] == "Alternanza scuola-lavoro"
    assert contesto.attivita[2].attivita == (
        "Tutela del mercato e della fede pubblica",
        "Vigilanza e controllo sulla conformità dei prodotti",
        "Metrologia legale",
        "Competenze in materia ambientale",
    )
    # as printed: one column per area, blank below the shorter ones
    grid = contesto.righe_attivita()
    assert len(grid) == 6 and all(len(row) == 3 for row in grid)
    assert (
        grid[4][2] == ""
        and grid[5] == ["", "Alternanza scuola-lavoro", ""]
        and grid[3][2] == "Competenze in materia ambientale"
    )


# --- the external context ----------------------------------------------------------------------


def test_every_table_of_the_external_context_is_there(contesto):
    assert [(t.slug, t.origine, len(t.righe)) for t in contesto.tabelle] == [
        ("export-prodotti-2018", "tabella", 10),
        ("imprese-pistoia", "tabella", 3),
        ("imprese-attive-province", "tabella", 10),
        ("testo-territorio", "testo", 14),
        ("testo-imprese", "testo", 15),
        ("testo-forme-giuridiche", "testo", 8),
        ("testo-crescita-territorio", "testo", 5),
        ("testo-commercio-estero", "testo", 9),
        ("testo-export-aree", "testo", 10),
        ("testo-export-prodotti", "testo", 4),
        ("testo-turismo", "testo", 4),
    ]
    export = contesto.tabella("export-prodotti-2018")
    assert export.intestazioni == ("gruppi", "EXP2018", "Peso sul tot.", "Var. %sul 2017")
    assert export.cella("Piante vive", "EXP2018") == Cella("242.098.890", 242_098_890)
    assert export.cella("Mobili", "Var. %sul 2017") == Cella("-10,4", -10.4)
    assert (export.fonte, export.nota) == ("Fonte:Istat", "(Valori in Euro)")
    assert (
        export.righe[8][0].testo
        == "Cuoio conciato e lav.; articoli da viaggio, borse, pellett. e selleria; pellicce preparate e tinte"
    )
    imprese = contesto.tabella("imprese-pistoia")
    assert imprese.intestazioni[-1] == "30/09/2019" and imprese.cella("Imprese attive", "30/09/2019").numero == 28_062
    province = contesto.tabella("imprese-attive-province")
    assert sum(r[1].numero for r in province.righe) == 353_099
    assert province.cella("PISTOIA", "Attive").numero == imprese.cella("Imprese attive", "30/09/2019").numero
    assert contesto.tabella("testo-imprese").cella("Imprese registrate al 31.12.2018", "Imprese").numero == 32_741
    assert contesto.tabella("testo-turismo").cella("Provincia, 2018 sul 2017", "Arrivi, variazione %") == Cella(
        "+4,95%", 4.95
    )


@pytest.mark.parametrize(
    "text, number, places",
    [
        ("242.098.890", 242_098_890, 0),
        ("18,0", 18.0, 1),
        ("-10,4", -10.4, 1),
        ("+2,02%", 2.02, 2),
        ("2,7 %", 2.7, 1),
        ("+10.3%", 10.3, 1),  # the seed's decimal point
        ("0", 0.0, 0),
        ("4° posto", None, 0),
        ("30/09/2019", None, 0),
        ("circa 1.350 milioni di euro", None, 0),
        ("Fonte:Istat", None, 0),
    ],
)
def test_a_cell_is_a_number_only_when_it_holds_nothing_else(text, number, places):
    assert numero_stampato(text) == number
    assert decimali(text) == places


def test_the_exact_findings_on_the_seeds_context(contesto):
    found = [(p.code, p.where, p.message) for p in check_contesto(contesto)]
    assert all(p.severity == "warning" for p in check_contesto(contesto))
    text_table = "contesto esterno, tabella «Primi prodotti esportati nel 2018, come li cita il testo»"
    printed = "la tabella «Primi 10 prodotti per valore esportato – anno 2018» stampa"
    assert found == [
        (
            "contesto_colonne_uguali",
            "contesto esterno, tabella «Camera di Commercio di Pistoia»",
            "le colonne «2012» e «2015» riportano le stesse cifre in tutte le 3 righe "
            "(39.911, 29.041, 35.101): possibile errore di copia",
        ),
        (
            "contesto_ripetuto",
            "contesto esterno, tabella «Il commercio estero», riga «Importazioni 2018», colonna «Milioni di euro»",
            "la stessa voce è stampata due volte con cifre diverse: 859 e 792",
        ),
        (
            "contesto_confronto",
            f"{text_table}, riga «Piante vive», colonna «Peso sul tot.»",
            f"stampato 20,6%, {printed} 18,0",
        ),
        (
            "contesto_confronto",
            f"{text_table}, riga «Calzature», colonna «Peso sul tot.»",
            f"stampato 11,4%, {printed} 10,0",
        ),
        (
            "contesto_confronto",
            f"{text_table}, riga «Altri prodotti tessili», colonna «Peso sul tot.»",
            f"stampato 8,8%, {printed} 7,7",
        ),
    ]


def test_the_export_shares_agree_on_one_total_near_the_texts_1350_million(contesto):
    low, high = totale_dalle_quote(contesto.tabella("export-prodotti-2018"))
    assert (round(low), round(high)) == (1_341_828_981, 1_345_278_651)
    # The text's "circa 1.350 milioni" rounds it; its 486 million trade balance is this total less 859.
    assert round(low / 1e6) - 859 <= 486 <= round(high / 1e6) - 859


def test_the_text_shares_of_sectors_and_legal_forms_agree_with_their_totals(contesto):
    assert check_tabelle([contesto.tabella("testo-imprese"), contesto.tabella("testo-forme-giuridiche")]) == []


def _with_cell(t: TabellaContesto, row: int, col: int, text: str) -> TabellaContesto:
    rows = [list(r) for r in t.righe]
    rows[row][col] = Cella.da_testo(text)
    return replace(t, righe=tuple(tuple(r) for r in rows))


def test_a_share_that_fits_no_common_total_is_found(contesto):
    export = _with_cell(contesto.tabella("export-prodotti-2018"), 3, 2, "7,2")  # Mobili, printed 6,2
    assert [(p.code, p.where, p.message) for p in check_tabelle([export])] == [
        (
            "contesto_quota",
            "contesto esterno, tabella «Primi 10 prodotti per valore esportato – anno 2018», "
            "riga «Mobili», colonna «Peso sul tot.»",
            "stampato 7,2, ma le altre righe implicano un totale tra 1.341.828.981 e 1.345.278.651, "
            "di cui 83.255.141 è tra il 6,19% e il 6,20%",
        )
    ]


def test_a_share_of_a_printed_total_and_shares_of_a_whole_are_checked(contesto):
    sectors = _with_cell(contesto.tabella("testo-imprese"), 4, 2, "25,5%")  # Commercio, printed 23,5%
    forms = _with_cell(contesto.tabella("testo-forme-giuridiche"), 0, 1, "66%")  # individuali, printed 60%
    assert [(p.code, p.message) for p in check_tabelle([sectors, forms])] == [
        ("contesto_quota", "stampato 25,5%, ma 7.694 su 32.741 è il 23,50%"),
        ("contesto_somma", "le quote sommano al 106%, non al 100% (±2 per l'arrotondamento)"),
    ]


def test_parts_that_do_not_add_up_to_their_total_are_found():
    t = TabellaContesto(
        "prova",
        "Prova",
        ("Voce", "Valore", "Quota"),
        tuple(
            tuple(Cella.da_testo(x) for x in r)
            for r in (("Totale", "100", "100%"), ("A", "60", "60%"), ("B", "30", "30%"))  # 60 + 30 is not 100
        ),
        quote=Quote("Quota", "Valore", "Totale", completa=True),
    )
    assert [(p.code, p.where, p.message) for p in check_tabelle([t])] == [
        (
            "contesto_somma",
            "contesto esterno, tabella «Prova», colonna «Quota»",
            "le quote sommano al 90%, non al 100% (±1 per l'arrotondamento)",
        ),
        (
            "contesto_somma",
            "contesto esterno, tabella «Prova», riga «Totale», colonna «Valore»",
            "stampato 100, somma delle righe 90",
        ),
    ]


def test_figures_that_agree_within_their_rounding_are_not_findings():
    a = TabellaContesto("a", "A", ("Voce", "Quota"), ((Cella.da_testo("X"), Cella.da_testo("18")),), confronta="b")
    b = TabellaContesto("b", "B", ("Voce", "Quota"), ((Cella.da_testo("X"), Cella.da_testo("18,0%")),))
    assert check_tabelle([a, b]) == []
    assert [p.code for p in check_tabelle([_with_cell(a, 0, 1, "19"), b])] == ["contesto_confronto"]
    assert [(p.code, p.severity) for p in check_tabelle([a])] == [("contesto_confronto_mancante", "error")]


# --- bad input ---------------------------------------------------------------------------------


def test_every_bad_cell_of_a_file_is_listed_with_file_row_column_and_value(tmp_path):
    f = tmp_path / "partecipate.csv"
    f.write_text(
        "PROGR.;NOME PARTECIPATA;CODICE FISCALE PARTECIPATA;QUOTA DI PARTECIPAZIONE (%)\n"
        "1 - D;Firenze Fiera s.p.a.;04933280481;circa lo 0,014%\n"
        "2 - D;SALT S.p.a.;;0,001%\n"
        "3 - D;;00403110505;0,087 euro\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        read_partecipate(f)
    assert [(p.where, p.message) for p in exc.value.problems] == [
        (
            f"{f}, riga 2, colonna QUOTA DI PARTECIPAZIONE (%)",
            "quota non valida (attesa una percentuale, ad esempio 0,21%): 'circa lo 0,014%'",
        ),
        (f"{f}, riga 3, colonna CODICE FISCALE PARTECIPATA", "codice fiscale mancante"),
        (f"{f}, riga 4, colonna NOME PARTECIPATA", "nome mancante"),
        (
            f"{f}, riga 4, colonna QUOTA DI PARTECIPAZIONE (%)",
            "quota non valida (attesa una percentuale, ad esempio 0,21%): '0,087 euro'",
        ),
    ]
    assert isinstance(exc.value, ParseError)


def test_a_stakeholder_cell_that_is_no_mark_is_an_error(tmp_path):
    f = tmp_path / "stakeholder.csv"
    f.write_text("gruppo;stakeholder;Processi Interni\nStakeholder Interni;Risorse umane;forse\n", encoding="utf-8")
    with pytest.raises(InvalidFile) as exc:
        read_stakeholder(f)
    assert [(p.where, p.message) for p in exc.value.problems] == [
        (f"{f}, riga 2, colonna Processi Interni", "segno non valido (atteso ● o vuoto): 'forse'")
    ]


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "partecipate.csv",
            "nome;quota\nX;1%\n",
            "colonne mancanti: codice_fiscale (attese: progressivo, nome, codice_fiscale, quota)",
        ),
        ("stakeholder.csv", "gruppo;stakeholder\nA;B\n", "nessuna colonna di prospettive dopo gruppo e stakeholder"),
        ("organi.csv", "nome\nLA GIUNTA\n", "colonne mancanti: ruolo (attese: nome, ruolo, tipo)"),
        ("attivita.csv", "Area A;\nUna;Due\n", "attività in una colonna senza area (intestazione vuota): 'Due'"),
        ("contesto-prova.csv", "Voce;2018\nA;1;2\n", "la riga ha 3 celle, l'intestazione 2 colonne: '2'"),
        ("contesto-prova.csv", "Voce;2018;2018\nA;1;2\n", "colonna ripetuta: '2018'"),
    ],
)
def test_a_file_that_is_not_what_it_should_be_is_named(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as exc:
        load_contesto(tmp_path)
    assert message in str(exc.value) and str(tmp_path / name) in str(exc.value)


def test_the_index_must_name_columns_rows_and_tables_that_exist(tmp_path):
    (tmp_path / "contesto-export.csv").write_text(
        "gruppi;EXP2018;Peso sul tot.\nPiante vive;242.098.890;18,0\n", encoding="utf-8"
    )
    index = tmp_path / "contesto.csv"
    index.write_text(
        "tabella;titolo;quote;valori;totale;completa;confronta;origine\n"
        "export;Export;Peso;EXP2018;Totale;forse;altra;stampa\n"
        "mancante;Mancante;;;;;;\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        load_contesto(tmp_path)
    assert [(p.where, p.message) for p in exc.value.problems] == [
        (f"{index}, riga 2, colonna origine", "origine non valida (attese: tabella, testo): 'stampa'"),
        (f"{index}, riga 2, colonna completa", "completa: atteso sì o no: 'forse'"),
    ]
    index.write_text(
        "tabella;titolo;quote;valori;totale;confronta\nexport;Export;Peso;EXP2018;Totale;altra\nmancante;Mancante;;;;\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        load_contesto(tmp_path)
    assert [(p.where, p.message) for p in exc.value.problems] == [
        (f"{index}, riga 2, colonna quote", "la tabella export non ha questa colonna: 'Peso'"),
        (f"{index}, riga 2, colonna totale", "la tabella export non ha questa riga: 'Totale'"),
        (f"{index}, riga 2, colonna confronta", "tabella sconosciuta: 'altra'"),
        (f"{index}, riga 3, colonna tabella", "manca il file contesto-mancante.csv (o .xlsx): 'mancante'"),
    ]


def test_a_folder_with_no_files_is_an_empty_context_and_a_missing_folder_an_error(tmp_path):
    assert load_contesto(tmp_path) == Contesto()
    with pytest.raises(ParseError, match="cartella del contesto non trovata"):
        load_contesto(tmp_path / "nessuna")


def test_a_table_not_in_the_index_is_read_titled_by_its_name(tmp_path):
    (tmp_path / "contesto-turismo.csv").write_text("Componente;Arrivi\nProvincia;+4,95%\n", encoding="utf-8")
    (t,) = load_contesto(tmp_path).tabelle
    assert (t.slug, t.titolo, t.righe) == ("turismo", "turismo", ((Cella("Provincia"), Cella("+4,95%", 4.95)),))


def test_xlsx_reads_as_csv_and_gets_back_the_leading_zeros_a_spreadsheet_drops(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["progressivo", "nome", "codice_fiscale", "quota"])
    ws.append(["2 - D", "SALT S.p.a.", 140570466, "0,001%"])  # typed 00140570466, stored as a number
    wb.save(tmp_path / "partecipate.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["gruppi", "EXP2018", "Peso sul tot."])
    ws.append(["Piante vive", "242.098.890", "18,0"])
    wb.save(tmp_path / "contesto-export.xlsx")
    c = load_contesto(tmp_path)
    assert c.partecipate[0].codice_fiscale == "00140570466" and check_contesto(c) == []
    assert c.tabelle[0].cella("Piante vive", "EXP2018") == Cella("242.098.890", 242_098_890)


def test_a_table_in_two_formats_is_an_error(tmp_path):
    (tmp_path / "partecipate.csv").write_text("nome;codice_fiscale;quota\n", encoding="utf-8")
    (tmp_path / "partecipate.xlsx").write_bytes(b"")
    with pytest.raises(ParseError, match="due file per la stessa tabella: partecipate.csv, partecipate.xlsx"):
        load_contesto(tmp_path)


# --- as plain data -----------------------------------------------------------------------------


def test_the_context_survives_a_json_round_trip(contesto):
    again = contesto_from_data(json.loads(json.dumps(contesto_to_data(contesto))))
    assert again == contesto
    assert [p.as_dict() for p in check_contesto(again)] == [p.as_dict() for p in check_contesto(contesto)]
    assert contesto_from_data({}) == Contesto()


def test_one_table_read_on_its_own(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text(";2018;2019\nImprese attive;28.139;28.062\n", encoding="utf-8")
    t = read_tabella(f, "imprese", "Imprese", fonte="Registro Imprese")
    assert (t.intestazioni, t.fonte, t.cella("imprese attive", "2019")) == (
        ("", "2018", "2019"),
        "Registro Imprese",
        Cella("28.062", 28_062),
    )
