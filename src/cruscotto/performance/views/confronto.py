"""Benchmarking across enti: the ente's catalogue indicators against its cluster's and the
installation's (performance/confronto.py holds the rules, engine/confronto.py the figures)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import confronto as co
from .. import models as m
from .. import selectors
from .base import _page, with_plan


def attributi_scelti(request, ente: m.Ente) -> list[str] | None:
    """The attributes the reader chose to form the cluster (``?per=regione&per=...``; ``?per=``
    alone: the whole installation), or None for the default."""
    if "per" not in request.GET:
        return None
    allowed = set(settings.CRUSCOTTO_CONFRONTO_ATTRIBUTI)
    return [a for a in request.GET.getlist("per") if a in allowed]


@with_plan
def confronto(request, ente, anno, piano):
    """Each of the ente's indicators in the installation's catalogue: its value, its rank, and
    the distribution over its cluster and over every ente (aggregates only)."""
    scelti = attributi_scelti(request, ente)

    def context() -> dict:
        data = co.confronto(ente, anno, scelti)
        plan = selectors.plan_for(piano)
        mine = {i.catalogo: i for i in plan.indicatori() if i.catalogo}
        voci = {v.codice: v for v in m.VoceCatalogo.objects.filter(codice__in=[r.codice for r in data["righe"]])}
        own_attrs = m.Ente.objects.filter(pk=ente.pk).values_list("attributi", flat=True).first() or {}
        rows = [{"r": r, "voce": voci.get(r.codice), "ind": mine.get(r.codice)} for r in data["righe"]]
        return {
            **data,
            "rows": rows,
            "scelte": [
                {"codice": a, "valore": own_attrs.get(a), "scelto": a in data["attributi"]}
                for a in settings.CRUSCOTTO_CONFRONTO_ATTRIBUTI
            ],
            "minimo": settings.CRUSCOTTO_CONFRONTO_MINIMO,
            "calcolato": timezone.localtime(),  # when these figures were computed: kept with them
            "senza_catalogo": not mine,
        }

    # The figures change with any ente's data (co.stato_installazione), the group with the choice.
    vary = (None if scelti is None else tuple(scelti), co.stato_installazione())
    return _page(request, "confronto", context, vary=vary)


def grafico_indicatore(ente: m.Ente, anno: int, ind) -> str:
    """The indicator page's chart of the ente's value among the others' (empty without a
    catalogue code or with too few enti to show)."""
    from cruscotto.charts import strip
    from cruscotto.engine import display

    if not ind.catalogo:
        return ""
    dots = co.valori_visibili(ente, anno, ind.catalogo)
    if len(dots) < settings.CRUSCOTTO_CONFRONTO_MINIMO:
        return ""
    xs = [d["valore"] for d in dots]
    own = next((d["valore"] for d in dots if d["proprio"]), None)
    title = _("%(n)s enti, da %(lo)s a %(hi)s") % {
        "n": len(dots),
        "lo": display.number(min(xs)),
        "hi": display.number(max(xs)),
    }
    if own is not None:
        title += "; " + _("questo ente: %(v)s") % {"v": display.number(own)}
    return strip([(d["valore"], d["ente"], d["proprio"]) for d in dots], title=title)
