"""The Pareto ratios of the seed (section 1.3) from their base measures by year, and the plan's
economic-financial indicators computed from the preventivo.

Figures are the seed's, transcribed in src/cruscotto/demo/bilancio/rapporti.csv and misure.csv.
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from cruscotto.demo import demo_path
from cruscotto.engine.bilancio import check_bilancio, misure_dal_preventivo
from cruscotto.engine.model import Dato
from cruscotto.engine.rapporti import check_rapporti, previsioni, valori
from cruscotto.engine.scoring import Stato
from cruscotto.files import load_plan
from cruscotto.files.bilancio import load_bilancio, read_rapporti
from cruscotto.files.tables import InvalidFile

DEMO = demo_path("bilancio")

# As printed in section 1.3: ratio -> {year: printed}, cluster average 2018.
SEED = {
    "equilibrio-strutturale": ({2016: "7,64", 2017: "6,76", 2018: "10,07"}, "3,12"),
    "equilibrio-economico": ({2016: "N/D", 2017: "116,08", 2018: "103,78"}, "106,77"),
    "incidenza-funzionamento": ({2016: "31,86", 2017: "38,48", 2018: "29,02"}, "35,4"),
    "struttura-primario": ({2016: "171,65", 2017: "201,43", 2018: "300,8"}, "145,68"),
}


@pytest.fixture(scope="module")
def bilancio():
    return load_bilancio(DEMO)


@pytest.fixture(scope="module")
def piano():
    return load_plan(demo_path("pistoia-2020-2022.yaml")).piano


def test_the_seeds_ratios_are_read_as_printed(bilancio):
    assert {r.codice: (r.stampati, r.media_cluster) for r in bilancio.rapporti} == SEED
    assert all(r.anno_cluster == 2018 for r in bilancio.rapporti)
    assert len(bilancio.misure) == 23  # 8 measures x 3 years, less the 2016 numerator printed N/D


def test_every_printed_ratio_is_its_measures_rounded(bilancio):
    computed = {(r.codice, v.anno): v for r in bilancio.rapporti for v in valori(r, bilancio.misure)}
    for code, (printed, _cluster) in SEED.items():
        for year, text in printed.items():
            v = computed[(code, year)]
            if text == "N/D":  # the seed prints no numerator for 2016, and so no ratio
                assert v.valore is None and "oneri_correnti_netto_fp" in v.esito.motivo
            else:
                assert f"{v.valore:.2f}".replace(".", ",").rstrip("0") == text.rstrip("0"), (code, year)
                assert v.concorda is True
    assert computed[("struttura-primario", 2018)].esito.valori == {
        "patrimonio_netto": 9554100.0,
        "immobilizzazioni": 3176202.0,
    }


def test_the_seed_agrees_with_itself_on_its_ratios(bilancio, piano):
    # The I.2.1-2 indicator prints the Pareto ratio again (2018: 29,02; cluster 35,4), the
    # measures' net worth is the balance sheet's: no finding beyond the budget tables' 12.
    found = check_bilancio(bilancio, piano=piano)
    assert len(found) == 12
    assert not [p for p in found if p.code.startswith("rapporto") or p.code == "bilancio_misura"]


def test_a_printed_ratio_that_its_measures_do_not_give_is_reported_with_both_figures(bilancio):
    r = dataclasses.replace(bilancio.rapporti[0], stampati={2016: "7,65"})
    (p,) = check_rapporti([r], bilancio.misure)
    assert p.code == "rapporto_stampato" and p.where == "rapporti, equilibrio-strutturale, 2016"
    assert "stampato 7,65" in p.message and "dalle misure 7,64" in p.message


def test_a_printed_ratio_without_its_measures_cannot_be_verified(bilancio):
    measures = {k: v for k, v in bilancio.misure.items() if k != ("immobilizzazioni", 2017)}
    (p,) = check_rapporti([r for r in bilancio.rapporti if r.codice == "struttura-primario"], measures)
    assert p.code == "rapporto_non_verificabile" and "2017" in p.where and "immobilizzazioni" in p.message


def test_the_indicator_that_prints_a_ratio_again_is_checked_against_it(bilancio, piano):
    ind = piano.indicatore("I.2.1-2")
    assert ind.storico[2018].testo == "29,02" and ind.media_cluster.testo == "35,4"
    changed = dataclasses.replace(ind, storico={2018: Dato("29,5", 29.5)}, media_cluster=Dato("36", 36.0))
    op = next(o for o in piano.obiettivi_operativi() if o.codice == "I.2.1")
    piano2 = _replace_indicator(piano, op.codice, changed)
    found = check_rapporti(bilancio.rapporti, bilancio.misure, piano2)
    assert sorted(p.message for p in found) == [
        "I.2.1-2, 2018: l'indicatore stampa 29,5, il rapporto "
        "«Incidenza oneri di funzionamento, ammortamenti e accantonamenti sugli oneri correnti» 29,02",
        "I.2.1-2: media cluster stampata 36 nell'indicatore, 35,4 nel rapporto "
        "«Incidenza oneri di funzionamento, ammortamenti e accantonamenti sugli oneri correnti»",
    ]


def _replace_indicator(piano, op_code, ind):
    def fix_op(o):
        if o.codice != op_code:
            return o
        return dataclasses.replace(o, indicatori=tuple(ind if i.codice == ind.codice else i for i in o.indicatori))

    prospettive = tuple(
        dataclasses.replace(
            p,
            linee=tuple(
                dataclasses.replace(
                    li,
                    obiettivi_strategici=tuple(
                        dataclasses.replace(os_, obiettivi_operativi=tuple(fix_op(o) for o in os_.obiettivi_operativi))
                        for os_ in li.obiettivi_strategici
                    ),
                )
                for li in p.linee
            ),
        )
        for p in piano.prospettive
    )
    return dataclasses.replace(piano, prospettive=prospettive)


def test_net_worth_measures_are_checked_against_the_balance_sheet(bilancio):
    measures = dict(bilancio.misure)
    measures[("patrimonio_netto", 2017)] = 10056000.0
    found = [p for p in check_bilancio(bilancio, measures) if p.code == "bilancio_misura"]
    assert [p.message for p in found] == [
        "patrimonio netto 2017: 10.056.645 nello stato patrimoniale, 10.056.000 tra le misure"
    ]


def test_the_preventivo_says_what_the_economic_indicators_will_be(bilancio, piano):
    # Oneri correnti / proventi correnti from the 2020 preventivo: 6.108.547 / 5.641.647.
    found = {p.codice: p for p in previsioni(piano, misure_dal_preventivo(bilancio.preventivo))}
    assert sorted(found) == ["H2-5", "I.2.1-4", "I.2.1-5"]
    i24 = found["I.2.1-4"]
    assert i24.per_anno[2020].valore == pytest.approx(6108547 / 5641647 * 100)
    assert round(i24.per_anno[2020].valore, 2) == 108.28 and round(i24.per_anno[2019].valore, 2) == 108.37
    assert i24.per_anno[2020].valori == {"oneri_correnti": 6108547.0, "proventi_correnti": 5641647.0}
    # The target 2020 is 107, lower is better: the budget itself is 1,3 points above it.
    assert round(i24.esiti[2020].achievement, 2) == 98.82 and i24.esiti[2020].stato is Stato.RAGGIUNTO
    assert 2019 not in i24.esiti  # no target for the forecast year
    assert round(found["I.2.1-5"].per_anno[2020].valore, 2) == 85.75  # (6.108.547 - 1.271.100) / 5.641.647
    assert round(found["H2-5"].per_anno[2020].valore, 2) == 22.53  # 1.271.100 / 5.641.647


def test_every_bad_cell_of_the_ratios_file_is_listed(tmp_path):
    f = tmp_path / "rapporti.csv"
    f.write_text(
        "codice;nome;formula;indicatore;fonte;anno_cluster;media_cluster;2018\n"
        "a;A;x / y * 100;;;2018;3,1;7,6x\n"
        "b;B;__import__('os');;;20x8;circa 3;1\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidFile) as exc:
        read_rapporti(f)
    where = [p.where for p in exc.value.problems]
    assert where == [
        f"{f}, riga 2, colonna 2018",
        f"{f}, riga 3, colonna formula",
        f"{f}, riga 3, colonna media_cluster",
        f"{f}, riga 3, colonna anno_cluster",
    ]
    assert "'7,6x'" in exc.value.problems[0].message


@pytest.mark.parametrize("printed", ["N/D", "n.d.", "-", "—"])
def test_every_way_of_printing_no_figure_is_read(tmp_path, printed):
    f = tmp_path / "rapporti.csv"
    f.write_text(
        f"codice;nome;formula;indicatore;fonte;anno_cluster;media_cluster;2016;2017\na;A;x / y;;;;;{printed};1,5\n",
        encoding="utf-8",
    )
    (r,) = read_rapporti(f)
    assert r.stampati == {2016: printed, 2017: "1,5"}
    (v2016, _v2017) = valori(r, {("x", 2017): 3.0, ("y", 2017): 2.0})
    assert (
        v2016.stampato == printed
        and v2016.concorda is None
        and check_rapporti([r], {("x", 2017): 3.0, ("y", 2017): 2.0}) == []
    )


def test_the_folder_reads_ratios_and_measures_as_xlsx_too(tmp_path, bilancio):
    import csv

    from openpyxl import Workbook

    for name in ("rapporti", "misure"):
        wb = Workbook()
        ws = wb.active
        with open(f"{DEMO}/{name}.csv", encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter=";"):
                ws.append(row)
        wb.save(tmp_path / f"{name}.xlsx")
    shutil.copy(f"{DEMO}/stato-patrimoniale.csv", tmp_path)
    again = load_bilancio(tmp_path)
    assert again.rapporti == bilancio.rapporti and again.misure == bilancio.misure
