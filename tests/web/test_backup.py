"""Backup and restore of one ente: after real work on the demo plan, a restore gives the same
scores, the same history and the same audit trail; a failed restore leaves the database as it was."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from typer.testing import CliRunner

from cruscotto.cli import app
from cruscotto.engine.export import result_to_dict
from cruscotto.performance import backup, ciclo, editing, selectors, services
from cruscotto.performance import models as m

YEAR = 2020


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def worked(piano):
    """The demo ente after a season of work, every step through the services."""
    controllo, oiv = user("controllo"), user("oiv")
    services.consuntivo_registra(
        user=controllo, piano=piano, codice="B.2.1-1", anno=YEAR, testo="88", nota="dato di giugno"
    )
    services.consuntivo_registra(
        user=controllo, piano=piano, codice="B.2.1-1", anno=YEAR, testo="91", nota="dato di luglio"
    )
    services.consuntivo_registra(
        user=controllo, piano=piano, codice="A.3.4-2", anno=YEAR, testo=""
    )  # a value cleared: history of a deleted row
    services.misura_registra(user=controllo, ente=piano.ente, nome="oneri_correnti", anno=YEAR, valore=6108547.25)
    services.misura_registra(user=controllo, ente=piano.ente, nome="oneri_correnti", anno=YEAR, valore=6108547.5)
    services.evento_imposta_data(user=controllo, piano=piano, codice="T0", data=date(2020, 9, 14))
    piano = ciclo.adotta(user=controllo, piano=piano, atto="Delibera di Giunta n. 12", atto_data=date(2020, 1, 30))
    ciclo.sposta(user=controllo, ciclo=piano.ciclo, verso="in_monitoraggio")
    dropped = ciclo.rimodula(user=controllo, piano=piano, motivazione="Una prova, poi abbandonata")
    change_target(dropped, "80%")
    ciclo.elimina_bozza(user=controllo, piano=dropped)  # its history stays, its plan is gone
    draft = ciclo.rimodula(user=controllo, piano=piano, motivazione="Nuove risorse per l'internazionalizzazione")
    change_target(draft, "95%")
    ciclo.adotta(user=controllo, piano=draft, atto="Delibera di Giunta n. 40", atto_data=date(2020, 6, 15))
    ciclo.chiudi_periodo(user=controllo, ente=piano.ente, anno=YEAR, periodo="S1")
    services.consuntivo_registra(
        user=controllo,
        piano=draft,
        codice="A.3.4-1",
        anno=YEAR,
        periodo="S1",
        testo="47,5",
        correzione="errore di battitura",
    )
    ciclo.commenta(user=oiv, ciclo=draft.ciclo, oggetto="D2-4", testo="Verificare la fonte")
    ciclo.testi_relazione(
        user=controllo, ente=piano.ente, anno=YEAR, sintesi="Un anno di sostegno alle imprese.", note_processo=""
    )
    _evaluation(piano.ente, controllo)
    ruolo = m.Ruolo.objects.get(utente__username="responsabile", ente=piano.ente)
    ruolo.strutture.add(piano.ente.strutture.exclude(pk__in=ruolo.strutture.all()).order_by("codice").first())
    return piano.ente


def _evaluation(ente, controllo) -> None:
    """The individual evaluation's tables: the system, two people (one evaluating the other, a
    key to a row of the same table), a card with its first steps."""
    from pathlib import Path

    from cruscotto.files.native import read_data
    from cruscotto.performance import valutazioni

    smvp = Path(__file__).resolve().parents[2] / "src" / "cruscotto" / "demo" / "valutazione-2020-esempio.yaml"
    valutazioni.sistema_importa(user=controllo, ente=ente, anno=YEAR, dati=read_data(smvp))
    rows = [
        (2, {"matricola": "1001", "categoria": "PO", "struttura": "PROMOZIONE", "utente": "responsabile"}),
        (3, {"matricola": "1002", "categoria": "C", "struttura": "PROMOZIONE", "valutatore": "1001"}),
    ]
    valutazioni.persone_importa(user=controllo, ente=ente, righe=rows)
    boss = m.Ruolo.objects.get(utente__username="responsabile", ente=ente).utente
    valutazioni.scheda_assegna(
        user=boss,
        persona=m.Persona.objects.get(ente=ente, matricola="1002"),
        anno=YEAR,
        voci=[{"codice": "O1", "nome": "Pratiche", "sezione": "IND", "peso": 100, "target": "10"}],
        comportamenti=[["ORG", 100]],
    )


def change_target(piano, target: str) -> None:
    row = piano.indicatori.get(codice="B.2.1-1")
    values = {
        k: getattr(row, k)
        for k in (
            "nome",
            "algoritmo",
            "polarita",
            "unita",
            "tipologia",
            "fonte",
            "media_cluster",
            "note",
            "cruscotto",
            "formula",
        )
    }
    values.update(
        peso=row.peso_testo,
        etichette=row.etichette,
        strutture=[s.codice for s in row.strutture.all()],
        target={**row.target, "2021": target},
    )
    editing.indicatore_aggiorna(
        user=user("controllo"), piano=piano, codice="B.2.1-1", values=values
    )  # the links are cleared and made again


def dumped(codice: str = "CCIAA-PT", *, gz: bool = False) -> bytes:
    buf = io.BytesIO()
    if gz:
        with gzip.GzipFile(fileobj=buf, mode="wb") as fh:
            backup.dump(codice, fh)
    else:
        backup.dump(codice, buf)
    return buf.getvalue()


def restored(data: bytes, **kw) -> m.Ente:
    return backup.restore(io.BytesIO(data), **kw)


# --- what belongs to an ente, written out here independently of backup.py -------------------


def owned(ente: m.Ente, *, dropped: bool = True) -> dict:
    """Every row of the ente, per table, as a test reads it: by hand, not by backup's walk.

    ``dropped``: with the history of the rows of dropped drafts, which only the trail ties to the ente.
    """
    H = {
        name: apps.get_model("performance", name)
        for name in ("historicalindicatore_strutture", "historicalruolo_strutture")
    }
    plans = m.Piano.objects.filter(ente=ente)
    oo = m.ObiettivoOperativo.objects.filter(obiettivo_strategico__linea__prospettiva__piano__ente=ente)
    # a dropped draft leaves the history of its rows; the trail names it
    named = m.Registro.objects.filter(ente=ente.codice, azione="piano.rimodulazione.elimina").values("piano_id")
    of_plans = Q(piano__in=plans) | Q(piano_id__in=named) if dropped else Q(piano__in=plans)
    hind = m.Indicatore.history.model.objects.filter(of_plans)
    hruolo = m.Ruolo.history.model.objects.filter(ente=ente)
    return {
        "performance.ente": m.Ente.objects.filter(pk=ente.pk),
        "performance.struttura": m.Struttura.objects.filter(ente=ente),
        "performance.ciclo": m.Ciclo.objects.filter(ente=ente),
        "performance.relazioneapprovata": m.RelazioneApprovata.objects.filter(ciclo__ente=ente),
        "performance.neutralizzazione": m.Neutralizzazione.objects.filter(ente=ente),
        "performance.testirelazione": m.TestiRelazione.objects.filter(ente=ente),
        "performance.sistemavalutazione": m.SistemaValutazione.objects.filter(ente=ente),
        "performance.persona": m.Persona.objects.filter(ente=ente),
        "performance.schedavalutazione": m.SchedaValutazione.objects.filter(ente=ente),
        "performance.fasescheda": m.FaseScheda.objects.filter(scheda__ente=ente),
        "performance.piano": plans,
        "performance.historicalevento": m.Evento.history.model.objects.filter(of_plans),
        "performance.evento": m.Evento.objects.filter(piano__in=plans),
        "performance.prospettiva": m.Prospettiva.objects.filter(piano__in=plans),
        "performance.linea": m.Linea.objects.filter(prospettiva__piano__in=plans),
        "performance.obiettivostrategico": m.ObiettivoStrategico.objects.filter(linea__prospettiva__piano__in=plans),
        "performance.obiettivooperativo_strutture": m.ObiettivoOperativo.strutture.through.objects.filter(
            obiettivooperativo__in=oo
        ),
        "performance.obiettivooperativo": oo,
        "performance.indicatore_strutture": m.Indicatore.strutture.through.objects.filter(indicatore__piano__in=plans),
        "performance.historicalindicatore": hind,
        "performance.historicalindicatore_strutture": H["historicalindicatore_strutture"].objects.filter(
            history__in=hind
        ),
        "performance.indicatore": m.Indicatore.objects.filter(piano__in=plans),
        "performance.historicalconsuntivo": m.Consuntivo.history.model.objects.filter(of_plans),
        "performance.consuntivo": m.Consuntivo.objects.filter(piano__in=plans),
        "performance.historicalmisura": m.Misura.history.model.objects.filter(ente=ente),
        "performance.misura": m.Misura.objects.filter(ente=ente),
        "performance.ruolo_strutture": m.Ruolo.strutture.through.objects.filter(ruolo__ente=ente),
        "performance.historicalruolo": hruolo,
        "performance.historicalruolo_strutture": H["historicalruolo_strutture"].objects.filter(history__in=hruolo),
        "performance.ruolo": m.Ruolo.objects.filter(ente=ente),
        "performance.periodochiuso": m.PeriodoChiuso.objects.filter(ente=ente),
        "performance.commento": m.Commento.objects.filter(ciclo__ente=ente),
        "performance.bilancio": m.Bilancio.objects.filter(ente=ente),
        "performance.personale": m.Personale.objects.filter(ente=ente),
        "performance.contesto": m.Contesto.objects.filter(ente=ente),
        "performance.piao": m.Piao.objects.filter(ente=ente),
        "performance.sezionepiao": m.SezionePiao.objects.filter(piao__ente=ente),
        "performance.attuazionemisura": m.AttuazioneMisura.objects.filter(piao__ente=ente),
        "performance.historicalattuazionemisura": m.AttuazioneMisura.history.model.objects.filter(piao__ente=ente),
        "performance.pubblicazioneobbligo": m.PubblicazioneObbligo.objects.filter(piao__ente=ente),
        "performance.historicalpubblicazioneobbligo": m.PubblicazioneObbligo.history.model.objects.filter(
            piao__ente=ente
        ),
        "performance.registro": m.Registro.objects.filter(ente=ente.codice).exclude(azione="ripristino"),
    }


# Plain integer columns that name rows (the audit trail's), and what they name.
PLAIN = {("performance.registro", "piano_id"): "performance.piano", ("performance.registro", "utente_id"): "auth.user"}
RENEWED = {"revisione", "valori_revisione"}  # cache tokens: new ones on restore


def snapshot(ente: m.Ente, *, dropped: bool = True) -> dict:
    """Every row of the ente without its keys: a key becomes the order in which its row first
    appears (a user, its username), so that two copies compare equal exactly when every row
    and every link between rows is the same."""
    rank: dict[str, dict[int, int]] = {}

    def name(label: str, value):
        if value is None:
            return None
        if label == "auth.user":
            found = get_user_model().objects.filter(pk=value).first()
            if found:
                return found.username
            label = "utente eliminato"
        seen = rank.setdefault(label, {})
        return seen.setdefault(value, len(seen))

    out = {}
    for label, qs in owned(ente, dropped=dropped).items():
        model = qs.model
        tracked = getattr(model, "instance_type", None)
        rows = []
        for obj in qs.order_by("pk"):
            row = {"#": name(label, obj.pk)}
            for f in model._meta.concrete_fields:
                if (
                    f.primary_key
                    or f.name in RENEWED
                    or (label, f.name) in {("performance.ente", "codice"), ("performance.registro", "ente")}
                ):
                    continue
                value = getattr(obj, f.attname)
                if f.is_relation:
                    value = name(f.related_model._meta.label_lower, value)
                elif tracked is not None and f.name == tracked._meta.pk.attname:
                    value = name(tracked._meta.label_lower, value)
                elif (label, f.name) in PLAIN:
                    value = name(PLAIN[label, f.name], value)
                row[f.name] = value
            rows.append(row)
        out[label] = rows
    return out


def scores(ente: m.Ente) -> dict:
    """The results of every version of every cycle, without the ente's code."""
    result = {}
    for p in m.Piano.objects.filter(ente=ente).order_by("versione"):
        r = result_to_dict(selectors.score(p, YEAR))
        result[p.versione] = (r["entity"], r["nodes"], r["indicators"], r.get("schede"), r.get("fondo"))
    return result


def table_counts() -> dict[str, int]:
    return {mdl._meta.label_lower: mdl._base_manager.count() for mdl in apps.get_models(include_auto_created=True)}


# --- the tables -------------------------------------------------------------------------------


def test_every_model_of_the_project_is_in_the_backup_or_excluded_with_a_reason(db):
    dumped_labels = {t.label for t in backup.tables()}
    for mdl in apps.get_models(include_auto_created=True):
        label = mdl._meta.label_lower
        if not mdl.__module__.startswith("cruscotto.") or mdl._meta.proxy:
            continue
        assert (label in dumped_labels) != (label in backup.EXCLUDED), (
            f"{label}: in the backup, or in backup.EXCLUDED with its reason"
        )
    assert all(len(reason) > 20 for reason in backup.EXCLUDED.values())
    # history of links is found through the history rows, which are never deleted, not through the links
    owners = {t.label: t.owner.name for t in backup.tables() if t.owner is not None}
    assert (
        owners["performance.historicalindicatore_strutture"]
        == owners["performance.historicalruolo_strutture"]
        == "history"
    )
    # and the test's own list of what belongs to an ente covers the same tables
    assert set(owned(m.Ente.objects.first())) == dumped_labels


def test_a_model_without_a_path_to_the_ente_stops_the_backup(db, monkeypatch):
    monkeypatch.setattr(backup, "EXCLUDED", {})
    with pytest.raises(backup.BackupError, match="performance.tokenapi"):
        backup.tables()


def test_the_backup_holds_every_row_of_the_ente_and_no_secret(worked, django_user_model):
    other = m.Ente.objects.create(codice="ALTRO", nome="Altro ente")
    m.Misura.objects.create(ente=other, nome="oneri_correnti", anno=YEAR, valore=1.0)
    call_command("token_api", "controllo", "contabilità", stdout=io.StringIO())
    doc = json.loads(dumped())
    assert doc["format"] == "cruscotto-backup" and doc["version"] == 1 and doc["ente"] == "CCIAA-PT"
    from django.db.migrations.loader import MigrationLoader

    latest = max(
        name
        for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
        if app == "performance"
    )
    assert doc["app_migrations"]["performance"] == latest
    expected = {label: qs.count() for label, qs in owned(worked).items()}
    assert {label: len(rows) for label, rows in doc["models"].items()} == expected == doc["counts"]
    assert (
        expected["performance.historicalconsuntivo"] >= 4
        and expected["performance.historicalindicatore_strutture"] >= 1
    )
    dropped = m.Registro.objects.get(azione="piano.rimodulazione.elimina").piano_id
    assert not m.Piano.objects.filter(pk=dropped).exists()
    of_dropped = [
        r["fields"] for r in doc["models"]["performance.historicalindicatore"] if r["fields"]["piano"] == dropped
    ]
    assert {h["target"]["2021"] for h in of_dropped if h["history_type"] == "~"} == {
        "80%"
    }  # the edit (the row, then its links)
    deleted = [h for h in of_dropped if h["history_type"] == "-"]
    assert (
        len(deleted) == m.Indicatore.objects.filter(piano__ente=worked, piano__versione=1).count()
    )  # and the deletion of each row
    assert {u["username"] for u in doc["users"]} == {
        "admin",
        "controllo",
        "responsabile",
        "oiv",
        "consultazione",
        "rpct",
    }
    text = json.dumps(doc)
    assert "password" not in text and "md5$" not in text and "digest" not in text and "ALTRO" not in text


# --- restore ----------------------------------------------------------------------------------


def test_a_restore_under_another_code_gives_the_same_scores_history_and_trail(worked):
    before_scores, before = scores(worked), snapshot(worked)
    assert before["performance.historicalconsuntivo"] and before["performance.registro"]
    copy = restored(dumped(gz=True), rename_to="CCIAA-PT-COPIA")
    assert copy.codice == "CCIAA-PT-COPIA" and copy.nome == worked.nome
    assert scores(copy) == before_scores
    after = snapshot(copy)
    for label in before:
        assert after[label] == before[label], label
    # the context data too: the restored ente reads back the very same organs, partecipate and tables
    assert (
        before["performance.contesto"]
        and m.Contesto.objects.get(ente=copy).dati == m.Contesto.objects.get(ente=worked).dati
    )
    assert selectors.resources(copy, YEAR)["contesto"] == selectors.resources(worked, YEAR)["contesto"] is not None
    # the two entes share nothing: the original is untouched, the copy has rows of its own
    assert snapshot(worked) == before
    assert not set(m.Piano.objects.filter(ente=copy).values_list("pk", flat=True)) & set(
        m.Piano.objects.filter(ente=worked).values_list("pk", flat=True)
    )
    # the cycle and the versions as they were, the version in force found as before
    assert list(copy.cicli.values_list("anno", "stato")) == [(YEAR, "in_monitoraggio")]
    assert selectors.current_plan(copy, YEAR).versione == selectors.current_plan(worked, YEAR).versione == 2
    assert list(copy.piani.values_list("versione", "stato_versione", "precedente__versione").order_by("versione")) == [
        (1, "superata", None),
        (2, "in_vigore", 1),
    ]
    record = m.Registro.objects.get(ente="CCIAA-PT-COPIA", azione="ripristino")
    assert record.utente == "sistema" and record.dopo["da"] == "CCIAA-PT" and record.dopo["utenti_creati"] == []


def test_the_restored_plan_works_like_the_original(worked):
    copy = restored(dumped(), rename_to="COPIA")
    piano = selectors.current_plan(copy, YEAR)
    assert piano.revisione != selectors.current_plan(worked, YEAR).revisione  # no cache takes one for the other
    services.consuntivo_registra(user=user("controllo"), piano=piano, codice="B.2.1-1", anno=YEAR, testo="12")
    assert (
        selectors.score(piano, YEAR).achievement
        != selectors.score(selectors.current_plan(worked, YEAR), YEAR).achievement
    )
    # the responsabile's role came back with its structures: he may enter his indicators there too
    assert m.Ruolo.objects.get(ente=copy, utente__username="responsabile").strutture.count() == 2


def test_history_of_deleted_rows_keeps_keys_no_new_row_will_take(worked):
    copy = restored(dumped(), rename_to="COPIA")
    plans = m.Piano.objects.filter(ente=copy)
    cleared = m.Consuntivo.history.filter(piano__in=plans, codice="A.3.4-2", anno=YEAR, periodo="")
    assert [h.history_type for h in cleared.order_by("history_date", "history_id")] == ["+", "-"]
    key = cleared.first().id
    assert len({h.id for h in cleared}) == 1 and not m.Consuntivo.objects.filter(pk=key).exists()
    new = services.consuntivo_registra(
        user=user("controllo"), piano=plans.get(versione=2), codice="A.3.4-2", anno=YEAR, testo="100"
    )
    assert new.pk != key and new.pk > key


def test_a_restore_after_the_ente_was_deleted_gives_it_back(worked):
    # The dropped draft's history is the one thing left aside: its original rows are still in
    # the database (the ente's deletion does not reach them), so the trail finds those.
    before_scores, before = scores(worked), snapshot(worked, dropped=False)
    data = dumped()
    trail = m.Registro.objects.filter(ente="CCIAA-PT").count()
    worked.delete()
    assert not m.Piano.objects.exists()
    ente = restored(data)
    assert ente.codice == "CCIAA-PT"
    assert scores(ente) == before_scores
    after = snapshot(ente, dropped=False)
    for label in before:
        if label != "performance.registro":
            assert after[label] == before[label], label
    # the trail outlived the ente: its records are there once, with the deletion and the restore after them
    records = list(m.Registro.objects.filter(ente="CCIAA-PT").order_by("pk").values_list("azione", flat=True))
    assert len(records) == trail + records.count("ruolo.elimina") + 1 and records[-1] == "ripristino"
    assert m.Registro.objects.get(ente="CCIAA-PT", azione="ripristino").dopo["righe"] > 0
    # and a backup of it now is the first one again, with the trail's new records
    first, second = json.loads(data)["counts"], json.loads(dumped())["counts"]
    assert second.pop("performance.registro") == first.pop("performance.registro") + records.count("ruolo.elimina") + 1
    assert second == first


def test_a_restore_into_an_empty_database_creates_the_missing_users_without_passwords(worked):
    doc = json.loads(dumped())
    for u in doc["users"]:
        if u["username"] == "oiv":
            u["username"] = "oiv-altrove"  # a user this database does not have
    report = backup.restore_report(io.BytesIO(json.dumps(doc).encode()), rename_to="COPIA")
    assert report.users_created == ["oiv-altrove"] and "controllo" in report.users_reused
    new = user("oiv-altrove")
    assert not new.has_usable_password() and not new.is_staff and not new.is_superuser
    assert m.Ruolo.objects.get(ente=report.ente, utente=new).tipo == "oiv"
    assert m.Commento.objects.get(ciclo__ente=report.ente).autore == new
    assert m.Registro.objects.filter(
        azione="utente.crea", oggetto="oiv-altrove"
    ).exists()  # the trail says who made him


# --- refusals ---------------------------------------------------------------------------------


def test_an_existing_code_is_refused_with_its_name(worked):
    data = dumped()
    with pytest.raises(backup.BackupError, match="l'ente «CCIAA-PT» esiste già"):
        restored(data)
    restored(data, rename_to="COPIA")
    with pytest.raises(backup.BackupError, match="«COPIA» esiste già"):
        restored(data, rename_to="COPIA")


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda d: d.update(format="altro"), "non è un backup di cruscotto"),
        (lambda d: d.update(version=2), "versione 2 del formato"),
        (lambda d: d["app_migrations"].update(performance="0099_futuro"), "più recente"),
        (lambda d: d["models"]["performance.consuntivo"].pop(), "incompleto o modificato"),
        (lambda d: d["models"].update({"performance.sconosciuto": []}), "non conosce: performance.sconosciuto"),
        (lambda d: d.pop("users"), "manca «users»"),
        (
            lambda d: (d["models"].pop("performance.consuntivo"), d["counts"].pop("performance.consuntivo")),
            "mancano le tabelle performance.consuntivo",
        ),
        (lambda d: d["counts"].pop("performance.consuntivo"), "non sono quelle dichiarate"),
        (lambda d: d["models"]["performance.linea"][0].pop("fields"), "danneggiato o modificato"),
    ],
)
def test_a_tampered_or_unknown_file_is_refused(ente, tamper, message):
    doc = json.loads(dumped())
    tamper(doc)
    counts = table_counts()
    with pytest.raises(backup.BackupError, match=message):
        restored(json.dumps(doc).encode(), rename_to="COPIA")
    assert table_counts() == counts


def test_a_truncated_file_is_refused(ente):
    with pytest.raises(backup.BackupError, match="non è un documento JSON leggibile"):
        restored(dumped(gz=True)[:-100], rename_to="COPIA")


def test_an_inconsistent_file_is_refused_whole(ente):
    doc = json.loads(dumped())
    doc["models"]["performance.linea"][0]["fields"]["prospettiva"] = 10**9  # a link to nothing
    counts = table_counts()
    with pytest.raises(backup.BackupError, match="performance.linea.prospettiva"):
        restored(json.dumps(doc).encode(), rename_to="COPIA")
    assert table_counts() == counts


def test_an_interrupted_restore_leaves_the_database_as_it_was(worked, monkeypatch):
    data = dumped()
    counts = table_counts()
    calls = []
    insert = backup._insert

    def failing(table, rows, keys, codice):
        calls.append(table.label)
        if len(calls) == len(backup.tables()) // 2:
            raise RuntimeError("disco pieno")
        return insert(table, rows, keys, codice)

    monkeypatch.setattr(backup, "_insert", failing)
    doc = json.loads(data)
    doc["users"][0]["username"] = "da-creare"  # a user made before the failure goes too
    with pytest.raises(RuntimeError, match="disco pieno"):
        restored(json.dumps(doc).encode(), rename_to="COPIA")
    assert len(calls) > 5 and "performance.piano" in calls
    assert table_counts() == counts
    assert not m.Ente.objects.filter(codice="COPIA").exists()
    assert not get_user_model().objects.filter(username="da-creare").exists()


def test_a_database_error_midway_is_reported_and_rolled_back(ente):
    doc = json.loads(dumped())
    doc["models"]["performance.consuntivo"].append(
        dict(doc["models"]["performance.consuntivo"][0], pk=10**9)
    )  # the same value twice
    doc["counts"]["performance.consuntivo"] += 1
    counts = table_counts()
    with pytest.raises(backup.BackupError, match="il database è com'era"):
        restored(json.dumps(doc).encode(), rename_to="COPIA")
    assert table_counts() == counts


# --- the commands -----------------------------------------------------------------------------


def test_the_cli_backs_up_and_restores(worked, tmp_path):
    runner = CliRunner()
    path = tmp_path / "pistoia.json.gz"
    r = runner.invoke(app, ["backup", "CCIAA-PT", "-o", str(path)])
    assert r.exit_code == 0, r.output
    assert "CCIAA-PT" in r.stdout and path.exists() and not (tmp_path / "pistoia.json.gz.parziale").exists()
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(gzip.decompress(path.read_bytes()))["ente"] == "CCIAA-PT"
    r = runner.invoke(app, ["restore", str(path)])
    assert r.exit_code == 1 and "errore" in r.stderr and "«CCIAA-PT» esiste già" in r.stderr
    r = runner.invoke(app, ["restore", str(path), "--come", "PT-COPIA"])
    assert r.exit_code == 0, r.output
    assert "PT-COPIA" in r.stdout
    assert scores(m.Ente.objects.get(codice="PT-COPIA")) == scores(worked)
    r = runner.invoke(app, ["backup", "NESSUNO", "-o", str(tmp_path / "x.json")])
    assert r.exit_code == 1 and "«NESSUNO» non esiste" in r.stderr and not (tmp_path / "x.json").exists()
    r = runner.invoke(app, ["restore", str(tmp_path / "manca.json")])
    assert r.exit_code == 1 and "file non leggibile" in r.stderr


def test_the_management_commands_back_up_and_restore(worked, tmp_path):
    path = tmp_path / "pistoia.json"
    out = io.StringIO()
    call_command("backup_ente", "CCIAA-PT", output=str(path), stdout=out)
    assert "righe" in out.getvalue()
    call_command("restore_ente", str(path), come="COPIA", stdout=io.StringIO())
    assert scores(m.Ente.objects.get(codice="COPIA")) == scores(worked)
    with pytest.raises(CommandError, match="«CCIAA-PT» esiste già"):
        call_command("restore_ente", str(path), stdout=io.StringIO())
