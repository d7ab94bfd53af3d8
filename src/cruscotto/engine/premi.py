"""Differentiation of the evaluations and the premiums that follow them (issue 15, part 3).

**Distribution.** The final scores of a group (a category, an evaluator's team, the ente) as
a count, mean, quartiles and bands, and the ente's caps on it: "no more than 30% of the staff
at 90 or above" (``Tetto``). Breaking a cap is reported, never corrected.

**Premiums** (CCNL Funzioni locali 2016-2018 artt. 68-69, as configured by the ente's
integrative contract). Two amounts, for organisational and for individual performance, are
shared among the people in proportion to a weight:

    weight = category parameter × working time (part time: its %) × presence × score / 100

- presence: 1 − (days of absence beyond the allowance) / working days of the year;
- the organisational share uses the person's organisational figure (the entity's or their
  structure's), the individual share their card's final score;
- below the minimum score (``soglia_minima``) the individual premium is 0: the evaluation is
  not positive;
- the best evaluated, no more than ``quota_maggiorazione`` of those evaluated positively,
  get a further ``maggiorazione`` (at least 30%, art. 69) of the average individual premium of
  those evaluated positively. It comes from the same fund: with B the amount shared by weight,
  k people increased and n evaluated positively, B = F / (1 + k × m / n) and each increase is
  m × B / n, so that the total is exactly F. A tie at the edge of the share is not broken by
  chance: the whole tied group is left out of the increase when it does not fit.

Every amount carries its trace. Amounts are provisional until the Relazione is validated and
the evaluations are final (the caller says which). The figures are never rounded before the
end; the trace prints them as everywhere else.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from . import display
from .errors import Problem
from .lingua import _
from .scoring import fmt


@dataclass(frozen=True, slots=True)
class Distribuzione:
    n: int
    media: float | None
    minimo: float | None
    q1: float | None
    mediana: float | None
    q3: float | None
    massimo: float | None
    fasce: tuple[tuple[float, float, int], ...]  # (from, to, count): from ≤ score < to (the last: ≤ to)


FASCE = (0.0, 60.0, 70.0, 80.0, 90.0, 100.0)


def distribuzione(punteggi: Sequence[float | None], fasce: Sequence[float] = FASCE) -> Distribuzione:
    """The scores of a group (people without a final score are left out)."""
    xs = sorted(x for x in punteggi if x is not None)
    counts = []
    for i, (lo, hi) in enumerate(zip(fasce, fasce[1:], strict=False)):
        last = i == len(fasce) - 2
        counts.append((lo, hi, sum(1 for x in xs if lo <= x < hi or (last and x == hi))))
    if not xs:
        return Distribuzione(0, None, None, None, None, None, None, tuple(counts))
    if len(xs) == 1:
        q1 = med = q3 = xs[0]
    else:
        q1, med, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return Distribuzione(len(xs), statistics.fmean(xs), xs[0], q1, med, q3, xs[-1], tuple(counts))


@dataclass(frozen=True, slots=True)
class Tetto:
    """No more than ``quota_massima`` % of the group with a score of ``da`` or more."""

    da: float
    quota_massima: float


def controlla_tetti(punteggi: Sequence[float | None], tetti: Sequence[Tetto], where: str) -> list[Problem]:
    xs = [x for x in punteggi if x is not None]
    out = []
    for t in tetti:
        n = sum(1 for x in xs if x >= t.da)
        share = n / len(xs) * 100.0 if xs else 0.0
        if share > t.quota_massima + 1e-9:
            message = _("{n} persone su {tot} ({q}%) hanno {da} o più: il tetto è il {m}%").format(
                n=n, tot=len(xs), q=fmt(share), da=fmt(t.da), m=fmt(t.quota_massima)
            )
            out.append(Problem("tetto", message, where, severity="warning"))
    return out


@dataclass(frozen=True, slots=True)
class RegolePremi:
    """The integrative contract's rules (docs/valutazione.md)."""

    parametri: Mapping[str, float]  # category → parameter (e.g. D 1,00; C 0,90; B 0,80)
    soglia_minima: float = 60.0  # below it the evaluation is not positive: no individual premium
    quota_maggiorazione: float = 10.0  # % of those evaluated positively who may get the increase
    maggiorazione: float = 30.0  # % of the average individual premium (art. 69: at least 30)
    franchigia_assenze: float = 0.0  # days of absence that do not reduce the premium
    giorni_lavorativi: float = 250.0
    # The share of the fund for individual performance (CCNL 2016-2018 art. 68 c. 3: at least
    # 30% of the resources for performance premiums); the rest is for organisational performance.
    quota_individuale: float = 30.0
    tetti: tuple[Tetto, ...] = ()  # the caps on the distribution of the final scores
    fondi: tuple[Fondo, ...] = ()  # funds of their own (the dirigenza's), outside the ente's


@dataclass(frozen=True, slots=True)
class Fondo:
    """A fund of its own for some categories: the dirigenti's (and the Segretario generale's)
    retribuzione di risultato is paid from the dirigenza's fund (CCNL Area Funzioni locali), not
    from the staff's (PROG.INTEGR.FONDO). Its amount is the ente's decision, typed in the system.

    ``a_punteggio``: each person's equal part of the fund, scaled by working time, presence and
    score; what is not earned is a saving (economia) and is not shared among the others. The usual
    rule for the dirigenza: the retribuzione di risultato is a maximum reached at 100 points.
    Otherwise the fund is shared as the staff's (by category parameter and score)."""

    codice: str
    nome: str
    categorie: tuple[str, ...]
    importo: float
    quota_individuale: float = 30.0
    a_punteggio: bool = False


@dataclass(frozen=True, slots=True)
class Persona:
    """What a premium is computed from, for one person (a code, never a name)."""

    codice: str
    categoria: str
    punteggio_individuale: float | None  # the card's final score
    punteggio_organizzativo: float | None  # the entity's or the structure's figure
    tempo: float = 100.0  # % of full time
    assenze: float = 0.0  # days


@dataclass(frozen=True, slots=True)
class Premio:
    codice: str
    categoria: str
    organizzativo: float
    individuale: float
    maggiorazione: float
    trace: tuple[str, ...]

    @property
    def totale(self) -> float:
        return self.organizzativo + self.individuale + self.maggiorazione


def _euro(x: float) -> str:
    return "€ " + display.decimal(x, 2)


def _w(x: float) -> str:
    """A weight or a sum of weights with four decimals: enough for the trace to recompute the
    amount to the cent."""
    return display.decimal(x, 4)


def presenza(p: Persona, r: RegolePremi) -> float:
    counted = max(0.0, p.assenze - r.franchigia_assenze)
    return max(0.0, 1.0 - counted / r.giorni_lavorativi) if r.giorni_lavorativi else 1.0


def _pesi(
    persone: Sequence[Persona], r: RegolePremi, score_of: Callable[[Persona], float | None]
) -> tuple[dict[str, float], dict[str, str]]:
    weights, steps = {}, {}
    for p in persone:
        param = r.parametri.get(p.categoria)
        score = score_of(p)
        if param is None or score is None:
            weights[p.codice] = 0.0
            steps[p.codice] = (
                _("categoria {c} senza parametro: peso 0").format(c=p.categoria)
                if param is None
                else _("nessun punteggio: peso 0")
            )
            continue
        pres = presenza(p, r)
        w = param * p.tempo / 100.0 * pres * score / 100.0
        weights[p.codice] = w
        steps[p.codice] = _("peso {p} × {t}% × presenza {pr} × {s}% = {w}").format(
            p=fmt(param), t=fmt(p.tempo), pr=_w(pres), s=fmt(score), w=_w(w)
        )
    return weights, steps


def premi(
    persone: Sequence[Persona], *, fondo_organizzativa: float, fondo_individuale: float, regole: RegolePremi
) -> list[Premio]:
    """Each person's premiums, with the trace of each amount (module docstring)."""
    r = regole
    w_org, s_org = _pesi(persone, r, lambda p: p.punteggio_organizzativo)
    positive = [
        p for p in persone if p.punteggio_individuale is not None and p.punteggio_individuale >= r.soglia_minima
    ]
    w_ind, s_ind = _pesi(positive, r, lambda p: p.punteggio_individuale)
    best = _migliori(positive, r)
    n, k, m = len(positive), len(best), r.maggiorazione / 100.0
    base = fondo_individuale / (1.0 + k * m / n) if n else 0.0
    increase = m * base / n if n else 0.0
    tot_org, tot_ind = sum(w_org.values()), sum(w_ind.values())
    out = []
    for p in persone:
        steps = [s_org[p.codice]]
        org = fondo_organizzativa * w_org[p.codice] / tot_org if tot_org else 0.0
        steps.append(
            _("organizzativo: {f} × {w} / {t} = {x}").format(
                f=_euro(fondo_organizzativa), w=_w(w_org[p.codice]), t=_w(tot_org), x=_euro(org)
            )
        )
        if p.codice in w_ind:
            ind = base * w_ind[p.codice] / tot_ind if tot_ind else 0.0
            steps.append(s_ind[p.codice])
            steps.append(
                _("individuale: {b} × {w} / {t} = {x}").format(
                    b=_euro(base), w=_w(w_ind[p.codice]), t=_w(tot_ind), x=_euro(ind)
                )
            )
        else:
            ind = 0.0
            steps.append(
                _("individuale: punteggio {s} sotto la soglia di {m}: nessun premio individuale").format(
                    s=fmt(p.punteggio_individuale), m=fmt(r.soglia_minima)
                )
                if p.punteggio_individuale is not None
                else _("individuale: nessuna valutazione finale")
            )
        extra = increase if p.codice in best else 0.0
        if extra:
            steps.append(
                _("maggiorazione (tra i {k} migliori valutati): {m}% × {b} / {n} = {x}").format(
                    k=k, m=fmt(r.maggiorazione), b=_euro(base), n=n, x=_euro(extra)
                )
            )
        out.append(Premio(p.codice, p.categoria, org, ind, extra, tuple(steps)))
    return out


def _migliori(positive: Sequence[Persona], r: RegolePremi) -> set[str]:
    """Those who get the increase: the best scores, no more than the share; a tied group at the
    edge that does not fit whole is left out (not broken by chance)."""
    k = int(len(positive) * r.quota_maggiorazione / 100.0 + 1e-9)
    ranked = sorted(positive, key=lambda p: -(p.punteggio_individuale or 0.0))
    chosen: set[str] = set()
    i = 0
    while i < len(ranked):
        score = ranked[i].punteggio_individuale
        group = [p for p in ranked[i:] if p.punteggio_individuale == score]
        if len(chosen) + len(group) > k:
            break
        chosen |= {p.codice for p in group}
        i += len(group)
    return chosen


def premi_a_punteggio(
    persone: Sequence[Persona], *, fondo_organizzativa: float, fondo_individuale: float, regole: RegolePremi
) -> list[Premio]:
    """Each person's premiums from a fund ``a_punteggio`` (``Fondo``): an equal part of each
    amount, × working time × presence × score / 100 (the individual one only from the minimum
    score up)."""
    r = regole
    n = len(persone)
    out = []
    for p in persone:
        pres = presenza(p, r)
        steps = []
        amounts = []
        for label, fund, score, threshold in (
            (_("organizzativo"), fondo_organizzativa, p.punteggio_organizzativo, None),
            (_("individuale"), fondo_individuale, p.punteggio_individuale, r.soglia_minima),
        ):
            part = fund / n if n else 0.0
            if score is None:
                amounts.append(0.0)
                steps.append(_("{l}: nessun punteggio: nessun premio").format(l=label))
                continue
            if threshold is not None and score < threshold:
                amounts.append(0.0)
                steps.append(
                    _("{l}: punteggio {s} sotto la soglia di {m}: nessun premio").format(
                        l=label, s=fmt(score), m=fmt(threshold)
                    )
                )
                continue
            x = part * p.tempo / 100.0 * pres * score / 100.0
            amounts.append(x)
            steps.append(
                _("{l}: {f} / {n} × {t}% × presenza {pr} × {s}% = {x}").format(
                    l=label, f=_euro(fund), n=n, t=fmt(p.tempo), pr=_w(pres), s=fmt(score), x=_euro(x)
                )
            )
        out.append(Premio(p.codice, p.categoria, amounts[0], amounts[1], 0.0, tuple(steps)))
    return out


@dataclass(frozen=True, slots=True)
class Ripartizione:
    """One fund and what it pays: the ente's (PROG.INTEGR.FONDO) or one of its own (``Fondo``)."""

    codice: str
    nome: str
    importo: float
    organizzativa: float
    individuale: float
    premi: tuple[Premio, ...]
    a_punteggio: bool = False

    @property
    def pagato(self) -> float:
        return sum(p.totale for p in self.premi)

    @property
    def economia(self) -> float:
        """What the fund does not pay (only a fund ``a_punteggio`` leaves one); a shared fund's
        rounding noise (10⁻¹² €) is no saving."""
        x = self.importo - self.pagato
        return 0.0 if abs(x) < 0.005 else x


def ripartizione(persone: Sequence[Persona], *, fondo: float, regole: RegolePremi) -> list[Ripartizione]:
    """The premiums of everyone, fund by fund: the people of a fund of its own's categories are
    paid from it, everyone else from the ente's ``fondo``, each split by its ``quota_individuale``."""
    own = {c: f for f in regole.fondi for c in f.categorie}
    funds: list[tuple[str, str, float, float, bool, list[Persona]]] = [
        (
            "FONDO",
            _("Fondo per le risorse decentrate (performance)"),
            fondo,
            regole.quota_individuale,
            False,
            [p for p in persone if p.categoria not in own],
        )
    ]
    for f in regole.fondi:
        members = [p for p in persone if own.get(p.categoria) is f]
        funds.append((f.codice, f.nome, f.importo, f.quota_individuale, f.a_punteggio, members))
    out = []
    for code, name, amount, quota, a_punteggio, members in funds:
        ind = amount * quota / 100.0
        share = premi_a_punteggio if a_punteggio else premi
        lista = share(members, fondo_organizzativa=amount - ind, fondo_individuale=ind, regole=regole)
        out.append(Ripartizione(code, name, amount, amount - ind, ind, tuple(lista), a_punteggio))
    return out


def aggregati(lista: Sequence[Premio]) -> list[dict[str, float | int | str]]:
    """Per category, what d.lgs. 33/2013 art. 20 publishes: how many people, how many got a
    premium, the total paid and the largest and smallest premium; no names."""
    out: list[dict[str, float | int | str]] = []
    for cat in sorted({p.categoria for p in lista}):
        rows = [p for p in lista if p.categoria == cat]
        paid = [p.totale for p in rows if p.totale > 0]
        out.append(
            {
                "categoria": cat,
                "persone": len(rows),
                "con_premio": len(paid),
                "totale": sum(paid),
                "massimo": max(paid) if paid else 0.0,
                "minimo": min(paid) if paid else 0.0,
            }
        )
    return out


ALTRE = "altre categorie"

T = TypeVar("T")


def raggruppa(
    gruppi: Mapping[str, Sequence[T]], soglia: int, esenti: Collection[str] = ()
) -> list[tuple[str, list[T]]]:
    """The groups as they may be published: a category of 1 to ``soglia`` − 1 people would point
    at them (a premium of a category of two is nearly a name), so the small ones are published
    together as ``ALTRE``; if that group is still small, the smallest other category joins it,
    until it is not (or nothing is left), so that no figure can be worked out by difference.
    The ``esenti`` (the dirigenti: d.lgs. 33/2013 art. 14 publishes each by name) stay apart."""
    kept = {k: list(v) for k, v in gruppi.items()}
    small = sorted(k for k, v in kept.items() if 0 < len(v) < soglia and k not in esenti)
    if not small:
        return sorted(kept.items())
    merged: list[T] = []
    for k in small:
        merged += kept.pop(k)
    while len(merged) < soglia:
        others = sorted((len(v), k) for k, v in kept.items() if k not in esenti and v)
        if not others:
            break
        merged += kept.pop(others[0][1])
    return [*sorted(kept.items()), (ALTRE, merged)]


@dataclass(frozen=True, slots=True)
class Pubblicazione:
    """What d.lgs. 33/2013 art. 20 publishes of a year's evaluation: the premiums budgeted and
    paid by fund, the premiums by category and the distribution of the scores (the degree of
    differentiation), in aggregate form with no names (``raggruppa``)."""

    anno: int
    provvisorio: bool
    fondi: tuple[tuple[str, str, float, float, float], ...]  # code, name, budgeted, paid, saving
    premi: tuple[dict[str, float | int | str], ...]  # ``aggregati`` by published group
    distribuzione: tuple[tuple[str, Distribuzione], ...]
    soglia: int


def pubblicazione(
    anno: int,
    punteggi: Mapping[str, Sequence[float | None]],
    fondi: Sequence[Ripartizione],
    *,
    soglia: int,
    esenti: Collection[str] = (),
    provvisorio: bool = True,
) -> Pubblicazione:
    """``punteggi``: the final scores by category; ``fondi``: what ``ripartizione`` gave."""
    from dataclasses import replace

    lista = [p for f in fondi for p in f.premi]
    by_cat: dict[str, list[Premio]] = {}
    for p in lista:
        by_cat.setdefault(p.categoria, []).append(p)
    premi_g = [replace(p, categoria=label) for label, group in raggruppa(by_cat, soglia, esenti) for p in group]
    return Pubblicazione(
        anno=anno,
        provvisorio=provvisorio,
        fondi=tuple((f.codice, f.nome, f.importo, f.pagato, f.economia) for f in fondi),
        premi=tuple(aggregati(premi_g)),
        distribuzione=tuple((label, distribuzione(xs)) for label, xs in raggruppa(punteggi, soglia, esenti)),
        soglia=soglia,
    )
