"""Restore the backup of one ente into this database, as a new ente; all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupError, restore_from_path


class Command(BaseCommand):
    help = (
        "Ripristina un ente da un backup (backup_ente) come ente nuovo; "
        "con --come gli dà un altro codice. Vedi docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup da leggere (.json o .json.gz)")
        parser.add_argument(
            "--come",
            default=None,
            metavar="CODICE",
            help="codice dell'ente ripristinato, se diverso da quello del backup",
        )

    def handle(self, *args, file, come, **options):
        try:
            result = restore_from_path(Path(file), rename_to=come)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n".join(result.lines()))
