"""Individual evaluation for all staff, stored (issue 15; the rules: engine/valutazione.py).

Who may do what (checked here, as every write of the application, and recorded in the audit):

| step                                   | who                                                   |
|----------------------------------------|-------------------------------------------------------|
| load the evaluation system, the people | controllo di gestione, amministratore                 |
| assign a card; interviews; rate        | the person's evaluator (or an amministratore)         |
| acknowledge; self-assess; accept or ask for a review | the person (their login)                |
| answer a review request                | the evaluator                                         |
| decide a review                        | amministratore or OIV (the conciliation)              |
| the vertice's card (``proposta_oiv``): interviews, the proposal | the OIV                      |
| the vertice's card: the Giunta's decision, with its act | amministratore                       |
| see a card                             | the person, their evaluator, amministratore, OIV      |
| see the distribution and the premiums  | amministratore, OIV (each premium); controllo (totals) |

Consultazione sees no card: a card is personal data. Each step is a ``FaseScheda`` with its date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cruscotto.engine.errors import PlanError

from . import models as m
from . import permissions
from .audit import registra

S: Any = m.SchedaValutazione.Stato  # Any: Django's choices, typed loosely without its stubs
F: Any = m.FaseScheda.Tipo


def _ruoli(user, ente: m.Ente) -> frozenset[str]:
    return permissions.grants(user, ente.pk).ruoli


def _e_amministratore(user, ente: m.Ente) -> bool:
    return m.Ruolo.Tipo.AMMINISTRATORE in _ruoli(user, ente)


def proposta_oiv(scheda: m.SchedaValutazione) -> bool:
    """Whether the card is the vertice's: the OIV proposes, the Giunta decides (art. 14 c. 4 e)."""
    sistema_, _premi = sistema(scheda.ente, scheda.anno)
    cat = sistema_.categoria(scheda.persona.categoria) if sistema_ else None
    return bool(cat and cat.proposta_oiv)


def _e_valutatore(user, scheda: m.SchedaValutazione) -> bool:
    """The person's evaluator; for the vertice's card, the OIV."""
    if proposta_oiv(scheda):
        return m.Ruolo.Tipo.OIV in _ruoli(user, scheda.ente)
    v = scheda.valutatore
    return v is not None and v.utente_id is not None and v.utente_id == user.pk


def _e_valutato(user, scheda: m.SchedaValutazione) -> bool:
    return scheda.persona.utente_id is not None and scheda.persona.utente_id == user.pk


def puo_vedere(user, scheda: m.SchedaValutazione) -> bool:
    """The person, their evaluator, the amministratore and the OIV of the ente; no one else."""
    if _e_valutato(user, scheda) or _e_valutatore(user, scheda):
        return True
    return bool(_ruoli(user, scheda.ente) & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV})


def schede_visibili(user, ente: m.Ente, anno: int):
    """The cards of ``anno`` the user may see (puo_vedere), as a queryset."""
    qs = m.SchedaValutazione.objects.filter(ente=ente, anno=anno).select_related("persona", "valutatore")
    if _ruoli(user, ente) & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV}:
        return qs
    from django.db.models import Q

    return qs.filter(Q(persona__utente=user) | Q(valutatore__utente=user))


# --- the system and the people -------------------------------------------------------------


@transaction.atomic
def sistema_importa(*, user, ente: m.Ente, anno: int, dati: Any, fonte: str = "") -> m.SistemaValutazione:
    """Store the evaluation system of ``anno`` (the file's data, read and checked first)."""
    from cruscotto.files.valutazione import sistema_from_data, sistema_to_data

    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Il sistema di valutazione lo carica il controllo di gestione."))
    try:
        sistema, premi, anno_file = sistema_from_data(dati, fonte or "sistema")
    except PlanError as exc:
        raise ValidationError([f"{p.where}: {p.message}" if p.where else p.message for p in exc.problems]) from None
    if anno_file is not None and anno_file != anno:
        raise ValidationError(_("Il file è il sistema del %(f)s, non del %(a)s.") % {"f": anno_file, "a": anno})
    row = m.SistemaValutazione.objects.filter(ente=ente, anno=anno).first()
    before = {"fonte": row.fonte, "categorie": len(row.dati.get("categorie", []))} if row else None
    data = sistema_to_data(sistema, premi, anno)
    row, _created = m.SistemaValutazione.objects.update_or_create(
        ente=ente, anno=anno, defaults={"dati": data, "fonte": fonte}
    )
    registra(
        user=user,
        azione="valutazione.sistema",
        ente=ente,
        oggetto=f"sistema {anno}",
        prima=before,
        dopo={"fonte": fonte, "categorie": len(sistema.categorie), "comportamenti": len(sistema.comportamenti)},
    )
    return row


def sistema(ente: m.Ente, anno: int):
    """The engine's system of ``anno`` and its premiums' rules, or (None, None)."""
    from cruscotto.files.valutazione import sistema_from_data

    row = m.SistemaValutazione.objects.filter(ente=ente, anno=anno).first()
    if row is None:
        return None, None
    s, premi, _anno = sistema_from_data(row.dati, f"sistema {anno}")
    return s, premi


PERSONE_COLONNE = ("matricola", "categoria", "struttura", "valutatore", "utente", "tempo", "assenze")


def _riga_persona(n: int, cells: dict[str, str], strutture: dict, seen: dict[str, int]):
    """One row of the people's table, read and checked: (the row's values or None, its errors)."""
    from django.contrib.auth import get_user_model

    errors: list[str] = []
    where = _("riga %(n)s") % {"n": n}
    matricola = (cells.get("matricola") or "").strip()
    categoria = (cells.get("categoria") or "").strip()
    if not matricola:
        return None, [_("%(w)s, colonna matricola: vuota") % {"w": where}]
    if matricola in seen:
        errors.append(
            _("%(w)s, colonna matricola: %(m)s è già alla riga %(r)s")
            % {"w": where, "m": matricola, "r": seen[matricola]}
        )
    seen[matricola] = n
    if not categoria:
        errors.append(_("%(w)s, colonna categoria: vuota") % {"w": where})
    code = (cells.get("struttura") or "").strip()
    if code and code not in strutture:
        errors.append(_("%(w)s, colonna struttura: %(s)s non è una struttura dell'ente") % {"w": where, "s": code})
    login = (cells.get("utente") or "").strip()
    account = get_user_model().objects.filter(username=login).first() if login else None
    if login and account is None:
        errors.append(_("%(w)s, colonna utente: nessun utente %(u)s") % {"w": where, "u": login})
    text = (cells.get("tempo") or "").strip().replace(",", ".")
    try:
        tempo = float(text) if text else 100.0
        if not 0 < tempo <= 100:
            raise ValueError
    except ValueError:
        errors.append(_("%(w)s, colonna tempo: %(t)s non è una percentuale tra 0 e 100") % {"w": where, "t": text})
        tempo = 100.0
    text = (cells.get("assenze") or "").strip().replace(",", ".")
    try:
        assenze = float(text) if text else None
        if assenze is not None and not 0 <= assenze <= 366:
            raise ValueError
    except ValueError:
        errors.append(
            _("%(w)s, colonna assenze: %(t)s non è un numero di giorni tra 0 e 366") % {"w": where, "t": text}
        )
        assenze = None
    valutatore = (cells.get("valutatore") or "").strip()
    return (n, matricola, categoria, strutture.get(code), account, valutatore, tempo, assenze), errors


@transaction.atomic
def persone_importa(
    *, user, ente: m.Ente, righe: Iterable[tuple[int, dict[str, str]]], fonte: str = "", anno: int | None = None
) -> int:
    """Create or update the people from a table's rows (row number, cells by column): every bad
    cell is refused with its row and column, and then nothing is written. The days of absence
    (column ``assenze``) are those of ``anno``: a table with them needs the year."""
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Le persone le carica il controllo di gestione."))
    rows = list(righe)
    errors: list[str] = []
    strutture = {s.codice: s for s in ente.strutture.all()}
    seen: dict[str, int] = {}
    clean = []
    for n, cells in rows:
        row, row_errors = _riga_persona(n, cells, strutture, seen)
        errors += row_errors
        if row is not None:
            clean.append(row)
    if anno is None and any(row[7] is not None for row in clean):
        errors.append(_("colonna assenze: i giorni di assenza si caricano per un anno"))
    for n, matricola, _c, _s, _a, valutatore, _t, _g in clean:
        if valutatore and valutatore not in seen and not ente.persone.filter(matricola=valutatore).exists():
            errors.append(_("riga %(n)s, colonna valutatore: %(v)s non è tra le persone") % {"n": n, "v": valutatore})
        if valutatore == matricola:
            errors.append(_("riga %(n)s, colonna valutatore: una persona non valuta sé stessa") % {"n": n})
    if errors:
        raise ValidationError(errors)
    people = {}
    for _n, matricola, categoria, struttura, account, _v, tempo, assenze in clean:
        old = ente.persone.filter(matricola=matricola).values_list("assenze", flat=True).first() or {}
        if assenze is not None:
            old = {**old, str(anno): assenze}
        p, _created = m.Persona.objects.update_or_create(
            ente=ente,
            matricola=matricola,
            defaults={
                "categoria": categoria,
                "struttura": struttura,
                "utente": account,
                "tempo": tempo,
                "assenze": old,
                "attiva": True,
            },
        )
        people[matricola] = p
    for _n, matricola, _c, _s, _a, valutatore, _t, _g in clean:
        boss = people.get(valutatore) or ente.persone.filter(matricola=valutatore).first() if valutatore else None
        m.Persona.objects.filter(pk=people[matricola].pk).update(valutatore=boss)
    registra(
        user=user,
        azione="valutazione.persone",
        ente=ente,
        oggetto="persone",
        dopo={"righe": len(clean), "fonte": fonte, **({"anno": anno} if anno is not None else {})},
    )
    return len(clean)


# --- the yearly process of a card ----------------------------------------------------------


def _fase(scheda: m.SchedaValutazione, tipo: str, user, testo: str = "", data: date | None = None) -> m.FaseScheda:
    f = m.FaseScheda.objects.create(
        scheda=scheda, tipo=tipo, testo=testo.strip(), data=data or timezone.localdate(), utente=user
    )
    registra(
        user=user,
        azione=f"valutazione.{tipo}",
        ente=scheda.ente,
        oggetto=f"scheda {scheda.persona.matricola} {scheda.anno}",
        dopo={"stato": scheda.stato, "testo": f.testo} if f.testo else {"stato": scheda.stato},
    )
    return f


@transaction.atomic
def scheda_assegna(
    *, user, persona: m.Persona, anno: int, voci: list[dict[str, Any]], comportamenti: list[list[Any]]
) -> m.SchedaValutazione:
    """The evaluator assigns (or, before the person has seen it, changes) the card of ``anno``;
    the card is checked against its category (engine.valutazione.controlla_scheda)."""
    from cruscotto.engine import valutazione as ev

    boss = persona.valutatore
    allowed = (boss is not None and boss.utente_id == user.pk) or _e_amministratore(user, persona.ente)
    if not allowed:
        raise PermissionDenied(_("La scheda la assegna il valutatore della persona."))
    sistema_, _premi = sistema(persona.ente, anno)
    if sistema_ is None:
        raise ValidationError(_("Manca il sistema di valutazione del %(a)s.") % {"a": anno})
    card = scheda_engine(persona, anno, voci, comportamenti)
    problems = [p for p in ev.controlla_scheda(sistema_, card) if p.severity == "error"]
    if problems:
        raise ValidationError([f"{p.where}: {p.message}" for p in problems])
    scheda = m.SchedaValutazione.objects.select_for_update().filter(persona=persona, anno=anno).first()
    if scheda is not None and scheda.stato != S.ASSEGNATA:
        raise ValidationError(_("La persona ha già preso visione della scheda: non si cambia più."))
    scheda, _created = m.SchedaValutazione.objects.update_or_create(
        persona=persona,
        anno=anno,
        defaults={"ente": persona.ente, "valutatore": boss, "voci": voci, "comportamenti": comportamenti},
    )
    _fase(scheda, F.ASSEGNAZIONE, user)
    return scheda


def scheda_engine(persona: m.Persona, anno: int, voci: list[dict[str, Any]], comportamenti: list[list[Any]]):
    """The engine's card from the stored one."""
    from cruscotto.engine import valutazione as ev
    from cruscotto.engine.model import Polarita
    from cruscotto.engine.targets import parse_target

    items = tuple(
        ev.VoceScheda(
            codice=v["codice"],
            nome=v.get("nome", ""),
            sezione=v["sezione"],
            peso=v.get("peso"),
            livello=v.get("livello"),
            collegato=v.get("collegato"),
            polarita=Polarita(v.get("polarita", "crescente")),
            target=parse_target(v["target"], anno=anno) if v.get("target") else None,
        )
        for v in voci
    )
    return ev.Scheda(
        persona=persona.matricola,
        categoria=persona.categoria,
        anno=anno,
        struttura=persona.struttura.codice if persona.struttura else None,
        voci=items,
        comportamenti=tuple((str(c), None if p is None else float(p)) for c, p in comportamenti),
    )


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise PermissionDenied(message)


def _stato(scheda: m.SchedaValutazione, *allowed: str) -> None:
    if scheda.stato not in allowed:
        raise ValidationError(
            _("La scheda è «%(s)s»: questo passo non si compie ora.") % {"s": scheda.get_stato_display()}
        )


def _avanza(scheda: m.SchedaValutazione, user, stato: str, tipo: str, testo: str = "") -> m.SchedaValutazione:
    """Move the card to ``stato``, the step recorded as ``tipo``."""
    scheda.stato = stato
    scheda.save(update_fields=["stato", "aggiornata_il"])
    _fase(scheda, tipo, user, testo)
    return scheda


@transaction.atomic
def presa_visione(*, user, scheda: m.SchedaValutazione) -> m.SchedaValutazione:
    _need(_e_valutato(user, scheda), _("Prende visione della scheda la persona valutata."))
    _stato(scheda, S.ASSEGNATA)
    return _avanza(scheda, user, S.VISTA, F.PRESA_VISIONE)


@transaction.atomic
def colloquio(*, user, scheda: m.SchedaValutazione, finale: bool, testo: str, data: date | None = None) -> m.FaseScheda:
    _need(_e_valutatore(user, scheda), _("Il colloquio lo registra il valutatore."))
    _stato(scheda, S.VISTA)
    if not testo.strip():
        raise ValidationError(_("Il colloquio si registra con le sue note."))
    return _fase(scheda, F.COLLOQUIO_FINALE if finale else F.COLLOQUIO_INTERMEDIO, user, testo, data)


@transaction.atomic
def autovalutazione(*, user, scheda: m.SchedaValutazione, testo: str) -> m.FaseScheda:
    _need(_e_valutato(user, scheda), _("L'autovalutazione la scrive la persona valutata."))
    _stato(scheda, S.VISTA)
    if not testo.strip():
        raise ValidationError(_("L'autovalutazione è vuota."))
    return _fase(scheda, F.AUTOVALUTAZIONE, user, testo)


@transaction.atomic
def valuta(
    *,
    user,
    scheda: m.SchedaValutazione,
    giudizi: dict[str, float],
    risultati: dict[str, str] | None = None,
    testo: str = "",
) -> m.SchedaValutazione:
    """The evaluator records the results of the person's own objectives (read whole, of each
    item's kind, as any value: engine/entry.py), rates the behaviours (after the final interview)
    and closes the evaluation."""
    from cruscotto.engine.entry import EntryError, read_entry
    from cruscotto.engine.numbers import format_value

    _need(_e_valutatore(user, scheda), _("La valutazione la dà il valutatore."))
    _stato(scheda, S.VISTA)
    if not scheda.fasi.filter(tipo=F.COLLOQUIO_FINALE).exists():
        raise ValidationError(_("Prima della valutazione c'è il colloquio finale."))
    own = {v["codice"] for v in scheda.voci if not v.get("collegato")}
    stored: dict[str, str] = {}
    for code, text in (risultati or {}).items():
        if code not in own:
            raise ValidationError(_("%(c)s non è un obiettivo individuale della scheda.") % {"c": code})
        try:
            value = read_entry(text, where=code)
        except EntryError as exc:
            raise ValidationError(_("%(c)s: valore non valido: %(v)s") % {"c": code, "v": exc.value}) from None
        if value is not None:
            stored[code] = format_value(value)
    scheda.risultati = stored
    expected = {str(c) for c, _p in scheda.comportamenti}
    missing = sorted(expected - set(giudizi))
    if missing:
        raise ValidationError(_("Mancano i giudizi di: %(c)s.") % {"c": ", ".join(missing)})
    unknown = sorted(set(giudizi) - expected)
    if unknown:
        raise ValidationError(_("Comportamenti non nella scheda: %(c)s.") % {"c": ", ".join(unknown)})
    scheda.giudizi = {k: float(v) for k, v in giudizi.items()}
    scheda.stato = S.VALUTATA
    scheda.save(update_fields=["giudizi", "risultati", "stato", "aggiornata_il"])
    _fase(scheda, F.PROPOSTA_OIV if proposta_oiv(scheda) else F.VALUTAZIONE, user, testo)
    return scheda


def _non_vertice(scheda: m.SchedaValutazione) -> None:
    if proposta_oiv(scheda):
        raise ValidationError(
            _("La valutazione di questa scheda la decide l'organo di indirizzo politico su proposta dell'OIV.")
        )


@transaction.atomic
def decisione_organo(
    *,
    user,
    scheda: m.SchedaValutazione,
    atto: str,
    data: date,
    testo: str = "",
    giudizi: dict[str, float] | None = None,
) -> m.SchedaValutazione:
    """The Giunta's decision on the OIV's proposal for the vertice (art. 14 c. 4 lett. e), recorded
    by the amministratore with its act and date: the proposal's ratings confirmed, or changed with
    the reason. The card is then final."""
    _need(_e_amministratore(user, scheda.ente), _("La decisione dell'organo la registra l'amministrazione."))
    if not proposta_oiv(scheda):
        raise ValidationError(_("Questa scheda non si decide su proposta dell'OIV."))
    _stato(scheda, S.VALUTATA)
    atto = atto.strip()
    if not atto:
        raise ValidationError(_("La decisione cita il suo atto (per esempio: delibera di Giunta n. 12)."))
    if data > timezone.localdate():
        raise ValidationError(_("La data dell'atto è nel futuro."))
    proposta = scheda.fasi.filter(tipo=F.PROPOSTA_OIV).order_by("-data", "-pk").first()
    if proposta is not None and data < proposta.data:
        raise ValidationError(_("La decisione non precede la proposta dell'OIV (%(d)s).") % {"d": proposta.data})
    if giudizi is not None and giudizi != scheda.giudizi:
        if set(giudizi) != set(scheda.giudizi):
            raise ValidationError(_("La decisione dà un giudizio per ogni comportamento della scheda."))
        if not testo.strip():
            raise ValidationError(_("La decisione che cambia la proposta dice il suo motivo."))
        scheda.giudizi = {k: float(v) for k, v in giudizi.items()}
    scheda.stato = S.DEFINITIVA
    scheda.save(update_fields=["giudizi", "stato", "aggiornata_il"])
    _fase(scheda, F.DECISIONE_ORGANO, user, f"{atto}: {testo.strip()}" if testo.strip() else atto, data)
    return scheda


@transaction.atomic
def accetta(*, user, scheda: m.SchedaValutazione) -> m.SchedaValutazione:
    _need(_e_valutato(user, scheda), _("Accetta la valutazione la persona valutata."))
    _non_vertice(scheda)
    _stato(scheda, S.VALUTATA)
    return _avanza(scheda, user, S.DEFINITIVA, F.ACCETTAZIONE)


@transaction.atomic
def chiedi_revisione(*, user, scheda: m.SchedaValutazione, motivo: str) -> m.SchedaValutazione:
    _need(_e_valutato(user, scheda), _("La revisione la chiede la persona valutata."))
    _non_vertice(scheda)
    _stato(scheda, S.VALUTATA)
    if not motivo.strip():
        raise ValidationError(_("La richiesta di revisione dice il suo motivo."))
    return _avanza(scheda, user, S.REVISIONE, F.RICHIESTA_REVISIONE, motivo)


@transaction.atomic
def rispondi(*, user, scheda: m.SchedaValutazione, testo: str) -> m.FaseScheda:
    _need(_e_valutatore(user, scheda), _("Alla richiesta di revisione risponde il valutatore."))
    _stato(scheda, S.REVISIONE)
    if not testo.strip():
        raise ValidationError(_("La risposta è vuota."))
    return _fase(scheda, F.RISPOSTA, user, testo)


@transaction.atomic
def decidi(
    *, user, scheda: m.SchedaValutazione, testo: str, giudizi: dict[str, float] | None = None
) -> m.SchedaValutazione:
    """The conciliation's decision (amministratore or OIV): the ratings confirmed or changed, with
    the reason; the card is then final."""
    _need(
        bool(_ruoli(user, scheda.ente) & {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.OIV}),
        _("La revisione la decide l'amministrazione o l'OIV."),
    )
    _stato(scheda, S.REVISIONE)
    if not testo.strip():
        raise ValidationError(_("La decisione dice il suo motivo."))
    if giudizi is not None:
        if set(giudizi) != set(scheda.giudizi):
            raise ValidationError(_("La decisione dà un giudizio per ogni comportamento della scheda."))
        scheda.giudizi = {k: float(v) for k, v in giudizi.items()}
    scheda.stato = S.DEFINITIVA
    scheda.save(update_fields=["giudizi", "stato", "aggiornata_il"])
    _fase(scheda, F.DECISIONE, user, testo)
    return scheda


PASSI = (
    "presa_visione",
    "colloquio_intermedio",
    "colloquio_finale",
    "autovalutazione",
    "valuta",
    "accetta",
    "revisione",
    "rispondi",
    "decidi",
    "decisione_organo",
)


def passo(
    *,
    user,
    scheda: m.SchedaValutazione,
    azione: str,
    testo: str = "",
    giudizi: dict[str, float] | None = None,
    risultati: dict[str, str] | None = None,
    atto: str = "",
    data: date | None = None,
) -> None:
    """One step of the card by its name (``PASSI``): what the page's forms and the API send."""
    if azione == "presa_visione":
        presa_visione(user=user, scheda=scheda)
    elif azione in ("colloquio_intermedio", "colloquio_finale"):
        colloquio(user=user, scheda=scheda, finale=azione == "colloquio_finale", testo=testo, data=data)
    elif azione == "autovalutazione":
        autovalutazione(user=user, scheda=scheda, testo=testo)
    elif azione == "valuta":
        valuta(user=user, scheda=scheda, giudizi=giudizi or {}, risultati=risultati, testo=testo)
    elif azione == "accetta":
        accetta(user=user, scheda=scheda)
    elif azione == "revisione":
        chiedi_revisione(user=user, scheda=scheda, motivo=testo)
    elif azione == "rispondi":
        rispondi(user=user, scheda=scheda, testo=testo)
    elif azione == "decidi":
        decidi(user=user, scheda=scheda, testo=testo, giudizi=giudizi)
    elif azione == "decisione_organo":
        if data is None:
            raise ValidationError(_("La decisione ha la data del suo atto."))
        decisione_organo(user=user, scheda=scheda, atto=atto, data=data, testo=testo, giudizi=giudizi)
    else:
        raise ValidationError(_("Azione sconosciuta: %(a)s") % {"a": azione})


# --- the score -------------------------------------------------------------------------------

VALUTATE = (S.VALUTATA, S.ACCETTATA, S.REVISIONE, S.DEFINITIVA)


class _Anno:
    """What every card of an ente's year is scored with, read once: the system, the plan in force
    and its scores, the structures and each structure's shares, and the scores already computed
    (an evaluator's score needs the team's; the premiums need everyone's)."""

    def __init__(self, ente: m.Ente, anno: int):
        from . import selectors

        self.anno = anno
        self.sistema, self.premi = sistema(ente, anno)
        if self.sistema is None:
            raise ValidationError(_("Manca il sistema di valutazione del %(a)s.") % {"a": anno})
        self.piano = selectors.current_plan(ente, anno)
        if self.piano is None:
            raise ValidationError(_("Nessun piano per il %(a)s.") % {"a": anno})
        self.plan = selectors.plan_for(self.piano)
        self.result = selectors.score(self.piano, anno)
        self.strutture = list(ente.strutture.select_related("padre"))
        self._quote: dict[str, dict[str, float | None]] = {}
        self.fatti: dict[int, Any] = {}

    def quote(self, struttura: str) -> dict[str, float | None]:
        from . import selectors

        if struttura not in self._quote:
            self._quote[struttura] = selectors.area_shares(self.plan, self.strutture, struttura)
        return self._quote[struttura]

    def punteggio(self, scheda: m.SchedaValutazione, visti: frozenset[int] = frozenset()):
        from cruscotto.engine import valutazione as ev
        from cruscotto.engine.numbers import parse_value
        from cruscotto.engine.scoring import Consuntivo, Valori

        if scheda.pk in self.fatti:
            return self.fatti[scheda.pk]
        persona = scheda.persona
        card = scheda_engine(persona, self.anno, scheda.voci, scheda.comportamenti)
        if persona.struttura is not None:
            card = dataclasses.replace(card, quote_area=self.quote(persona.struttura.codice))
        read = {code: parse_value(text) for code, text in scheda.risultati.items()}
        valori = Valori({(code, self.anno, ""): Consuntivo(v) for code, v in read.items() if v is not None})
        team = [
            self.punteggio(other, visti | {scheda.pk}).punteggio
            for other in m.SchedaValutazione.objects.filter(anno=self.anno, valutatore=persona, stato__in=VALUTATE)
            .exclude(pk__in=visti | {scheda.pk})
            .select_related("persona", "persona__struttura")
        ]
        out = ev.valuta(
            self.sistema,
            card,
            piano=self.plan,
            risultato=self.result,
            valori=valori,
            giudizi=scheda.giudizi,
            squadra=[x for x in team if x is not None],
        )
        self.fatti[scheda.pk] = out
        return out


def punteggio(scheda: m.SchedaValutazione):
    """The card's score (engine.valutazione.valuta) from the plan in force for the year, its
    results, the person's own results, the ratings and, for an evaluator, the final scores of the
    cards they evaluated (differentiation)."""
    return _Anno(scheda.ente, scheda.anno).punteggio(scheda)


def punteggi(ente: m.Ente, anno: int, schede) -> dict[int, Any]:
    """The scores of ``schede`` (cards of one ente and year), each computed once."""
    year = _Anno(ente, anno)
    return {s.pk: year.punteggio(s) for s in schede}


# --- differentiation and premiums ------------------------------------------------------------


def premi_anno(ente: m.Ente, anno: int) -> dict[str, Any]:
    """The distribution of the year's final scores (per category and per evaluator, with the
    caps) and the premiums they give from the fund the plan computes (PROG.INTEGR.FONDO), split
    by the system's ``quota_individuale``. Provisional until every card is final and the OIV has
    validated the year (docs/valutazione.md)."""
    from cruscotto.engine import premi as pr
    from cruscotto.engine.rollup import area_figure

    cards = list(
        m.SchedaValutazione.objects.filter(ente=ente, anno=anno, stato__in=VALUTATE)
        .select_related("persona", "persona__struttura", "valutatore")
        .order_by("persona__matricola")
    )
    out: dict[str, Any] = {
        "per_categoria": [],
        "per_valutatore": [],
        "premi": [],
        "aggregati": [],
        "fondo": None,
        "fondi": [],
        "punteggi": {},
        "dirigenti": set(),
        "provvisorio": True,
    }
    if not m.SistemaValutazione.objects.filter(ente=ente, anno=anno).exists():
        return out
    year = _Anno(ente, anno)
    scores = {c.pk: year.punteggio(c).punteggio for c in cards}
    groups: dict[str, dict[str, list[float | None]]] = {"categoria": {}, "valutatore": {}}
    for c in cards:
        groups["categoria"].setdefault(c.persona.categoria, []).append(scores[c.pk])
        boss = c.valutatore.matricola if c.valutatore else "—"
        groups["valutatore"].setdefault(boss, []).append(scores[c.pk])
    regole = year.premi
    out["punteggi"] = groups["categoria"]
    out["dirigenti"] = {c.codice for c in year.sistema.categorie if c.dirigente}
    tetti = regole.tetti if regole else ()
    out["per_categoria"] = [
        (k, pr.distribuzione(v), pr.controlla_tetti(v, tetti, k)) for k, v in sorted(groups["categoria"].items())
    ]
    out["per_valutatore"] = [(k, pr.distribuzione(v)) for k, v in sorted(groups["valutatore"].items())]
    fondo_piano = year.result.fondo
    if regole is None or fondo_piano is None:
        return out
    fondo = fondo_piano.importo

    def organizzativa(p: m.Persona) -> float | None:
        # the person's structure's figure (the area pages'), the entity's without a structure
        if p.struttura is None:
            return year.result.achievement
        return area_figure(year.plan, year.result, year.quote(p.struttura.codice))[0]

    persone = [
        pr.Persona(
            codice=c.persona.matricola,
            categoria=c.persona.categoria,
            punteggio_individuale=scores[c.pk],
            punteggio_organizzativo=organizzativa(c.persona),
            tempo=float(c.persona.tempo),
            assenze=float((c.persona.assenze or {}).get(str(anno), 0)),
        )
        for c in cards
    ]
    fondi = pr.ripartizione(persone, fondo=fondo, regole=regole)
    lista = [p for f in fondi for p in f.premi]
    lista.sort(key=lambda p: p.codice)
    main = fondi[0]
    out.update(
        {
            "premi": lista,
            "fondi": fondi,
            "aggregati": pr.aggregati(lista),
            "fondo": {"totale": fondo, "individuale": main.individuale, "organizzativa": main.organizzativa},
            "provvisorio": fondo_piano.provvisorio or any(c.stato != S.DEFINITIVA for c in cards),
        }
    )
    return out


def pubblicazione(ente: m.Ente, anno: int, soglia: int):
    """What the Relazione and the open data publish of the year's evaluation (d.lgs. 33/2013
    art. 20; engine/premi.pubblicazione), or None when the year has no evaluated card."""
    from cruscotto.engine import premi as pr

    if not m.SchedaValutazione.objects.filter(ente=ente, anno=anno, stato__in=VALUTATE).exists():
        return None
    try:
        out = premi_anno(ente, anno)
    except ValidationError:
        return None  # no system or no plan for the year: nothing to publish
    return pr.pubblicazione(
        anno,
        out["punteggi"],
        out["fondi"],
        soglia=soglia,
        esenti=out["dirigenti"],
        provvisorio=out["provvisorio"],
    )


# --- documents --------------------------------------------------------------------------------


def _passi_testo(sezione: dict[str, Any]) -> str:
    steps = list(sezione.get("passi") or [])
    for v in sezione.get("voci") or []:
        steps += list(v.get("passi") or [])
    return "; ".join(str(x) for x in steps)


def stampa(scheda: m.SchedaValutazione, *, example_data: bool = False):
    """The card as the document takes it (documents/scheda.py): in Italian, as every document."""
    from django.utils import translation

    from cruscotto.documents.scheda import ComportamentoStampa, SchedaStampa, SezioneStampa, VoceStampa
    from cruscotto.engine import display
    from cruscotto.engine.lingua import in_lingua
    from cruscotto.engine.numbers import parse_value

    with translation.override("it"), in_lingua("it"):
        sistema_, _premi = sistema(scheda.ente, scheda.anno)
        persona = scheda.persona
        cat = sistema_.categoria(persona.categoria) if sistema_ else None
        result = punteggio(scheda) if scheda.stato in VALUTATE else None
        comportamenti = []
        for code, peso in scheda.comportamenti:
            comp = sistema_.comportamento(str(code)) if sistema_ else None
            level = scheda.giudizi.get(str(code))
            scala = None
            if sistema_ is not None:
                scala = sistema_.scala((comp.scala if comp else "") or (cat.scala if cat else ""))
            rated = ""
            if level is not None:
                lv = scala.livello(level) if scala else None
                rated = display.decimal(level, 0) + (f" · {lv.descrizione}" if lv else "")
            comportamenti.append(
                ComportamentoStampa(comp.nome if comp else str(code), comp.descrizione if comp else "", peso, rated)
            )
        voci = []
        for v in scheda.voci:
            raw = scheda.risultati.get(v["codice"], "")
            value = parse_value(raw) if raw else None
            voci.append(
                VoceStampa(
                    v["codice"],
                    v.get("nome", ""),
                    v.get("sezione", ""),
                    v.get("peso"),
                    v.get("target")
                    or (_("obiettivo %(c)s del piano") % {"c": v["collegato"]} if v.get("collegato") else ""),
                    display.value(value) if value is not None else "",
                )
            )
        vertice = bool(cat and cat.proposta_oiv)
        return SchedaStampa(
            ente=scheda.ente.nome,
            anno=scheda.anno,
            matricola=persona.matricola,
            categoria=f"{persona.categoria} ({cat.nome})" if cat else persona.categoria,
            struttura=persona.struttura.nome if persona.struttura else "",
            valutatore="OIV" if vertice else (scheda.valutatore.matricola if scheda.valutatore else ""),
            stato=str(scheda.get_stato_display()),
            voci=tuple(voci),
            comportamenti=tuple(comportamenti),
            sezioni=tuple(
                SezioneStampa(x["nome"], x["peso"], x["achievement"], _passi_testo(x))
                for x in (result.sezioni if result else ())
            ),
            punteggio=result.punteggio if result else None,
            fasi=tuple((f.data, str(f.get_tipo_display()), f.testo) for f in scheda.fasi.all()),
            proposta_oiv=vertice,
            example_data=example_data,
        )


def squadra_righe(ente: m.Ente, anno: int, schede) -> list[dict[str, Any]]:
    """The rows of the team's workbook (documents/xlsx.render_team_xlsx)."""
    schede = list(schede)
    evaluated = [s for s in schede if s.stato in VALUTATE]
    scores = punteggi(ente, anno, evaluated) if evaluated else {}
    out = []
    for s in schede:
        r = scores.get(s.pk)
        out.append(
            {
                "matricola": s.persona.matricola,
                "categoria": s.persona.categoria,
                "struttura": s.persona.struttura.codice if s.persona.struttura else "",
                "valutatore": s.valutatore.matricola if s.valutatore else "",
                "stato": str(s.get_stato_display()),
                "punteggio": r.punteggio if r else None,
                "sezioni": {x["codice"]: (x["nome"], x["achievement"]) for x in (r.sezioni if r else ())},
            }
        )
    return out
