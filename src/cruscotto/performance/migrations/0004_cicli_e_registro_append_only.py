"""Existing plans get their cycle; the audit trail becomes append-only in the database too."""

from django.db import migrations


def cicli_per_i_piani(apps, schema_editor):
    """One cycle per ente and first year; the latest version of each is the draft, the others superseded."""
    Piano = apps.get_model("performance", "Piano")
    Ciclo = apps.get_model("performance", "Ciclo")
    groups = {}
    for p in Piano.objects.order_by("versione", "id"):
        first = min(p.anni) if p.anni else 0
        groups.setdefault((p.ente_id, first), []).append(p)
    for (ente_id, anno), plans in groups.items():
        ciclo, _ = Ciclo.objects.get_or_create(ente_id=ente_id, anno=anno)
        for p in plans:
            p.ciclo = ciclo
            p.stato_versione = "bozza" if p is plans[-1] else "superata"
            p.save(update_fields=["ciclo", "stato_versione"])


# PostgreSQL refuses UPDATE and DELETE of a record; TRUNCATE (a whole-database wipe by its
# owner: `manage.py flush`, a restore) stays possible. SQLite has no TRUNCATE: `flush` deletes
# row by row, so there the database refuses UPDATE only and the application refuses DELETE
# (Registro.delete and its queryset).
TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER registro_no_update BEFORE UPDATE ON performance_registro BEGIN SELECT RAISE(ABORT, 'il registro delle modifiche non si modifica'); END;",
    ],
    "postgresql": [
        "CREATE FUNCTION registro_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'il registro delle modifiche non si modifica né si cancella'; END; $$ LANGUAGE plpgsql;",
        "CREATE TRIGGER registro_append_only BEFORE UPDATE OR DELETE ON performance_registro FOR EACH ROW EXECUTE FUNCTION registro_append_only();",
    ],
}
UNDO = {
    "sqlite": ["DROP TRIGGER IF EXISTS registro_no_update;"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS registro_append_only ON performance_registro;",
        "DROP FUNCTION IF EXISTS registro_append_only();",
    ],
}


def append_only(apps, schema_editor):
    for sql in TRIGGERS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def undo_append_only(apps, schema_editor):
    for sql in UNDO.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("performance", "0003_ciclo_registro")]

    operations = [
        migrations.RunPython(cicli_per_i_piani, migrations.RunPython.noop),
        migrations.RunPython(append_only, undo_append_only),
    ]
