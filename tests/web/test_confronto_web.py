"""Benchmarking across enti, stored (issue 16): a small synthetic installation, each figure
recomputed independently from the enti's own scores, the clusters, who sees which value, and
the cache that recomputes only the ente whose values changed."""

from __future__ import annotations

import io
import statistics

import pytest
from django.core.management import call_command

from cruscotto.performance import confronto as co
from cruscotto.performance import models as m
from cruscotto.performance import selectors


@pytest.fixture
def installazione(db, settings):
    from django.core.cache import cache

    cache.clear()
    settings.CRUSCOTTO_CONFRONTO_MINIMO = 3
    call_command("installazione_sintetica", enti=8, indicatori=48, catalogo=6, pubblicati=50, verbosity=0)
    return m.Ente.objects.filter(codice__startswith="SINT-E").order_by("codice")


def _own_values(anno: int) -> dict[str, dict[str, float]]:
    """Each synthetic ente's catalogue values, read from its own scored plan (the pages' path)."""
    out: dict[str, dict[str, float]] = {}
    for ente in m.Ente.objects.filter(codice__startswith="SINT-E"):
        piano = selectors.current_plan(ente, anno)
        result = {r.codice: r for r in selectors.score(piano, anno).indicatori}
        for ind in selectors.plan_for(piano).indicatori():
            actual = result[ind.codice].actual
            if ind.catalogo and isinstance(actual, float | int) and not isinstance(actual, bool):
                out.setdefault(ind.catalogo, {})[ente.codice] = float(actual)
    return out


def test_the_synthetic_installation_is_labelled_and_complete(installazione):
    assert installazione.count() == 8 and m.VoceCatalogo.objects.count() == 6
    for ente in installazione:
        assert ente.dati_di_esempio and "inventato" in ente.nome
        assert set(ente.attributi) == {"classe_dimensionale", "regione", "accorpata"}
        piano = ente.piani.get()
        assert piano.indicatori.count() == 48
        assert sorted(piano.consuntivi.values_list("anno", flat=True).distinct()) == [2020, 2021, 2022]
    published = m.Ciclo.objects.filter(ente__in=installazione, stato="pubblicato").count()
    assert 0 < published < 8
    call_command("installazione_sintetica", enti=8, indicatori=48, catalogo=6, verbosity=0)  # again: nothing new
    assert m.Ente.objects.filter(codice__startswith="SINT-E").count() == 8


def test_every_figure_is_the_enti_own_values_statistics(installazione):
    ente = installazione.first()
    got = co.confronto(ente, 2020, attributi=[])  # the whole installation
    values = _own_values(2020)
    assert got["enti"] >= 8 and [r.codice for r in got["righe"]] == sorted(values)
    for row in got["righe"]:
        xs = sorted(values[row.codice].values())
        assert row.valore == pytest.approx(values[row.codice].get(ente.codice))
        assert row.n_tutti == len(xs)
        q1, med, q3 = statistics.quantiles(xs, n=4, method="inclusive")
        s = row.tutti
        assert (s.n, s.minimo, s.massimo) == (len(xs), xs[0], xs[-1])
        assert (s.media, s.q1, s.mediana, s.q3) == pytest.approx((statistics.fmean(xs), q1, med, q3))
        lower = m.VoceCatalogo.objects.get(codice=row.codice).polarita == "decrescente"
        better = [x for x in xs if (x < row.valore if lower else x > row.valore)]
        assert row.posizione_tutti == len(better) + 1


def test_a_cluster_is_the_enti_sharing_the_attributes(installazione):
    ente = installazione.first()
    classe = ente.attributi["classe_dimensionale"]
    # every ente of the installation with a plan for the year: the demo ente has attributes too
    peers = {e.codice for e in m.Ente.objects.all() if e.attributi.get("classe_dimensionale") == classe}
    got = co.confronto(ente, 2020, attributi=["classe_dimensionale"])
    assert got["cluster"] == {"classe_dimensionale": classe} and got["enti_cluster"] == len(peers)
    values = _own_values(2020)
    for row in got["righe"]:
        mine = [v for code, v in values[row.codice].items() if code in peers]
        assert row.n_cluster == len(mine)
        if len(mine) >= 3:
            assert row.cluster is not None and row.cluster.media == pytest.approx(statistics.fmean(mine))
        else:
            assert row.cluster is None  # too few to show


def test_others_values_are_named_only_once_published(installazione):
    ente = installazione.first()
    code = co.confronto(ente, 2020, attributi=[])["righe"][0].codice
    published = set(
        m.Ciclo.objects.filter(anno=2020, stato="pubblicato", ente__in=installazione).values_list(
            "ente__nome", flat=True
        )
    )
    dots = co.valori_visibili(ente, 2020, code)
    named = {d["ente"] for d in dots if d["ente"] and not d["proprio"]}
    assert named and named <= published
    assert sum(1 for d in dots if d["proprio"]) == 1 and any(d["ente"] is None for d in dots)


def test_a_new_value_recomputes_that_ente_only(installazione, monkeypatch):
    from cruscotto.performance import services

    co.righe(2020)  # every plan computed once, then cached
    calls = []
    real = co._valori
    monkeypatch.setattr(co, "_valori", lambda piano, anno: calls.append(piano.pk) or real(piano, anno))
    co.righe(2020)
    assert calls == []
    ente = installazione.first()
    piano = selectors.current_plan(ente, 2020)
    code = next(i.codice for i in selectors.plan_for(piano).indicatori() if i.catalogo)
    admin = m.Ruolo.objects.filter(tipo="amministratore").first().utente
    m.Ruolo.objects.create(utente=admin, ente=ente, tipo="amministratore")
    services.consuntivo_registra(user=admin, piano=piano, codice=code, anno=2020, testo="99", conferma="prova")
    after = co.righe(2020)
    assert calls == [piano.pk]
    assert 99.0 in after.valore[after.ente == [e.pk for e in after.enti].index(ente.pk)]


def test_the_page_the_indicator_chart_and_the_api(installazione, as_user):
    import io

    from cruscotto.engine import display

    ente = installazione.first()
    user = m.Ruolo.objects.filter(tipo="controllo").first().utente
    m.Ruolo.objects.create(utente=user, ente=ente, tipo="controllo")
    c = as_user(user.username)
    whole = co.confronto(ente, 2020, attributi=[])
    page = c.get(f"/{ente.codice}/2020/confronto/?per=").content.decode()
    assert "Gruppo: tutti gli enti dell&#x27;installazione." in page or "Gruppo: tutti gli enti" in page
    first = whole["righe"][0]
    assert f">{first.codice}</a>" in page and display.number(first.tutti.media) in page
    by_class = c.get(f"/{ente.codice}/2020/confronto/?per=classe_dimensionale&per=").content.decode()
    assert ente.attributi["classe_dimensionale"] in by_class
    # the indicator page: the ente's value among the others
    piano = selectors.current_plan(ente, 2020)
    ind = next(i for i in selectors.plan_for(piano).indicatori() if i.catalogo == first.codice)
    r = c.get(f"/{ente.codice}/2020/indicatori/{ind.codice}/").content.decode()
    assert f"questo ente: {display.number(first.valore)}" in r and f"catalogo {first.codice}" in r
    # the API: the same figures, and the default group from the ente's attributes
    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("token_api", user.username, "prova", stdout=out)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    body = api.get(f"/api/v1/enti/{ente.codice}/confronto/2020?gruppo=tutti").json()
    row = next(x for x in body["righe"] if x["codice"] == first.codice)
    assert row["tutti"]["media"] == pytest.approx(first.tutti.media) and row["indicatore"] == ind.codice
    assert row["posizione_tutti"] == first.posizione_tutti and body["gruppo"] == {}
    default = api.get(f"/api/v1/enti/{ente.codice}/confronto/2020").json()
    # by default the size class, as the seed's "cluster dimensionale"
    assert default["gruppo"] == {"classe_dimensionale": ente.attributi["classe_dimensionale"]}
    # another ente's benchmark is not this user's business
    other = installazione.last()
    assert api.get(f"/api/v1/enti/{other.codice}/confronto/2020").status_code == 404


def test_the_computed_cluster_mean_stands_in_for_the_printed_one_and_the_open_data(installazione, tmp_path):
    import csv

    from frictionless import validate

    from cruscotto.documents.blocks import Paragraph, Table
    from cruscotto.documents.piano import build_piano
    from cruscotto.engine import display
    from cruscotto.opendata import write_opendata

    ente = installazione.first()
    piano = selectors.current_plan(ente, 2020)
    piano.anni = [2021, 2022, 2023]  # as the next plan would be: the cluster of 2020 is the year before
    medie = co.medie_cluster(ente, piano)
    rows = {r.codice: r for r in co.confronto(ente, 2020)["righe"]}
    plan = selectors.plan_for(piano)
    catalogo = {i.codice: i.catalogo for i in plan.indicatori() if i.catalogo}
    shown = {code: rows[cat] for code, cat in catalogo.items() if rows[cat].cluster is not None}
    assert set(medie) == set(shown) and medie
    for code, mean in medie.items():
        assert (mean.valore, mean.n, mean.anno) == (shown[code].cluster.media, shown[code].cluster.n, 2020)
    doc = build_piano(plan, medie_cluster=medie)
    cells = {c.text for b in doc.blocks if isinstance(b, Table) for r in b.rows for c in r}
    code, mean = next(iter(medie.items()))
    assert f"{display.decimal(mean.valore, 2)} (*)" in cells
    assert any(isinstance(b, Paragraph) and b.text.startswith("(*) Media del gruppo") for b in doc.blocks)
    # the open data: the ente's value and the aggregates, no other ente's value
    inputs = selectors.document_inputs(ente, selectors.current_plan(ente, 2020), 2020, "opendata")
    od = write_opendata(inputs.piano, inputs.result, tmp_path / "od", confronto=inputs.confronto)
    report = validate(str(od / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with open(od / "confronto.csv", encoding="utf-8") as fh:
        published = {r["catalogo"]: r for r in csv.DictReader(fh)}
    default = {r.codice: r for r in co.confronto(ente, 2020)["righe"]}
    assert set(published) == set(default)
    for cat, r in published.items():
        assert int(r["enti_tutti"]) == default[cat].n_tutti
        if default[cat].tutti is not None:
            assert float(r["media_tutti"]) == pytest.approx(default[cat].tutti.media, abs=1e-4)
        g = default[cat].raggiungimento  # the ente's own achievement, and the aggregates only
        assert r["stato"] == g.stato.value
        assert (float(r["raggiungimento"]) if r["raggiungimento"] else None) == pytest.approx(g.valore, abs=1e-4)
        assert r["raggiunti_gruppo"] == ("" if g.raggiunti_cluster is None else str(g.raggiunti_cluster))


def test_the_cached_indicator_page_follows_the_other_enti(installazione, as_user):
    """The indicator page's body is cached (issue 16); for a catalogue indicator it shows the other
    enti's values, so another ente's new value, or its publication, renders it anew."""
    import re

    from cruscotto.performance import services

    ente = installazione[0]
    other = next(e for e in installazione[1:] if not selectors.validated(selectors.current_plan(e, 2020), 2020))
    user = m.Ruolo.objects.filter(tipo="controllo").first().utente
    m.Ruolo.objects.create(utente=user, ente=ente, tipo="controllo")
    c = as_user(user.username)
    piano = selectors.current_plan(ente, 2020)
    ind = next(i for i in selectors.plan_for(piano).indicatori() if i.catalogo)
    url = f"/{ente.codice}/2020/indicatori/{ind.codice}/"

    def title() -> str:  # the chart's title: how many enti, their range
        return re.search(r"\d+ enti, da [^<;]+", c.get(url).content.decode()).group(0)

    before = title()
    assert title() == before  # cached, the same
    page = f"/{ente.codice}/2020/confronto/?per="
    assert "987.654" not in c.get(page).content.decode()
    other_plan = selectors.current_plan(other, 2020)
    code = next(i.codice for i in selectors.plan_for(other_plan).indicatori() if i.catalogo == ind.catalogo)
    admin = m.Ruolo.objects.filter(tipo="amministratore").first().utente
    m.Ruolo.objects.create(utente=admin, ente=other, tipo="amministratore")
    services.consuntivo_registra(user=admin, piano=other_plan, codice=code, anno=2020, testo="987654", conferma="x")
    after = title()
    assert after != before and "987.654" in after
    assert "987.654" in c.get(page).content.decode()  # the whole installation's maximum


# --- the achievements against each ente's own target ----------------------------------------


def _ente_con_regole_proprie(e: int, attributi: dict, regole: dict, cambia) -> m.Ente:
    """One more synthetic ente, with ``attributi``, whose plan has its own scoring rules
    and catalogue indicators changed by ``cambia(indicators, values)`` (the installation's are
    all numbers under the same rules)."""
    from cruscotto.demo.sintetico import _walk, catalogo_sintetico, ente_sintetico
    from cruscotto.engine.numbers import parse_value
    from cruscotto.engine.scoring import Consuntivo, Valori
    from cruscotto.files.native import plan_from_data
    from cruscotto.performance.services import piano_import

    voci = catalogo_sintetico(m.VoceCatalogo.objects.count(), 2020)
    _attributi, data, values = ente_sintetico(e, voci, indicators=48, seed=2020)
    data["regole"] = {**data.get("regole", {}), **regole}
    catalogue = [d for d in _walk(data) if d.get("catalogo")]
    cambia(catalogue, values)
    valori = Valori()
    for (code, year), text in values.items():
        value = parse_value(text, where=code)
        if value is not None:
            valori.consuntivi[(code, year, "")] = Consuntivo(value)
    stored = piano_import(piano=plan_from_data(data, source="prova"), valori=valori)
    m.Ente.objects.filter(pk=stored.ente_id).update(attributi=attributi, dati_di_esempio=True)
    return m.Ente.objects.get(pk=stored.ente_id)


@pytest.fixture
def installazione_mista(installazione):
    """The installation, plus two enti whose plans score differently: bands and missing values
    counted 0 with a relative target (the scalar engine's); a deadline, yes/no, a missing value."""
    first = installazione.first()

    def relative(inds, values):
        inds[0]["target"] = {y: "+5% rispetto al 2019" for y in (2020, 2021, 2022)}
        values.pop((inds[1]["codice"], 2020), None)  # missing: counts 0 under dati_mancanti zero

    def deadline(inds, values):
        inds[0].update(polarita="scadenza", target={y: f"entro il 30/06/{y}" for y in (2020, 2021, 2022)})
        values[(inds[0]["codice"], 2020)] = "15/07/2020"  # 15 days late: the plan's delay band
        inds[1].update(polarita="si/no", target={y: "sì" for y in (2020, 2021, 2022)})
        values[(inds[1]["codice"], 2020)] = "sì"
        values.pop((inds[2]["codice"], 2020), None)  # missing, left out: the year is open

    bands = [{"da": 0, "punteggio": 0}, {"da": 60, "punteggio": 50}, {"da": 90, "punteggio": 100}]
    _ente_con_regole_proprie(
        901, first.attributi, {"fasce": bands, "dati_mancanti": "zero", "soglia_raggiunto": 100}, relative
    )
    # its size class is the first ente's, its region nobody else's: alone in the narrowest group
    _ente_con_regole_proprie(
        902,
        {**first.attributi, "regione": "Molise (prova)"},
        {"ritardo_fasce": [{"giorni": 30, "punteggio": 50}], "soglia_parziale": 60},
        deadline,
    )
    return m.Ente.objects.filter(codice__startswith="SINT-E").order_by("codice")


def _own_achievements(anno: int) -> dict[str, dict[str, object]]:
    """Each ente's catalogue indicators' results, from its own scored plan (the indicator page's)."""
    out: dict[str, dict[str, object]] = {}
    for ente in m.Ente.objects.exclude(piani=None):
        piano = selectors.current_plan(ente, anno)
        if piano is None:
            continue
        result = selectors.score(piano, anno)
        seen = set()
        for ind in selectors.plan_for(piano).indicatori():
            if ind.catalogo and ind.catalogo not in seen:
                seen.add(ind.catalogo)
                out.setdefault(ind.catalogo, {})[ente.codice] = result.indicatore(ind.codice)
    return out


def test_each_entes_achievement_is_its_own_scored_plans(installazione_mista):
    from cruscotto.engine.scoring import Stato

    own = _own_achievements(2020)
    scalar_rows = 0
    for ente in installazione_mista:
        got = co.confronto(ente, 2020, attributi=[])
        assert got["righe"]
        for row in got["righe"]:
            g, expected = row.raggiungimento, own[row.codice][ente.codice]
            assert (g.valore, g.stato) == (expected.achievement, expected.stato), (ente.codice, row.codice)
            scalar_rows += g.scalare
            # the distribution over every ente: their own figures
            xs = sorted(r.achievement for r in own[row.codice].values() if r.achievement is not None)
            assert g.n_tutti == len(xs)
            if len(xs) >= 3:
                assert (g.tutti.minimo, g.tutti.massimo) == (xs[0], xs[-1])
                assert g.tutti.media == pytest.approx(statistics.fmean(xs))
                assert g.raggiunti_tutti == sum(r.stato is Stato.RAGGIUNTO for r in own[row.codice].values())
    assert scalar_rows >= 3  # the relative target, the deadline and yes/no: scored one by one
    assert got["scalari"] >= 3
    # the rules differ between plans, and the figures show it: the bands give 0, 50 or 100 only
    banded = m.Ente.objects.get(codice="SINT-E901")
    figures = {r.raggiungimento.valore for r in co.confronto(banded, 2020, attributi=[])["righe"]}
    assert figures <= {0.0, 50.0, 100.0, None} and 0.0 in figures  # the missing value counted 0


def test_the_page_and_the_api_show_the_achievements_and_hide_small_groups(installazione_mista, as_user):
    import io

    from django.test import Client

    from cruscotto.engine import display

    ente = m.Ente.objects.get(codice="SINT-E902")
    user = m.Ruolo.objects.filter(tipo="controllo").first().utente
    m.Ruolo.objects.create(utente=user, ente=ente, tipo="controllo")
    own = _own_achievements(2020)
    page = as_user(user.username).get(f"/{ente.codice}/2020/confronto/?per=").content.decode()
    assert "Raggiungimento del target" in page
    shown = [own[code][ente.codice] for code in own if ente.codice in own[code]]
    for r in shown:
        if r.achievement is not None:
            assert f'<td class="text-end">{display.pct(r.achievement)}</td>' in page
    out = io.StringIO()
    call_command("token_api", user.username, "prova", stdout=out)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    body = api.get(f"/api/v1/enti/{ente.codice}/confronto/2020?gruppo=tutti").json()
    for row in body["righe"]:
        expected = own[row["codice"]][ente.codice]
        assert row["raggiungimento"]["valore"] == expected.achievement
        assert row["raggiungimento"]["stato"] == expected.stato.value
        assert row["raggiungimento"]["tutti"]["n"] == row["raggiungimento"]["n_tutti"] >= 3
    # a group of fewer than CRUSCOTTO_CONFRONTO_MINIMO (3 here) enti: no aggregate, only how many
    every = ",".join(["classe_dimensionale", "regione", "accorpata"])
    small = api.get(f"/api/v1/enti/{ente.codice}/confronto/2020?gruppo={every}").json()
    assert small["enti_gruppo"] < 3
    for row in small["righe"]:
        g = row["raggiungimento"]
        assert g["gruppo"] is None and g["raggiunti_gruppo"] is None and g["n_gruppo"] < 3
        assert g["valore"] == own[row["codice"]][ente.codice].achievement  # the ente's own: always shown
    small_page = as_user(user.username).get(
        f"/{ente.codice}/2020/confronto/?per=classe_dimensionale&per=regione&per=accorpata&per="
    )
    assert "con un grado di raggiungimento: troppo pochi per mostrarne i dati" in small_page.content.decode()


# --- filling the cache ahead -----------------------------------------------------------------


def test_the_command_fills_every_plans_entry(installazione, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    call_command("confronto_prepara", "--anno", "2020", stdout=io.StringIO(), stderr=io.StringIO())
    keys = [co._chiave(p, 2020) for _info, p in co._piani_mostrati(2020)]
    assert keys and set(cache.get_many(keys)) == set(keys)
    calls = []
    monkeypatch.setattr(co, "_valori", lambda piano, anno: calls.append(piano.pk))
    co.righe(2020)
    assert calls == []  # the first reader computes nothing
    out = io.StringIO()
    call_command("confronto_prepara", stdout=out, stderr=io.StringIO())  # every year: 2020 is there already
    assert "2020: 0 piani" in out.getvalue() and "2021:" in out.getvalue()


def test_after_a_change_the_job_recomputes_that_ente_and_the_page_computes_nothing(
    installazione, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from cruscotto.performance import services

    # The job is queued only with a shared cache (CRUSCOTTO_CACHE_URL); the test process's own
    # memory stands in for Redis here (CACHES is unchanged), and the tests' queue runs it at once.
    settings.CRUSCOTTO_CACHE_URL = "redis://127.0.0.1:1/0"
    co.righe(2020)
    real = co._valori
    calls = []
    monkeypatch.setattr(co, "_valori", lambda piano, anno: calls.append((piano.pk, anno)) or real(piano, anno))
    ente = installazione.first()
    piano = selectors.current_plan(ente, 2020)
    codes = [i.codice for i in selectors.plan_for(piano).indicatori() if i.catalogo][:2]
    admin = m.Ruolo.objects.filter(tipo="amministratore").first().utente
    m.Ruolo.objects.create(utente=admin, ente=ente, tipo="amministratore")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for k, code in enumerate(codes):  # two values in one transaction: one job
            services.consuntivo_registra(
                user=admin, piano=piano, codice=code, anno=2020, testo=str(90 + k), conferma="x"
            )
    assert len([c for c in callbacks if c.__qualname__.endswith("enqueue")]) == 2
    # the job ran once for the ente: each year of its plan (2020 with the new values, then the others)
    assert [anno for _pk, anno in calls] == sorted(piano.anni) and {pk for pk, _a in calls} == {piano.pk}
    calls.clear()
    after = co.righe(2020)
    assert calls == []  # the page finds the new entry warm
    mine = after.valore[after.ente == [e.pk for e in after.enti].index(ente.pk)]
    assert 90.0 in mine and 91.0 in mine
    # again, with nothing changed: the job finds its entries and computes nothing
    from cruscotto.performance.tasks import prepara_confronto

    assert prepara_confronto.call(ente.pk) == 0 and calls == []
