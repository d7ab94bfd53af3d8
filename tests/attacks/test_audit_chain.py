"""Issue 13, item 8: the audit trail is tamper-evident.

The attacks found: on SQLite ``REPLACE INTO`` rewrote a record past the UPDATE trigger; on
PostgreSQL the table's owner disabled the trigger and updated or truncated; ``restore``
accepted an edited backup (a forged "validato_oiv" record came back in). Each record now
carries its number and an impronta chained to the previous record of its ente; every such
change shows in the verification (command, page, restore), and the application's role on
PostgreSQL cannot make it in the first place.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction
from typer.testing import CliRunner

from cruscotto.cli import app
from cruscotto.performance import backup, catena, services
from cruscotto.performance import models as m
from cruscotto.performance.audit import registra

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2020


def controllo():
    return get_user_model().objects.get(username="controllo")


@pytest.fixture
def trail(piano):
    """Real work on the demo plan: five values entered, each one record of the trail."""
    for i, v in enumerate(("88", "89", "90", "91", "92")):
        services.consuntivo_registra(
            user=controllo(), piano=piano, codice="B.2.1-1", anno=YEAR, testo=v, nota=f"dato {i}"
        )
    return list(m.Registro.objects.filter(ente=piano.ente.codice).order_by("seq"))


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def as_owner(sql: str, params=()) -> None:
    """What the table's owner (or anyone who can write the file) can do: no trigger in the way."""
    if connection.vendor == "postgresql":
        raw("ALTER TABLE performance_registro DISABLE TRIGGER USER")
        raw(sql, params)
        raw("ALTER TABLE performance_registro ENABLE TRIGGER USER")
    else:
        raw("DROP TRIGGER IF EXISTS registro_no_update")  # DDL is transactional: the test's rollback restores it
        raw("DROP TRIGGER IF EXISTS registro_no_replace")
        raw(sql, params)


def test_every_record_is_numbered_and_chained(trail, ente):
    seqs = [r.seq for r in m.Registro.objects.filter(ente=ente.codice).order_by("seq")]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 5
    esito = catena.verifica_ente(ente.codice)
    assert esito.integra and esito.voci == len(seqs) and esito.ultima == seqs[-1]
    # each impronta is the previous one's and this record's content, recomputed here by hand
    prev = catena.INIZIO
    for r in m.Registro.objects.filter(ente=ente.codice).order_by("seq"):
        assert r.impronta == catena.impronta(prev, r)
        prev = r.impronta
    # the chains are per ente: another ente's trail starts at 1
    other = m.Ente.objects.create(codice="ALTRO", nome="Altro ente")
    rec = registra(user=controllo(), azione="prova", ente=other, oggetto="x")
    assert rec.seq == 1 and catena.verifica_ente("ALTRO").integra


def test_numbers_read_back_from_the_database_hash_the_same(ente):
    # jsonb gives back 1e16 as an integer and 2.0 as 2: the impronta must not depend on it
    rec = registra(
        user=None, azione="prova", ente=ente, dopo={"a": 1e16, "b": 2.0, "c": 0.1, "d": [1.5e-7, True, None]}
    )
    stored = m.Registro.objects.get(pk=rec.pk)
    prev = m.Registro.objects.get(ente=ente.codice, seq=rec.seq - 1).impronta
    assert catena.impronta(prev, stored) == stored.impronta
    assert catena.verifica_ente(ente.codice).integra


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_replace_into_is_refused_on_sqlite(trail):
    victim = trail[2]
    columns = "(id, quando, utente, ente, azione, oggetto, motivo, seq, impronta)"
    values = "VALUES (%s, %s, 'oiv', %s, 'ciclo.validato_oiv', 'falso', '', %s, %s)"
    for verb in ("REPLACE INTO", "INSERT OR REPLACE INTO"):
        sql = f"{verb} performance_registro {columns} {values}"
        with pytest.raises(IntegrityError, match="non si sostituisce"), transaction.atomic():
            raw(sql, [victim.pk, victim.quando, victim.ente, victim.seq, victim.impronta])
    # nor under a new key in the place (ente, number) of a record
    with pytest.raises(IntegrityError, match="non si sostituisce"), transaction.atomic():
        raw(
            "REPLACE INTO performance_registro (quando, utente, ente, azione, oggetto, motivo, seq, impronta) "
            "VALUES (%s, 'oiv', %s, 'ciclo.validato_oiv', 'falso', '', %s, %s)",
            [victim.quando, victim.ente, victim.seq, victim.impronta],
        )
    assert m.Registro.objects.get(pk=victim.pk).azione == victim.azione
    assert catena.verifica_ente(victim.ente).integra


def test_an_edited_record_is_found(trail, ente):
    victim = trail[2]
    as_owner("UPDATE performance_registro SET azione = 'ciclo.validato_oiv', utente = 'oiv' WHERE id = %s", [victim.pk])
    esito = catena.verifica_ente(ente.codice)
    assert [(p.seq, p.tipo) for p in esito.problemi] == [(victim.seq, "alterata")]


def test_a_deleted_record_is_found(trail, ente):
    victim = trail[2]
    as_owner("DELETE FROM performance_registro WHERE id = %s", [victim.pk])
    esito = catena.verifica_ente(ente.codice)
    assert [(p.seq, p.tipo) for p in esito.problemi] == [(victim.seq + 1, "lacuna")]
    assert f"n. {victim.seq}" in esito.problemi[0].testo


def test_records_moved_are_found(trail, ente):
    a, b = trail[1], trail[3]
    as_owner("UPDATE performance_registro SET quando = %s WHERE id = %s", [a.quando - timedelta(days=400), b.pk])
    esito = catena.verifica_ente(ente.codice)
    assert {(p.seq, p.tipo) for p in esito.problemi} == {(b.seq, "ordine"), (b.seq, "alterata")}


def test_a_chain_rewritten_from_one_point_on_fails_its_anchor(trail, ente):
    """Whoever can write the table and knows the algorithm can recompute every later impronta:
    the chain then verifies on its own, and only an impronta noted elsewhere shows it."""
    records = list(m.Registro.objects.filter(ente=ente.codice).order_by("seq"))
    anchor = {records[-1].seq: records[-1].impronta}
    victim = records[-3]
    prev = m.Registro.objects.get(ente=ente.codice, seq=victim.seq - 1).impronta
    for r in records[-3:]:
        if r.pk == victim.pk:
            r.motivo = "riscritto"
        new = catena.impronta(prev, r)
        as_owner("UPDATE performance_registro SET motivo = %s, impronta = %s WHERE id = %s", [r.motivo, new, r.pk])
        prev = new
    assert catena.verifica_ente(ente.codice).integra  # the limit of a chain without a secret
    esito = catena.verifica_ente(ente.codice, ancore=anchor)
    assert [p.tipo for p in esito.problemi] == ["ancora"]
    # a trail cut short loses its anchor too
    as_owner("DELETE FROM performance_registro WHERE ente = %s AND seq >= %s", [ente.codice, victim.seq])
    assert [p.tipo for p in catena.verifica_ente(ente.codice, ancore=anchor).problemi] == ["ancora"]


def test_the_command_verifies_and_fails_on_a_break(trail, ente):
    runner = CliRunner()
    r = runner.invoke(app, ["audit", "verify", "--ente", ente.codice])
    assert r.exit_code == 0, r.output
    head = m.Registro.objects.filter(ente=ente.codice).order_by("-seq").first()
    assert "integra" in r.stdout and head.impronta in r.stdout
    r = runner.invoke(app, ["audit", "verify"])  # every chain
    assert r.exit_code == 0 and ente.codice in r.stdout
    r = runner.invoke(app, ["audit", "verify", "--ente", ente.codice, "--ancora", f"{head.seq}:{head.impronta}"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["audit", "verify", "--ente", ente.codice, "--ancora", "3:zz"])
    assert r.exit_code == 2 and "NUMERO:IMPRONTA" in r.stderr
    as_owner("UPDATE performance_registro SET dopo = %s WHERE id = %s", ['{"valore": 100}', trail[1].pk])
    r = runner.invoke(app, ["audit", "verify", "--ente", ente.codice])
    assert r.exit_code == 1 and "NON INTEGRA" in r.stdout and f"n. {trail[1].seq}" in r.stdout
    r = runner.invoke(app, ["audit", "verify", "--ente", "NESSUNO"])
    assert r.exit_code == 1 and "nessuna voce" in r.stderr


def test_the_oiv_page_shows_the_break(trail, ente, as_user):
    url = f"/{ente.codice}/{YEAR}/registro/verifica/"
    page = as_user("oiv").get(url)
    assert page.status_code == 200 and "Catena integra" in page.content.decode()
    assert as_user("admin").get(url).status_code == 200
    for who in ("responsabile", "consultazione", "controllo"):
        assert as_user(who).get(url).status_code == 403, who
    assert url in as_user("oiv").get(f"/{ente.codice}/{YEAR}/registro/").content.decode()
    as_owner("DELETE FROM performance_registro WHERE id = %s", [trail[0].pk])
    text = as_user("oiv").get(url).content.decode()
    assert "NON integra" in text and f"n. {trail[0].seq}" in text


# --- backups --------------------------------------------------------------------------------


def dumped(codice: str) -> dict:
    buf = io.BytesIO()
    backup.dump(codice, buf)
    return json.loads(buf.getvalue())


def restore(doc: dict, **kw):
    return backup.restore_report(io.BytesIO(json.dumps(doc).encode()), **kw)


def trail_rows(doc: dict) -> list[dict]:
    return sorted(doc["models"]["performance.registro"], key=lambda r: r["fields"]["seq"])


def test_a_backup_carries_the_chain_and_restores_it(trail, ente):
    doc = dumped(ente.codice)
    head = m.Registro.objects.filter(ente=ente.codice).order_by("-seq").first()
    assert doc["catena"] == {"ultima": head.seq, "impronta": head.impronta}
    report = restore(doc, rename_to="COPIA", ancore={head.seq: head.impronta})
    assert report.trail_head == (head.seq, head.impronta)
    copy = list(m.Registro.objects.filter(ente="COPIA").order_by("seq").values_list("seq", "impronta"))
    original = list(m.Registro.objects.filter(ente=ente.codice).order_by("seq").values_list("seq", "impronta"))
    assert copy[:-1] == original  # the same chain, then the restore's own record
    assert catena.verifica_ente("COPIA").integra


def test_restore_refuses_a_forged_record(trail, ente):
    doc = dumped(ente.codice)
    rows = trail_rows(doc)
    # the attack found: an OIV validation that never happened, written into the backup
    rows[2]["fields"].update(azione="ciclo.validato_oiv", utente="oiv", oggetto="2020")
    counts = m.Registro.objects.count()
    with pytest.raises(backup.BackupError, match=rf"non integro.*n\. {rows[2]['fields']['seq']}"):
        restore(doc, rename_to="COPIA")
    assert m.Registro.objects.count() == counts and not m.Ente.objects.filter(codice="COPIA").exists()


@pytest.mark.parametrize("attack", ["remove", "append_unchained", "append_forged", "renumber"])
def test_restore_refuses_a_trail_that_does_not_verify(trail, ente, attack):
    doc = dumped(ente.codice)
    rows = doc["models"]["performance.registro"]
    last = trail_rows(doc)[-1]
    forged = json.loads(json.dumps(last))
    forged["pk"] += 1000
    forged["fields"].update(azione="ciclo.validato_oiv", utente="oiv", seq=last["fields"]["seq"] + 1)
    if attack == "remove":
        rows.remove(trail_rows(doc)[1])
        match = "mancano"
    elif attack == "append_unchained":
        forged["fields"]["impronta"] = ""
        rows.append(forged)
        match = "numero o impronta"
    elif attack == "append_forged":  # an impronta computed by the forger: only an anchor finds it
        forged["fields"]["impronta"] = catena.impronta(last["fields"]["impronta"], forged["fields"])
        rows.append(forged)
        match = "annotata altrove"
    else:
        trail_rows(doc)[3]["fields"]["seq"] = 9999
        match = "non integro"
    doc["counts"]["performance.registro"] = len(rows)
    anchor = {last["fields"]["seq"] + 1: "0" * 64} if attack == "append_forged" else None
    with pytest.raises(backup.BackupError, match=match):
        restore(doc, rename_to="COPIA", ancore=anchor)
    assert not m.Ente.objects.filter(codice="COPIA").exists()


def test_restore_of_the_same_code_keeps_one_chain(trail, ente):
    """An ente deleted then restored: its trail is still here; the backup's must be the same chain."""
    doc = dumped(ente.codice)
    # another chain already under the code asked for: refused, not mixed
    registra(user=None, azione="prova", ente="ALTRO", oggetto="un'altra storia")
    with pytest.raises(backup.BackupError, match="un'altra catena"):
        restore(doc, rename_to="ALTRO")
    # the same chain: the records already here are kept once, the restore follows them
    ente.delete()
    report = restore(doc)
    assert report.trail_kept == len(doc["models"]["performance.registro"])
    assert catena.verifica_ente(ente.codice).integra


def test_a_backup_from_before_the_chain_is_chained_on_restore(trail, ente):
    doc = dumped(ente.codice)
    doc["app_migrations"]["performance"] = "0014_neutralizzazione"
    for r in doc["models"]["performance.registro"]:
        del r["fields"]["seq"], r["fields"]["impronta"]
    report = restore(doc, rename_to="VECCHIO")
    assert report.trail_chained == len(doc["models"]["performance.registro"])
    assert any("senza catena" in line for line in report.lines())
    assert catena.verifica_ente("VECCHIO").integra


# --- PostgreSQL: the application's role cannot rewrite the trail ----------------------------

ROLES_SQL = ROOT / "deploy" / "postgresql-ruoli.sql"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_application_role_cannot_touch_the_trail(trail, ente, piano):
    """docs/security.md's setup, run as written: the owner migrates, the application connects as
    ``cruscotto_app``, which can add records but not update, delete, truncate or disarm them."""
    raw("CREATE ROLE cruscotto_app NOLOGIN")  # rolled back with the test's transaction
    raw(ROLES_SQL.read_text())
    raw("SET ROLE cruscotto_app")
    try:
        for attack in (
            "UPDATE performance_registro SET motivo = 'x'",
            "DELETE FROM performance_registro",
            "TRUNCATE performance_registro",
            "ALTER TABLE performance_registro DISABLE TRIGGER USER",
            "DROP TRIGGER registro_append_only ON performance_registro",
            "DROP TABLE performance_registro",
        ):
            with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
                raw(attack)
        # the application still works: it writes values (UPDATE elsewhere) and their records
        before = m.Registro.objects.filter(ente=ente.codice).count()
        services.consuntivo_registra(user=controllo(), piano=piano, codice="B.2.1-1", anno=YEAR, testo="93")
        assert m.Registro.objects.filter(ente=ente.codice).count() == before + 1
        assert catena.verifica_ente(ente.codice).integra
    finally:
        raw("RESET ROLE")
