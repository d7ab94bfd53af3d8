"""Display helpers for the pages: the engine's display rules (engine/display.py) in the page's language."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cruscotto.engine import display

register = template.Library()

STATUS = {
    "raggiunto": ("success", _("raggiunto")),
    "parzialmente_raggiunto": ("warning", _("parzialmente raggiunto")),
    "non_raggiunto": ("danger", _("non raggiunto")),
    "senza_dati": ("secondary", _("senza dati")),
    "non_valutabile": ("secondary", _("non valutabile")),
    "in_attesa": ("info", _("in attesa")),
    "baseline": ("info", _("baseline")),
    "neutralizzato": ("secondary", _("neutralizzato")),
}


def _seps() -> tuple[str, str]:
    """The active language's separators (1.234,5 in Italian, 1,234.5 in English)."""
    return _seps_of(get_language())


@lru_cache(maxsize=8)
def _seps_of(_lingua: str | None) -> tuple[str, str]:
    # Once per language: a page of 5,000 indicators writes 10,000 figures (issue 16's tree page).
    return str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))


@lru_cache(maxsize=8)
def _yes_no(_lingua: str | None) -> tuple[str, str]:
    return str(_("sì")), str(_("no"))


@register.filter
def pct(value) -> str:
    return display.pct(value, seps=_seps())


STATI_OBBLIGO = {
    "in regola": _("in regola"),
    "in ritardo": _("in ritardo"),
    "mai pubblicato": _("mai pubblicato"),
    "da verificare": _("da verificare"),
}


@register.filter
def stato_obbligo(value) -> str:
    """A transparency obligation's state (engine/trasparenza.py) in the page's language."""
    return str(STATI_OBBLIGO.get(value, value))


@register.filter
def quota(value) -> str:
    """A share given as a fraction (0.146) as a percentage: 14,63%."""
    return display.pct(None if value is None else value * 100, seps=_seps())


@register.filter
def euro(value) -> str:
    """An amount in euro, always to the cent: € 12.000,00."""
    return display.euro(value, seps=_seps())


@register.filter
def num(value) -> str:
    return display.value(value, seps=_seps(), yes_no=_yes_no(get_language()))


@register.filter
def valore_salvato(text) -> str:
    """A stored value's text ("71,3", "10/08/2020", "si") written as every other figure of the
    page: 71,30, 10/08/2020, sì. Text that does not read as a value is shown as it is."""
    from cruscotto.engine.errors import ParseError
    from cruscotto.engine.numbers import parse_value

    if text in (None, ""):
        return display.DASH
    try:
        return num(parse_value(text))
    except ParseError:
        return str(text)


@register.filter
def target(t) -> str:
    """A target as printed, its figures grouped like the values beside it: "4.500" next to
    "4.130", not "4500" (engine/display.figures_in; numeric targets only, never a date)."""
    return display.target(t, seps=_seps())


@register.filter
def con_unita(value, t) -> str:
    """A value with the "%" its target is written with: "92,40%" beside "Target: 90%"."""
    text = num(value)
    if value is not None and not isinstance(value, bool) and getattr(t, "unita", "") == "%":
        return text + "%"
    return text


@register.simple_tag
def stato_testo(value) -> str:
    """A status in words, without the badge (a select's option)."""
    key = getattr(value, "value", value)
    return str(STATUS.get(key, ("", key))[1])


@register.simple_tag
def stato(value) -> str:
    """A status badge: colour plus text (colour is never the only cue)."""
    key = getattr(value, "value", value)
    _cls, label = STATUS.get(key, ("secondary", key))
    return format_html('<span class="badge stato stato-{}">{}</span>', key, label)


@register.simple_tag
def copertura(value, short=False) -> str:
    """What a figure was computed on (engine Copertura): "11 indicatori valutati su 37 con dati, 26 non
    valutabili, 4 senza dati". ``short``: "11/41 valutati" with the full text as a tooltip."""
    if value is None:
        return ""
    if value.totale == 0:
        return str(_("nessun indicatore"))
    full = copertura_text(value)
    if short:
        if value.completa:
            return ""
        label = _("%(v)s/%(t)s valutati") % {"v": value.valutati, "t": value.totale}
        return format_html('<span class="copertura small" title="{}">({})</span>', full, label)
    return format_html('<span class="copertura">{}</span>', full)


def copertura_text(value) -> str:
    """The engine's own words (Copertura.testo), in the page's language (engine/lingua.py)."""
    return value.testo()


@register.filter
def stato_class(value) -> str:
    key = getattr(value, "value", value)
    return STATUS.get(key, ("secondary", ""))[0]


@register.filter
def get(mapping, key):
    """mapping[key], trying the key as text too (JSON keys are strings: years)."""
    if not mapping:
        return None
    value = mapping.get(key)
    return mapping.get(str(key)) if value is None else value


LEVELS = {
    "ambito": _("ambito"),
    "prospettiva": _("prospettiva"),
    "linea": _("linea strategica"),
    "obiettivo_strategico": _("obiettivo strategico"),
    "obiettivo_operativo": _("obiettivo operativo"),
}


@register.filter
def livello(value) -> str:
    """A tree level's name as people write it."""
    return str(LEVELS.get(value, value))
