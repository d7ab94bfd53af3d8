"""Several values at once (issue 14): the multiple-entry form and the actual-values file uploaded
from the monitoring page, with its preview. All or nothing, with the checks of a value typed in
its row, every refusal named by its row, and each value's origin in the audit trail."""

from __future__ import annotations

import re

from cruscotto.performance import models as m
from cruscotto.performance import permissions

INSIEME = "/CCIAA-PT/2020/monitoraggio/insieme/"
CARICA = "/CCIAA-PT/2020/monitoraggio/carica/"


def _stored(piano, code, periodo=""):
    row = piano.consuntivi.filter(codice=code, anno=2020, periodo=periodo).first()
    return row.valore if row else None


def _form(html: str) -> dict[str, str]:
    """The form's fields as the page shows them (what a browser would post untouched)."""
    fields = {}
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="file"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def _index(fields: dict, code: str) -> str:
    return next(k.split("-", 1)[1] for k, v in fields.items() if k.startswith("c-") and v == code)


def test_the_form_holds_the_rows_the_filters_show_and_saves_them_together(as_user, piano):
    c = as_user("controllo")
    html = c.get(INSIEME + "?q=B.1.2").content.decode()
    fields = _form(html)
    codes = {v for k, v in fields.items() if k.startswith("c-")}
    assert codes == {"B.1.2-1", "B.1.2-2", "B.1.2-3", "B.1.2-4"}
    assert fields[f"v-{_index(fields, 'B.1.2-1')}"] == "12"  # the stored value, to change or keep
    before = m.Registro.objects.filter(azione="consuntivo.registra").count()
    fields[f"v-{_index(fields, 'B.1.2-1')}"] = "13"
    fields[f"v-{_index(fields, 'B.1.2-2')}"] = "42,5"
    fields[f"n-{_index(fields, 'B.1.2-2')}"] = "dato dell'ufficio"
    r = c.post(INSIEME + "?q=B.1.2", fields)
    assert r.status_code == 302 and r["Location"] == "/CCIAA-PT/2020/monitoraggio/"
    assert _stored(piano, "B.1.2-1") == "13" and _stored(piano, "B.1.2-2") == "42,5"
    assert _stored(piano, "B.1.2-3") == "187"  # untouched: not rewritten
    records = m.Registro.objects.filter(azione="consuntivo.registra").order_by("pk")[before:]
    assert [(x.oggetto, x.motivo) for x in records] == [
        ("B.1.2-1 2020", "inserimento multiplo · B.1.2-1"),
        ("B.1.2-2 2020", "inserimento multiplo · B.1.2-2"),
    ]
    page = c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert "2 nuovi" not in page and "Valori salvati: 2 cambiati, 2 invariati." in page


def test_one_refused_value_and_none_is_written_each_error_on_its_row(as_user, piano):
    c = as_user("controllo")
    fields = _form(c.get(INSIEME + "?q=B.1.2").content.decode())
    fields[f"v-{_index(fields, 'B.1.2-1')}"] = "13"
    fields[f"v-{_index(fields, 'B.1.2-3')}"] = "12,5,3"
    fields[f"v-{_index(fields, 'B.1.2-4')}"] = "15/03/21"
    r = c.post(INSIEME + "?q=B.1.2", fields)
    html = r.content.decode()
    assert r.status_code == 422 and "Nulla è stato salvato: 2 valori rifiutati." in html
    assert "Valore non valido: 12,5,3" in html and "prende un numero: 15/03/21" in html
    assert 'value="13"' in html and 'value="12,5,3"' in html  # what was typed stays in the form
    assert _stored(piano, "B.1.2-1") == "12" and _stored(piano, "B.1.2-3") == "187"


def test_a_value_changed_meanwhile_stops_the_whole_form(as_user, piano):
    c = as_user("controllo")
    fields = _form(c.get(INSIEME + "?q=B.1.2").content.decode())
    from django.contrib.auth import get_user_model

    from cruscotto.performance import services

    other = get_user_model().objects.get(username="admin")
    services.consuntivo_registra(user=other, piano=piano, codice="B.1.2-2", anno=2020, testo="50")
    fields[f"v-{_index(fields, 'B.1.2-1')}"] = "13"
    fields[f"v-{_index(fields, 'B.1.2-2')}"] = "44"
    r = c.post(INSIEME + "?q=B.1.2", fields)
    assert r.status_code == 422 and "Il valore è cambiato nel frattempo: ora è 50" in r.content.decode()
    assert _stored(piano, "B.1.2-1") == "12" and _stored(piano, "B.1.2-2") == "50"


def test_formula_indicators_take_no_value_in_the_form(as_user, piano):
    html = as_user("controllo").get(INSIEME + "?q=A.3.4-1").content.decode()
    assert "Calcolato dalla formula con le misure di base: 92,40" in html
    assert 'name="v-' not in html


def _csv(c, text: str, name: str = "valori.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(CARICA, {"file": SimpleUploadedFile(name, text.encode("utf-8")), **extra})


GOOD = (
    "codice_indicatore,anno,periodo,valore,nota\n"
    'B.1.2-1,2020,,"14",dal gestionale\n'
    "B.1.2-3,2020,,187,Dato inventato a scopo dimostrativo\n"
    'B.1.4-1,2020,S1,"40,5",\n'
)


def test_a_values_file_is_previewed_then_confirmed(as_user, piano):
    c = as_user("controllo")
    before = m.Registro.objects.count()
    r = _csv(c, GOOD)
    html = r.content.decode()
    assert r.status_code == 200 and "Anteprima: nulla è ancora scritto" in html
    assert "rispetto a quelli salvati: 1 nuovo, 1 cambiato, 1 invariato." in html
    assert _stored(piano, "B.1.2-1") == "12" and _stored(piano, "B.1.4-1", "S1") is None
    assert m.Registro.objects.count() == before  # the trial run left nothing, not even a record
    fields = _form(html)
    r = c.post(CARICA, fields)
    assert r.status_code == 302
    assert _stored(piano, "B.1.2-1") == "14" and _stored(piano, "B.1.4-1", "S1") == "40,5"
    motivi = list(m.Registro.objects.order_by("pk")[before:].values_list("oggetto", "motivo"))
    assert motivi == [
        ("B.1.2-1 2020", "da file · valori.csv, riga 2"),
        ("B.1.4-1 2020 S1", "da file · valori.csv, riga 4"),
    ]


def test_a_file_with_errors_lists_them_all_and_writes_nothing(as_user, piano):
    c = as_user("controllo")
    text = GOOD + 'B.1.2-2,2020,,"12,5,3",\n' + "ZZZ-9,2020,,4,\nE1-3,2020,,15,\nB.1.2-4,2031,,1,\n"
    r = _csv(c, text)
    html = r.content.decode()
    assert r.status_code == 422 and "Nulla è stato scritto: il file ha errori." in html
    assert "<strong>valori.csv, riga 5</strong>: Valore non valido: 12,5,3" in html
    assert "<strong>valori.csv, riga 6</strong>: Indicatore ZZZ-9 non trovato nel piano." in html
    assert "<strong>valori.csv, riga 7</strong>: E1-3 prende una data (gg/mm/aaaa) o sì/no: 15 non lo è." in html
    assert "<strong>valori.csv, riga 8</strong>: L&#x27;anno 2031 non è tra gli anni del piano." in html
    assert _stored(piano, "B.1.2-1") == "12"


def test_a_file_of_the_wrong_shape_is_refused_with_its_place(as_user, piano):
    c = as_user("controllo")
    r = _csv(c, "codice,valore\nB.1.2-1,3\n")
    html = r.content.decode()
    assert r.status_code == 422 and "valori.csv, riga 1" in html and "colonne mancanti: codice_indicatore, anno" in html
    r = _csv(c, "codice_indicatore,anno,valore\nB.1.2-1,2020,3\nB.1.2-1,2020,4\n")
    assert "valore ripetuto per B.1.2-1 2020" in r.content.decode()
    r = _csv(c, "x", name="valori.pdf")
    assert r.status_code == 422 and "Formato non ammesso" in r.content.decode()


def test_an_xlsx_file_works_the_same(as_user, piano, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["codice_indicatore", "anno", "valore", "nota"])
    ws.append(["B.1.2-1", 2020, 15.5, "xlsx"])
    ws.append(["E1-3", 2020, __import__("datetime").date(2020, 8, 10), ""])
    wb.save(tmp_path / "v.xlsx")
    c = as_user("controllo")
    r = c.post(CARICA, {"file": SimpleUploadedFile("v.xlsx", (tmp_path / "v.xlsx").read_bytes())})
    assert r.status_code == 200, r.content.decode()
    assert c.post(CARICA, _form(r.content.decode())).status_code == 302
    assert _stored(piano, "B.1.2-1") == "15,5" and _stored(piano, "E1-3") == "10/08/2020"


def test_the_confirmation_writes_only_what_was_previewed(as_user, piano):
    c = as_user("controllo")
    fields = _form(_csv(c, GOOD).content.decode())
    # a preview edited by hand is refused
    tampered = {**fields, "dati": fields["dati"][:-3] + "abc"}
    r = c.post(CARICA, tampered)
    assert r.status_code == 422 and "Anteprima scaduta" in r.content.decode()
    # another user's preview is not this user's
    assert as_user("admin").post(CARICA, fields).status_code == 422
    # a value changed since the preview stops the confirmation
    from django.contrib.auth import get_user_model

    from cruscotto.performance import services

    services.consuntivo_registra(
        user=get_user_model().objects.get(username="admin"), piano=piano, codice="B.1.2-1", anno=2020, testo="20"
    )
    r = c.post(CARICA, fields)
    assert r.status_code == 422 and "Il valore è cambiato nel frattempo: ora è 20" in r.content.decode()
    assert _stored(piano, "B.1.4-1", "S1") is None


def test_a_manager_enters_only_their_indicators(as_user, piano):
    c = as_user("responsabile")
    user = m.Ruolo.objects.filter(tipo="responsabile").first().utente
    theirs = [i.codice for i in piano.indicatori.all() if permissions.can_enter_value(user, i)]
    other = next(i.codice for i in piano.indicatori.all() if not permissions.can_enter_value(user, i))
    assert theirs and other
    codes = {v for k, v in _form(c.get(INSIEME).content.decode()).items() if k.startswith("c-")}
    assert codes <= {*theirs, *(f"{t}#{k}" for t in theirs for k in range(1, 5))}
    r = _csv(c, f"codice_indicatore,anno,valore\n{other},2020,1\n")
    assert r.status_code == 422 and f"Non può inserire valori per l&#x27;indicatore {other}" in r.content.decode()
    for user in ("consultazione", "oiv"):
        assert as_user(user).get(INSIEME).status_code == 403
        assert _csv(as_user(user), GOOD).status_code == 403


def test_a_closed_period_takes_the_reason_of_the_correction(as_user, piano):
    m.PeriodoChiuso.objects.create(ente=piano.ente, anno=2020, periodo="")
    c = as_user("controllo")
    r = _csv(c, GOOD)
    assert r.status_code == 422 and "la modifica è una correzione e ne serve il motivo" in r.content.decode()
    r = _csv(c, GOOD, correzione="Dato rettificato dalla ragioneria")
    assert r.status_code == 200
    assert c.post(CARICA, _form(r.content.decode())).status_code == 302
    record = m.Registro.objects.filter(azione="consuntivo.correzione").latest("pk")
    assert record.motivo == "Dato rettificato dalla ragioneria · da file · valori.csv, riga 2"


def test_a_validated_year_takes_no_values(as_user, piano):
    assert m.Ciclo.objects.filter(ente=piano.ente, anno=2020).update(stato=m.Ciclo.Stato.VALIDATO) == 1
    c = as_user("controllo")
    html = c.get(INSIEME).content.decode()
    assert "i valori sono bloccati" in html and 'name="v-' not in html
    r = _csv(c, GOOD)
    assert r.status_code == 422 and "bloccati" in r.content.decode()
    assert _stored(piano, "B.1.2-1") == "12"
