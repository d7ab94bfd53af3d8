"""Put scheduled work on the queue, for the worker to run: what cron starts every night."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...lavori import avvia_backup, avvia_promemoria
from ...tasks import pulisci_lavori


class Command(BaseCommand):
    help = (
        "Mette in coda il lavoro pianificato: «backup» (un file per ente nella cartella) o «pulizia» "
        "(i lavori finiti da più di un giorno) o «promemoria» (le e-mail delle scadenze). Vedi docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("cosa", choices=("backup", "pulizia", "promemoria"))
        parser.add_argument("--cartella", help="per il backup: la cartella dei file (uno per ente, .json.gz)")
        parser.add_argument("--giorni", type=int, default=1, help="per la pulizia: i lavori finiti da più giorni")

    def handle(self, *args, cosa, cartella=None, giorni=1, **options):
        if cosa == "backup":
            if not cartella:
                raise CommandError("--cartella è obbligatoria per il backup")
            jobs = avvia_backup(cartella=cartella)
            self.stdout.write(f"{len(jobs)} backup in coda: {', '.join(j.ente.codice for j in jobs)}")
        elif cosa == "promemoria":
            job = avvia_promemoria()
            self.stdout.write(f"promemoria in coda ({job.pk if job else 'nessun ente'})")
        else:
            result = pulisci_lavori.enqueue(giorni)
            self.stdout.write(f"pulizia in coda ({result.id})")
