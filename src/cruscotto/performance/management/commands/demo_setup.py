"""Load the demo plan and, in demo mode, one user per role (password "demo").

Idempotent: running it again keeps the data already there.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cruscotto.demo import ACTUALS, MEASURES, PLAN, demo_path
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals, read_measures

from ... import models as m
from ...services import piano_import

DEMO_USERS = [
    ("admin", m.Ruolo.Tipo.AMMINISTRATORE, None, "Amministratore"),
    ("controllo", m.Ruolo.Tipo.CONTROLLO, None, "Controllo di gestione"),
    ("responsabile", m.Ruolo.Tipo.RESPONSABILE, "PROMOZIONE", "Responsabile del Servizio Promozione"),
    ("oiv", m.Ruolo.Tipo.OIV, None, "Organismo indipendente di valutazione"),
    ("rpct", m.Ruolo.Tipo.RPCT, None, "Responsabile della prevenzione della corruzione e della trasparenza"),
    ("consultazione", m.Ruolo.Tipo.CONSULTAZIONE, None, "Consultazione"),
]


# The demo PIAO: 2021-2023, its 2.2 the seed's plan (which covers 2021 and 2022), its 2.3
# invented (demo/piao/README.md) and labelled as such wherever it is shown.
PIAO_ANNO = 2021


def _piao_demo(ente: m.Ente) -> None:
    import csv
    from datetime import datetime

    if m.Piao.objects.filter(ente=ente, anno=PIAO_ANNO).exists():
        return
    if not ente.anagrafica:  # the seat the seed prints (Piano 2020-2022, § 2.2); nothing invented
        m.Ente.objects.filter(pk=ente.pk).update(anagrafica={"indirizzo": "C.so Silvano Fedi 36, Pistoia"})
    from cruscotto.files.rischi import load_sezione23

    from ... import piao

    folder = Path(demo_path("piao"))
    sezione = load_sezione23(sorted(folder.glob("*.csv")))
    p = piao.sezione23_importa(
        user=None,
        ente=ente,
        anno=PIAO_ANNO,
        registro_=sezione.registro,
        obblighi_=sezione.obblighi,
        fonte="INVENTATO per la dimostrazione (demo/piao/README.md)",
        inventata=True,
    )
    from cruscotto.files.sezione3 import load_sezione3
    from cruscotto.files.valore_pubblico import load_valore_pubblico

    files = sorted(folder.glob("*.csv"))
    piao.sezioni_importa(
        user=None,
        ente=ente,
        anno=PIAO_ANNO,
        vp=load_valore_pubblico(files),
        s3=load_sezione3(files),
        fonte="INVENTATO per la dimostrazione (demo/piao/README.md)",
        inventata=True,
    )
    with open(folder / f"attuazione-{PIAO_ANNO}.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            piao.attuazione_registra(user=None, piao=p, codice=row["codice"], testo=row["valore"], nota=row["nota"])
    with open(folder / f"pubblicazioni-{PIAO_ANNO}.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            ultima = datetime.strptime(row["ultima"], "%d/%m/%Y").date()
            piao.pubblicazione_registra(user=None, piao=p, codice=row["codice"], ultima=ultima, nota=row["nota"])


class Command(BaseCommand):
    help = "Carica il piano demo (CCIAA di Pistoia 2020-2022) e, in modalità demo, gli utenti demo."

    def handle(self, *args, **options):
        loaded = load_plan(demo_path(PLAN))
        with transaction.atomic():
            ente = m.Ente.objects.filter(codice=loaded.piano.ente.codice).first()
            if ente is None or not ente.piani.exists():
                valori = read_measures(demo_path(MEASURES), into=read_actuals(demo_path(ACTUALS)))
                piano = piano_import(piano=loaded.piano, valori=valori)
                ente = piano.ente
                self.stdout.write(f"Piano demo caricato: {piano} ({piano.indicatori.count()} indicatori)")
            else:
                self.stdout.write("Piano demo già presente: nulla da caricare.")
            if not ente.dati_di_esempio:  # its actual values are invented: its documents say so
                m.Ente.objects.filter(pk=ente.pk).update(dati_di_esempio=True)
            if not ente.bilanci.exists():
                from cruscotto.files.bilancio import load_bilancio

                from ...services import bilancio_importa

                bilancio_importa(
                    user=None,
                    ente=ente,
                    bilancio=load_bilancio(demo_path("bilancio")),
                    fonte="Piano della performance 2020-2022, sezione 1.3",
                )
            if not m.Personale.objects.filter(ente=ente).exists():
                from cruscotto.files.personale import read_personale

                from ...services import personale_importa

                registro = read_personale(demo_path("personale.csv")).dipendenti
                personale_importa(
                    user=None,
                    ente=ente,
                    registro=registro,
                    fonte="registro inventato, coerente con le tabelle del Piano 2020-2022 (1.2 e 3.4)",
                )
            if not m.Contesto.objects.filter(ente=ente).exists():
                from cruscotto.files.contesto import load_contesto

                from ...services import contesto_importa

                contesto_importa(
                    user=None,
                    ente=ente,
                    contesto=load_contesto(demo_path("contesto")),
                    fonte="Piano della performance 2020-2022, sezioni 1.1, 1.2 e 2",
                )
            _piao_demo(ente)
            if not settings.DEMO:
                return
            User = get_user_model()
            for username, tipo, struttura, nome in DEMO_USERS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User.objects.create_user(username=username, password="demo", first_name=nome)
                    if tipo == m.Ruolo.Tipo.AMMINISTRATORE:
                        user.is_staff = user.is_superuser = True
                        user.save()
                ruolo, _c = m.Ruolo.objects.get_or_create(utente=user, ente=ente, tipo=tipo)
                if struttura:
                    s = ente.strutture.filter(codice=struttura).first()
                    if s is None:
                        raise CommandError(f"struttura {struttura} assente nel piano demo")
                    ruolo.strutture.add(s)
        self.stdout.write("Utenti demo (password «demo»): " + ", ".join(u for u, *_ in DEMO_USERS))
