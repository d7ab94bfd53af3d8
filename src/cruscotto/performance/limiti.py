"""Every text fits its column, and holds no NUL, on SQLite and PostgreSQL alike.

PostgreSQL refuses a text longer than its ``varchar`` or holding a NUL (a DataError, which was
a 500); SQLite stores both, and an ente's backup taken there then fails to restore on
PostgreSQL. The rule is checked here, once, from the models' own column definitions:

- before every save of a model of this application (a ``pre_save`` receiver, apps.py), as the
  last line: the forms and API schemas bound their fields first, with the field's own message;
- on a plan before it is imported (``plan_problems``): the preview lists each text that does
  not fit, with its place, so that nothing is half-imported.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from cruscotto.engine import model as em

from . import models as m

NUL = "\x00"


_FIELDS: dict[str, tuple[models.Field, ...]] = {}


def _text_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    # Every save asks: the answer is the model's, fixed once the models are loaded.
    label = model._meta.label
    if label not in _FIELDS:
        _FIELDS[label] = tuple(
            f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        )
    return _FIELDS[label]


def problems(obj: Any, model: type[models.Model], where: str) -> list[str]:
    """What in ``obj`` (a model instance, or an engine object with the same attribute names)
    does not fit ``model``'s text columns."""
    out = []
    for f in _text_fields(model):
        value = getattr(obj, f.attname, None)
        if not isinstance(value, str):
            continue
        if NUL in value:
            out.append(_("%(w)s: il campo «%(f)s» contiene il carattere NUL (\\0).") % {"w": where, "f": f.name})
        if f.max_length and len(value) > f.max_length:
            out.append(
                _("%(w)s: il campo «%(f)s» supera i %(n)s caratteri (ne ha %(l)s).")
                % {"w": where, "f": f.name, "n": f.max_length, "l": len(value)}
            )
    return out


def check(instance: models.Model) -> None:
    """Refuse to save a row whose texts do not fit (ValidationError, naming the field)."""
    found = problems(instance, type(instance), str(instance._meta.verbose_name))
    if found:
        raise ValidationError(found)


def on_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures and restores are checked by their own readers
        check(instance)


# Each part of an engine plan and the table it is stored in (services.piano_import).
_TABLES: tuple[tuple[type, type[models.Model]], ...] = (
    (em.Struttura, m.Struttura),
    (em.Evento, m.Evento),
    (em.Prospettiva, m.Prospettiva),
    (em.LineaStrategica, m.Linea),
    (em.ObiettivoStrategico, m.ObiettivoStrategico),
    (em.ObiettivoOperativo, m.ObiettivoOperativo),
    (em.Indicatore, m.Indicatore),
)


def plan_problems(piano: em.Piano) -> list[dict]:
    """The texts of an engine plan that would not fit their columns, as preview errors."""
    parts: list[Any] = [*piano.strutture, *piano.eventi, *piano.prospettive]
    parts += list(piano.linee()) + list(piano.obiettivi_strategici()) + list(piano.obiettivi_operativi())
    parts += list(piano.indicatori())
    out = [{"code": "colonna", "message": p, "where": "piano"} for p in problems(piano, m.Piano, _("piano"))]
    for part in parts:
        model = next(t for kind, t in _TABLES if isinstance(part, kind))
        where = f"{model._meta.verbose_name} {getattr(part, 'codice', '')[:40]}".strip()
        out += [{"code": "colonna", "message": p, "where": where} for p in problems(part, model, where)]
    return out
