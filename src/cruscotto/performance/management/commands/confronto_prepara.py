"""Fill the cache of the benchmarking across enti ahead of the first reader (docs/confronto.md).

Without it, the first Confronto after a deploy or a flush of the shared cache computes every
plan's catalogue rows (about 8 s for 100 enti); run it then:

    manage.py confronto_prepara               # every year some plan covers
    manage.py confronto_prepara --anno 2020
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ... import confronto as co


class Command(BaseCommand):
    help = (
        "Calcola in anticipo, per ogni ente e anno con un piano, i valori e i gradi di raggiungimento "
        "del confronto tra enti, nella cache condivisa (dopo un aggiornamento o uno svuotamento di Redis)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anno", type=int, help="solo quest'anno (di norma: ogni anno coperto da un piano)")

    def handle(self, *args, anno=None, **options):
        if not settings.CRUSCOTTO_CACHE_URL:
            # Each process then has its own cache: what this one computes serves no web process.
            self.stderr.write(
                "CRUSCOTTO_CACHE_URL non impostato: la cache è la memoria di ogni processo, "
                "e quel che calcola questo comando non resta ai processi web."
            )
        for year in [anno] if anno is not None else co.anni_con_piano():
            started = time.perf_counter()
            computed = co.prepara(year)
            self.stdout.write(f"{year}: {computed} piani calcolati in {time.perf_counter() - started:.1f} s")
