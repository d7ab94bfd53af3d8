"""The PIAO around the engine (docs/piao.md): its sections read and written whole, the
implementation of the measures of 2.3 entered one by one, and what the pages and documents
read of them (the measures scored, the RPCT's figures).

Like ``services``, the one place that writes these tables: every write checks who may make it
and leaves its record in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cruscotto.engine import rischi as ri
from cruscotto.engine import trasparenza as tr
from cruscotto.engine.errors import Problem
from cruscotto.engine.model import Indicatore, Regole
from cruscotto.engine.numbers import format_value
from cruscotto.engine.scoring import Consuntivo, RisultatoIndicatore, Valori, score_indicator

from . import models as m
from . import permissions, selectors
from .audit import registra
from .services import Conflitto, _read_typed, anno_bloccato

S = m.SezionePiao.Sezione
RISCHI, TRASPARENZA = str(S.RISCHI), str(S.TRASPARENZA)  # the values, "2.3-rischi"


class SezioneNonValida(ValidationError):
    """The rules' errors of a section refused, each with its place (``problems``)."""

    def __init__(self, problems: list[Problem]):
        super().__init__([f"{p.where}: {p.message}" for p in problems])
        self.problems = problems


def piao_di(ente: m.Ente, anno: int) -> m.Piao | None:
    return m.Piao.objects.filter(ente=ente, anno=anno).first()


def _sezione(piao: m.Piao | None, sezione: str) -> m.SezionePiao | None:
    if piao is None:
        return None
    return next((s for s in piao.sezioni.all() if s.sezione == sezione), None)


def registro(piao: m.Piao | None) -> tuple[ri.Registro | None, m.SezionePiao | None]:
    row = _sezione(piao, RISCHI)
    return (ri.registro_from_data(row.dati["registro"]) if row else None), row


def trattare_da(row: m.SezionePiao | None) -> str:
    return (row.dati.get("trattare_da") if row else None) or "medio"


def obblighi(piao: m.Piao | None) -> tuple[tuple[tr.Obbligo, ...] | None, m.SezionePiao | None]:
    row = _sezione(piao, TRASPARENZA)
    return (tr.obblighi_from_data(row.dati["obblighi"]) if row else None), row


# --- what the register is checked against: the ente and the plan of 2.2 -------------------


@dataclass(frozen=True)
class Contesto23:
    strutture: frozenset[str]
    obiettivi: frozenset[str]
    anni: tuple[int, ...]
    regole: Regole


def contesto23(ente: m.Ente, anno: int) -> Contesto23:
    """The ente's structures, the objectives of the plan shown for ``anno`` (the PIAO's 2.2) and
    the PIAO's three years: what a measure's owner, link and deadline are checked against."""
    strutture = frozenset(ente.strutture.values_list("codice", flat=True))
    piano = selectors.current_plan(ente, anno)
    obiettivi: frozenset[str] = frozenset()
    regole = Regole()
    if piano is not None:
        engine = selectors.plan_for(piano)
        regole = engine.regole
        obiettivi = frozenset(
            [o.codice for o in engine.obiettivi_strategici()] + [o.codice for o in engine.obiettivi_operativi()]
        )
    return Contesto23(strutture, obiettivi, (anno, anno + 1, anno + 2), regole)


def controlli(registro_: ri.Registro, c: Contesto23, soglia: str = "medio") -> list[Problem]:
    return ri.controlla(registro_, strutture=c.strutture, obiettivi=c.obiettivi, anni=c.anni, trattare_da=soglia)


def _riassunto(row: m.SezionePiao | None) -> dict | None:
    """What the audit trail keeps of a section replaced: its source and how many of each item."""
    if row is None:
        return None
    out: dict = {"fonte": row.fonte}
    if row.sezione == RISCHI:
        out.update({k: len(row.dati["registro"].get(k, ())) for k in ("processi", "eventi", "valutazioni", "misure")})
    else:
        out["obblighi"] = len(row.dati["obblighi"])
    return out


@transaction.atomic
def sezione23_importa(
    *,
    user,
    ente: m.Ente,
    anno: int,
    registro_: ri.Registro | None,
    obblighi_: tuple[tr.Obbligo, ...] | None,
    fonte: str = "",
    inventata: bool = False,
) -> m.Piao:
    """Store the register and/or the transparency table of the PIAO of ``anno`` (made if new),
    replacing what was there. Any error of the rules (``engine.rischi.controlla``,
    ``engine.trasparenza.controlla_obblighi``) refuses the whole: nothing is written. Warnings are
    kept out of the way of storing: the page shows them."""
    if user is not None and not permissions.can_edit_rischi(user, ente):
        raise PermissionDenied(_("Solo l'RPCT o un amministratore carica la sezione 2.3 del PIAO."))
    c = contesto23(ente, anno)
    problems: list[Problem] = []
    if registro_ is not None:
        problems += controlli(registro_, c)
    if obblighi_ is not None:
        problems += tr.controlla_obblighi(obblighi_, strutture=c.strutture)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SezioneNonValida(errors)
    piao, _created = m.Piao.objects.get_or_create(ente=ente, anno=anno)
    for sezione, dati in (
        (RISCHI, {"registro": ri.registro_to_data(registro_), "trattare_da": "medio"} if registro_ else None),
        (TRASPARENZA, {"obblighi": tr.obblighi_to_data(obblighi_)} if obblighi_ is not None else None),
    ):
        if dati is None:
            continue
        row = m.SezionePiao.objects.select_for_update().filter(piao=piao, sezione=sezione).first()
        before = _riassunto(row)
        row = row or m.SezionePiao(piao=piao, sezione=sezione)
        row.dati, row.fonte, row.inventata = dati, fonte[:200], inventata
        row.save()
        registra(
            user=user,
            azione="piao.sezione.importa",
            ente=ente,
            oggetto=f"PIAO {anno} {sezione}",
            prima=before,
            dopo=_riassunto(row),
        )
    return piao


# --- the measures' implementation -------------------------------------------------------------


def indicatori_misure(registro_: ri.Registro, anni: tuple[int, ...] | list[int]) -> dict[str, Indicatore | None]:
    """Each measure as an indicator (None when its target cannot be read: the checks say why)."""
    out: dict[str, Indicatore | None] = {}
    for misura in registro_.misure:
        try:
            out[misura.codice] = ri.indicatore_di_misura(misura, anni)
        except Exception:  # noqa: BLE001 (a ParseError of its target, listed by the checks)
            out[misura.codice] = None
    return out


def _stato(row: m.AttuazioneMisura) -> dict:
    return {"valore": row.valore, "nota": row.nota}


@transaction.atomic
def attuazione_registra(
    *, user, piao: m.Piao, codice: str, testo: str, nota: str = "", revisione: int | None = None
) -> m.AttuazioneMisura | None:
    """Record (or clear, with an empty text) a measure's implementation for the PIAO's first
    year: read whole, of its indicator's kind (a date for a deadline, yes/no for a check), by who
    may enter it, with the revision shown (a value changed meanwhile is :class:`Conflitto`).
    ``user`` None: the system (the demo's setup), recorded as such in the audit trail."""
    registro_, _row = registro(piao)
    misura = next((x for x in registro_.misure if x.codice == codice), None) if registro_ else None
    if misura is None:
        raise ValidationError(_("Misura %(codice)s non trovata nella sezione 2.3.") % {"codice": codice})
    if user is not None and not permissions.can_enter_misura(user, piao.ente, misura.responsabile):
        raise PermissionDenied(_("Non può inserire l'attuazione della misura %(codice)s.") % {"codice": codice})
    ind = indicatori_misure(ri.Registro(misure=(misura,)), piao.anni)[codice]
    return _scrivi(
        user=user, piao=piao, sezione="2.3", ind=ind, codice=codice, testo=testo, nota=nota, revisione=revisione
    )


@transaction.atomic
def valore_impatto_registra(
    *, user, piao: m.Piao, codice: str, testo: str, nota: str = "", revisione: int | None = None
) -> m.AttuazioneMisura | None:
    """Record (or clear) an impact indicator's value of 2.1 for the PIAO's first year: the
    controllo di gestione or an amministratore, of the indicator's kind, with the revision shown."""
    from cruscotto.engine.valore_pubblico import valore_pubblico_from_data

    row = _sezione(piao, VALORE_PUBBLICO)
    obiettivi = valore_pubblico_from_data(row.dati["obiettivi"]) if row is not None else ()
    ind = next((i for o in obiettivi for i in o.indicatori if i.codice == codice), None)
    if ind is None:
        raise ValidationError(_("Indicatore %(codice)s non trovato nella sezione 2.1.") % {"codice": codice})
    if user is not None and not permissions.can_edit_plan(user, piao.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore inserisce i valori della 2.1."))
    return _scrivi(
        user=user, piao=piao, sezione="2.1", ind=ind, codice=codice, testo=testo, nota=nota, revisione=revisione
    )


def _scrivi(
    *, user, piao: m.Piao, sezione: str, ind, codice: str, testo: str, nota: str, revisione: int | None
) -> m.AttuazioneMisura | None:
    """A value of the PIAO's first year written, read whole and of ``ind``'s kind, never over a
    value changed since it was shown, on the audit trail (who may write it: the caller's check)."""
    anno = piao.anno
    anno_bloccato(piao.ente_id, anno)
    value = _read_typed(ind, codice, anno, testo)
    existing = piao.attuazioni.select_for_update().filter(sezione=sezione, codice=codice, anno=anno).first()
    current = existing.revisione if existing else 0
    if revisione is not None and revisione != current:
        shown = existing.valore if existing else _("nessun valore")
        raise Conflitto(
            _("Il valore è cambiato nel frattempo: ora è %(v)s. Lo controlli e, se serve, lo reinserisca.")
            % {"v": shown},
            None,
        )
    before = _stato(existing) if existing else None
    kind, azione = ("misura", "piao.misura.registra") if sezione == "2.3" else ("indicatore", "piao.impatto.registra")
    oggetto = f"PIAO {piao.anno} {kind} {codice} {anno}"
    if value is None:
        if existing is not None:
            existing.delete()
            registra(user=user, azione=azione, ente=piao.ente, oggetto=oggetto, prima=before)
        return None
    fields = {"valore": format_value(value), "nota": nota.strip(), "inserito_da": user}
    if existing is None:
        try:
            with transaction.atomic():
                existing = m.AttuazioneMisura.objects.create(
                    piao=piao, sezione=sezione, codice=codice, anno=anno, **fields
                )
        except IntegrityError:  # another first write got in first: the writer is told
            raise Conflitto(_("Il valore è cambiato nel frattempo: lo controlli."), None) from None
    else:
        for k, v in fields.items():
            setattr(existing, k, v)
        existing.revisione += 1
        existing.save()
    registra(user=user, azione=azione, ente=piao.ente, oggetto=oggetto, prima=before, dopo=_stato(existing))
    return existing


def as_of(anno: int, oggi: date | None = None) -> date:
    """The date measures are scored at: today, or the year's end for a year gone by."""
    oggi = oggi or date.today()
    return min(oggi, date(anno, 12, 31))


@dataclass(frozen=True)
class RigaMisura:
    misura: ri.Misura
    indicatore: Indicatore | None
    attuazione: m.AttuazioneMisura | None
    risultato: RisultatoIndicatore | None


def misure_monitorate(
    piao: m.Piao, registro_: ri.Registro, regole: Regole, oggi: date | None = None
) -> list[RigaMisura]:
    """Every measure with its implementation for the PIAO's first year and the engine's result,
    scored with the rules of the plan of 2.2, at today's date (the year's end for a past year)."""
    anno = piao.anno
    rows = {a.codice: a for a in piao.attuazioni.filter(sezione="2.3", anno=anno)}
    inds = indicatori_misure(registro_, piao.anni)
    from cruscotto.engine.entry import read_entry

    valori = Valori()
    for c, a in rows.items():
        value = read_entry(a.valore)
        if c in inds and value is not None:
            valori.consuntivi[(c, anno, "")] = Consuntivo(value, a.nota)
    out = []
    for misura in registro_.misure:
        ind = inds[misura.codice]
        result = None
        if ind is not None:
            result, _w = score_indicator(
                ind, anno=anno, valori=valori, eventi={}, as_of=as_of(anno, oggi), regole=regole
            )
        out.append(RigaMisura(misura, ind, rows.get(misura.codice), result))
    return out


def impatti(piao: m.Piao, obiettivi, regole: Regole, oggi: date | None = None) -> tuple[list, dict]:
    """2.1's impact objectives scored by the engine on the values of the PIAO's first year (the
    objective's figure the weighted mean of its indicators that can be scored; none as zero), and
    each indicator's stored value by code."""
    from cruscotto.engine.entry import read_entry
    from cruscotto.engine.valore_pubblico import punteggi

    anno = piao.anno
    rows = {a.codice: a for a in piao.attuazioni.filter(sezione="2.1", anno=anno)}
    valori = Valori()
    for c, a in rows.items():
        value = read_entry(a.valore)
        if value is not None:
            valori.consuntivi[(c, anno, "")] = Consuntivo(value, a.nota)
    return punteggi(obiettivi, anno=anno, valori=valori, regole=regole, as_of=as_of(anno, oggi)), rows


def monitorate(righe: list[RigaMisura]) -> tuple:
    """The measures as the documents and the open data read them (documents/rpct.MisuraMonitorata)."""
    from cruscotto.documents.rpct import MisuraMonitorata

    return tuple(
        MisuraMonitorata(
            r.misura.codice,
            r.attuazione.valore if r.attuazione else "",
            r.attuazione.nota if r.attuazione else "",
            r.risultato,
        )
        for r in righe
    )


def sintesi(
    piao: m.Piao, registro_: ri.Registro, righe: list[RigaMisura], soglia: str, oggi: date | None = None
) -> ri.SintesiRPCT:
    risultati = {r.misura.codice: r.risultato for r in righe if r.risultato is not None}
    return ri.sintesi_rpct(registro_, risultati, anno=piao.anno, oggi=as_of(piao.anno, oggi), trattare_da=soglia)


# --- the transparency table's monitoring --------------------------------------------------------


@transaction.atomic
def pubblicazione_registra(
    *, user, piao: m.Piao, codice: str, ultima: date | None, nota: str = "", revisione: int | None = None
) -> m.PubblicazioneObbligo | None:
    """Record (None: clear) the last publication of an obligation: by the RPCT, an amministratore,
    or the responsabile of the structure that publishes it; not after today (a publication that
    has not happened is not one); with the revision shown (:class:`Conflitto` if it changed)."""
    obblighi_, _row = obblighi(piao)
    obbligo = next((o for o in obblighi_ or () if o.codice == codice), None)
    if obbligo is None:
        raise ValidationError(_("Obbligo %(codice)s non trovato nella tabella della trasparenza.") % {"codice": codice})
    if user is not None and not permissions.can_enter_misura(user, piao.ente, obbligo.pubblica):
        raise PermissionDenied(_("Non può registrare la pubblicazione di %(codice)s.") % {"codice": codice})
    if ultima is not None and ultima > date.today():
        raise ValidationError(
            _("La data di pubblicazione %(d)s è nel futuro.") % {"d": ultima.strftime("%d/%m/%Y")}, code="futuro"
        )
    existing = piao.pubblicazioni.select_for_update().filter(codice=codice).first()
    current = existing.revisione if existing else 0
    if revisione is not None and revisione != current:
        raise Conflitto(_("Il valore è cambiato nel frattempo: lo controlli."), None)
    before = {"ultima": existing.ultima.isoformat(), "nota": existing.nota} if existing else None
    oggetto = f"PIAO {piao.anno} obbligo {codice}"
    if ultima is None:
        if existing is not None:
            existing.delete()
            registra(user=user, azione="piao.pubblicazione.registra", ente=piao.ente, oggetto=oggetto, prima=before)
        return None
    if existing is None:
        try:
            with transaction.atomic():
                existing = m.PubblicazioneObbligo.objects.create(
                    piao=piao, codice=codice, ultima=ultima, nota=nota.strip(), inserito_da=user
                )
        except IntegrityError:
            raise Conflitto(_("Il valore è cambiato nel frattempo: lo controlli."), None) from None
    else:
        existing.ultima, existing.nota, existing.inserito_da = ultima, nota.strip(), user
        existing.revisione += 1
        existing.save()
    after = {"ultima": existing.ultima.isoformat(), "nota": existing.nota}
    registra(user=user, azione="piao.pubblicazione.registra", ente=piao.ente, oggetto=oggetto, prima=before, dopo=after)
    return existing


def stati_obblighi(
    piao: m.Piao, obblighi_: tuple[tr.Obbligo, ...], oggi: date | None = None
) -> tuple[list[tuple[tr.Obbligo, tr.StatoObbligo, m.PubblicazioneObbligo | None]], dict[str, int]]:
    """Each obligation with its state at today's date (the year's end for a year gone by) from
    its last recorded publication, and how many are in each state."""
    rows = {p.codice: p for p in piao.pubblicazioni.all()}
    stati, conti = tr.monitoraggio(obblighi_, {c: p.ultima for c, p in rows.items()}, as_of(piao.anno, oggi))
    return [(o, s, rows.get(o.codice)) for o, s in zip(obblighi_, stati, strict=True)], conti


def cambi23(ente: m.Ente, anno: int) -> tuple[m.Piao | None, list | None]:
    """The PIAO of ``anno`` against the previous year's (the yearly update): the previous PIAO and
    the changes of 2.1 and 2.3 and of section 3's activities and courses, or (None, None) when
    there is no previous one. Section 3's records of people (assignments, agreements) are not
    listed person by person: the page of section 3 shows what they add up to."""
    from cruscotto.engine.diff import diff_sezione23, diff_valore_pubblico, diff_voci
    from cruscotto.engine.formazione import formazione_from_data
    from cruscotto.engine.lavoro_agile import lavoro_agile_from_data
    from cruscotto.engine.valore_pubblico import valore_pubblico_from_data

    prima = piao_di(ente, anno - 1)
    if prima is None:
        return None, None
    dopo = piao_di(ente, anno)
    r0, _a = registro(prima)
    r1, _b = registro(dopo)
    o0, _c = obblighi(prima)
    o1, _d = obblighi(dopo)
    d0, d1 = _dati(prima), _dati(dopo)

    def vp(d: dict) -> tuple:
        return valore_pubblico_from_data(d[VALORE_PUBBLICO]["obiettivi"]) if VALORE_PUBBLICO in d else ()

    def attivita(d: dict) -> tuple:
        return lavoro_agile_from_data(d[LAVORO_AGILE])[0] if LAVORO_AGILE in d else ()

    def corsi(d: dict) -> tuple:
        return formazione_from_data(d[FORMAZIONE])[0] if FORMAZIONE in d else ()

    return prima, [
        *diff_valore_pubblico(vp(d0), vp(d1)),
        *diff_sezione23(r0, r1, o0, o1),
        *diff_voci("attività (lavoro agile)", attivita(d0), attivita(d1)),
        *diff_voci("corso", corsi(d0), corsi(d1)),
    ]


def _dati(p: m.Piao | None) -> dict:
    return {s.sezione: s.dati for s in p.sezioni.all()} if p is not None else {}


# --- the scheda anagrafica (DM 132/2022, art. 2) ------------------------------------------------

# The identity fields the Piano-tipo's scheda asks for and the ente's data do not hold elsewhere
# (the name is the ente's, the staff comes from the register).
ANAGRAFICA = (
    ("codice_fiscale", gettext_lazy("Codice fiscale")),
    ("codice_ipa", gettext_lazy("Codice IPA")),
    ("indirizzo", gettext_lazy("Indirizzo")),
    ("rappresentante_legale", gettext_lazy("Rappresentante legale")),
    ("telefono", gettext_lazy("Telefono")),
    ("pec", gettext_lazy("PEC")),
    ("sito", gettext_lazy("Sito istituzionale")),
)


def codice_fiscale_ente(cf: str) -> bool:
    """An ente's codice fiscale: 11 digits whose last is the check digit of the first ten (the
    algorithm of the partita IVA, DM 23/12/1976)."""
    if len(cf) != 11 or not cf.isdigit():
        return False
    total = 0
    for i, c in enumerate(cf[:10]):
        d = int(c)
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return (10 - total % 10) % 10 == int(cf[10])


def _anagrafica_errori(dati: dict[str, str]) -> dict[str, str]:
    from django.core.validators import EmailValidator, URLValidator

    errori = {}
    cf = dati.get("codice_fiscale", "")
    if cf and not codice_fiscale_ente(cf):
        errori["codice_fiscale"] = _("Codice fiscale non valido (11 cifre con la cifra di controllo): %(v)s") % {
            "v": cf
        }
    for campo, check, msg in (
        ("pec", EmailValidator(), _("Indirizzo PEC non valido: %(v)s")),
        (
            "sito",
            URLValidator(schemes=["http", "https"]),
            _("Indirizzo del sito non valido (http:// o https://): %(v)s"),
        ),
    ):
        if dati.get(campo):
            try:
                check(dati[campo])
            except ValidationError:
                errori[campo] = msg % {"v": dati[campo]}
    return errori


@transaction.atomic
def anagrafica_salva(*, user, ente: m.Ente, dati: dict[str, str]) -> None:
    """Store the scheda's identity fields (the controllo di gestione or an amministratore), every
    field checked and every error given at once, nothing written while there is one."""
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore modifica la scheda anagrafica."))
    pulito = {k: " ".join(str(dati.get(k, "")).split())[:200] for k, _label in ANAGRAFICA}
    errori = _anagrafica_errori(pulito)
    if errori:
        raise ValidationError(errori)
    row = m.Ente.objects.select_for_update().get(pk=ente.pk)
    before = dict(row.anagrafica)
    after = {k: v for k, v in pulito.items() if v}
    if before == after:
        return
    m.Ente.objects.filter(pk=ente.pk).update(anagrafica=after)
    ente.anagrafica = after
    registra(user=user, azione="ente.anagrafica", ente=ente, oggetto="scheda anagrafica", prima=before, dopo=after)


# --- 2.1 and section 3: read whole from their files, like 2.3 -----------------------------------

VALORE_PUBBLICO, ORGANIZZAZIONE = str(S.VALORE_PUBBLICO), str(S.ORGANIZZAZIONE)
LAVORO_AGILE, FABBISOGNI, FORMAZIONE = str(S.LAVORO_AGILE), str(S.FABBISOGNI), str(S.FORMAZIONE)


@dataclass(frozen=True)
class Base3:
    """What section 3 is computed on: the staff register's year at whose 31/12 the PIAO starts
    (the year before the PIAO, or the register's last year before it, named as such), the
    people of the register, the ente's structures (engine), the budget's preventivi."""

    anno: int | None  # None: no register, or none of its years before the PIAO
    registro: tuple
    strutture: tuple
    preventivi: tuple


def base3(ente: m.Ente, anno: int) -> Base3:
    from cruscotto.engine import personale as pe

    reg = tuple(selectors.registro(ente) or ())
    prima = [a for a in pe.anni(reg) if a < anno]
    piano = selectors.current_plan(ente, anno)
    strutture = tuple(selectors.plan_for(piano).strutture) if piano is not None else ()
    preventivi = tuple(
        b.preventivo
        for a in range(anno - 1, anno + 4)
        if (b := selectors.bilancio(ente, a)) is not None and b.preventivo is not None
    )
    return Base3(max(prima) if prima else None, reg, strutture, preventivi)


@transaction.atomic
def sezioni_importa(*, user, ente: m.Ente, anno: int, vp=None, s3=None, fonte: str = "", inventata: bool = False):
    """Store 2.1 and section 3's parts of the PIAO of ``anno`` (made if new), each replacing what
    was there: the controllo di gestione or an amministratore. Each part is checked by its engine
    against the plan, the register and the budget first; any error refuses the whole, nothing
    written (:class:`SezioneNonValida`)."""
    if user is not None and not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(
            _("Solo il controllo di gestione o un amministratore carica le sezioni 2.1 e 3 del PIAO.")
        )
    from cruscotto.documents.piao import dati_sezioni

    parti = dati_sezioni(vp, s3)
    piao, _created = m.Piao.objects.get_or_create(ente=ente, anno=anno)
    rows = {s.sezione: s for s in m.SezionePiao.objects.select_for_update().filter(piao=piao)}
    # A table that did not come keeps what is stored (3.2's agreements when only its activities
    # are loaded): each table replaces its own part, nothing else.
    parti = [(sezione, {**(rows[sezione].dati if sezione in rows else {}), **d}) for sezione, d in parti]
    dati = {k: v.dati for k, v in rows.items()} | dict(parti)
    errors = [p for p in controlli3(ente, anno, dati) if p.severity == "error"]
    if errors:
        raise SezioneNonValida(errors)
    for sezione, d in parti:
        row = rows.get(sezione)
        before = {"fonte": row.fonte, "righe": _righe(row.dati)} if row else None
        row = row or m.SezionePiao(piao=piao, sezione=sezione)
        row.dati, row.fonte, row.inventata = d, fonte[:200], inventata
        row.save()
        after = {"fonte": row.fonte, "righe": _righe(d)}
        registra(
            user=user,
            azione="piao.sezione.importa",
            ente=ente,
            oggetto=f"PIAO {anno} {sezione}",
            prima=before,
            dopo=after,
        )
    return piao


def _righe(d) -> dict[str, int]:
    """How many records of each kind a section's data holds (what the audit trail keeps)."""
    return {k: len(v) for k, v in d.items() if isinstance(v, list)} if isinstance(d, dict) else {}


def _strategici(ente: m.Ente, anno: int) -> set[str]:
    piano = selectors.current_plan(ente, anno)
    if piano is None:
        return set()
    return {o.codice for o in selectors.plan_for(piano).obiettivi_strategici()}


def controlli3(ente: m.Ente, anno: int, dati: dict, b: Base3 | None = None) -> list[Problem]:
    """The checks of 2.1 and section 3 on their data (stored or about to be): each part by its
    engine, against the plan's strategic objectives and structures, the register and the budget.
    ``b``: section 3's base when the caller has it (read here only when a part of 3 is checked)."""
    from cruscotto.engine import fabbisogni as fa
    from cruscotto.engine import formazione as fo
    from cruscotto.engine import lavoro_agile as la
    from cruscotto.engine import organizzazione as og
    from cruscotto.engine import valore_pubblico as vp
    from cruscotto.engine.personale import dell_anno

    problems: list[Problem] = []
    if VALORE_PUBBLICO in dati:
        obiettivi = vp.valore_pubblico_from_data(dati[VALORE_PUBBLICO]["obiettivi"])
        problems += vp.controlla(obiettivi, strategici=_strategici(ente, anno), anni=(anno, anno + 1, anno + 2))
    if not any(k in dati for k in (ORGANIZZAZIONE, LAVORO_AGILE, FABBISOGNI, FORMAZIONE)):
        return problems
    b = b or base3(ente, anno)
    if b.anno is None:
        problems.append(
            Problem("piao_registro", _("manca il registro del personale di un anno prima del PIAO"), "personale")
        )
        return problems
    if ORGANIZZAZIONE in dati:
        assegnazioni = og.organizzazione_from_data(dati[ORGANIZZAZIONE]["assegnazioni"])
        problems += og.controlla(b.strutture, b.registro, assegnazioni, anno=b.anno)
    if LAVORO_AGILE in dati:
        attivita, accordi = la.lavoro_agile_from_data(dati[LAVORO_AGILE])
        strutture = {s.codice for s in b.strutture}
        problems += la.controlla(attivita, accordi, b.registro, anno=b.anno, strutture=strutture)
        problems += la.controlla_condizioni(la.condizioni_from_data(dati[LAVORO_AGILE].get("condizioni", ())))
    if FABBISOGNI in dati:
        cessazioni, assunzioni, parametri = fa.fabbisogni_from_data(dati[FABBISOGNI])
        if parametri is None:
            problems.append(Problem("piao_parametri", _("mancano i parametri del piano dei fabbisogni"), "parametri"))
        else:
            anni = (b.anno + 1, b.anno + 2, b.anno + 3)
            problems += fa.controlla(anni, b.registro, cessazioni, assunzioni, parametri, preventivi=b.preventivi)
    if FORMAZIONE in dati:
        corsi, partecipazioni = fo.formazione_from_data(dati[FORMAZIONE])
        problems += fo.controlla(corsi, partecipazioni, dell_anno(b.registro, b.anno))
    return problems


def sezione3(b: Base3, rows: dict, soglia: int, tutto: bool) -> dict:
    """Section 3 computed from the register of the base year (documents/piao.calcola_sezione3)."""
    from cruscotto.documents.piao import calcola_sezione3

    if b.anno is None:
        return {}
    dati = {k: r.dati for k, r in rows.items()}
    return calcola_sezione3(b.anno, b.strutture, b.registro, dati, soglia=soglia, tutto=tutto)


# --- adoption and the national portal ------------------------------------------------------------


@transaction.atomic
def piao_adotta(*, user, ente: m.Ente, anno: int, atto: str, atto_data: date) -> m.Piao:
    """Record the act that adopted the PIAO of ``anno`` (the controllo di gestione or an
    amministratore): an act and a date not in the future, on the audit trail."""
    if not permissions.can_edit_plan(user, ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore registra l'adozione del PIAO."))
    atto = " ".join(atto.split())[:200]
    if not atto:
        raise ValidationError({"atto": _("Manca l'atto di adozione (es. Delibera di Giunta n. 5).")})
    if atto_data > date.today():
        raise ValidationError({"atto_data": _("La data di adozione è nel futuro.")})
    p, _created = m.Piao.objects.select_for_update().get_or_create(ente=ente, anno=anno)
    before = {"atto": p.atto, "atto_data": p.atto_data.isoformat() if p.atto_data else None} if p.atto else None
    p.atto, p.atto_data = atto, atto_data
    p.save(update_fields=["atto", "atto_data"])
    after = {"atto": atto, "atto_data": atto_data.isoformat()}
    registra(user=user, azione="piao.adozione", ente=ente, oggetto=f"PIAO {anno}", prima=before, dopo=after)
    return p


# What a body with fewer than 50 employees compiles (DM 132/2022, art. 6): subsection 2.3 (the
# mapping of processes limited to the risk areas of L. 190/2012, art. 1 c. 16, and those the RPCT
# adds) and section 3's 3.1, 3.2 and 3.3; "esclusivamente" these (c. 4).
SEZIONI_SEMPLIFICATE = ("2.3", "3.1", "3.2", "3.3")
SOGLIA_DIPENDENTI = 50


def dipendenti(b: Base3) -> tuple[int, int] | None:
    """The staff at 31/12 of the year before the PIAO (or the register's last year before it):
    (the year, the number of people); None without a register."""
    from cruscotto.engine.personale import dell_anno

    return (b.anno, len(dell_anno(b.registro, b.anno))) if b.anno is not None else None


def semplificato(b: Base3) -> bool:
    """The body has fewer than 50 employees (DM 132/2022, art. 6): its PIAO is the simplified one.
    Without a staff register cruscotto cannot tell, and asks for the full template."""
    d = dipendenti(b)
    return d is not None and d[1] < SOGLIA_DIPENDENTI


@dataclass(frozen=True)
class Verifica:
    """A check before the PIAO is uploaded to the national portal: ``esito`` "ok", "manca" (the
    upload should wait) or "avviso" (to be read, not blocking)."""

    testo: str
    esito: str
    dettaglio: str = ""


def verifiche_portale(ente: m.Ente, anno: int, b: Base3 | None = None) -> list[Verifica]:
    """What cruscotto can check of the PIAO before it goes to the Portale PIAO (DM 132/2022, art.
    13): adopted with its act by 31 January; every section of the Piano-tipo compiled and free of
    errors of its rules; the scheda anagrafica's codice fiscale. The portal's own upload form asks
    for more (its referent's login, the file): those are done there. ``b``: section 3's base,
    when the caller has it."""
    b = b or base3(ente, anno)
    p = piao_di(ente, anno)
    out: list[Verifica] = []
    if p is None or not p.atto:
        out.append(Verifica(_("PIAO adottato con il suo atto"), "manca"))
    else:
        out.append(Verifica(_("PIAO adottato con il suo atto"), "ok", f"{p.atto}, {p.atto_data:%d/%m/%Y}"))
        if p.atto_data is not None and p.atto_data > date(anno, 1, 31):
            late = _("adottato oltre il 31 gennaio %(a)s (DL 80/2021, art. 6 c. 1)") % {"a": anno}
            out.append(Verifica(_("Adozione entro il 31 gennaio"), "avviso", late))
    rows = {s.sezione: s for s in p.sezioni.all()} if p is not None else {}
    piano = selectors.current_plan(ente, anno)
    presenti = [
        ("2.1", VALORE_PUBBLICO in rows),
        ("2.2", piano is not None),
        ("2.3", RISCHI in rows and TRASPARENZA in rows),
        ("3.1", ORGANIZZAZIONE in rows),
        ("3.2", LAVORO_AGILE in rows),
        ("3.3", FABBISOGNI in rows),
        (_("formazione"), FORMAZIONE in rows),
    ]
    piccolo_ente = semplificato(b)
    if piccolo_ente:  # DM 132/2022, art. 6: 2.3 and 3.1-3.3 only
        presenti = [(n, ok) for n, ok in presenti if n in SEZIONI_SEMPLIFICATE]
    mancanti = [n for n, ok in presenti if not ok]
    testo = _("Sezioni del PIAO semplificato compilate") if piccolo_ente else _("Sezioni del Piano-tipo compilate")
    out.append(Verifica(testo, "manca" if mancanti else "ok", ", ".join(mancanti)))
    errori = [x for x in _errori_sezioni(ente, anno, rows, b) if x.severity == "error"]
    out.append(
        Verifica(
            _("Nessun errore nelle regole delle sezioni"),
            "manca" if errori else "ok",
            "; ".join(f"{x.where}: {x.message}" for x in errori[:5]) + (" …" if len(errori) > 5 else ""),
        )
    )
    cf = ente.anagrafica.get("codice_fiscale", "")
    out.append(Verifica(_("Codice fiscale nella scheda anagrafica"), "ok" if cf else "manca", cf))
    inventate = sorted(k for k, r in rows.items() if r.inventata)
    if inventate:
        out.append(Verifica(_("Nessuna sezione inventata"), "manca", ", ".join(inventate)))
    return out


def _errori_sezioni(ente: m.Ente, anno: int, rows: dict, b: Base3) -> list[Problem]:
    problems = controlli3(ente, anno, {k: v.dati for k, v in rows.items()}, b)
    if RISCHI in rows or TRASPARENZA in rows:
        c = contesto23(ente, anno)
        if RISCHI in rows:
            r = ri.registro_from_data(rows[RISCHI].dati["registro"])
            problems += controlli(r, c, trattare_da(rows[RISCHI]))
        if TRASPARENZA in rows:
            obblighi_ = tr.obblighi_from_data(rows[TRASPARENZA].dati["obblighi"])
            problems += tr.controlla_obblighi(obblighi_, strutture=c.strutture)
    return problems
