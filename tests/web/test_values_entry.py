"""Values typed in, on the monitoring page and through the API (issue 12, part 1): read whole,
of the indicator's kind, confirmed when implausible, an override of a formula only with its
reason, and never written over a value the writer was not shown."""

from __future__ import annotations

import json

import pytest

from cruscotto.performance import models as m
from cruscotto.performance import services

from .test_api import api, put

ROW = "/CCIAA-PT/2020/monitoraggio/{}/"


def _post(c, code, **data):
    data.setdefault("periodo", "")
    return c.post(ROW.format(code), data, HTTP_HX_REQUEST="true")


def _stored(piano, code, periodo=""):
    row = piano.consuntivi.filter(codice=code, anno=2020, periodo=periodo).first()
    return row.valore if row else None


@pytest.mark.parametrize(
    "code, text, says",
    [
        ("B.2.1-1", "12,5,3", "Valore non valido: 12,5,3"),  # was saved as 12,5
        ("B.2.1-1", "2e5", "Valore non valido: 2e5"),  # was saved as 2
        ("B.2.1-1", "1,000,000", "Valore non valido"),
        ("B.2.1-1", "15/03/21", "prende un numero: 15/03/21"),  # was saved as 15, and the score lost
        ("B.2.1-1", "9" * 99, "Numero non ammesso"),  # was stored as Infinity: every page then 500
        ("B.2.1-1", "31/02/2020", "La data 31/02/2020 non esiste"),
        ("E1-3", "15", "prende una data (gg/mm/aaaa) o sì/no: 15"),
    ],
)
def test_the_page_refuses_what_is_not_the_indicators_value(as_user, piano, code, text, says):
    c = as_user("controllo")
    before = _stored(piano, code)
    r = _post(c, code, valore=text)
    assert r.status_code == 422 and says in r.content.decode()
    assert _stored(piano, code) == before
    assert c.get("/CCIAA-PT/2020/").status_code == 200


def test_values_of_the_right_kind_are_saved(as_user, piano):
    c = as_user("controllo")
    assert _post(c, "B.2.1-1", valore="1.234,5", revisione="1", conferma="x").status_code == 200
    assert _stored(piano, "B.2.1-1") == "1234,5"
    assert _post(c, "E1-3", valore="30 giugno 2020").status_code == 200
    assert _stored(piano, "E1-3") == "30/06/2020"


def test_an_implausible_value_needs_its_reason(as_user, piano):
    c = as_user("controllo")
    r = _post(c, "B.2.1-1", valore="130%")
    html = r.content.decode()
    assert r.status_code == 422 and "supera il 100% di una percentuale" in html and 'name="conferma"' in html
    assert _stored(piano, "B.2.1-1") == "71,3"
    r = _post(c, "B.2.1-1", valore="130%", conferma="Risorse prenotate anche dal fondo 2019, come da delibera")
    assert r.status_code == 200 and _stored(piano, "B.2.1-1") == "130"
    record = m.Registro.objects.filter(azione="consuntivo.registra", oggetto="B.2.1-1 2020").latest("pk")
    assert record.motivo == "Risorse prenotate anche dal fondo 2019, come da delibera"
    r = _post(c, "B.2.1-1", valore="-4")
    assert r.status_code == 422 and "è negativo" in r.content.decode()


def test_a_value_typed_on_a_formula_indicator_is_an_override_with_its_reason(as_user, piano):
    c = as_user("controllo")
    r = _post(c, "A.3.4-1", valore="88")
    assert r.status_code == 422 and "è calcolato dalla formula" in r.content.decode()
    assert _stored(piano, "A.3.4-1") == "92,4"
    reason = "Misure di bilancio non ancora disponibili: dato dell'ufficio ragioneria"
    r = _post(c, "A.3.4-1", valore="88", sostituisce_formula=reason)
    assert r.status_code == 200
    html = c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert "sostituisce la formula" in html and reason.replace("'", "&#x27;") in html
    from cruscotto.performance import selectors

    piano.refresh_from_db()  # the plan's revision moved with the value: the score is computed again
    res = selectors.score(piano, 2020).indicatore("A.3.4-1")
    assert res.actual == 88.0 and res.trace["input"]["fonte_valore"] == "sostituzione"
    assert res.trace["passi"][0].startswith("valore inserito al posto della formula")
    # A period's value is the one entered: no formula, no reason needed.
    assert _post(c, "A.3.4-1", valore="40", periodo="S1").status_code == 200


def test_a_writer_shown_an_older_value_is_told_and_sees_the_new_one(as_user, piano):
    a, b = as_user("controllo"), as_user("admin")
    shown = a.get(ROW.format("B.2.1-1") + "?modifica=1", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="revisione" value="1"' in shown
    assert _post(b, "B.2.1-1", valore="75", revisione="1").status_code == 200
    r = _post(a, "B.2.1-1", valore="80", revisione="1")
    html = r.content.decode()
    assert r.status_code == 409 and "Il valore è cambiato nel frattempo: ora è 75" in html
    assert 'value="75"' in html and 'name="revisione" value="2"' in html  # the new value, to check
    assert _stored(piano, "B.2.1-1") == "75"
    assert _post(a, "B.2.1-1", valore="80", revisione="2").status_code == 200
    assert _stored(piano, "B.2.1-1") == "80"


def test_two_first_writes_one_wins_the_other_is_told(piano, django_user_model, monkeypatch):
    """The second of two first writes at the same moment finds the row the first wrote between
    its read and its insert: the constraint refuses the insert, and the writer (who had seen no
    value) is told; without a revision, its value is written over the first."""
    user = django_user_model.objects.get(username="controllo")
    real = services._locked_row
    calls = []

    def as_if_read_before_the_other_wrote(*args):
        calls.append(args)
        if len(calls) == 1:  # this writer's first read: nothing there yet
            services.consuntivo_registra(user=user, piano=piano, codice="B.3.1-1", anno=2020, testo="5")
            return None
        return real(*args)

    m.Consuntivo.objects.filter(piano=piano, codice="B.3.1-1").delete()
    monkeypatch.setattr(services, "_locked_row", as_if_read_before_the_other_wrote)
    with pytest.raises(services.Conflitto, match="ora è 5"):
        services.consuntivo_registra(user=user, piano=piano, codice="B.3.1-1", anno=2020, testo="7", revisione=0)
    calls.clear()
    m.Consuntivo.objects.filter(piano=piano, codice="B.3.1-1").delete()
    services.consuntivo_registra(user=user, piano=piano, codice="B.3.1-1", anno=2020, testo="7")
    row = piano.consuntivi.get(codice="B.3.1-1", anno=2020, periodo="")
    assert row.valore == "7" and row.revisione == 2


def test_the_api_reads_values_the_same_way(db, piano):
    c = api("controllo")
    url = "/api/v1/enti/CCIAA-PT/2020/consuntivi/"
    r = put(c, url + "B.2.1-1", {"valore": "12,5,3"})
    assert r.status_code == 422 and "12,5,3" in json.dumps(r.json())
    r = put(c, url + "B.2.1-1", {"valore": 1e300})
    assert r.status_code == 422 and "Numero non ammesso" in r.json()["detail"]
    assert put(c, url + "E1-3", {"valore": 15}).status_code == 422
    ok = put(c, url + "E1-3", {"valore": True})  # JSON true: done
    assert ok.status_code == 200 and ok.json()["valore"] == "si" and ok.json()["revisione"] == 2
    assert put(c, url + "B.2.1-1", {"valore": 77, "revisione": 1}).json()["valore"] == "77"
    stale = put(c, url + "B.2.1-1", {"valore": 78, "revisione": 1})
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    assert stale.json()["errors"][0]["attuale"] == {
        "valore": "77",
        "nota": "",
        "revisione": 2,
    }
    r = put(c, url + "A.3.4-1", {"valore": "88"})
    assert r.status_code == 422 and "formula" in r.json()["detail"]
    r = put(c, url + "A.3.4-1", {"valore": "88", "sostituisce_formula": "misure non pervenute"})
    assert r.status_code == 200


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_immediate_writes(tmp_path, django_db_blocker):
    """The embedded database as configured (web/settings.py): readers go on while one writes, a
    write waits for the lock instead of failing "database is locked", transactions begin IMMEDIATE.
    bench/concurrency.py measures it under load (two writers, twenty readers: 0 errors)."""
    from cruscotto.web import settings as real

    config = real.DATABASES["default"]
    if not config["ENGINE"].endswith("sqlite3"):
        pytest.skip("the installation's database is not SQLite")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**config, "NAME": str(tmp_path / "c.sqlite3"), "TIME_ZONE": None}, alias="probe")
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cur:
                assert cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert cur.execute("PRAGMA busy_timeout").fetchone()[0] == 20000
            assert wrapper.transaction_mode == "IMMEDIATE"
        finally:
            wrapper.close()


def test_a_deviation_is_explained_and_the_relazione_prints_it(as_user, piano, tmp_path):
    """Not reached: the row asks the responsabile for the cause and the corrective actions, kept
    with the value (and in the audit trail), and the Relazione prints them next to the indicator."""
    import docx

    from cruscotto.documents.build import build
    from cruscotto.performance import selectors

    c = as_user("controllo")
    res = selectors.score(piano, 2020).indicatore("B.2.1-1")
    assert res.stato.value in ("non_raggiunto", "parzialmente_raggiunto")
    shown = c.get(ROW.format("B.2.1-1") + "?modifica=1", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="causa_scostamento"' in shown and 'name="azioni_correttive"' in shown
    listing = c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert "Manca la causa dello scostamento" in listing
    cause = "Bandi per l'export rinviati al 2021 per l'emergenza sanitaria"
    actions = "Riapertura del bando a febbraio 2021"
    r = _post(c, "B.2.1-1", valore="71,3", revisione="1", causa_scostamento=cause, azioni_correttive=actions)
    assert r.status_code == 200
    row = piano.consuntivi.get(codice="B.2.1-1", anno=2020, periodo="")
    assert (row.causa_scostamento, row.azioni_correttive) == (cause, actions)
    record = m.Registro.objects.filter(oggetto="B.2.1-1 2020").latest("pk")
    assert record.dopo["causa_scostamento"] == cause
    # A later save that does not show the fields keeps them.
    services.consuntivo_registra(user=row.inserito_da, piano=piano, codice="B.2.1-1", anno=2020, testo="71,3")
    row.refresh_from_db()
    assert row.causa_scostamento == cause
    piano.refresh_from_db()
    out = tmp_path / "relazione.docx"
    build("relazione", "docx", selectors.document_inputs(piano.ente, piano, 2020, "relazione", "S1"), out)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert f"B.2.1-1, scostamento. {cause}. Azioni correttive: {actions}." in text
    assert "scostamento. Il responsabile non ne ha indicato la causa." in text  # the others not reached


def test_monitoring_filters_by_structure_objective_status_missing_and_search(as_user, piano):
    """Issue 14: a real office finds its rows. Each filter is checked against the engine's own
    result for the same rows, not against hand-typed counts."""
    import re

    from cruscotto.performance import selectors

    c = as_user("controllo")
    base = "/CCIAA-PT/2020/monitoraggio/"

    def codes(query: str) -> set[str]:
        html = c.get(base + query).content.decode()
        return set(re.findall(r'<tr id="riga-[^"]*">\s*<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', html))

    every = codes("")
    assert len(every) > 40
    result = selectors.score(piano, 2020)
    by_code = {r.codice: r for r in result.indicatori}
    promo = codes("?struttura=PROMOZIONE")
    expected = {i.codice for i in piano.indicatori.filter(strutture__codice="PROMOZIONE")} & every
    assert promo == expected and promo
    missing = codes("?mancanti=1")
    assert missing == {k for k in every if by_code[k].actual is None}
    reached = codes("?stato=non_raggiunto")
    assert reached == {k for k in every if by_code[k].stato.value == "non_raggiunto"} and reached
    assert codes("?q=B.2.1-1") == {"B.2.1-1"}
    plan = selectors.plan_for(piano)
    os_b = next(o for o in plan.obiettivi_strategici() if any(oo.codice == "B.2.1" for oo in o.obiettivi_operativi))
    mine = {i.codice for i in os_b.indicatori} | {i.codice for oo in os_b.obiettivi_operativi for i in oo.indicatori}
    assert codes(f"?obiettivo={os_b.codice}") == mine & every and "B.2.1-1" in mine
    html = c.get(base + "?q=nessun-indicatore-cosi").content.decode()
    assert "Nessun indicatore con questi filtri." in html and "indicatori mostrati: 0 su" in html
    # what each structure still has to fill in, linked to its filtered rows
    html = c.get(base).content.decode()
    assert "Da compilare, per struttura" in html and "struttura=PROMOZIONE&amp;mancanti=1" in html
    # a bad filter value is ignored, not a 500
    assert c.get(base + "?stato=%3Cscript%3E&struttura=" + "x" * 500).status_code == 200


def test_the_monitoring_list_is_paged_and_keeps_its_filters(as_user, piano, settings):
    """Issue 16: a plan of thousands of indicators is shown a page at a time. The pages together
    hold every row the filters keep, each once and in the plan's order; the pager keeps the filters;
    the multiple-entry form takes the rows of the page it came from."""
    import re

    settings.CRUSCOTTO_RIGHE_PER_PAGINA = 20
    c = as_user("controllo")
    base = "/CCIAA-PT/2020/monitoraggio/"

    def codes(html: str) -> list[str]:
        return re.findall(r'<tr id="riga-[^"]*">\s*<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', html)

    settings.CRUSCOTTO_RIGHE_PER_PAGINA = 10_000
    every = codes(c.get(base).content.decode())
    assert len(every) > 40
    settings.CRUSCOTTO_RIGHE_PER_PAGINA = 20
    pages = -(-len(every) // 20)
    seen: list[str] = []
    for n in range(1, pages + 1):
        html = c.get(f"{base}?pagina={n}").content.decode()
        rows = codes(html)
        assert len(rows) == (20 if n < pages else len(every) - 20 * (pages - 1))
        assert f"{n} di {pages}" in html
        assert f"dal {20 * (n - 1) + 1} al {20 * (n - 1) + len(rows)}" in html
        seen += rows
    assert seen == every  # every row once, in order
    # beyond the last page, or not a number: the nearest page, not an error
    assert codes(c.get(f"{base}?pagina={pages + 5}").content.decode()) == every[20 * (pages - 1) :]
    assert codes(c.get(f"{base}?pagina=x").content.decode()) == every[:20]
    # the pager keeps the filters: the second page of a filter is the filter's rows 21 to 40
    settings.CRUSCOTTO_RIGHE_PER_PAGINA = 10_000
    filtered = codes(c.get(f"{base}?q=1").content.decode())
    assert 40 < len(filtered) < len(every)
    settings.CRUSCOTTO_RIGHE_PER_PAGINA = 20
    html = c.get(f"{base}?q=1&pagina=2").content.decode()
    assert codes(html) == filtered[20:40]
    assert 'href="?q=1&amp;pagina=3"' in html and 'href="?q=1&amp;pagina=1"' in html
    html = c.get(f"{base}?pagina=2").content.decode()
    assert 'href="?pagina=3"' in html and 'href="?pagina=1"' in html
    assert "/monitoraggio/insieme/?pagina=2" in html
    insieme = c.get(f"{base}insieme/?pagina=2").content.decode()
    assert set(re.findall(r'name="c-\d+" value="([^"]+)"', insieme)) == set(every[20:40])
