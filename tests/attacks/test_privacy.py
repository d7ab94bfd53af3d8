"""Issue 13, item 14: staff counts that point at people are hidden where they are published.

The seed prints "N. uomini con legge 104 … 2019: 1" and categories of two people: in an office
of forty, that names someone, with a fact about health (d.lgs. 196/2003 art. 2-septies).
Counts of 1 to 2 show as "< 3"; a count that the shown ones would give away shows as
"riservato"; totals stay shown and right. The amministratore sees every value.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cruscotto.demo import demo_path
from cruscotto.documents.blocks import Table
from cruscotto.documents.risorse import personale_blocks
from cruscotto.engine import personale as pe
from cruscotto.engine.riservatezza import RISERVATO, piccolo, sopprimi
from cruscotto.files.personale import read_personale

REG = read_personale(demo_path("personale.csv")).dipendenti
YEARS = pe.anni(REG)


def test_the_seeds_small_counts_are_hidden_and_the_totals_kept():
    hidden = pe.celle_riservate(REG, YEARS, 3)
    c = pe.composizione(REG, 2019)
    assert (c.categoria("B").donne, c.categoria("B").uomini) == (2, 2)  # the seed's 2019 table
    assert hidden[("B", 2019, pe.F)] == hidden[("B", 2019, pe.M)] == "< 3"
    # totals: shown, and the register's own
    for key in ("totale_ruolo", "totale"):
        for g in (pe.F, pe.M, "T"):
            assert (key, 2019, g) not in hidden
    assert (c.totale_ruolo.totale, c.totale.totale) == (40, 41)
    # the one dirigente is published by name by law (d.lgs. 33/2013 art. 14): not hidden
    assert not any(k[0] == "dirigenti" for k in hidden)
    # 1 man with Legge 104 permits in 2019
    ind = next(i for i in pe.indicatori_genere(REG, 2019) if i.definizione.codice == "legge_104_uomini")
    assert ind.valore == 1 and pe.indicatore_riservato(ind, 3) == "< 3"
    women = next(i for i in pe.indicatori_genere(REG, 2019) if i.definizione.codice == "legge_104_donne")
    assert women.valore == 7 and pe.indicatore_riservato(women, 3) is None
    # a threshold of 1 hides nothing
    assert pe.celle_riservate(REG, YEARS, 1) == {}


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=6),
    soglia=st.integers(1, 5),
)
def test_no_hidden_cell_can_be_worked_out_from_one_sum(rows, soglia):
    """Random tables: rows of (women, men, total), the rows adding up to a total row."""
    valori: dict = {}
    somme: list = []
    for i, (f, m) in enumerate(rows):
        valori |= {(i, "F"): f, (i, "M"): m, (i, "T"): f + m}
        somme.append(([(i, "F"), (i, "M")], (i, "T")))
    for g in ("F", "M", "T"):
        valori[("tot", g)] = sum(valori[(i, g)] for i in range(len(rows)))
        somme.append(([(i, g) for i in range(len(rows))], ("tot", g)))
    somme.append(([("tot", "F"), ("tot", "M")], ("tot", "T")))
    hidden = sopprimi(valori, somme, soglia)
    for k, v in valori.items():
        if piccolo(v, soglia):
            assert hidden[k] == f"< {soglia}"  # every small count
        elif k in hidden:
            assert hidden[k] == RISERVATO  # a complement never claims to be small
    for parts, total in somme:
        assert sum(c in hidden for c in [*parts, total]) != 1  # never the only unknown of a sum


@pytest.fixture
def with_register(ente, as_user):
    from cruscotto.performance import models as m

    if not m.Personale.objects.filter(ente=ente).exists():
        from cruscotto.engine.personale import registro_to_data

        m.Personale.objects.create(ente=ente, dati=registro_to_data(REG), fonte="demo")
    return ente


def b_row(html: str) -> str:
    return re.search(r"<tr[^>]*><th scope=\"row\" class=\"fw-normal\">B</th>(.*?)</tr>", html, re.S).group(1)


@pytest.mark.parametrize("username", ["consultazione", "oiv", "controllo", "responsabile"])
def test_the_page_hides_them_from_every_role_but_the_amministratore(with_register, as_user, username):
    html = as_user(username).get("/CCIAA-PT/2020/personale/").content.decode()
    row = b_row(html)
    assert row.count("&lt; 3") >= 2 and "riservato" in row
    assert ">2<" not in row
    assert "1 persona" not in html  # the trace of the one man with Legge 104 permits
    assert "art. 2-septies" in html


def test_the_amministratore_sees_every_value(with_register, as_user):
    html = as_user("admin").get("/CCIAA-PT/2020/personale/").content.decode()
    assert ">2<" in b_row(html) and "1 persona" in html and "Come amministratore vedi ogni valore" in html


def test_the_api_hides_them_too(with_register, as_user):
    from web.test_api import api

    body = api("oiv").get("/api/v1/enti/CCIAA-PT/personale").json()
    b = next(r for r in body["composizione"] if r["anno"] == 2019 and r["voce"] == "B")
    assert b["donne"] is None and b["uomini"] is None and b["riservato"] == {"donne": "< 3", "uomini": "< 3"}
    ind = next(i for i in body["indicatori"] if i["anno"] == 2019 and i["codice"] == "legge_104_uomini")
    assert ind["valore"] is None and ind["numeratore"] is None and ind["riservato"] == "< 3"
    total = next(r for r in body["composizione"] if r["anno"] == 2019 and r["voce"] == "Totale generale")
    assert total["totale"] == 41
    admin = api("admin").get("/api/v1/enti/CCIAA-PT/personale").json()
    ind = next(i for i in admin["indicatori"] if i["anno"] == 2019 and i["codice"] == "legge_104_uomini")
    assert ind["valore"] == 1 and ind.get("riservato") is None


def test_published_documents_hide_them():
    blocks = personale_blocks(REG, parts=("tabelle", "genere"))
    tables = [b for b in blocks if isinstance(b, Table)]
    comp, _tip, gen = tables
    header = comp.header
    b = next(r for r in comp.rows if r[0].text == "B")
    i2019 = header.index("2019 donne")
    assert (b[i2019].text, b[i2019 + 1].text) == ("< 3", "< 3")
    men104 = next(r for r in gen.rows if r[0].text.startswith("N. uomini con legge 104"))
    assert men104[-1].text == "< 3"
    assert "art. 2-septies" in comp.caption and "art. 2-septies" in gen.caption
    totale = next(r for r in comp.rows if r[0].text == "Totale generale")
    assert totale[i2019].text == "29" and totale[i2019 + 1].text == "12"
