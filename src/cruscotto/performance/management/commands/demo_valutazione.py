"""The demo's individual evaluation for 2020: INVENTED data, labelled so (issue 15).

- The evaluation system is `demo/valutazione-2020-esempio.yaml`.
- The people are the 41 of the invented staff register's last year (2019), in service in
  2020. The DIR is the Segretario generale. The six D titolari di posizione organizzativa each
  lead a structure, and the rest are spread over those structures, each evaluated by its PO.
- The staff's days of absence in 2020 are invented too (they reduce premiums beyond the
  allowance of 10 days).
- The SG's card is the vertice's: the OIV's proposal and the Giunta's decision (an invented act).
- Each card has invented own objectives, results and ratings, drawn from a fixed seed, so every
  run gives the same figures.
- The cards are final, except the one of the demo user ``dipendente``. That card is assigned
  only, so the steps can be tried on the pages: the person as ``dipendente``, the evaluator as
  ``responsabile`` (the PO of the Servizio Promozione).

The people and the system go through the services (audited). The past steps of the finished
cards are written as an import of invented data: one audit record says so.

Only in demo mode, after ``demo_setup``; idempotent: with the cards already there, nothing is done.
"""

from __future__ import annotations

import random
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cruscotto.demo import demo_path
from cruscotto.files.native import read_data

from ... import models as m
from ... import valutazioni as va
from ...audit import registra

ANNO = 2020
SMVP = "valutazione-2020-esempio.yaml"
# the POs' structures, in the register's order of the six titolari
STRUTTURE_PO = ("PROMOZIONE", "PROGRAMMAZIONE", "REGOLAZIONE", "AREA-ANAGRAFICA", "AREA-AMMINISTRATIVA", "SG")
COMPORTAMENTI = {
    "SG": (("ORG", 20), ("DECIS", 30), ("GUIDA", 30), ("INNOV", 20)),
    "PO": (("ORG", 25), ("COLL", 25), ("PROB", 25), ("GUIDA", 25)),
    "D": (("ORG", 25), ("COLL", 25), ("UTENZA", 25), ("PROB", 25)),
    "C": (("ORG", 25), ("COLL", 25), ("UTENZA", 25), ("PROB", 25)),
    "B": (("ORG", 40), ("COLL", 30), ("UTENZA", 30)),
}
OBIETTIVI = (
    ("Pratiche istruite nei tempi (numero)", "crescente", 40, 60),
    ("Tempo medio di risposta alle imprese (giorni)", "decrescente", 10, 15),
    ("Procedura digitalizzata", "scadenza", None, None),
)


class Command(BaseCommand):
    help = "Carica la valutazione individuale dimostrativa del 2020 (dati inventati)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("solo in modalità demo (CRUSCOTTO_DEMO=1): i dati sono inventati")
        ente = m.Ente.objects.filter(codice="CCIAA-PT").first()
        if ente is None:
            raise CommandError("prima demo_setup: manca l'ente demo")
        if m.SchedaValutazione.objects.filter(ente=ente, anno=ANNO).exists():
            self.stdout.write("Valutazione demo già presente: nulla da caricare.")
            return
        users = get_user_model().objects
        admin = users.get(username="admin")
        with transaction.atomic():
            dipendente = users.filter(username="dipendente").first() or users.create_user(
                username="dipendente", password="demo", first_name="Dipendente (scheda di valutazione demo)"
            )
            m.Ruolo.objects.get_or_create(utente=dipendente, ente=ente, tipo=m.Ruolo.Tipo.CONSULTAZIONE)
            va.sistema_importa(user=admin, ente=ente, anno=ANNO, dati=read_data(demo_path(SMVP)), fonte=SMVP)
            rows = _people()
            va.persone_importa(
                user=admin,
                ente=ente,
                righe=rows,
                fonte="registro del personale inventato (2019), strutture e assenze inventate",
                anno=ANNO,
            )
            self._cards(ente, admin)
        self.stdout.write(
            "Valutazione demo 2020 caricata (dati inventati): 41 persone; utenti «responsabile» (valutatore) "
            "e «dipendente» (valutato), password «demo»"
        )

    def _cards(self, ente, admin):
        rng = random.Random(2020)
        people = list(ente.persone.select_related("valutatore", "utente").order_by("matricola"))
        for p in people:
            live = p.utente is not None and p.utente.username == "dipendente"
            voci = _voci(p, rng)
            scheda = va.scheda_assegna(
                user=admin, persona=p, anno=ANNO, voci=voci, comportamenti=[list(c) for c in COMPORTAMENTI[p.categoria]]
            )
            # the assignment of the 2020 cycle (the service dates it today)
            scheda.fasi.filter(tipo=m.FaseScheda.Tipo.ASSEGNAZIONE).update(data=date(2020, 1, 31))
            if live:
                continue  # the demo user's card: its steps are for trying on the pages
            _finished(scheda, voci, rng)
        registra(
            user=admin,
            azione="valutazione.demo",
            ente=ente,
            oggetto=f"valutazione {ANNO}",
            dopo={"schede": len(people) - 1, "nota": "dati inventati per la demo: fasi e giudizi importati"},
        )


def _people() -> list[tuple[int, dict[str, str]]]:
    """The register's 2019 staff: matricola, category for the system, structure, evaluator."""
    import csv

    with open(demo_path("personale.csv"), encoding="utf-8") as fh:
        staff = [r for r in csv.DictReader(fh) if r["anno"] == "2019"]
    sg = next(r["matricola"] for r in staff if r["categoria"] == "DIR")
    pos = [r["matricola"] for r in staff if r["categoria"] == "D" and r["posizione organizzativa"] == "sì"]
    if len(pos) != len(STRUTTURE_PO):
        raise CommandError(f"attese {len(STRUTTURE_PO)} posizioni organizzative nel registro demo, trovate {len(pos)}")
    rows: list[tuple[int, dict[str, str]]] = [(2, {"matricola": sg, "categoria": "SG", "struttura": "SG"})]
    for i, mat in enumerate(pos):
        login = "responsabile" if STRUTTURE_PO[i] == "PROMOZIONE" else ""
        rows.append(
            (
                len(rows) + 2,
                {"matricola": mat, "categoria": "PO", "struttura": STRUTTURE_PO[i], "valutatore": sg, "utente": login},
            )
        )
    others = [r for r in staff if r["matricola"] not in {sg, *pos}]
    absences = random.Random(19)  # invented days of absence in 2020, from a fixed seed
    first_c = True
    for i, r in enumerate(others):
        k = i % len(STRUTTURE_PO)
        login = ""
        if first_c and r["categoria"] == "C" and STRUTTURE_PO[k] == "PROMOZIONE":
            login, first_c = "dipendente", False
        rows.append(
            (
                len(rows) + 2,
                {
                    "matricola": r["matricola"],
                    "categoria": r["categoria"],
                    "struttura": STRUTTURE_PO[k],
                    "valutatore": pos[k],
                    "utente": login,
                    "tempo": "50" if r["tempo di lavoro"] == "parziale" else "100",
                    "assenze": str(absences.choice((0, 0, 0, 2, 5, 8, 12, 20, 35))),
                },
            )
        )
    return rows


def _voci(p: m.Persona, rng: random.Random) -> list[dict]:
    """The card's items: for the SG, the plan's strategic objectives of his scorecard (E, G, H1,
    30/30/40, linked); for the others, two invented own objectives (none for category B)."""
    if p.categoria == "SG":
        return [
            {
                "codice": f"SG-{c}",
                "nome": f"Obiettivo strategico {c}",
                "sezione": "OB",
                "peso": w,
                "livello": "obiettivo_strategico",
                "collegato": c,
            }
            for c, w in (("E", 30), ("G", 30), ("H1", 40))
        ]
    if p.categoria == "B":
        return []
    chosen = rng.sample(OBIETTIVI, 2)
    out = []
    for k, (nome, polarita, lo, hi) in enumerate(chosen, start=1):
        if polarita == "scadenza" or lo is None or hi is None:
            target = f"30/{rng.choice(('06', '09', '11'))}/2020"
        else:
            target = str(rng.randint(lo, hi))
        out.append(
            {
                "codice": f"{p.matricola}-O{k}",
                "nome": nome,
                "sezione": "IND",
                "peso": 60 if k == 1 else 40,
                "polarita": polarita,
                "target": target,
            }
        )
    return out


def _result(voce: dict, rng: random.Random) -> str:
    if voce["polarita"] == "scadenza":
        day, month = voce["target"].split("/")[:2]
        late = rng.random() < 0.2
        return f"{15 if not late else 28:02d}/{int(month) + (1 if late else 0):02d}/2020"
    target = int(voce["target"])
    factor = rng.uniform(0.8, 1.1) if voce["polarita"] == "crescente" else rng.uniform(0.9, 1.3)
    return str(round(target * factor))


def _finished(scheda: m.SchedaValutazione, voci: list[dict], rng: random.Random) -> None:
    """The past steps of a finished card, as an import of invented data (no person's login)."""
    F = m.FaseScheda.Tipo
    steps = [
        (F.PRESA_VISIONE, date(2020, 2, 10), ""),
        (F.COLLOQUIO_INTERMEDIO, date(2020, 7, 15), "Colloquio intermedio (dato inventato)"),
        (F.AUTOVALUTAZIONE, date(2021, 1, 20), "Autovalutazione (dato inventato)"),
        (F.COLLOQUIO_FINALE, date(2021, 2, 5), "Colloquio finale (dato inventato)"),
        (F.VALUTAZIONE, date(2021, 2, 15), ""),
        (F.ACCETTAZIONE, date(2021, 2, 25), ""),
    ]
    if scheda.persona.categoria == "SG":
        # the vertice: the OIV proposes, the Giunta decides (art. 14 c. 4 lett. e)
        steps[-2:] = [
            (F.PROPOSTA_OIV, date(2021, 3, 10), "Proposta dell'OIV (dato inventato)"),
            (F.DECISIONE_ORGANO, date(2021, 3, 24), "Delibera di Giunta n. 00 del 24/03/2021 (atto inventato)"),
        ]
    for tipo, when, text in steps:
        m.FaseScheda.objects.create(scheda=scheda, tipo=tipo, data=when, testo=text)
    scheda.risultati = {v["codice"]: _result(v, rng) for v in voci if not v.get("collegato")}
    scheda.giudizi = {
        code: float(rng.choices((2, 3, 4, 5), weights=(1, 3, 4, 2))[0]) for code, _w in scheda.comportamenti
    }
    scheda.stato = m.SchedaValutazione.Stato.DEFINITIVA
    scheda.save()
