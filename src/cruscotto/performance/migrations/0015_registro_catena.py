"""The audit trail becomes a hash chain per ente (performance/catena.py).

Records already there are numbered and chained in the order they were written (time,
then key). On SQLite, adding columns rebuilds the table and drops its triggers: they are
made again at the end, with one more that refuses REPLACE INTO (which deletes a record
and writes another in its place without firing the update trigger).
"""

from django.db import migrations, models

from cruscotto.performance import catena

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS registro_no_update;",
    "DROP TRIGGER IF EXISTS registro_no_replace;",
    "CREATE TRIGGER registro_no_update BEFORE UPDATE ON performance_registro "
    "BEGIN SELECT RAISE(ABORT, 'il registro delle modifiche non si modifica'); END;",
    "CREATE TRIGGER registro_no_replace BEFORE INSERT ON performance_registro "
    "WHEN EXISTS (SELECT 1 FROM performance_registro WHERE id = NEW.id "
    "OR (ente = NEW.ente AND seq = NEW.seq)) "
    "BEGIN SELECT RAISE(ABORT, 'il registro delle modifiche non si sostituisce'); END;",
]


def chain_existing(apps, schema_editor):
    Registro = apps.get_model("performance", "Registro")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE performance_registro DISABLE TRIGGER registro_append_only;")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS registro_no_update;")
    heads: dict[str, tuple[int, str]] = {}
    batch = []
    for r in Registro.objects.order_by("quando", "pk").iterator(chunk_size=2000):
        seq, prev = heads.get(r.ente, (0, catena.INIZIO))
        r.seq = seq + 1
        r.impronta = catena.impronta(prev, r)
        heads[r.ente] = (r.seq, r.impronta)
        batch.append(r)
        if len(batch) >= 1000:
            Registro.objects.bulk_update(batch, ["seq", "impronta"])
            batch = []
    if batch:
        Registro.objects.bulk_update(batch, ["seq", "impronta"])
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE performance_registro ENABLE TRIGGER registro_append_only;")


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def undo_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS registro_no_replace;")


class Migration(migrations.Migration):
    dependencies = [("performance", "0014_neutralizzazione")]

    operations = [
        migrations.AddField(
            model_name="registro",
            name="impronta",
            field=models.CharField(blank=True, max_length=64, verbose_name="impronta"),
        ),
        migrations.AddField(
            model_name="registro",
            name="seq",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="numero"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="registro",
            constraint=models.UniqueConstraint(fields=("ente", "seq"), name="registro_catena_unica"),
        ),
        migrations.RunPython(triggers, undo_triggers),
    ]
