"""Writes: importing plans, recording values, setting event dates.

Every write checks permissions here (not only in views), so the web pages,
the API and the command line obey one rule. Each service runs in one
transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cruscotto.engine.entry import EntryError, check_kind, expected, implausible, read_entry
from cruscotto.engine.model import Piano as EnginePiano
from cruscotto.engine.numbers import Value, format_value
from cruscotto.engine.scoring import Valori
from cruscotto.files.native import INDICATOR_EXTRA, NODE_EXTRA, indicatore_to_data, plan_to_data

from . import limiti, permissions, selectors
from . import models as m
from .audit import registra
from .revisioni import bump, move_values, valori_cambiati

TREE_KEYS = ("formato", "ente", "piano", "regole", "strutture", "eventi", "prospettive")


@transaction.atomic
def piano_import(
    *,
    piano: EnginePiano,
    valori: Valori | None = None,
    user=None,
    motivazione: str = "",
    precedente: m.Piano | None = None,
) -> m.Piano:
    """Store an engine plan as a new draft version of its cycle (the ente's plan starting that year).

    In a cycle not yet adopted the new draft replaces the old one (whose values it takes
    over). In an adopted cycle a new version is a rimodulazione: it needs its reason, and
    stays a draft until adopted (``ciclo.adotta``).
    """
    if user is not None and not permissions.can_edit_plan(user, None):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può importare un piano."))
    too_long = limiti.plan_problems(piano)
    if too_long:  # bulk_create skips the pre_save check: the whole plan is checked first
        raise ValidationError([p["message"] for p in too_long[:20]])
    ente, _created = m.Ente.objects.get_or_create(
        codice=piano.ente.codice, defaults={"nome": piano.ente.nome, "articolo": piano.ente.articolo}
    )
    if piano.ente.articolo and not ente.articolo:
        # an ente made before the field, whose plan now says its article
        ente.articolo = piano.ente.articolo
        ente.save(update_fields=["articolo"])
    ciclo, _c = m.Ciclo.objects.get_or_create(ente=ente, anno=min(piano.anni))
    ciclo = m.Ciclo.objects.select_for_update().get(pk=ciclo.pk)
    in_force = ciclo.versioni.filter(stato_versione=m.Piano.StatoVersione.IN_VIGORE).first()
    if in_force is not None and not motivazione.strip():
        raise ValidationError(
            _("Il piano %(anno)s è adottato: un nuovo file è una rimodulazione e ne serve la motivazione.")
            % {"anno": ciclo.anno}
        )
    if in_force is not None and ciclo.stato not in (m.Ciclo.Stato.ADOTTATO, m.Ciclo.Stato.MONITORAGGIO):
        raise ValidationError(
            _("Il ciclo %(anno)s è «%(s)s»: il piano non si modifica più.")
            % {"anno": ciclo.anno, "s": ciclo.get_stato_display()}
        )
    old_drafts = list(ciclo.versioni.filter(stato_versione=m.Piano.StatoVersione.BOZZA))
    strutture = {}
    for s in piano.strutture:
        obj, _c = m.Struttura.objects.update_or_create(
            ente=ente, codice=s.codice, defaults={"nome": s.nome, "tipo": s.tipo}
        )
        strutture[s.codice] = obj
    for s in piano.strutture:
        if s.padre and s.padre in strutture:
            m.Struttura.objects.filter(pk=strutture[s.codice].pk).update(padre=strutture[s.padre])

    def struttura(code: str) -> m.Struttura:
        if code not in strutture:
            strutture[code], _c = m.Struttura.objects.get_or_create(ente=ente, codice=code, defaults={"nome": code})
        return strutture[code]

    data = plan_to_data(piano)
    last = ciclo.versioni.order_by("-versione").first()
    db = m.Piano.objects.create(
        ente=ente,
        ciclo=ciclo,
        titolo=piano.titolo,
        anni=list(piano.anni),
        regole=data.get("regole", {}),
        extra={k: v for k, v in data.items() if k not in TREE_KEYS},
        note=piano.note or "",
        versione=last.versione + 1 if last else 1,
        motivazione=motivazione.strip(),
        precedente=precedente or in_force or (old_drafts[-1] if old_drafts else None),
    )
    m.Evento.objects.bulk_create(
        m.Evento(piano=db, codice=e.codice, nome=e.nome, data=e.data, alias=list(e.alias)) for e in piano.eventi
    )
    order = 0
    ind_rows: list[tuple[m.Indicatore, tuple[str, ...]]] = []

    def add_indicators(inds, os_obj, oo_obj):
        nonlocal order
        for i in inds:
            order += 1
            d = indicatore_to_data(i)
            row = m.Indicatore(
                piano=db,
                obiettivo_strategico=os_obj,
                obiettivo_operativo=oo_obj,
                codice=i.codice,
                nome=i.nome,
                peso_testo=d.get("peso", "") or "",
                note=i.note or "",
                ordine=order,
                algoritmo=i.algoritmo,
                formula=i.formula or "",
                etichette=list(i.etichette),
                polarita=i.polarita.value,
                unita=i.unita,
                tipologia=i.tipologia,
                fonte=i.fonte,
                cruscotto=i.cruscotto.value,
                media_cluster=d.get("media_cluster", ""),
                storico={str(k): v for k, v in d.get("storico", {}).items()},
                target={str(k): v for k, v in d.get("target", {}).items()},
                milestones=d.get("milestones", []),
                extra={k: d[k] for k in INDICATOR_EXTRA if k in d},
            )
            ind_rows.append((row, i.strutture))

    def extra(node_data: dict, *, own_structures: bool = False) -> dict:
        keys = [k for k in NODE_EXTRA if k != "strutture" or not own_structures]
        return {k: node_data[k] for k in keys if k in node_data}

    for pi, (p, pd) in enumerate(zip(piano.prospettive, data.get("prospettive", []))):
        po = m.Prospettiva.objects.create(
            piano=db,
            codice=p.codice,
            nome=p.nome,
            peso_testo=p.peso_testo or "",
            note=p.note or "",
            ordine=pi,
            extra=extra(pd),
        )
        for li, (ln, ld) in enumerate(zip(p.linee, pd.get("linee", []))):
            lo = m.Linea.objects.create(
                prospettiva=po,
                codice=ln.codice,
                nome=ln.nome,
                peso_testo=ln.peso_testo or "",
                note=ln.note or "",
                benefici_attesi=ln.benefici_attesi or "",
                ordine=li,
                extra=extra(ld),
            )
            for oi, (os_, od) in enumerate(zip(ln.obiettivi_strategici, ld.get("obiettivi_strategici", []))):
                oso = m.ObiettivoStrategico.objects.create(
                    linea=lo,
                    codice=os_.codice,
                    nome=os_.nome,
                    peso_testo=os_.peso_testo or "",
                    note=os_.note or "",
                    cause=list(os_.cause),
                    ordine=oi,
                    extra=extra(od),
                )
                add_indicators(os_.indicatori, oso, None)
                for ooi, (oo, ood) in enumerate(zip(os_.obiettivi_operativi, od.get("obiettivi_operativi", []))):
                    ooo = m.ObiettivoOperativo.objects.create(
                        obiettivo_strategico=oso,
                        codice=oo.codice,
                        nome=oo.nome,
                        peso_testo=oo.peso_testo or "",
                        note=oo.note or "",
                        cruscotto=oo.cruscotto.value,
                        ordine=ooi,
                        extra=extra(ood, own_structures=True),
                    )
                    for c in oo.strutture:  # one by one: the link order is the plan's order
                        ooo.strutture.add(struttura(c))
                    add_indicators(oo.indicatori, oso, ooo)
    created = m.Indicatore.objects.bulk_create([r for r, _s in ind_rows])
    misure_cambiate: dict[str, list] = {}
    through = m.Indicatore.strutture.through
    through.objects.bulk_create(
        through(indicatore_id=row.pk, struttura_id=struttura(c).pk)
        for row, (_r, codes) in zip(created, ind_rows)
        for c in codes
    )
    if valori:
        # With history: an imported value is on record as an insertion, like one typed in.
        bulk_create_with_history(
            [
                m.Consuntivo(
                    piano=db,
                    codice=code,
                    anno=anno,
                    periodo=periodo,
                    valore=format_value(c.valore),
                    nota=c.nota,
                    inserito_da=user,
                )
                for (code, anno, periodo), c in valori.consuntivi.items()
            ],
            m.Consuntivo,
            default_user=user,
        )
        for (nome, anno), value in valori.misure.items():
            before = m.Misura.objects.filter(ente=ente, nome=nome, anno=anno).values_list("valore", flat=True).first()
            if before != value:  # on record in the import's audit entry, old and new
                misure_cambiate[f"{nome} {anno}"] = [before, value]
            m.Misura.objects.update_or_create(ente=ente, nome=nome, anno=anno, defaults={"valore": value})
        valori_cambiati(ente=ente)
    moved = 0
    for old in old_drafts:
        # A draft is replaced by the new one: its values follow, it stays on record as superseded.
        if in_force is None:
            moved += move_values(old, db)
        m.Piano.objects.filter(pk=old.pk).update(stato_versione=m.Piano.StatoVersione.SUPERATA)
    registra(
        user=user,
        azione="piano.rimodulazione.avvia" if in_force else "piano.importa",
        piano=db,
        oggetto=f"versione {db.versione}",
        prima={"versione": old_drafts[-1].versione if old_drafts else (in_force.versione if in_force else None)},
        dopo={
            "versione": db.versione,
            "indicatori": len(ind_rows),
            "consuntivi": len(valori.consuntivi) if valori else 0,
            "valori_ripresi": moved,
            "misure": misure_cambiate,
        },
        motivo=motivazione,
    )
    return db


MSG_BLOCCATO = gettext_lazy(
    "I risultati del %(anno)s sono validati dall'OIV: i valori sono bloccati. "
    "Per cambiarli l'OIV riapre l'anno indicandone il motivo."
)


def anno_bloccato(ente_id: int, *anni: int) -> None:
    """Refuse a change to the values of a year the OIV has validated: its values, base measures and
    event dates are locked until the OIV reopens the year with a reason (ciclo.sposta, docs/governance.md)."""
    anno = (
        m.Ciclo.objects.filter(
            ente_id=ente_id, anno__in=anni, stato__in=(m.Ciclo.Stato.VALIDATO, m.Ciclo.Stato.PUBBLICATO)
        )
        .values_list("anno", flat=True)
        .first()
    )
    if anno is not None:
        raise ValidationError(str(MSG_BLOCCATO) % {"anno": anno}, code="bloccato")


class Conflitto(ValidationError):
    """The value changed since the writer was shown it: nothing is written, and ``attuale`` is the
    stored row now (None: it was cleared), for the page to show."""

    def __init__(self, message: str, attuale: m.Consuntivo | None):
        super().__init__(message, code="conflitto")
        self.attuale = attuale


def _entry_message(exc: EntryError, codice: str) -> str:
    """A refused typed value, said in the user's language (the engine's rule codes)."""
    shown = {"valore": str(exc.value), "codice": codice}
    messages = {
        "data_inesistente": _("La data %(valore)s non esiste."),
        "fuori_limite": _("Numero non ammesso: %(valore)s (non finito, o oltre 10^15)."),
        "atteso_numero": _("%(codice)s prende un numero: %(valore)s non lo è."),
        "atteso_data": _("%(codice)s prende una data (gg/mm/aaaa) o sì/no: %(valore)s non lo è."),
        "atteso_si_no": _("%(codice)s prende sì o no: %(valore)s non lo è."),
    }
    default = _("Valore non valido: %(valore)s (atteso un numero come 68,28, una data gg/mm/aaaa o si/no).")
    return messages.get(exc.code, default) % shown


def _read_typed(engine_ind, codice: str, anno: int, testo) -> Value | None:
    """The typed value read whole and checked against what the indicator takes (engine/entry.py)."""
    try:
        value = read_entry(testo.strip() if isinstance(testo, str) else testo, where=codice)
        if engine_ind is not None:
            check_kind(value, expected(engine_ind, anno, codice), text=testo)
    except EntryError as exc:
        raise ValidationError(_entry_message(exc, codice), code=exc.code) from None
    return value


def _check_override_and_range(engine_ind, codice: str, periodo: str, value, sostituisce: str, conferma: str) -> None:
    if engine_ind is None or value is None:
        return
    if engine_ind.formula and not periodo and not sostituisce.strip():
        raise ValidationError(
            _(
                "%(c)s è calcolato dalla formula %(f)s con le misure di base: un valore inserito a mano conta "
                "solo come sostituzione della formula, con il suo motivo."
            )
            % {"c": codice, "f": engine_ind.formula},
            code="formula",
        )
    odd = implausible(engine_ind, value)
    if odd is not None and not conferma.strip():
        messages = {
            "negativo": _("%(c)s: %(v)s è negativo, e l'indicatore non scende sotto zero."),
            "oltre_100": _("%(c)s: %(v)s supera il 100%% di una percentuale."),
        }
        text = messages[odd.code] % {"c": codice, "v": format_value(value)}
        raise ValidationError(text + " " + _("Se il valore è giusto, lo confermi con il motivo."), code="implausibile")


def _locked_row(piano: m.Piano, codice: str, anno: int, periodo: str) -> m.Consuntivo | None:
    return piano.consuntivi.select_for_update().filter(codice=codice, anno=anno, periodo=periodo).first()


def _check_revision(existing: m.Consuntivo | None, revisione: int | None) -> None:
    """Optimistic locking: ``revisione`` is what the writer was shown (0: no value yet)."""
    if revisione is None:
        return
    current = existing.revisione if existing else 0
    if current != revisione:
        raise _conflitto(existing)


def _conflitto(existing: m.Consuntivo | None) -> Conflitto:
    shown = existing.valore if existing else _("nessun valore")
    return Conflitto(
        _("Il valore è cambiato nel frattempo: ora è %(v)s. Lo controlli e, se serve, lo reinserisca.") % {"v": shown},
        existing,
    )


@transaction.atomic
def consuntivo_registra(
    *,
    user,
    piano: m.Piano,
    codice: str,
    anno: int,
    periodo: str = "",
    testo: str | bool | float,
    nota: str = "",
    correzione: str = "",
    revisione: int | None = None,
    conferma: str = "",
    sostituisce_formula: str = "",
    causa_scostamento: str | None = None,
    azioni_correttive: str | None = None,
    origine: str = "",
) -> m.Consuntivo | None:
    """Record (or clear, with an empty text) an actual value; the user must be allowed to enter it.

    The text is read whole and must be of the indicator's kind (engine/entry.py). In a closed
    period the change is a correction: only the controllo di gestione (or an amministratore)
    makes it, and only with its reason (``correzione``). A value outside the indicator's
    plausible range needs ``conferma`` (its reason); on an indicator computed by formula a
    typed value is an override and needs ``sostituisce_formula``. ``revisione`` is the value's
    revision the writer was shown (0: none): if it changed meanwhile, :class:`Conflitto`. Every
    reason is kept in the audit trail, with ``origine`` (where the value came from, when not
    typed in its row: "file valori.csv, riga 4", "inserimento multiplo").
    """
    # "CODICE#2": the second sub-measure of an indicator whose target has several (docs/targets.md).
    base, sep, part = codice.partition("#")
    indicatore = piano.indicatori.filter(codice=base).select_related("piano").prefetch_related("strutture").first()
    if indicatore is None:
        raise ValidationError(_("Indicatore %(codice)s non trovato nel piano.") % {"codice": base})
    engine_ind = selectors.plan_for(piano).indicatore(base)
    if sep:
        target = engine_ind.target.get(anno) if engine_ind is not None else None
        parts = len(target.parti) if target is not None else 0
        if not part.isdigit() or not 1 <= int(part) <= parts:
            raise ValidationError(
                _("%(codice)s: il target %(anno)s di %(base)s ha %(n)s misure.")
                % {"codice": codice, "anno": anno, "base": base, "n": parts}
            )
    if not permissions.can_enter_value(user, indicatore):
        raise PermissionDenied(_("Non può inserire valori per l'indicatore %(codice)s.") % {"codice": codice})
    if anno not in piano.anni:
        raise ValidationError(_("L'anno %(anno)s non è tra gli anni del piano.") % {"anno": anno})
    anno_bloccato(piano.ente_id, anno)
    value = _read_typed(engine_ind, codice, anno, testo)
    _check_override_and_range(engine_ind, codice, periodo, value, sostituisce_formula, conferma)
    closed = m.PeriodoChiuso.objects.filter(ente_id=piano.ente_id, anno=anno, periodo=periodo).exists()
    if closed:
        if not permissions.can_edit_plan(user, piano.ente):
            raise PermissionDenied(
                _("Il periodo %(p)s del %(anno)s è chiuso: le correzioni spettano al controllo di gestione.")
                % {"p": periodo or _("annuale"), "anno": anno}
            )
        if not correzione.strip():
            raise ValidationError(
                _("Il periodo %(p)s del %(anno)s è chiuso: la modifica è una correzione e ne serve il motivo.")
                % {"p": periodo or _("annuale"), "anno": anno}
            )
    existing = _locked_row(piano, codice, anno, periodo)
    _check_revision(existing, revisione)
    before = _state(existing) if existing else None
    azione = "consuntivo.correzione" if closed else "consuntivo.registra"
    oggetto = f"{codice} {anno}{' ' + periodo if periodo else ''}"
    motivo = " · ".join(x.strip() for x in (correzione, conferma, sostituisce_formula, origine) if x.strip())
    if value is None:
        if existing:
            existing.delete()
            valori_cambiati(piano=piano)
            registra(user=user, azione=azione, piano=piano, oggetto=oggetto, prima=before, dopo=None, motivo=motivo)
        return None
    fields = {
        "valore": format_value(value),
        "nota": nota.strip(),
        "sostituisce_formula": sostituisce_formula.strip() if engine_ind and engine_ind.formula else "",
        "inserito_da": user,
    }
    # None: not posted (the API, a page without the fields), the stored text stays.
    for name, text in (("causa_scostamento", causa_scostamento), ("azioni_correttive", azioni_correttive)):
        if text is not None:
            fields[name] = text.strip()
    row = existing or _first_write(piano, codice, anno, periodo, fields)
    if row is None:  # another first write came in between: now it is an update of that value
        existing = row = _locked_row(piano, codice, anno, periodo)
        if existing is None:  # written and deleted again in between: the writer is told
            raise _conflitto(None)
        _check_revision(existing, revisione)
        before = _state(existing)
    if existing is not None:
        for k, v in fields.items():
            setattr(existing, k, v)
        existing.revisione += 1
        existing.save()
    assert row is not None
    valori_cambiati(piano=piano)
    registra(user=user, azione=azione, piano=piano, oggetto=oggetto, prima=before, dopo=_state(row), motivo=motivo)
    return row


def _state(row: m.Consuntivo) -> dict:
    """What the audit trail keeps of a value: the value and note, and the deviation's reasons once given."""
    state = {"valore": row.valore, "nota": row.nota}
    if row.causa_scostamento or row.azioni_correttive:
        state["causa_scostamento"] = row.causa_scostamento
        state["azioni_correttive"] = row.azioni_correttive
    return state


def _first_write(piano: m.Piano, codice: str, anno: int, periodo: str, fields: dict) -> m.Consuntivo | None:
    """The row of a first value, or None when another first write of the same value got in
    first (the unique constraint refuses this one; PostgreSQL makes it wait for the other)."""
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the rest intact
            return m.Consuntivo.objects.create(piano=piano, codice=codice, anno=anno, periodo=periodo, **fields)
    except IntegrityError:
        return None


@transaction.atomic
def neutralizza(
    *, user, piano: m.Piano, anno: int, livello: str, codice: str, atto: str, atto_data: date, motivo: str
) -> m.Neutralizzazione:
    """Record the decision that leaves an indicator or objective out of the year's score. Only the
    controllo di gestione (or an amministratore) records it, with its act and reason, while the
    year is not validated; the OIV sees it before validating and the Relazione lists it."""
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Registra una neutralizzazione il controllo di gestione o un amministratore."))
    anno_bloccato(piano.ente_id, anno)
    plan = selectors.plan_for(piano)
    known = {
        "indicatore": {i.codice for i in plan.indicatori()},
        "obiettivo_operativo": {o.codice for o in plan.obiettivi_operativi()},
        "obiettivo_strategico": {o.codice for o in plan.obiettivi_strategici()},
    }
    if livello not in known or codice not in known[livello]:
        raise ValidationError(_("%(c)s non è un %(l)s del piano.") % {"c": codice, "l": livello.replace("_", " ")})
    if anno not in piano.anni:
        raise ValidationError(_("L'anno %(anno)s non è tra gli anni del piano.") % {"anno": anno})
    if not atto.strip() or not motivo.strip():
        raise ValidationError(_("Una neutralizzazione ha il suo atto e il suo motivo."))
    if m.Neutralizzazione.objects.filter(
        ente=piano.ente, anno=anno, livello=livello, codice=codice, revocata_il=None
    ).exists():
        raise ValidationError(_("%(c)s è già neutralizzato nel %(anno)s.") % {"c": codice, "anno": anno})
    n = m.Neutralizzazione.objects.create(
        ente=piano.ente,
        anno=anno,
        livello=livello,
        codice=codice,
        atto=atto.strip(),
        atto_data=atto_data,
        motivo=motivo.strip(),
        decisa_da=user,
    )
    valori_cambiati(ente=piano.ente)
    registra(
        user=user,
        azione="neutralizzazione.registra",
        piano=piano,
        oggetto=f"{codice} {anno}",
        dopo={"livello": livello, "atto": n.atto, "atto_data": atto_data.isoformat()},
        motivo=n.motivo,
    )
    return n


@transaction.atomic
def neutralizzazione_revoca(*, user, neutralizzazione: m.Neutralizzazione, motivo: str) -> None:
    n = neutralizzazione
    if not permissions.can_edit_plan(user, n.ente):
        raise PermissionDenied(_("Revoca una neutralizzazione il controllo di gestione o un amministratore."))
    anno_bloccato(n.ente_id, n.anno)
    if not motivo.strip():
        raise ValidationError(_("La revoca di una neutralizzazione ha il suo motivo."))
    m.Neutralizzazione.objects.filter(pk=n.pk).update(revocata_il=timezone.now())
    valori_cambiati(ente=n.ente)
    registra(
        user=user,
        azione="neutralizzazione.revoca",
        ente=n.ente,
        oggetto=f"{n.codice} {n.anno}",
        prima={"livello": n.livello, "atto": n.atto},
        motivo=motivo.strip(),
    )


@transaction.atomic
def evento_imposta_data(*, user, piano: m.Piano, codice: str, data: date | None) -> m.Evento:
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può fissare le date degli eventi."))
    anno_bloccato(piano.ente_id, *piano.anni)  # an event's date moves deadlines of every year of the plan
    evento = piano.eventi.get(codice=codice)
    before = evento.data
    evento.data = data
    evento.save()
    bump(piano)
    registra(user=user, azione="evento.data", piano=piano, oggetto=codice, prima={"data": before}, dopo={"data": data})
    return evento


@transaction.atomic
def misura_registra(*, user, ente: m.Ente, nome: str, anno: int, valore: float | None) -> m.Misura | None:
    """Record (or clear, with None) a base measure of an ente: an accounting system's push, or a person's."""
    import math

    if user is not None and not permissions.can_edit_plan(user, ente):  # None: demo_setup
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore registra le misure di base."))
    nome = nome.strip()
    if not nome or len(nome) > 100:
        raise ValidationError(_("Nome della misura non valido: %(n)s") % {"n": nome[:120]})
    if valore is not None and not math.isfinite(valore):
        raise ValidationError(_("Valore non valido per %(n)s: %(v)s") % {"n": nome, "v": valore})
    if not 1900 <= anno <= 2200:
        raise ValidationError(_("Anno non valido: %(a)s") % {"a": anno})
    anno_bloccato(ente.pk, anno)
    existing = m.Misura.objects.filter(ente=ente, nome=nome, anno=anno).first()
    before = {"valore": existing.valore} if existing else None
    if valore is None:
        if existing:
            existing.delete()
            valori_cambiati(ente=ente)
            registra(user=user, azione="misura.registra", ente=ente, oggetto=f"{nome} {anno}", prima=before)
        return None
    obj, _c = m.Misura.objects.update_or_create(ente=ente, nome=nome, anno=anno, defaults={"valore": valore})
    valori_cambiati(ente=ente)
    registra(
        user=user, azione="misura.registra", ente=ente, oggetto=f"{nome} {anno}", prima=before, dopo={"valore": valore}
    )
    return obj


@transaction.atomic
def bilancio_importa(*, user, ente: m.Ente, bilancio, fonte: str = "", anno: int | None = None) -> m.Bilancio:
    """Store an ente's budget tables for their year (replacing the year's earlier ones).

    The tables are kept as read, disagreements included: the checks report them on the
    page and in ``cruscotto validate``; the audit trail records the replacement. ``anno``
    is the year the caller means (the page's, the API's path): tables of another year are
    refused, and it is the year of tables that carry none of their own (the ratios, the
    balance sheet). The base measures that come with the tables are recorded as the ente's
    measures, each on the audit trail, in the same transaction.
    """
    from cruscotto.engine.bilancio import bilancio_to_data

    if user is not None and not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore carica il bilancio."))
    data = bilancio_to_data(bilancio)
    if not data:  # measures alone would replace the year's tables with nothing
        raise ValidationError(
            _("Nessuna tabella di bilancio da caricare (le misure di base si caricano con il loro modulo).")
        )
    years = {t.anno for t in (bilancio.preventivo, bilancio.investimenti, bilancio.patrimonio) if t is not None} or (
        {anno} if anno else set()
    )
    if len(years) != 1:
        raise ValidationError(
            _("Le tabelle di bilancio devono essere di un solo anno (trovati: %(a)s).")
            % {"a": ", ".join(map(str, sorted(years))) or "-"}
        )
    if anno is not None and years != {anno}:
        raise ValidationError(_("Le tabelle sono del %(t)s, non del %(a)s.") % {"t": years.pop(), "a": anno})
    anno = years.pop()
    for (nome, year), value in sorted(bilancio.misure.items()):
        misura_registra(user=user, ente=ente, nome=nome, anno=year, valore=value)
    row = m.Bilancio.objects.select_for_update().filter(ente=ente, anno=anno).first()
    before = {"tabelle": sorted(row.dati), "fonte": row.fonte} if row else None
    if row is None:
        row = m.Bilancio(ente=ente, anno=anno)
    row.dati, row.fonte = data, fonte[:200]
    row.save()
    findings = selectors.bilancio_controlli(ente, anno)
    registra(
        user=user,
        azione="bilancio.importa",
        ente=ente,
        oggetto=f"bilancio {anno}",
        prima=before,
        dopo={"tabelle": sorted(data), "fonte": row.fonte, "avvisi": len(findings)},
    )
    return row


@transaction.atomic
def personale_importa(*, user, ente: m.Ente, registro, fonte: str = "") -> m.Personale:
    """Store an ente's staff register (replacing the earlier one), on record in the audit trail."""
    from cruscotto.engine.personale import anni, registro_to_data

    if user is not None and not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore carica il registro del personale."))
    row = m.Personale.objects.select_for_update().filter(ente=ente).first()
    before = {"righe": len(row.dati), "fonte": row.fonte} if row else None
    if row is None:
        row = m.Personale(ente=ente)
    row.dati, row.fonte = registro_to_data(registro), fonte[:200]
    row.save()
    registra(
        user=user,
        azione="personale.importa",
        ente=ente,
        oggetto="registro del personale",
        prima=before,
        dopo={"righe": len(row.dati), "anni": anni(registro), "fonte": row.fonte},
    )
    return row


def _contesto_riassunto(dati: dict, fonte: str) -> dict:
    """What the audit trail keeps of a context: how many of each, not the tables themselves."""
    return {
        "organi": len(dati.get("organi", [])),
        "partecipate": len(dati.get("partecipate", [])),
        "stakeholder": len((dati.get("mappa") or {}).get("righe", [])),
        "tabelle": len(dati.get("tabelle", [])),
        "fonte": fonte,
    }


@transaction.atomic
def contesto_importa(*, user, ente: m.Ente, contesto, fonte: str = "") -> m.Contesto:
    """Store an ente's context data (replacing the earlier set), on record in the audit trail.

    Kept as read, disagreements included: the checks report them on the page and in
    ``cruscotto validate --contesto``.
    """
    from cruscotto.engine.contesto import check_contesto, contesto_to_data

    if user is not None and not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore carica i dati di contesto."))
    row = m.Contesto.objects.select_for_update().filter(ente=ente).first()
    before = _contesto_riassunto(row.dati, row.fonte) if row else None
    if row is None:
        row = m.Contesto(ente=ente)
    row.dati, row.fonte = contesto_to_data(contesto), fonte[:200]
    row.save()
    after = {**_contesto_riassunto(row.dati, row.fonte), "avvisi": len(check_contesto(contesto))}
    registra(user=user, azione="contesto.importa", ente=ente, oggetto="dati di contesto", prima=before, dopo=after)
    return row
