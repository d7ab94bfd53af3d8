"""PIAO 3.3, Piano triennale dei fabbisogni di personale (DM 132/2022, art. 4 c. 1 lett. c;
d.lgs. 165/2001, artt. 6 and 6-ter; the Department's *Linee di indirizzo* of DM 8 maggio 2018):
the staff by category at 31/12 of the year before the plan, the leavers and hires the plan
foresees, and for each of its three years the staff at the year's end, its cost, the hiring
capacity and what the hires use of it, checked against the limits and the budget.

**The figures are the ente's, never constants here.** Which rule sets the capacity, and with
what figures, depends on the kind of body and on the year, and the norms change often:
- the *turnover* rule gives, each year, a percentage of the yearly cost of the previous year's
  leavers that may be spent on hires (DL 24 giugno 2014 n. 90, art. 3, for State
  administrations and non-economic public bodies, and the budget laws that change its
  percentages); the ente gives it per year (``Parametri.turnover``). Comuni, province and
  regioni compute it instead from the ratio of personnel spending to current revenue (DL 30
  aprile 2019 n. 34, art. 33, and its decrees), which this rule does not model: such an ente
  enters its capacity as ``residui`` with no turnover;
- capacity not used in earlier years may be used later where the norms allow it: the ente
  declares it (``residui``) and says whether this plan's unused capacity passes to the next year
  (``riporto``);
- a mode of hiring may use no capacity, e.g. a transfer between bodies both under hiring
  limits (L. 30 dicembre 2004 n. 311, art. 1 c. 47): the ente names such modes
  (``fuori_capacita``); by default every hire uses it;
- the cap on personnel spending is a figure the ente gives (``tetto``), e.g. the average of
  2011-2013 (L. 27 dicembre 2006 n. 296, art. 1 c. 557-quater) or the 2008 spending (c. 562);
- the yearly cost of one person per category (``costi``) is the ente's, on the same basis as
  the cap it is compared with (pay, contributions, IRAP, as its own accounts count them).

**Choices where the law is silent.** A year's cost is the full-year cost of the staff at its
end (*a regime*): a hire counts a whole year even if made in the autumn, a leaver saves a whole
year; without hiring dates this is the figure that can be traced, and for a cap it is the
prudent one in a year of hires. A *progressione verticale* moves people from ``da_categoria``
to the hire's category: they leave the first, and what it uses of the capacity and adds to the
cost is the difference of the two costs. A leaver dated in the year before the plan is already
out of the register at 31/12 and only gives the first year's capacity.

Every total is the sum of its ``Addendo`` rows (what, which year, which category, how many
people at what unit cost), so that a reader can rebuild it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .bilancio import Preventivo, euro_it
from .errors import Problem
from .lingua import _
from .personale import CATEGORIE, DIRIGENTE, Dipendente, dell_anno, per_categoria

MODALITA = ("concorso", "mobilità", "progressione verticale", "stabilizzazione", "altro")
PROGRESSIONE = "progressione verticale"
TOLLERANZA = 0.005  # amounts have at most two decimals


@dataclass(frozen=True, slots=True)
class Cessazione:
    """A planned leaver: a named person (the category is the register's) or one of a category."""

    data: date
    motivo: str  # "pensione", "dimissioni", "mobilità in uscita", "fine contratto", ...
    matricola: str = ""
    categoria: str = ""


@dataclass(frozen=True, slots=True)
class Assunzione:
    """Planned hires of one year, category and mode."""

    anno: int
    categoria: str
    numero: int
    modalita: str  # one of MODALITA
    costo_unitario: float  # the yearly cost of one person hired
    da_categoria: str = ""  # a progressione verticale: the category the people come from


@dataclass(frozen=True, slots=True)
class Parametri:
    """The ente's figures and rules (see the module's docstring for the norms that set them)."""

    costi: Mapping[str, float]  # category -> yearly cost of one person
    turnover: Mapping[int, float] = field(default_factory=dict)  # year -> % of the previous year's leavers' cost
    tetto: float | None = None  # the cap on personnel spending
    residui: float = 0.0  # capacity of earlier years usable from the plan's first year
    riporto: bool = False  # a year's unused capacity passes to the next
    fuori_capacita: frozenset[str] = frozenset()  # modes that use no capacity


@dataclass(frozen=True, slots=True)
class Addendo:
    """One term of a total: importo = persone x costo_unitario x quota."""

    voce: str  # "in servizio", "cessazioni", "assunzioni", "progressioni", "turnover", "residui", "riporto"
    anno: int
    categoria: str
    persone: int
    costo_unitario: float
    importo: float
    quota: float = 1.0
    modalita: str = ""


@dataclass(frozen=True, slots=True)
class AnnoFabbisogni:
    anno: int
    personale: dict[str, int]  # by category at 31/12 (below zero when the plan is wrong: the checks say so)
    costo: float  # the full-year cost of that staff
    costo_voci: tuple[Addendo, ...]
    capacita: float
    capacita_voci: tuple[Addendo, ...]
    utilizzo: float  # what the year's hires use of the capacity
    utilizzo_voci: tuple[Addendo, ...]

    @property
    def residuo(self) -> float:
        return self.capacita - self.utilizzo


@dataclass(frozen=True, slots=True)
class PianoFabbisogni:
    anno_base: int  # the year before the plan: the register's staff at its 31/12
    personale_base: dict[str, int]
    anni: tuple[AnnoFabbisogni, ...]


ORDINE = (*CATEGORIE, DIRIGENTE)


def _uscite(anni: Sequence[int], registro: Sequence[Dipendente], cessazioni: Sequence[Cessazione]) -> list[str]:
    """Each leaver's category as counted ("" when not counted: ``controlla`` says why). A named
    leaver of the plan's years must be in service at 31/12 before the plan and takes the register's
    category; one of the year before the plan is already out of that register and takes the given
    category, or the register's latest; a person leaving again is not counted again."""
    base = anni[0] - 1
    in_servizio = {d.matricola: d.categoria for d in dell_anno(registro, base)}
    ultima = {d.matricola: d.categoria for d in sorted(registro, key=lambda d: d.anno) if d.anno <= base}
    visti: set[str] = set()
    out = []
    for c in cessazioni:
        if not base <= c.data.year <= anni[-1] or (c.matricola and c.matricola in visti):
            out.append("")
        elif c.matricola and c.data.year > base:
            out.append(in_servizio.get(c.matricola, ""))
        else:
            cat = c.categoria or ultima.get(c.matricola, "")
            out.append(cat if cat in ORDINE else "")
        visti.add(c.matricola)
    return out


def _valida(a: Assunzione) -> bool:
    """A hire that can be counted: a known category and mode, a number, its category of origin
    for a progression (the others are only reported, by ``controlla``)."""
    origine = a.da_categoria in ORDINE if a.modalita == PROGRESSIONE else True
    return a.categoria in ORDINE and a.modalita in MODALITA and a.numero > 0 and origine


def _costo_anno(
    anno: int, usciti: list[tuple[int, str]], assunzioni: Sequence[Assunzione], costi: Mapping[str, float]
) -> list[Addendo]:
    """What the year's leavers, hires and progressions change in the cost of the staff."""
    out = []
    for c in ORDINE:
        n = sum(1 for y, cat in usciti if y == anno and cat == c)
        if n:
            out.append(Addendo("cessazioni", anno, c, -n, costi.get(c, 0.0), -n * costi.get(c, 0.0)))
    for a in (a for a in assunzioni if a.anno == anno and _valida(a)):
        importo = a.numero * a.costo_unitario
        out.append(Addendo("assunzioni", anno, a.categoria, a.numero, a.costo_unitario, importo, 1.0, a.modalita))
        if a.modalita == PROGRESSIONE:
            unit = costi.get(a.da_categoria, 0.0)
            out.append(Addendo("progressioni", anno, a.da_categoria, -a.numero, unit, -a.numero * unit))
    return out


def calcola(
    anni: Sequence[int],
    persone: Iterable[Dipendente],
    cessazioni: Sequence[Cessazione],
    assunzioni: Sequence[Assunzione],
    parametri: Parametri,
) -> PianoFabbisogni:
    """The plan's years (``anni``, in order), each traced to its terms. What the checks refuse (a
    leaver not counted, a hire of an unknown category or mode, a category without a cost) counts as
    nothing; ``controlla`` says where."""
    registro = list(persone)
    base = anni[0] - 1
    staff = per_categoria(dell_anno(registro, base))
    usciti = [(c.data.year, cat) for c, cat in zip(cessazioni, _uscite(anni, registro, cessazioni)) if cat]
    costi = parametri.costi
    costo_voci = [
        Addendo("in servizio", base, c, n, costi.get(c, 0.0), n * costi.get(c, 0.0)) for c, n in staff.items()
    ]
    riporto = parametri.residui
    out = []
    for anno in anni:
        costo_voci += _costo_anno(anno, usciti, assunzioni, costi)
        capacita_voci = _capacita(anno, base, usciti, parametri, riporto)
        utilizzo_voci = _utilizzo(anno, assunzioni, parametri)
        capacita = sum(x.importo for x in capacita_voci)
        utilizzo = sum(x.importo for x in utilizzo_voci)
        personale = {c: sum(x.persone for x in costo_voci if x.categoria == c) for c in ORDINE}
        out.append(
            AnnoFabbisogni(
                anno=anno,
                personale={c: n for c, n in personale.items() if n},
                costo=sum(x.importo for x in costo_voci),
                costo_voci=tuple(costo_voci),
                capacita=capacita,
                capacita_voci=tuple(capacita_voci),
                utilizzo=utilizzo,
                utilizzo_voci=tuple(utilizzo_voci),
            )
        )
        riporto = capacita - utilizzo if parametri.riporto else 0.0
    return PianoFabbisogni(base, staff, tuple(out))


def _capacita(anno: int, base: int, usciti: list[tuple[int, str]], p: Parametri, riporto: float) -> list[Addendo]:
    """The year's capacity: the turnover share of the previous year's leavers' yearly cost, and
    what is carried (``residui`` in the first year, then the unused part if ``riporto``)."""
    quota = p.turnover.get(anno, 0.0) / 100
    out = []
    for c in ORDINE:
        n = sum(1 for y, cat in usciti if y == anno - 1 and cat == c)
        if n:
            unit = p.costi.get(c, 0.0)
            out.append(Addendo("turnover", anno - 1, c, n, unit, n * unit * quota, quota))
    if riporto > 0:
        out.append(Addendo("residui" if anno == base + 1 else "riporto", anno - 1, "", 0, 0.0, riporto))
    return out


def _utilizzo(anno: int, assunzioni: Sequence[Assunzione], p: Parametri) -> list[Addendo]:
    out = []
    for a in assunzioni:
        if a.anno != anno or a.modalita in p.fuori_capacita or not _valida(a):
            continue
        unit = a.costo_unitario
        if a.modalita == PROGRESSIONE:  # what it adds: the difference between the two categories
            unit -= p.costi.get(a.da_categoria, 0.0)
        out.append(Addendo("assunzioni", anno, a.categoria, a.numero, unit, a.numero * unit, 1.0, a.modalita))
    return out


def _dove_cessazione(k: int, c: Cessazione) -> str:
    return f"cessazione {k} ({c.matricola or c.categoria or '-'}, {c.data.strftime('%d/%m/%Y')})"


def _controlla_cessazioni(
    anni: Sequence[int], registro: Sequence[Dipendente], cessazioni: Sequence[Cessazione]
) -> list[Problem]:
    base = anni[0] - 1
    in_servizio = {d.matricola: d.categoria for d in dell_anno(registro, base)}
    problems: list[Problem] = []
    visti: set[str] = set()
    for k, (c, cat) in enumerate(zip(cessazioni, _uscite(anni, registro, cessazioni)), start=1):
        where = _dove_cessazione(k, c)
        registered = in_servizio.get(c.matricola, "")
        if not base <= c.data.year <= anni[-1]:
            message = _("data fuori dagli anni {a}-{b} (il piano e l'anno prima)").format(a=base, b=anni[-1])
            problems.append(Problem("fabbisogni_cessazione_anno", message, where))
        elif c.matricola in visti:
            problems.append(Problem("fabbisogni_cessazione_doppia", _("persona già cessata"), where))
        elif c.matricola and c.data.year > base and not registered:
            message = _("matricola non in servizio al 31/12/{anno}: {m}").format(anno=base, m=c.matricola)
            problems.append(Problem("fabbisogni_cessazione_matricola", message, where))
        elif c.categoria and c.categoria not in ORDINE:
            problems.append(
                Problem("fabbisogni_categoria", _("categoria sconosciuta: {c}").format(c=c.categoria), where)
            )
        elif not cat:
            problems.append(Problem("fabbisogni_categoria", _("manca la categoria"), where))
        if c.categoria and registered and c.categoria != registered:
            message = _("categoria {c} diversa da quella del registro ({r})").format(c=c.categoria, r=registered)
            problems.append(Problem("fabbisogni_categoria", message, where))
        if not c.motivo.strip():
            problems.append(Problem("fabbisogni_motivo", _("manca il motivo"), where))
        if c.matricola:
            visti.add(c.matricola)
    return problems


def _controlla_assunzioni(anni: Sequence[int], assunzioni: Sequence[Assunzione]) -> list[Problem]:
    problems: list[Problem] = []

    def err(code: str, message: str, where: str) -> None:
        problems.append(Problem(code, message, where))

    for k, a in enumerate(assunzioni, start=1):
        where = f"assunzione {k} ({a.anno}, {a.categoria}, {a.modalita})"
        if a.anno not in anni:
            err("fabbisogni_assunzione_anno", _("anno fuori dal piano: {a}").format(a=a.anno), where)
        if a.categoria not in ORDINE:
            err("fabbisogni_categoria", _("categoria sconosciuta: {c}").format(c=a.categoria), where)
        if a.numero <= 0:
            err("fabbisogni_numero", _("numero di assunzioni non positivo: {n}").format(n=a.numero), where)
        if a.modalita not in MODALITA:
            message = _("modalità non ammessa ({ammesse}): {m}").format(ammesse=", ".join(MODALITA), m=a.modalita)
            err("fabbisogni_modalita", message, where)
        if not a.costo_unitario > 0:
            err("fabbisogni_costo", _("costo unitario non positivo: {c}").format(c=a.costo_unitario), where)
        if a.modalita == PROGRESSIONE and a.da_categoria not in ORDINE:
            message = _("progressione verticale senza la categoria di provenienza: {c}").format(c=a.da_categoria or "-")
            err("fabbisogni_progressione", message, where)
    return problems


def _controlla_parametri(
    anni: Sequence[int], piano: PianoFabbisogni, assunzioni: Sequence[Assunzione], p: Parametri
) -> list[Problem]:
    usate = {c for x in piano.anni for c in (v.categoria for v in x.costo_voci + x.capacita_voci) if c}
    usate |= {a.da_categoria for a in assunzioni if a.modalita == PROGRESSIONE and a.da_categoria}
    problems = [
        Problem("fabbisogni_costo", _("manca il costo annuo unitario della categoria"), f"categoria {c}")
        for c in ORDINE
        if c in usate and c not in p.costi
    ]
    for anno in anni:
        if anno not in p.turnover and any(a.anno == anno and a.modalita not in p.fuori_capacita for a in assunzioni):
            message = _("manca la percentuale di turnover dell'anno")
            problems.append(Problem("fabbisogni_turnover", message, f"anno {anno}"))
    return problems


def _controlla_anni(piano: PianoFabbisogni, p: Parametri, preventivi: Mapping[int, Preventivo]) -> list[Problem]:
    problems: list[Problem] = []
    for x in piano.anni:
        where = f"anno {x.anno}"
        for c, n in x.personale.items():
            if n < 0:
                message = _("personale negativo al 31/12: {n}").format(n=n)
                problems.append(Problem("fabbisogni_negativo", message, f"{where}, categoria {c}"))
        if x.utilizzo > x.capacita + TOLLERANZA:
            message = _("le assunzioni usano {u} euro, oltre la capacità assunzionale di {c} euro").format(
                u=euro_it(x.utilizzo), c=euro_it(x.capacita)
            )
            problems.append(Problem("fabbisogni_capacita", message, where))
        if p.tetto is not None and x.costo > p.tetto + TOLLERANZA:
            message = _("costo del personale di {c} euro oltre il tetto di spesa di {t} euro").format(
                c=euro_it(x.costo), t=euro_it(p.tetto)
            )
            problems.append(Problem("fabbisogni_tetto", message, where))
        bilancio = preventivi.get(x.anno)
        if bilancio is not None and bilancio.riga("6") is not None:
            previsto = abs(bilancio.valore("6", "preventivo"))  # costs are printed negative
            if x.costo > previsto + TOLLERANZA:
                message = _("costo del personale di {c} euro oltre la voce 6 Personale del preventivo ({b} euro)")
                problems.append(
                    Problem(
                        "fabbisogni_bilancio",
                        message.format(c=euro_it(x.costo), b=euro_it(previsto)),
                        f"{where}, preventivo, riga 6 Personale",
                    )
                )
    return problems


def controlla(
    anni: Sequence[int],
    persone: Iterable[Dipendente],
    cessazioni: Sequence[Cessazione],
    assunzioni: Sequence[Assunzione],
    parametri: Parametri,
    *,
    preventivi: Iterable[Preventivo] = (),
) -> list[Problem]:
    """Each problem at its place: leavers (a date outside the plan and the year before it, a person
    not in service at 31/12 of the year before the plan, one leaving twice, no or a different
    category, no reason), hires (a year outside the plan, an unknown category or mode, a number or
    cost not positive, a progression without its category of origin), the ente's figures (a cost
    or a turnover percentage missing), and for each year: staff below zero, hires beyond the
    capacity, a cost above the cap or above the budget's row 6 Personale of that year."""
    registro = list(persone)
    piano = calcola(anni, registro, cessazioni, assunzioni, parametri)
    return [
        *_controlla_cessazioni(anni, registro, cessazioni),
        *_controlla_assunzioni(anni, assunzioni),
        *_controlla_parametri(anni, piano, assunzioni, parametri),
        *_controlla_anni(piano, parametri, {p.anno: p for p in preventivi}),
    ]


def fabbisogni_to_data(
    cessazioni: Iterable[Cessazione], assunzioni: Iterable[Assunzione], parametri: Parametri | None
) -> dict[str, Any]:
    """The leavers, the hires and the ente's figures as JSON-ready data, dates as ISO text."""
    p = parametri
    return {
        "cessazioni": [
            {"data": c.data.isoformat(), "motivo": c.motivo, "matricola": c.matricola, "categoria": c.categoria}
            for c in cessazioni
        ],
        "assunzioni": [
            {
                "anno": a.anno,
                "categoria": a.categoria,
                "numero": a.numero,
                "modalita": a.modalita,
                "costo_unitario": a.costo_unitario,
                "da_categoria": a.da_categoria,
            }
            for a in assunzioni
        ],
        "parametri": None
        if p is None
        else {
            "costi": dict(p.costi),
            "turnover": {str(y): v for y, v in p.turnover.items()},
            "tetto": p.tetto,
            "residui": p.residui,
            "riporto": p.riporto,
            "fuori_capacita": sorted(p.fuori_capacita),
        },
    }


def fabbisogni_from_data(
    d: Mapping[str, Any],
) -> tuple[tuple[Cessazione, ...], tuple[Assunzione, ...], Parametri | None]:
    """The leavers, the hires and the ente's figures back from :func:`fabbisogni_to_data`."""
    cessazioni = tuple(
        Cessazione(date.fromisoformat(c["data"]), c["motivo"], c.get("matricola", ""), c.get("categoria", ""))
        for c in d.get("cessazioni", ())
    )
    assunzioni = tuple(
        Assunzione(
            a["anno"], a["categoria"], a["numero"], a["modalita"], a["costo_unitario"], a.get("da_categoria", "")
        )
        for a in d.get("assunzioni", ())
    )
    p = d.get("parametri")
    parametri = (
        None
        if p is None
        else Parametri(
            costi=dict(p.get("costi", {})),
            turnover={int(y): v for y, v in p.get("turnover", {}).items()},
            tetto=p.get("tetto"),
            residui=p.get("residui", 0.0),
            riporto=p.get("riporto", False),
            fuori_capacita=frozenset(p.get("fuori_capacita", ())),
        )
    )
    return cessazioni, assunzioni, parametri
