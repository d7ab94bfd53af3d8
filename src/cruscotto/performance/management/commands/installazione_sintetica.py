"""A synthetic installation for benchmarking across enti and for speed at national scale
(issue 16): ``--enti`` enti (100 by default) with plans of ``--indicatori`` indicators (300),
values for three years, attributes to form clusters, the shared catalogue, and a share of
them (``--pubblicati``, 40%) with their first year published.

Everything is INVENTED (``cruscotto.demo.sintetico``), from a fixed seed: the same arguments
give the same installation. Every synthetic ente is marked as holding example data, and its
name says "inventato". Enti already there (by code) are left as they are, so the command can
be run again to add more. The demo ente, if any, gets attributes too, so that it has a cluster.

    manage.py installazione_sintetica                        # 100 × 300 × 3 years
    manage.py installazione_sintetica --enti 8 --indicatori 48
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cruscotto.demo.sintetico import ANNI, ANNO, catalogo_sintetico, ente_sintetico
from cruscotto.engine.numbers import parse_value
from cruscotto.engine.scoring import Consuntivo, Valori
from cruscotto.files.native import plan_from_data

from ... import models as m
from ...services import piano_import

DEMO_ATTRIBUTI = {"classe_dimensionale": "fino a 40.000 imprese", "regione": "Toscana", "accorpata": "no"}


class Command(BaseCommand):
    help = "Crea un'installazione sintetica (dati inventati) per il confronto tra enti e le misure di velocità."

    def add_arguments(self, parser):
        parser.add_argument("--enti", type=int, default=100)
        parser.add_argument("--indicatori", type=int, default=300)
        parser.add_argument("--catalogo", type=int, default=60, help="indicatori del catalogo comune")
        parser.add_argument("--pubblicati", type=float, default=40.0, help="%% di enti con il primo anno pubblicato")
        parser.add_argument("--seme", type=int, default=2020)

    def handle(self, *args, enti, indicatori, catalogo, pubblicati, seme, **options):
        if enti < 1 or indicatori < 48:
            raise CommandError("almeno 1 ente e 48 indicatori per piano")
        started = time.perf_counter()
        voci = catalogo_sintetico(catalogo, seme)
        for v in voci:
            m.VoceCatalogo.objects.get_or_create(
                codice=v["codice"],
                defaults={k: v[k] for k in ("nome", "unita", "polarita", "descrizione")} | {"fonte": "sintetico"},
            )
        m.Ente.objects.filter(codice="CCIAA-PT", attributi={}).update(attributi=DEMO_ATTRIBUTI)
        chosen = random.Random(seme)
        made = 0
        for e in range(1, enti + 1):
            published = chosen.random() * 100 < pubblicati
            attributi, data, values = ente_sintetico(e, voci, indicators=indicatori, seed=seme)
            if m.Ente.objects.filter(codice=data["ente"]["codice"]).exists():
                continue
            piano = plan_from_data(data, source=f"ente sintetico {e}")
            valori = Valori()
            for (code, year), text in values.items():
                value = parse_value(text, where=code)
                if value is not None:
                    valori.consuntivi[(code, year, "")] = Consuntivo(value, "valore sintetico")
            with transaction.atomic():
                stored = piano_import(piano=piano, valori=valori)
                m.Ente.objects.filter(pk=stored.ente_id).update(attributi=attributi, dati_di_esempio=True)
                if published:
                    m.Ciclo.objects.filter(ente_id=stored.ente_id, anno=ANNO).update(stato=m.Ciclo.Stato.PUBBLICATO)
            made += 1
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"{data['ente']['codice']}: {len(values)} valori")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Installazione sintetica (dati inventati): {made} enti nuovi di {enti}, {indicatori} indicatori "
            f"ciascuno, valori {ANNI[0]}-{ANNI[-1]}, catalogo di {len(voci)} indicatori, in {seconds:.1f} s"
        )
