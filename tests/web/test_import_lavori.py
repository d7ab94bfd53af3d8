"""A plan import through the queue: a large file is read and checked by the worker, the page
follows it, and the confirmed import is written by the worker too. An ordinary file goes the
same way inside the request (tests/web/test_plan_editing.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.performance import ciclo, lavori, selectors
from cruscotto.performance import models as m

from .test_plan_editing import _first_indicator, demo_yaml

URL = "/CCIAA-PT/2020/piano/"
S = m.Lavoro.Stato


@pytest.fixture
def large(settings):
    """Every file is "large" and nothing runs the queue until the test says so (the worker)."""
    settings.CRUSCOTTO_IMPORT_INLINE_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _worker() -> list[str]:
    """What one worker pass does: every queued job, in order."""
    return [lavori.esegui(str(pk)) for pk in m.Lavoro.objects.filter(stato=S.IN_CODA).values_list("pk", flat=True)]


def _target_95(d):
    _first_indicator(d)["target"][2020] = "95%"


def test_a_large_plan_is_checked_and_imported_by_the_worker(as_user, piano, demo_plan_path, large):
    c = as_user("controllo")
    r = c.post(f"{URL}importa/", {"file": SimpleUploadedFile("piano.yaml", demo_yaml(demo_plan_path, _target_95))})
    job = m.Lavoro.objects.get(tipo="anteprima")
    assert r.status_code == 302 and r["Location"] == f"{URL}importa/{job.pk}/"
    assert job.stato == S.IN_CODA and job.file and job.nome_file == "piano.yaml"
    waiting = c.get(r["Location"])
    assert waiting.status_code == 200 and "in attesa del processo di lavoro" in waiting.content.decode()
    assert 'hx-trigger="load delay:2s"' in waiting.content.decode()  # the page follows the job

    assert _worker() == ["pronto"]
    polled = c.get(r["Location"], headers={"HX-Request": "true"})
    assert polled.status_code == 200 and polled["HX-Redirect"] == r["Location"]  # done: the whole page
    preview = c.get(r["Location"]).content.decode()
    assert "79 indicatori" in preview and "Importa come nuova versione" in preview
    assert m.Piano.objects.count() == 1  # nothing written yet

    token = preview.split('name="token" value="')[1].split('"')[0]
    assert token == str(job.pk)
    r = c.post(f"{URL}conferma/", {"token": token})
    imp = m.Lavoro.objects.get(tipo="importazione")
    assert r.status_code == 302 and r["Location"] == f"{URL}importa/{imp.pk}/"
    assert m.Piano.objects.count() == 1  # the worker writes it
    assert _worker() == ["pronto"]
    done = c.get(r["Location"])
    assert done.status_code == 302 and done["Location"] == URL
    assert "Piano importato come versione 2." in c.get(URL).content.decode()
    latest = selectors.current_plan(piano.ente, 2020)
    assert latest.versione == 2 and selectors.plan_for(latest).indicatore("A.3.4-1").target[2020].testo == "95%"
    job.refresh_from_db()
    assert not job.file  # imported: the file is gone and the preview cannot be confirmed twice
    again = c.post(f"{URL}conferma/", {"token": token})
    assert again.status_code == 404 and m.Piano.objects.count() == 2


def test_a_preview_is_its_requesters_only(as_user, demo_plan_path, large, django_user_model):
    as_user("controllo").post(f"{URL}importa/", {"file": SimpleUploadedFile("p.yaml", demo_yaml(demo_plan_path))})
    _worker()
    job = m.Lavoro.objects.get(tipo="anteprima")
    assert as_user("admin").get(f"{URL}importa/{job.pk}/").status_code == 404
    assert as_user("admin").post(f"{URL}conferma/", {"token": str(job.pk)}).status_code == 404
    assert as_user("controllo").get(f"{URL}importa/not-a-uuid/").status_code == 404
    assert m.Piano.objects.count() == 1


def test_a_large_file_with_errors_is_listed_and_not_kept(as_user, demo_plan_path, large):
    def bad(d):
        _first_indicator(d)["target"][2020] = "31/02/2020"

    c = as_user("controllo")
    r = c.post(f"{URL}importa/", {"file": SimpleUploadedFile("piano.yaml", demo_yaml(demo_plan_path, bad))})
    _worker()
    page = c.get(r["Location"])
    assert page.status_code == 422 and "data inesistente" in page.content.decode()
    assert 'name="token"' not in page.content.decode()
    job = m.Lavoro.objects.get(tipo="anteprima")
    assert job.stato == S.PRONTO and not job.file


def test_a_rimodulazione_needs_its_reason_before_the_worker_is_asked(as_user, piano, demo_plan_path, large):
    c = as_user("controllo")
    ciclo.adotta(user=_user("controllo"), piano=piano, atto="Delibera n. 1", atto_data=date(2020, 1, 30))
    r = c.post(f"{URL}importa/", {"file": SimpleUploadedFile("piano.yaml", demo_yaml(demo_plan_path, _target_95))})
    _worker()
    preview = c.get(r["Location"]).content.decode()
    assert "aria-invalid" in preview  # the reason is asked for on the preview
    token = str(m.Lavoro.objects.get(tipo="anteprima").pk)
    refused = c.post(f"{URL}conferma/", {"token": token, "motivazione": "  "})
    assert refused.status_code == 422 and "ne serve la motivazione" in refused.content.decode()
    assert not m.Lavoro.objects.filter(tipo="importazione").exists()
    r = c.post(f"{URL}conferma/", {"token": token, "motivazione": "Nuovo obiettivo regionale"})
    assert _worker() == ["pronto"]
    assert c.get(r["Location"]).status_code == 302
    new = m.Piano.objects.order_by("-versione").first()
    assert new.versione == 2 and new.stato_versione == "bozza" and new.motivazione == "Nuovo obiettivo regionale"


def test_an_import_the_cycle_refuses_in_the_worker_says_why_on_the_preview(as_user, piano, demo_plan_path, large):
    """The cycle moved on between preview and import: the worker's refusal is shown, not a fault."""
    c = as_user("controllo")
    r = c.post(f"{URL}importa/", {"file": SimpleUploadedFile("piano.yaml", demo_yaml(demo_plan_path))})
    _worker()
    token = str(m.Lavoro.objects.get(tipo="anteprima").pk)
    r = c.post(f"{URL}conferma/", {"token": token, "motivazione": "x"})
    ciclo.adotta(user=_user("controllo"), piano=piano, atto="Delibera n. 1", atto_data=date(2020, 1, 30))
    m.Ciclo.objects.filter(pk=piano.ciclo_id).update(stato=m.Ciclo.Stato.CHIUSO)
    assert _worker() == ["errore"]
    imp = m.Lavoro.objects.get(tipo="importazione")
    assert "il piano non si modifica più" in imp.errore and not imp.traccia  # a refusal, not a fault
    page = c.get(r["Location"])
    assert page.status_code == 422 and "il piano non si modifica più" in page.content.decode()
    assert m.Piano.objects.count() == 1


def test_the_preview_speaks_the_requesters_language(as_user, demo_plan_path, large):
    def bad(d):
        d["ente"]["codice"] = "CCIAA-PO"

    c = as_user("controllo")
    c.post("/i18n/setlang/", {"language": "en", "next": URL})
    r = c.post(f"{URL}importa/", {"file": SimpleUploadedFile("piano.yaml", demo_yaml(demo_plan_path, bad))})
    _worker()  # the worker runs in the installation's language (Italian) unless the job says otherwise
    page = c.get(r["Location"]).content.decode()
    assert "The file is the plan of entity CCIAA-PO, not of CCIAA-PT." in page


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_the_api_answers_a_large_import_with_a_job_to_follow(db, demo_plan_path, large):
    from .test_api import api

    c = api("controllo")
    with open(demo_plan_path, "rb") as fh:
        r = c.post("/api/v1/enti/CCIAA-PT/piani", {"file": fh})
    assert r.status_code == 202, r.content[:300]
    job = r.json()
    assert job["stato"] == "in_coda" and job["url"].endswith(f"/api/v1/lavori/{job['id']}")
    assert c.get(f"/api/v1/lavori/{job['id']}").json()["stato"] == "in_coda"
    assert api("admin").get(f"/api/v1/lavori/{job['id']}").status_code == 404  # another person's job
    assert c.get("/api/v1/lavori/nessuno").status_code == 404
    assert _worker() == ["pronto"]
    done = c.get(f"/api/v1/lavori/{job['id']}").json()
    assert done["stato"] == "pronto" and done["versione"] == 2 and done["errori"] == []
    assert m.Piano.objects.count() == 2
    assert not m.Lavoro.objects.get(pk=job["id"]).file  # written: the file is not kept


def test_a_large_api_import_with_errors_ends_failed_and_lists_them(db, tmp_path, large):
    from .test_api import api

    bad = tmp_path / "piano.yaml"
    bad.write_text(
        "formato: cruscotto/piano@1\nente: {codice: CCIAA-PT, nome: X}\npiano: {titolo: T, anni: [2020]}\n"
        "prospettive: [{codice: P, nome: P, pes: 3}]\n",
        encoding="utf-8",
    )
    c = api("controllo")
    with open(bad, "rb") as fh:
        job = c.post("/api/v1/enti/CCIAA-PT/piani", {"file": fh}).json()
    assert _worker() == ["errore"]
    done = c.get(f"/api/v1/lavori/{job['id']}").json()
    assert done["stato"] == "errore" and "nulla è stato scritto" in done["errore"]
    assert any("pes" in str(e) for e in done["errori"]) and done["versione"] is None
    assert m.Piano.objects.count() == 1
