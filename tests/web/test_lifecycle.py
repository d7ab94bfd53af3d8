"""The demo plan through its whole cycle on the web pages: adopted, rimodulated, monitored, closed,
returned, validated and published, every step in the audit trail."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from cruscotto.performance import editing, selectors
from cruscotto.performance import models as m

URL = "/CCIAA-PT/2020/ciclo/"


def post(client, azione, **data):
    # One URL per action of the cycle page (views/ciclo.py); closing is confirmed (as on the page,
    # whose confirmation is tested on its own below).
    data.setdefault("conferma", "1")
    return client.post(f"{URL}{azione.replace('_', '-')}/", data)


def actions(piano):
    return list(m.Registro.objects.filter(ente="CCIAA-PT").order_by("pk").values_list("azione", flat=True))


@pytest.fixture
def adopted(as_user, piano):
    r = post(
        as_user("controllo"),
        azione="adotta",
        versione=piano.versione,
        atto="Delibera di Giunta n. 12",
        atto_data="30/01/2020",
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    piano.refresh_from_db()
    return piano


def test_adoption_needs_the_act_and_the_right_role(as_user, piano):
    assert (
        post(as_user("oiv"), azione="adotta", versione=piano.versione, atto="x", atto_data="30/01/2020").status_code
        == 403
    )
    r = post(as_user("controllo"), azione="adotta", versione=piano.versione, atto="", atto_data="")
    assert r.status_code == 422 and "atto di adozione" in r.content.decode()
    assert m.Ciclo.objects.get().stato == "bozza"


def test_an_adopted_plan_is_locked(adopted, as_user, django_user_model):
    assert adopted.stato_versione == "in_vigore" and adopted.ciclo.stato == "adottato"
    controllo = django_user_model.objects.get(username="controllo")
    with pytest.raises(ValidationError, match="rimodulazione"):
        editing.nodo_aggiorna(
            user=controllo, piano=adopted, livello="obiettivo_strategico", codice="A", nome="Cambiato", peso="", note=""
        )
    page = as_user("controllo").get("/CCIAA-PT/2020/piano/").content.decode()
    assert "nodo_modifica" not in page and "/piano/obiettivo_strategico/A/" not in page  # no edit links
    assert actions(adopted)[-1] == "piano.adotta"
    record = m.Registro.objects.filter(azione="piano.adotta").get()
    assert (
        record.utente == "controllo"
        and record.dopo["atto"] == "Delibera di Giunta n. 12"
        and record.dopo["ciclo"] == "adottato"
    )


def test_rimodulazione_makes_a_new_version_compared_with_the_old(adopted, as_user, django_user_model):
    c = as_user("controllo")
    assert post(c, azione="sposta", verso="in_monitoraggio").status_code == 302
    c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "88", "periodo": ""}, HTTP_HX_REQUEST="true")
    assert post(c, azione="rimodula", motivazione="").status_code == 422
    assert post(c, azione="rimodula", motivazione="Nuove risorse per l'internazionalizzazione").status_code == 302
    draft = m.Piano.objects.get(ciclo=adopted.ciclo, stato_versione="bozza")
    assert draft.versione == adopted.versione + 1 and draft.precedente_id == adopted.pk
    # the pages still show the version in force; the plan page edits the draft
    assert selectors.current_plan(adopted.ente, 2020).pk == adopted.pk
    controllo = django_user_model.objects.get(username="controllo")
    row = draft.indicatori.get(codice="B.2.1-1")
    values = {
        k: getattr(row, k)
        for k in ("nome", "algoritmo", "polarita", "unita", "tipologia", "fonte", "media_cluster", "note", "cruscotto")
    }
    values.update(
        peso=row.peso_testo,
        etichette=row.etichette,
        strutture=[s.codice for s in row.strutture.all()],
        target={**row.target, "2021": "95%"},
        formula=row.formula,
    )
    editing.indicatore_aggiorna(user=controllo, piano=draft, codice="B.2.1-1", values=values)
    assert (
        post(
            c, azione="adotta", versione=draft.versione, atto="Delibera di Giunta n. 40", atto_data="15/06/2020"
        ).status_code
        == 302
    )
    adopted.refresh_from_db()
    draft.refresh_from_db()
    assert (adopted.stato_versione, draft.stato_versione) == ("superata", "in_vigore")
    assert draft.consuntivi.filter(codice="B.2.1-1", anno=2020).get().valore == "88"  # the values moved with the plan
    shown = selectors.current_plan(adopted.ente, 2020)
    assert shown.pk == draft.pk
    diff = c.get(f"/CCIAA-PT/2020/ciclo/versioni/{adopted.versione}/{draft.versione}/").content.decode()
    assert "target 2021" in diff and "95%" in diff
    csv_text = c.get(f"/CCIAA-PT/2020/ciclo/versioni/{adopted.versione}/{draft.versione}/?formato=csv").content.decode()
    assert "indicatore,B.2.1-1,target 2021," in csv_text
    assert {"piano.rimodulazione.avvia", "indicatore.modifica", "piano.rimodulazione.adotta"} <= set(actions(adopted))
    change = m.Registro.objects.get(azione="indicatore.modifica")
    assert change.prima["target"]["2021"] != "95%" and change.dopo["target"]["2021"] == "95%"


def test_closed_periods_take_only_reasoned_corrections(adopted, as_user):
    c = as_user("controllo")
    post(c, azione="sposta", verso="in_monitoraggio")
    assert post(c, azione="chiudi_periodo", periodo="S1").status_code == 302
    resp = as_user("responsabile").post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "10", "periodo": "S1"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 403
    r = c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "10", "periodo": "S1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "correzione" in r.content.decode()
    r = c.post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        {"valore": "10", "periodo": "S1", "correzione": "errore di battitura"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    record = m.Registro.objects.get(azione="consuntivo.correzione")
    assert (
        record.oggetto == "B.2.1-1 2020 S1" and record.motivo == "errore di battitura" and record.dopo["valore"] == "10"
    )


def test_the_whole_cycle_to_publication(adopted, as_user, piano):
    c, oiv = as_user("controllo"), as_user("oiv")
    assert post(oiv, azione="sposta", verso="in_monitoraggio").status_code == 403
    assert post(c, azione="sposta", verso="in_monitoraggio").status_code == 302
    assert post(c, azione="sposta", verso="consuntivo_chiuso").status_code == 302
    assert set(m.PeriodoChiuso.objects.values_list("periodo", flat=True)) >= {"", "S1", "S2"}
    assert post(c, azione="sposta", verso="validato_oiv").status_code == 403  # the OIV validates
    assert post(oiv, azione="sposta", verso="in_monitoraggio", nota="").status_code == 422
    assert post(oiv, azione="sposta", verso="in_monitoraggio", nota="Manca la fonte di D2-4").status_code == 302
    assert not m.PeriodoChiuso.objects.filter(periodo="").exists()  # the year reopened for the correction
    assert post(oiv, azione="commenta", oggetto="D2-4", testo="Verificare la fonte").status_code == 302
    assert "provvisorio" in as_user("consultazione").get("/CCIAA-PT/2020/fondo/").content.decode()
    post(c, azione="sposta", verso="consuntivo_chiuso")
    # The OIV validates the Relazione the Giunta approved: that file, archived with its hash.
    refused = post(oiv, azione="sposta", verso="validato_oiv")
    assert refused.status_code == 422 and "non è ancora approvata" in refused.content.decode()
    assert post(oiv, azione="approva", atto="Delibera di Giunta n. 45", atto_data="20/06/2021").status_code == 403
    assert post(c, azione="approva", atto="Delibera di Giunta n. 45", atto_data="20/06/2021").status_code == 302
    approved = m.RelazioneApprovata.objects.get()
    pdf = as_user("consultazione").get("/CCIAA-PT/2020/relazione-approvata.pdf")
    body = b"".join(pdf.streaming_content)
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == approved.sha256_pdf
    assert post(oiv, azione="sposta", verso="validato_oiv").status_code == 302
    validation = m.Registro.objects.filter(azione="ciclo.stato", dopo__stato="validato_oiv").get()
    assert validation.dopo["sha256_pdf"] == approved.sha256_pdf  # the validation names the file
    again = b"".join(as_user("oiv").get("/CCIAA-PT/2020/relazione-approvata.pdf").streaming_content)
    assert again == body  # the archived file, never built again
    fund_page = as_user("consultazione").get("/CCIAA-PT/2020/fondo/").content.decode()
    assert "provvisorio fino alla validazione" not in fund_page  # validated: the amount is final
    assert post(c, azione="sposta", verso="pubblicato").status_code == 302
    assert m.Ciclo.objects.get().stato == "pubblicato"
    steps = [
        (r.utente, r.prima["stato"], r.dopo["stato"])
        for r in m.Registro.objects.filter(azione="ciclo.stato").order_by("pk")
    ]
    assert steps == [
        ("controllo", "adottato", "in_monitoraggio"),
        ("controllo", "in_monitoraggio", "consuntivo_chiuso"),
        ("oiv", "consuntivo_chiuso", "in_monitoraggio"),
        ("controllo", "in_monitoraggio", "consuntivo_chiuso"),
        ("oiv", "consuntivo_chiuso", "validato_oiv"),
        ("controllo", "validato_oiv", "pubblicato"),
    ]
    page = as_user("oiv").get("/CCIAA-PT/2020/registro/").content.decode()
    assert "Manca la fonte di D2-4" in page and "oiv.commento" in page


def test_closing_asks_first_and_lists_what_it_closes(adopted, as_user, piano):
    c = as_user("controllo")
    post(c, azione="sposta", verso="in_monitoraggio")
    ask = c.post(f"{URL}chiudi-periodo/", {"periodo": "S1"})
    html = ask.content.decode()
    assert ask.status_code == 200 and "Confermo la chiusura" in html and 'name="conferma" value="1"' in html
    assert not m.PeriodoChiuso.objects.filter(anno=2020, periodo="S1").exists()  # nothing closed yet
    assert "ancora senza valore" in html and "B.2.1-1" in html  # no S1 value
    assert "Non raggiunti senza la causa dello scostamento" in html
    assert c.post(f"{URL}chiudi-periodo/", {"periodo": "S1", "conferma": "1"}).status_code == 302
    assert m.PeriodoChiuso.objects.filter(anno=2020, periodo="S1").exists()
    ask = c.post(f"{URL}sposta/", {"verso": "consuntivo_chiuso"})
    html = ask.content.decode()
    assert ask.status_code == 200 and "anno intero" in html and "già chiuso" in html  # S1, closed before
    assert m.Ciclo.objects.get(pk=piano.ciclo_id).stato == "in_monitoraggio"
    assert as_user("oiv").post(f"{URL}chiudi-periodo/", {"periodo": "S2"}).status_code == 403


def _approved(piano):
    """An approval on record without building the Relazione (it takes seconds): for the tests
    whose subject is what follows the approval, not the approval."""
    import hashlib

    from django.core.files.base import ContentFile

    row = m.RelazioneApprovata(ciclo=piano.ciclo, anno=2020, atto="Delibera n. 45", atto_data=date(2021, 6, 20))
    for fmt, body in (("pdf", b"%PDF-1.7 prova"), ("docx", b"PK prova")):
        getattr(row, fmt).save(f"prova.{fmt}", ContentFile(body), save=False)
        setattr(row, f"sha256_{fmt}", hashlib.sha256(body).hexdigest())
    row.save()
    return row


def test_a_validated_year_is_locked_until_the_oiv_reopens_it(adopted, as_user, piano, django_user_model):
    from cruscotto.performance import selectors, services

    c, oiv = as_user("controllo"), as_user("oiv")
    for verso in ("in_monitoraggio", "consuntivo_chiuso"):
        assert post(c, azione="sposta", verso=verso).status_code == 302
    _approved(piano)  # the approval itself: test_the_whole_cycle_to_publication
    assert post(oiv, azione="sposta", verso="validato_oiv").status_code == 302
    piano.refresh_from_db()
    final = selectors.score(piano, 2020).fondo
    assert final.provvisorio is False
    row = "/CCIAA-PT/2020/monitoraggio/D2-4/"
    r = c.post(row, {"valore": "50", "periodo": "", "correzione": "errore di battitura"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "validati dall&#x27;OIV: i valori sono bloccati" in r.content.decode()
    controllo = django_user_model.objects.get(username="controllo")
    with pytest.raises(ValidationError, match="bloccati"):
        services.misura_registra(user=controllo, ente=piano.ente, nome="prenotato_linea_a", anno=2020, valore=1.0)
    with pytest.raises(ValidationError, match="bloccati"):
        services.evento_imposta_data(user=controllo, piano=piano, codice="T0", data=None)
    # Only the OIV reopens, and only with its reason; the validation is then void.
    assert post(c, azione="sposta", verso="consuntivo_chiuso", nota="x").status_code == 403
    assert post(oiv, azione="sposta", verso="consuntivo_chiuso", nota="").status_code == 422
    reason = "Il dato di D2-4 è stato rettificato dall'ufficio"
    assert post(oiv, azione="sposta", verso="consuntivo_chiuso", nota=reason).status_code == 302
    assert m.Ciclo.objects.get(pk=piano.ciclo_id).stato == "consuntivo_chiuso"
    r = c.post(row, {"valore": "50", "periodo": "", "correzione": "rettifica dell'ufficio"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    piano.refresh_from_db()
    corrected = selectors.score(piano, 2020).fondo
    assert corrected.provvisorio is True and corrected.importo < final.importo  # provisional again, and lower
    assert m.RelazioneApprovata.objects.get().annullata_il is not None  # the approved file no longer stands
    assert post(oiv, azione="sposta", verso="validato_oiv").status_code == 422
    _approved(piano)
    assert post(oiv, azione="sposta", verso="validato_oiv").status_code == 302
    piano.refresh_from_db()
    assert selectors.score(piano, 2020).fondo.provvisorio is False
    record = m.Registro.objects.filter(azione="ciclo.stato", dopo__stato="consuntivo_chiuso").latest("pk")
    assert record.motivo == reason and record.prima == {"stato": "validato_oiv"}


def test_a_neutralisation_is_a_recorded_decision_the_relazione_lists(adopted, as_user, piano, tmp_path):
    import docx

    from cruscotto.documents.build import build

    c = as_user("controllo")
    before = selectors.score(piano, 2020)
    assert before.indicatore("B.2.1-1").achievement is not None
    data = {"livello": "indicatore", "codice": "B.2.1-1", "atto": "Delibera di Giunta n. 30", "atto_data": "15/12/2020"}
    assert post(as_user("oiv"), azione="neutralizza", motivo="x", **data).status_code == 403
    assert post(c, azione="neutralizza", motivo="", **data).status_code == 422  # the reason is required
    assert post(c, azione="neutralizza", motivo="x", **{**data, "codice": "NON-C-E"}).status_code == 422
    reason = "Fiere internazionali annullate per l'emergenza sanitaria"
    assert post(c, azione="neutralizza", motivo=reason, **data).status_code == 302
    piano.refresh_from_db()
    after = selectors.score(piano, 2020)
    r = after.indicatore("B.2.1-1")
    assert r.stato.value == "neutralizzato" and r.achievement is None
    assert after.achievement != before.achievement  # it no longer weighs on the entity
    page = as_user("oiv").get(URL).content.decode()
    assert reason.replace("'", "&#x27;") in page and "Delibera di Giunta n. 30" in page  # the OIV sees it
    record = m.Registro.objects.get(azione="neutralizzazione.registra")
    assert record.motivo == reason and record.oggetto == "B.2.1-1 2020"
    out = tmp_path / "relazione.docx"
    build("relazione", "docx", selectors.document_inputs(piano.ente, piano, 2020, "relazione", "S1"), out)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert f"B.2.1-1: Delibera di Giunta n. 30 del 15/12/2020: {reason}" in text
    n = m.Neutralizzazione.objects.get()
    assert post(c, azione="revoca", neutralizzazione=n.pk, motivo="").status_code == 422
    assert post(c, azione="revoca", neutralizzazione=n.pk, motivo="Decisione ritirata").status_code == 302
    piano.refresh_from_db()
    assert selectors.score(piano, 2020).achievement == before.achievement


def test_the_audit_trail_is_append_only(adopted):
    record = m.Registro.objects.first()
    record.motivo = "riscritto"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        m.Registro.objects.all().update(motivo="x")
    with pytest.raises(PermissionDenied):
        m.Registro.objects.all().delete()
    # and below the application: the database refuses the update itself
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE performance_registro SET motivo = 'x'")
    assert not m.Registro.objects.filter(motivo="x").exists()


def test_the_audit_export_is_csv_safe_for_spreadsheets(adopted, as_user):
    c = as_user("controllo")
    post(c, azione="sposta", verso="in_monitoraggio")
    c.post(
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        {"valore": "88", "nota": '=HYPERLINK("http://x")', "periodo": ""},
        HTTP_HX_REQUEST="true",
    )
    text = c.get("/CCIAA-PT/2020/registro/?formato=csv").content.decode()
    assert text.splitlines()[0] == "quando,utente,ente,piano,azione,oggetto,prima,dopo,motivo,numero,impronta"
    assert "consuntivo.registra" in text
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.startswith(("=", "@", "+"))


def test_users_and_roles_changes_are_recorded(db, django_user_model, ente):
    u = django_user_model.objects.create_user(username="nuovo", password="una-password-lunga-1")
    r = m.Ruolo.objects.create(utente=u, ente=ente, tipo=m.Ruolo.Tipo.RESPONSABILE)
    r.strutture.add(ente.strutture.get(codice="PROMOZIONE"))
    u.is_active = False
    u.save()
    r.delete()
    got = list(m.Registro.objects.filter(oggetto="nuovo").order_by("pk").values_list("azione", flat=True))
    assert got == ["utente.crea", "ruolo.crea", "ruolo.strutture", "utente.modifica", "ruolo.elimina"]
    change = m.Registro.objects.get(oggetto="nuovo", azione="utente.modifica")
    assert change.prima == {"is_active": True} and change.dopo == {"is_active": False}


def test_an_amministratore_sees_only_the_accounts_of_the_own_ente(db, django_user_model, ente, as_user):
    """The Registro of one ente listed the accounts of another ente's users (issue 12, part 4)."""
    other = m.Ente.objects.create(codice="CCIAA-PO", nome="Camera di Commercio di Prato")
    stranger = django_user_model.objects.create_user(username="di-prato", password="una-password-lunga-1")
    m.Ruolo.objects.create(utente=stranger, ente=other, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
    stranger.first_name = "Maria"
    stranger.save()
    mine = django_user_model.objects.create_user(username="di-pistoia", password="una-password-lunga-1")
    m.Ruolo.objects.create(utente=mine, ente=ente, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
    page = as_user("admin").get("/CCIAA-PT/2020/registro/").content.decode()
    assert "di-pistoia" in page and "di-prato" not in page


def test_group_and_permission_changes_are_recorded(db, django_user_model):
    from django.contrib.auth.models import Group, Permission

    u = django_user_model.objects.get(username="consultazione")
    group = Group.objects.create(name="revisori")
    u.groups.add(group)
    u.user_permissions.add(Permission.objects.get(codename="view_consuntivo"))
    u.groups.remove(group)
    found = m.Registro.objects.filter(oggetto="consultazione", azione__in=("utente.gruppi", "utente.permessi"))
    rows = list(found.order_by("pk"))
    assert [(r.azione, r.dopo) for r in rows] == [
        ("utente.gruppi", {"azione": "add", "gruppi": ["revisori"]}),
        ("utente.permessi", {"azione": "add", "permessi": ["performance.view_consuntivo"]}),
        ("utente.gruppi", {"azione": "remove", "gruppi": ["revisori"]}),
    ]


def test_the_trail_reads_in_words_and_filters_by_date_and_action(as_user, django_user_model):
    c = as_user("admin")
    u = django_user_model.objects.get(username="consultazione")
    u.is_active = False
    u.save()
    page = c.get("/CCIAA-PT/2020/registro/?azione=utente.modifica").content.decode()
    assert "<td>Utente modificato</td>" in page and "<strong>attivo</strong>: sì → no" in page
    assert "{&#x27;" not in page and "True" not in page  # no raw Python structures
    assert "<td>Valore registrato</td>" not in page
    from django.utils import timezone

    today = timezone.localdate().strftime("%d/%m/%Y")
    assert "<td>Utente modificato</td>" in c.get(f"/CCIAA-PT/2020/registro/?dal={today}&al={today}").content.decode()
    assert "<td>Utente modificato</td>" not in c.get("/CCIAA-PT/2020/registro/?al=01/01/2019").content.decode()
    assert c.get("/CCIAA-PT/2020/registro/?dal=31/02/2020").status_code == 422
    assert c.get("/CCIAA-PT/2020/registro/?azione=inventata").status_code == 422
    csv_text = c.get("/CCIAA-PT/2020/registro/?azione=utente.modifica&formato=csv").content.decode()
    assert "utente.modifica" in csv_text and "consuntivo.registra" not in csv_text  # the same filters
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = c.get("/CCIAA-PT/2020/registro/?azione=utente.modifica").content.decode()
    assert "User changed" in english and "<strong>active</strong>: yes → no" in english


def test_the_trail_per_indicator_and_per_user(as_user):
    c = as_user("controllo")
    c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "77", "periodo": ""}, HTTP_HX_REQUEST="true")
    page = as_user("oiv").get("/CCIAA-PT/2020/indicatori/B.2.1-1/").content.decode()
    assert "/CCIAA-PT/2020/registro/?oggetto=B.2.1-1" in page
    per_indicator = as_user("oiv").get("/CCIAA-PT/2020/registro/?oggetto=B.2.1-1").content.decode()
    assert "<td>Valore registrato</td>" in per_indicator and "?utente=controllo" in per_indicator
    assert "<strong>valore</strong>: 71,3 → 77" in per_indicator  # field by field, in Italian formats
    per_user = as_user("oiv").get("/CCIAA-PT/2020/registro/?utente=oiv").content.decode()
    assert "<td>Valore registrato</td>" not in per_user


def test_every_field_of_the_cycle_actions_is_checked_by_its_form(as_user, piano):
    """One view and one form per action (views/ciclo.py, forms.py): a field beyond its column, a
    state that does not exist, a date that does not exist are answered on the page, never 500."""
    c, oiv = as_user("controllo"), as_user("oiv")
    r = oiv.post(f"{URL}commenta/", {"oggetto": "X" * 61, "testo": "troppo lungo"})
    assert r.status_code == 422 and "60" in r.content.decode()
    assert not m.Commento.objects.exists()
    r = c.post(f"{URL}sposta/", {"verso": "inventato"})
    assert r.status_code == 422 and "inventato" in r.content.decode()
    r = c.post(f"{URL}adotta/", {"versione": piano.versione, "atto": "Delibera n. 1", "atto_data": "31/02/2020"})
    assert r.status_code == 422 and "Data non valida: 31/02/2020" in r.content.decode()
    assert c.post(f"{URL}chiudi-periodo/", {"periodo": "S9"}).status_code == 422
    assert c.get(f"{URL}adotta/").status_code == 405  # actions are POST only


def test_the_calendar_lists_the_years_deadlines_and_reminds_whoever_must_act(
    as_user, piano, django_user_model, settings
):
    from datetime import date

    from django.core import mail

    from cruscotto.performance import calendario, lavori

    page = as_user("responsabile").get("/CCIAA-PT/2020/calendario/").content.decode()
    assert "Adozione del Piano (o del PIAO) dell&#x27;anno" in page and "31/01/2020" in page
    assert "30/06/2021" in page and "Validazione della Relazione da parte dell&#x27;OIV" in page
    assert "E1-3" in page and "15/08/2020" in page  # a deadline target of the plan
    feed = page.split('href="http://testserver/CCIAA-PT/2020/calendario.ics?chiave=')[1].split('"')[0]
    from django.test import Client

    ics = Client().get(f"/CCIAA-PT/2020/calendario.ics?chiave={feed}")  # a calendar application: no login
    body = ics.content.decode()
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert (
        body.startswith("BEGIN:VCALENDAR\r\n")
        and "DTSTART;VALUE=DATE:20200131" in body
        and body.endswith("END:VCALENDAR\r\n")
    )
    assert Client().get("/CCIAA-PT/2020/calendario.ics?chiave=falsa").status_code == 404
    assert Client().get(f"/ALTRO/2020/calendario.ics?chiave={feed}").status_code == 404
    # Moved for this installation.
    settings.CRUSCOTTO_CALENDARIO = {"attestazione": "31/05"}
    moved = {s.codice: s.data for s in calendario.scadenze(piano.ente, 2020, piano)}
    assert moved["legge-attestazione-2020"] == date(2020, 5, 31)
    # Reminders: a week before, to the role that must act (the OIV), and the day after.
    django_user_model.objects.filter(username="oiv").update(email="oiv@example.org")
    django_user_model.objects.filter(username="controllo").update(email="controllo@example.org")
    assert calendario.promemoria(oggi=date(2020, 4, 23)) == 1
    assert mail.outbox[-1].to == ["oiv@example.org"] and "entro il 30/04/2020" in mail.outbox[-1].subject
    assert calendario.promemoria(oggi=date(2020, 2, 1)) == 1  # adoption, the day after: the controllo
    assert mail.outbox[-1].to == ["controllo@example.org"] and "scaduta il 31/01/2020" in mail.outbox[-1].subject
    assert calendario.promemoria(oggi=date(2020, 3, 3)) == 0
    # A plan's deadline goes to the responsabili of its structures only (E1-3, 15/08/2020).
    django_user_model.objects.filter(username="responsabile").update(email="resp@example.org")
    target = next(s for s in calendario.scadenze(piano.ente, 2020, piano) if s.codice == "t-E1-3-2020")
    mine = set(m.Ruolo.objects.filter(utente__username="responsabile").values_list("strutture__codice", flat=True))
    mail.outbox.clear()
    calendario.promemoria(oggi=date(2020, 8, 8))
    told = [msg.to for msg in mail.outbox if "E1-3" in msg.subject]
    assert told == ([["resp@example.org"]] if mine & set(target.strutture) else [])
    job = lavori.avvia_promemoria()
    lavori.esegui(str(job.pk))
    assert m.Lavoro.objects.get(pk=job.pk).stato == "pronto"


def test_an_amministratore_manages_the_entes_structures_users_and_roles(as_user, ente, django_user_model):
    """From the application, not a Python shell; and only the own ente's people (issue 12, part 4)."""
    from django.test import Client

    amm = django_user_model.objects.create_user(username="amm-pt", password="una-password-lunga-9")
    m.Ruolo.objects.create(utente=amm, ente=ente, tipo="amministratore")  # an ente's, not the installation's
    admin = Client()
    admin.force_login(amm)
    url = "/CCIAA-PT/amministrazione/"
    page = admin.get(url).content.decode()
    assert "PROMOZIONE" in page and "responsabile" in page
    assert as_user("controllo").get(url).status_code == 403
    r = admin.post(
        url, {"azione": "struttura", "codice": "digitale", "nome": "Servizio digitale", "tipo": "servizio", "padre": ""}
    )
    assert r.status_code == 302 and ente.strutture.filter(codice="DIGITALE").exists()
    weak = admin.post(
        url,
        {"azione": "utente", "username": "rossi", "password": "demo", "ruolo": "responsabile", "strutture": "DIGITALE"},
    )
    assert weak.status_code == 422 and not django_user_model.objects.filter(username="rossi").exists()
    r = admin.post(
        url,
        {
            "azione": "utente",
            "username": "rossi",
            "email": "rossi@example.org",
            "password": "una-password-lunga-2026",
            "ruolo": "responsabile",
            "strutture": "DIGITALE",
        },
    )
    assert r.status_code == 302
    role = m.Ruolo.objects.get(utente__username="rossi", ente=ente)
    assert role.tipo == "responsabile" and [s.codice for s in role.strutture.all()] == ["DIGITALE"]
    assert {"utente.crea", "ruolo.crea", "ruolo.strutture"} <= set(
        m.Registro.objects.filter(oggetto="rossi").values_list("azione", flat=True)
    )
    assert m.Registro.objects.filter(azione="struttura.crea", oggetto="DIGITALE", utente="amm-pt").exists()
    # Another ente's account is neither listed nor reachable.
    other = m.Ente.objects.create(codice="CCIAA-PO", nome="Camera di Commercio di Prato")
    stranger = django_user_model.objects.create_user(username="di-prato", password="una-password-lunga-1")
    m.Ruolo.objects.create(utente=stranger, ente=other, tipo="consultazione")
    assert "di-prato" not in admin.get(url).content.decode()
    r = admin.post(url, {"azione": "ruolo", "username": "di-prato", "ruolo": "oiv", "strutture": ""})
    assert r.status_code == 422 and not m.Ruolo.objects.filter(utente=stranger, ente=ente).exists()
    assert admin.get("/CCIAA-PO/amministrazione/").status_code == 403
    # Deactivated: it can no longer sign in, its roles and past stay; then active again.
    r = admin.post(url, {"azione": "attivo", "username": "rossi"})
    assert r.status_code == 302 and not django_user_model.objects.get(username="rossi").is_active
    assert "disattivato" in admin.get(url).content.decode()
    login = {"username": "rossi", "password": "una-password-lunga-2026"}
    assert Client().post("/accounts/login/", login).status_code == 200  # the form again: refused
    record = m.Registro.objects.filter(azione="utente.modifica", oggetto="rossi").latest("pk")
    assert record.utente == "amm-pt" and record.dopo == {"is_active": False}
    assert admin.post(url, {"azione": "attivo", "username": "rossi", "attivo": "1"}).status_code == 302
    assert Client().post("/accounts/login/", login).status_code == 302
    # not the own account, not another ente's, not one that also works for another ente
    assert admin.post(url, {"azione": "attivo", "username": "amm-pt"}).status_code == 422
    assert admin.post(url, {"azione": "attivo", "username": "di-prato"}).status_code == 422
    m.Ruolo.objects.create(utente=django_user_model.objects.get(username="rossi"), ente=other, tipo="consultazione")
    r = admin.post(url, {"azione": "attivo", "username": "rossi"})
    assert r.status_code == 422 and "anche in altri enti" in r.content.decode()
    assert django_user_model.objects.get(username="rossi").is_active and stranger.is_active
    r = admin.post(url, {"azione": "togli", "ruolo": role.pk})
    assert r.status_code == 302 and not m.Ruolo.objects.filter(pk=role.pk).exists()
    # A new ente is the installation superuser's.
    assert admin.post("/amministrazione/enti/nuovo/", {"codice": "CCIAA-LU", "nome": "Lucca"}).status_code == 403
    root = django_user_model.objects.create_superuser("root", "root@example.org", "una-password-lunga-3")
    c = Client()
    c.force_login(root)
    r = c.post("/amministrazione/enti/nuovo/", {"codice": "cciaa-lu", "nome": "Camera di Commercio di Lucca"})
    assert r.status_code == 302 and r["Location"] == "/CCIAA-LU/amministrazione/"
    assert m.Registro.objects.filter(azione="ente.crea", oggetto="CCIAA-LU").exists()
    # with its article (issue 14): the documents then say "della Camera di Commercio di Pisa"
    r = c.post(
        "/amministrazione/enti/nuovo/", {"codice": "CCIAA-PI", "nome": "Camera di Commercio di Pisa", "articolo": "la"}
    )
    assert r.status_code == 302 and m.Ente.objects.get(codice="CCIAA-PI").articolo == "la"
    r = c.post("/amministrazione/enti/nuovo/", {"codice": "CCIAA-AR", "nome": "Arezzo", "articolo": "della"})
    assert r.status_code == 422 and not m.Ente.objects.filter(codice="CCIAA-AR").exists()


def test_the_relazione_texts_and_its_account_of_the_cycle(adopted, as_user, piano):
    """Guideline 3/2018: the summary for citizens and the note on the process are written on the
    cycle page by the controllo (audited, locked once validated); the Relazione's account of how
    it was made lists the cycle's recorded steps with dates and roles, no person's name."""
    from cruscotto.performance import ciclo as lifecycle

    c, oiv = as_user("controllo"), as_user("oiv")
    texts = {"sintesi": "Un anno di **sostegno alle imprese**.", "note_processo": "Dati raccolti in 3 settimane."}
    assert post(oiv, azione="testi", **texts).status_code == 403
    assert post(c, azione="testi", **texts).status_code == 302
    record = m.Registro.objects.filter(azione="relazione.testi").get()
    assert record.oggetto == "relazione 2020" and record.dopo == texts and record.prima["sintesi"] == ""
    assert post(c, azione="testi", **texts).status_code == 302  # the same texts again: no new record
    assert m.Registro.objects.filter(azione="relazione.testi").count() == 1
    page = c.get(URL).content.decode()
    assert "Un anno di **sostegno alle imprese**." in page and "Dati raccolti in 3 settimane." in page
    for verso in ("in_monitoraggio", "consuntivo_chiuso"):
        assert post(c, azione="sposta", verso=verso).status_code == 302
    assert post(oiv, azione="commenta", oggetto="relazione", testo="Rivedere H1-2").status_code == 302
    story = lifecycle.redazione(piano.ente, piano, 2020)
    assert story.sintesi == texts["sintesi"] and story.note == texts["note_processo"]
    steps = [(f.fase, f.chi) for f in story.fasi]
    assert steps[0] == ("Adozione del piano (versione 1)", "Delibera di Giunta n. 12")
    assert story.fasi[0].data == date(2020, 1, 30)
    assert ("Ciclo: da «adottato» a «in monitoraggio»", "controllo di gestione") in steps
    assert ("Ciclo: da «in monitoraggio» a «consuntivo chiuso»", "controllo di gestione") in steps
    assert ("Chiusura dei valori per l'anno", "controllo di gestione") in steps
    assert ("Osservazioni dell'OIV sul ciclo: 1 (data dell'ultima)", "OIV") in steps
    values = piano.consuntivi.filter(anno=2020).count()
    assert any(f.startswith(f"Rilevazione dei valori: {values} valori, inseriti da ") for f, _who in steps)
    assert "controllo" not in " ".join(f"{f} {w}" for f, w in steps).replace("controllo di gestione", "")
    # the document's inputs carry it to the Relazione
    inputs = selectors.document_inputs(piano.ente, piano, 2020, "relazione")
    assert inputs.redazione == story
    # once the OIV validates, the texts are as approved: no more changes
    _approved(piano)
    assert post(oiv, azione="sposta", verso="validato_oiv").status_code == 302
    r = post(c, azione="testi", sintesi="altro", note_processo="")
    assert r.status_code == 422 and "bloccati" in r.content.decode()
    assert m.TestiRelazione.objects.get().sintesi == texts["sintesi"]
