"""Write the backup of one ente to a file (JSON, gzip-compressed if the name ends in .gz)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupError, dump_to_path


class Command(BaseCommand):
    help = (
        "Copia di un ente (piani, valori, storia delle modifiche, registro) in un file JSON; "
        ".gz per comprimerlo. Vedi docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("ente", help="codice dell'ente, es. CCIAA-PT")
        parser.add_argument("-o", "--output", required=True, help="file da scrivere (.json o .json.gz)")

    def handle(self, *args, ente, output, **options):
        try:
            summary = dump_to_path(ente, Path(output))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.line(ente, output))
