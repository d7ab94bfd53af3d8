"""The lifecycle of a plan: adoption, rimodulazioni, monitoring, closing, OIV validation, publication.

| from → to                              | who                      | what else                                   |
|----------------------------------------|--------------------------|---------------------------------------------|
| bozza → adottato                       | controllo, amministratore | the act (number, date); the plan must have no errors; the draft version comes into force |
| adottato → in_monitoraggio             | controllo, amministratore |                                             |
| in_monitoraggio → consuntivo_chiuso    | controllo, amministratore | every period of the cycle's year is closed  |
| consuntivo_chiuso → validato_oiv       | OIV                      | the fund and the premiums stop being provisional |
| consuntivo_chiuso → in_monitoraggio    | OIV                      | returned, with the reason; the year reopens |
| validato_oiv → pubblicato              | controllo, amministratore |                                             |

After adoption the version in force is locked. A *rimodulazione* (allowed while
adottato or in monitoraggio) copies it into a new draft version with its reason;
the draft is edited freely and, adopted with its act, replaces the version in
force (whose values move to it). Every step is written to the audit trail.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cruscotto.engine.entry import PERIODI

from . import models as m
from . import permissions, selectors
from .audit import registra
from .revisioni import move_values, valori_cambiati
from .services import piano_import

S = m.Ciclo.Stato
V = m.Piano.StatoVersione
PERIODS = PERIODI  # one list of periods for the page, the API and the files (engine/entry.py)

# (from, to): who may, as a permission check
TRANSITIONS: dict[tuple[Any, Any], str] = {  # Any: the states are Django choices, typed loosely without its stubs
    (S.ADOTTATO, S.MONITORAGGIO): "edit_plan",
    (S.MONITORAGGIO, S.CHIUSO): "edit_plan",
    (S.CHIUSO, S.VALIDATO): "validate",
    (S.CHIUSO, S.MONITORAGGIO): "validate",
    (S.VALIDATO, S.PUBBLICATO): "edit_plan",
    # The OIV reopens a validated (or published) year, with its reason: the validation is void,
    # the fund provisional again, and the controllo may correct values until a new validation.
    (S.VALIDATO, S.CHIUSO): "validate",
    (S.PUBBLICATO, S.CHIUSO): "validate",
}
REOPEN = {(S.VALIDATO, S.CHIUSO), (S.PUBBLICATO, S.CHIUSO)}


def _may(user, ente, what: str) -> bool:
    return permissions.can_edit_plan(user, ente) if what == "edit_plan" else permissions.can_validate(user, ente)


def version_in_force(ciclo: m.Ciclo) -> m.Piano | None:
    return ciclo.versioni.filter(stato_versione=V.IN_VIGORE).first()


def draft(ciclo: m.Ciclo) -> m.Piano | None:
    return ciclo.versioni.filter(stato_versione=V.BOZZA).order_by("-versione").first()


def approvazione(ciclo: m.Ciclo) -> m.RelazioneApprovata | None:
    """The Relazione the governing organ approved for this cycle, while it stands."""
    return ciclo.approvazioni.filter(annullata_il=None).order_by("-creata_il").first()


def moves_for(user, ciclo: m.Ciclo) -> list[str]:
    """The states this user may move the cycle to now (adoption is asked of a version)."""
    return [to for (frm, to), what in TRANSITIONS.items() if frm == ciclo.stato and _may(user, ciclo.ente, what)]


def _changed(piano: m.Piano) -> None:
    # The fund's provisional mark and every cached page depend on the state: renew the values token.
    for p in piano.ciclo.versioni.all() if piano.ciclo_id else [piano]:
        valori_cambiati(piano=p)


@transaction.atomic
def adotta(*, user, piano: m.Piano, atto: str, atto_data: date | None) -> m.Piano:
    """Adopt a draft version: the first adoption of the cycle, or a rimodulazione."""
    from cruscotto.engine.validation import validate_plan

    piano = m.Piano.objects.select_for_update(of=("self",)).select_related("ciclo", "ente").get(pk=piano.pk)
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può adottare il piano."))
    if piano.stato_versione != V.BOZZA:
        raise ValidationError(
            _("La versione %(v)s non è una bozza: è già stata adottata o è superata.") % {"v": piano.versione}
        )
    if not atto.strip() or atto_data is None:
        raise ValidationError(_("Indicare l'atto di adozione (numero e data)."))
    ciclo = piano.ciclo
    if ciclo.stato not in (S.BOZZA, S.ADOTTATO, S.MONITORAGGIO):
        raise ValidationError(
            _("Il ciclo è nello stato «%(s)s»: il piano non si modifica più.") % {"s": ciclo.get_stato_display()}
        )
    errors = [p for p in validate_plan(selectors.plan_for(piano)) if p.severity == "error"]
    if errors:
        raise ValidationError([_("Il piano ha errori: %(e)s") % {"e": "; ".join(p.message for p in errors[:5])}])
    before = version_in_force(ciclo)
    moved = 0
    if before is not None:
        if not piano.motivazione:
            raise ValidationError(_("Una rimodulazione richiede la motivazione."))
        m.Piano.objects.filter(pk=before.pk).update(stato_versione=V.SUPERATA)
        moved = move_values(before, piano)
    piano.stato_versione = V.IN_VIGORE
    piano.atto, piano.atto_data = atto.strip(), atto_data
    piano.save(update_fields=["stato_versione", "atto", "atto_data"])
    stato_prima = ciclo.stato
    if ciclo.stato == S.BOZZA:
        ciclo.stato = S.ADOTTATO
        ciclo.save(update_fields=["stato"])
    registra(
        user=user,
        azione="piano.rimodulazione.adotta" if before else "piano.adotta",
        piano=piano,
        oggetto=f"versione {piano.versione}",
        prima={"versione_in_vigore": before.versione if before else None, "ciclo": stato_prima},
        dopo={
            "versione_in_vigore": piano.versione,
            "ciclo": ciclo.stato,
            "atto": piano.atto,
            "atto_data": atto_data,
            "valori_spostati": moved,
        },
        motivo=piano.motivazione,
    )
    _changed(piano)
    return piano


@transaction.atomic
def rimodula(*, user, piano: m.Piano, motivazione: str) -> m.Piano:
    """Start a rimodulazione: a draft copy of the version in force, to edit and then adopt."""
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può rimodulare il piano."))
    ciclo = m.Ciclo.objects.select_for_update().get(pk=piano.ciclo_id)
    if ciclo.stato not in (S.ADOTTATO, S.MONITORAGGIO):
        raise ValidationError(
            _("Si rimodula un piano adottato o in monitoraggio; il ciclo è «%(s)s».") % {"s": ciclo.get_stato_display()}
        )
    if piano.stato_versione != V.IN_VIGORE:
        raise ValidationError(_("Si rimodula la versione in vigore."))
    if draft(ciclo) is not None:
        raise ValidationError(_("C'è già una rimodulazione in bozza: la si completi o la si elimini."))
    if not motivazione.strip():
        raise ValidationError(_("Indicare la motivazione della rimodulazione."))
    new = piano_import(piano=selectors.plan_for(piano), user=user, motivazione=motivazione.strip(), precedente=piano)
    return new


@transaction.atomic
def scorrimento(*, user, ciclo: m.Ciclo) -> tuple[m.Piano, list[str]]:
    """The yearly update (scorrimento): the plan of the next year's cycle, prepared from this
    cycle's version in force as a draft to complete and adopt (engine/scorrimento.py).

    The next year gets its own cycle (bozza → adottato → … → pubblicato), with its own act of
    adoption; it is not a rimodulazione. Values of the later years already entered on this
    plan move to the new one (the pages of those years show it from now on).
    """
    from cruscotto.engine.scorrimento import scorri

    if not permissions.can_edit_plan(user, ciclo.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore aggiorna il piano."))
    ciclo = m.Ciclo.objects.select_for_update(of=("self",)).select_related("ente").get(pk=ciclo.pk)
    source = version_in_force(ciclo)
    if source is None:
        raise ValidationError(
            _("Si aggiorna per l'anno successivo un piano adottato: il ciclo %(a)s non lo è ancora.")
            % {"a": ciclo.anno}
        )
    nxt = ciclo.anno + 1
    later = m.Ciclo.objects.filter(ente=ciclo.ente, anno__gt=ciclo.anno).exclude(versioni=None).order_by("anno")
    if later.exists():
        raise ValidationError(
            _("Il ciclo %(a)s ha già il suo piano: l'aggiornamento si prepara dal ciclo più recente.")
            % {"a": later.first().anno}
        )
    plan, notes = scorri(selectors.plan_for(source))
    new = piano_import(piano=plan, user=user, precedente=source)
    moved = 0
    have = set(new.consuntivi.values_list("codice", "anno", "periodo"))
    codes = set(new.indicatori.values_list("codice", flat=True))
    for c in source.consuntivi.filter(anno__gte=nxt):
        if c.codice.partition("#")[0] in codes and (c.codice, c.anno, c.periodo) not in have:
            c.piano = new
            c.save(update_fields=["piano"])
            moved += 1
    registra(
        user=user,
        azione="ciclo.scorrimento",
        piano=new,
        oggetto=f"ciclo {nxt}",
        prima={"piano": f"{min(source.anni)}-{max(source.anni)}", "versione": source.versione},
        dopo={"piano": f"{min(new.anni)}-{max(new.anni)}", "valori_spostati": moved, "avvisi": notes},
    )
    valori_cambiati(piano=source)
    valori_cambiati(piano=new)
    return new, notes


@transaction.atomic
def elimina_bozza(*, user, piano: m.Piano) -> None:
    """Drop a draft rimodulazione (never an adopted version)."""
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può eliminare una bozza."))
    if piano.stato_versione != V.BOZZA or version_in_force(piano.ciclo) is None:
        raise ValidationError(_("Si elimina solo una rimodulazione in bozza."))
    registra(
        user=user,
        azione="piano.rimodulazione.elimina",
        piano=piano,
        oggetto=f"versione {piano.versione}",
        prima={"motivazione": piano.motivazione},
    )
    piano.delete()


@transaction.atomic
def sposta(*, user, ciclo: m.Ciclo, verso: str, nota: str = "") -> m.Ciclo:
    """Move the cycle to ``verso`` (see the table above)."""
    ciclo = m.Ciclo.objects.select_for_update(of=("self",)).select_related("ente").get(pk=ciclo.pk)
    key = (ciclo.stato, verso)
    if key not in TRANSITIONS:
        raise ValidationError(
            _("Dal passo «%(a)s» non si passa a «%(b)s».")
            % {"a": ciclo.get_stato_display(), "b": dict(S.choices).get(verso, verso)}
        )
    if not _may(user, ciclo.ente, TRANSITIONS[key]):
        raise PermissionDenied(
            _("Questo passaggio spetta %(chi)s.")
            % {"chi": _("all'OIV") if TRANSITIONS[key] == "validate" else _("al controllo di gestione")}
        )
    if key == (S.CHIUSO, S.MONITORAGGIO) and not nota.strip():
        raise ValidationError(_("L'OIV che restituisce la Relazione ne indica il motivo."))
    if key in REOPEN and not nota.strip():
        raise ValidationError(_("L'OIV che riapre un anno validato ne indica il motivo."))
    approved = approvazione(ciclo)
    if verso == S.VALIDATO and approved is None:
        raise ValidationError(
            _(
                "La Relazione %(anno)s non è ancora approvata dall'organo di indirizzo: l'OIV valida il file "
                "approvato (pagina Ciclo, «Approvazione della Relazione»)."
            )
            % {"anno": ciclo.anno}
        )
    if key == (S.CHIUSO, S.MONITORAGGIO) or key in REOPEN:
        # Returned or reopened: the approved file no longer stands; a new one will be approved.
        ciclo.approvazioni.filter(annullata_il=None).update(annullata_il=timezone.now())
    prima = ciclo.stato
    ciclo.stato = verso
    ciclo.save(update_fields=["stato"])
    if verso == S.CHIUSO:
        for periodo in PERIODS:
            m.PeriodoChiuso.objects.get_or_create(
                ente=ciclo.ente,
                anno=ciclo.anno,
                periodo=periodo,
                defaults={"chiuso_da": user if user and user.is_authenticated else None},
            )
    if key == (S.CHIUSO, S.MONITORAGGIO):
        m.PeriodoChiuso.objects.filter(
            ente=ciclo.ente, anno=ciclo.anno, periodo=""
        ).delete()  # the year reopens for corrections
    in_force = version_in_force(ciclo)
    registra(
        user=user,
        azione="ciclo.stato",
        ente=ciclo.ente,
        piano=in_force,
        oggetto=f"ciclo {ciclo.anno}",
        prima={"stato": prima},
        # The OIV validates that exact file: its fingerprints are on record with the validation.
        dopo={"stato": verso}
        | (
            {"sha256_pdf": approved.sha256_pdf, "sha256_docx": approved.sha256_docx}
            if verso == S.VALIDATO and approved
            else {}
        ),
        motivo=nota,
    )
    if in_force:
        _changed(in_force)
    return ciclo


@transaction.atomic
def chiudi_periodo(*, user, ente: m.Ente, anno: int, periodo: str) -> m.PeriodoChiuso:
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore chiude un periodo."))
    if periodo not in PERIODS:
        raise ValidationError(_("Periodo sconosciuto: %(p)s.") % {"p": periodo})
    obj, created = m.PeriodoChiuso.objects.get_or_create(
        ente=ente, anno=anno, periodo=periodo, defaults={"chiuso_da": user}
    )
    if created:
        registra(user=user, azione="periodo.chiudi", ente=ente, oggetto=f"{anno} {periodo or 'anno'}")
        # A closed period scores a missing value 0 (dati_mancanti: zero_a_consuntivo): the
        # cached scores and pages of the ente's plans are renewed.
        valori_cambiati(ente=ente)
    return obj


def riepilogo_chiusura(*, ente: m.Ente, piano: m.Piano, anno: int, periodi: list[str]) -> dict:
    """What closing ``periodi`` of ``anno`` closes, for the confirmation the page asks first:
    per period, the values entered and the indicators of the year still without one (after
    closing, each change is a correction by the controllo di gestione, with its reason)."""
    plan = selectors.plan_for(piano)
    expected = [i.codice for i in plan.indicatori() if anno in i.target or i.milestones]
    already = set(m.PeriodoChiuso.objects.filter(ente=ente, anno=anno).values_list("periodo", flat=True))
    out = []
    for periodo in periodi:
        entered = set(piano.consuntivi.filter(anno=anno, periodo=periodo).values_list("codice", flat=True))
        entered_base = {c.partition("#")[0] for c in entered}
        out.append(
            {
                "periodo": periodo or _("anno intero"),
                "gia_chiuso": periodo in already,
                "valori": len(entered),
                "senza_valore": [c for c in expected if c not in entered_base],
                # Not reached, and the responsabile has not said why (the Relazione will say so).
                "senza_causa": [
                    r.codice
                    for r in selectors.score(piano, anno, periodo=periodo).indicatori
                    if r.stato.value in ("non_raggiunto", "parzialmente_raggiunto")
                    and not r.trace.get("input", {}).get("scostamento")
                ],
            }
        )
    return {"anno": anno, "periodi": out, "indicatori": len(expected)}


def periodo_chiuso(ente_id: int, anno: int, periodo: str) -> bool:
    return m.PeriodoChiuso.objects.filter(ente_id=ente_id, anno=anno, periodo=periodo).exists()


@transaction.atomic
def commenta(*, user, ciclo: m.Ciclo, oggetto: str, testo: str) -> m.Commento:
    if not permissions.can_validate(user, ciclo.ente):
        raise PermissionDenied(_("Commenta l'OIV."))
    if not testo.strip():
        raise ValidationError(_("Il commento è vuoto."))
    c = m.Commento.objects.create(ciclo=ciclo, oggetto=oggetto.strip() or "relazione", testo=testo.strip(), autore=user)
    registra(user=user, azione="oiv.commento", ente=ciclo.ente, oggetto=c.oggetto, dopo={"testo": c.testo})
    return c


def validation_inputs(ente: m.Ente, anno: int, piano: m.Piano):
    """What the Documento OIV di validazione of ``anno`` states, read from the cycle and the audit trail.

    The cycle of ``anno`` is the one that starts that year; a later year of a triennial
    plan has none of its own yet, and its document stays a draft.
    """
    from cruscotto.documents.validazione import Osservazione, Validazione, Verifiche

    cycle = m.Ciclo.objects.filter(ente=ente, anno=anno).first()
    in_force = version_in_force(cycle) if cycle else None
    shown = in_force or piano
    versions = list(cycle.versioni.values_list("pk", flat=True)) if cycle else [piano.pk]
    trail = m.Registro.objects.filter(ente=ente.codice, piano_id__in=versions)
    moves = m.Registro.objects.filter(ente=ente.codice, azione="ciclo.stato", oggetto=f"ciclo {anno}")
    validated_at = moves.filter(dopo__stato=S.VALIDATO).order_by("-quando").values_list("quando", flat=True).first()
    values = shown.consuntivi.filter(anno=anno)
    approved = approvazione(cycle) if cycle else None
    validazione = Validazione(
        validata=bool(cycle and cycle.stato in (S.VALIDATO, S.PUBBLICATO)),
        data=timezone.localtime(validated_at).date() if validated_at else None,
        atto_piano=shown.atto,
        atto_piano_data=shown.atto_data,
        restituzioni=tuple(
            moves.filter(prima__stato=S.CHIUSO, dopo__stato=S.MONITORAGGIO)
            .order_by("quando")
            .values_list("motivo", flat=True)
        ),
        approvazione=(
            f"{approved.atto} del {approved.atto_data:%d/%m/%Y}, file PDF con impronta SHA-256 {approved.sha256_pdf}"
            if approved
            else ""
        ),
    )
    verifiche = Verifiche(
        valori=values.count(),
        inseriti_da=values.exclude(inserito_da=None).values("inserito_da").distinct().count(),
        correzioni=trail.filter(azione="consuntivo.correzione", oggetto__contains=f" {anno}").count(),
        rimodulazioni=max(0, cycle.versioni.exclude(atto="").count() - 1) if cycle else 0,
        registrazioni=trail.count(),
    )
    comments = cycle.commenti.select_related("autore") if cycle else []
    osservazioni = [
        Osservazione(
            c.oggetto, c.testo, c.autore.get_username() if c.autore else "", timezone.localtime(c.creato_il).date()
        )
        for c in comments
    ]
    return validazione, verifiche, osservazioni


# --- the Relazione's own texts and its account of the cycle (DFP guideline 3/2018) ----------


@transaction.atomic
def testi_relazione(*, user, ente: m.Ente, anno: int, sintesi: str, note_processo: str) -> m.TestiRelazione:
    """Write the summary for citizens and the note on the process of the Relazione of ``anno``.
    The controllo di gestione (or an amministratore) writes them, until the OIV validates the year."""
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("I testi della Relazione li scrive il controllo di gestione."))
    from .services import anno_bloccato

    anno_bloccato(ente.pk, anno)
    row, _created = m.TestiRelazione.objects.select_for_update().get_or_create(ente=ente, anno=anno)
    before = {"sintesi": row.sintesi, "note_processo": row.note_processo}
    after = {"sintesi": sintesi.strip(), "note_processo": note_processo.strip()}
    if before == after:
        return row
    row.sintesi, row.note_processo = after["sintesi"], after["note_processo"]
    row.save()
    registra(user=user, azione="relazione.testi", ente=ente, oggetto=f"relazione {anno}", prima=before, dopo=after)
    return row


PERIOD_WORDS = {"": "l'anno", "S1": "il primo semestre", "S2": "il secondo semestre"}


def redazione(ente: m.Ente, piano: m.Piano, anno: int):
    """What the Relazione of ``anno`` says of how it was made: the ente's texts and the steps of
    the cycle as the database and the audit trail record them, each with its date and who took
    it (a role or an act, never a person's name: the Relazione is published). In Italian, as the
    documents are, whatever the language of the page that asked for it."""
    from cruscotto.documents.build import Fase, Redazione

    fasi: list[Fase] = []
    ciclo = piano.ciclo
    versions = ciclo.versioni.exclude(atto="").order_by("versione") if ciclo else m.Piano.objects.none()
    for v in versions:
        if v.precedente_id is None or v.versione == versions[0].versione:
            what = f"Adozione del piano (versione {v.versione})"
        else:
            what = f"Rimodulazione del piano (versione {v.versione}): {v.motivazione}"
        fasi.append(Fase(v.atto_data, what, v.atto))
    for pc in m.PeriodoChiuso.objects.filter(ente=ente, anno=anno).order_by("chiuso_il"):
        what = f"Chiusura dei valori per {PERIOD_WORDS.get(pc.periodo, pc.periodo)}"
        fasi.append(Fase(timezone.localdate(pc.chiuso_il), what, "controllo di gestione"))
    values = piano.consuntivi.filter(anno=anno)
    if values.exists():
        last = values.order_by("-aggiornato_il").values_list("aggiornato_il", flat=True).first()
        people = values.exclude(inserito_da=None).values("inserito_da").distinct().count()
        fasi.append(
            Fase(
                timezone.localdate(last) if last else None,
                f"Rilevazione dei valori: {values.count()} valori, inseriti da {people} persone (data dell'ultimo)",
                "responsabili e controllo di gestione",
            )
        )
    if ciclo is not None:
        names = dict(S.choices)
        for r in m.Registro.objects.filter(ente=ente.codice, azione="ciclo.stato", oggetto=f"ciclo {ciclo.anno}"):
            a, b = (r.prima or {}).get("stato", ""), (r.dopo or {}).get("stato", "")
            who = "OIV" if TRANSITIONS.get((a, b)) == "validate" else "controllo di gestione"
            what = f"Ciclo: da «{names.get(a, a)}» a «{names.get(b, b)}»"
            fasi.append(Fase(timezone.localdate(r.quando), what + (f" ({r.motivo})" if r.motivo else ""), who))
        comments = ciclo.commenti.all()
        if comments:
            last_comment = max(c.creato_il for c in comments)
            fasi.append(
                Fase(
                    timezone.localdate(last_comment),
                    f"Osservazioni dell'OIV sul ciclo: {len(comments)} (data dell'ultima)",
                    "OIV",
                )
            )
        approved = ciclo.approvazioni.filter(anno=anno, annullata_il=None).order_by("-pk").first()
        if approved is not None:
            fasi.append(Fase(approved.atto_data, "Approvazione della Relazione", approved.atto))
    for n in m.Neutralizzazione.objects.filter(ente=ente, anno=anno, revocata_il=None):
        fasi.append(Fase(n.atto_data, f"Neutralizzazione di {n.codice}", n.atto))
    fasi.sort(key=lambda f: (f.data is None, f.data or date.min))
    texts = m.TestiRelazione.objects.filter(ente=ente, anno=anno).first()
    return Redazione(
        sintesi=texts.sintesi if texts else "",
        note=texts.note_processo if texts else "",
        fasi=tuple(fasi),
    )
