"""Editing the plan in the application: each change is checked by the engine before it is written.

The change is applied to the plan's native data, the whole plan is read again
by the same reader as a plan file (so a target, weight or formula is checked
exactly as on import), and only then is the row written. A refused change
writes nothing and comes back with the reader's messages, by field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cruscotto.engine.errors import PlanError
from cruscotto.engine.validation import validate_plan
from cruscotto.files.native import plan_from_data

from . import models as m
from . import permissions, selectors
from .audit import registra
from .revisioni import bump

INDICATOR_FIELDS = (
    "nome",
    "algoritmo",
    "formula",
    "etichette",
    "polarita",
    "peso",
    "unita",
    "tipologia",
    "fonte",
    "strutture",
    "media_cluster",
    "target",
    "note",
    "cruscotto",
)
LEVEL_MODELS = {
    "prospettiva": m.Prospettiva,
    "linea": m.Linea,
    "obiettivo_strategico": m.ObiettivoStrategico,
    "obiettivo_operativo": m.ObiettivoOperativo,
}

# How each level reaches its plan, for filtering rows by plan and code.
PLAN_PATH = {
    "prospettiva": "piano",
    "linea": "prospettiva__piano",
    "obiettivo_strategico": "linea__prospettiva__piano",
    "obiettivo_operativo": "obiettivo_strategico__linea__prospettiva__piano",
}


def _walk(data: dict):
    """Yield (level, node dict) over the native tree; indicators as ("indicatore", dict, holder)."""
    for p in data.get("prospettive", []):
        yield "prospettiva", p, None
        for ln in p.get("linee", []):
            yield "linea", ln, p
            for os_ in ln.get("obiettivi_strategici", []):
                yield "obiettivo_strategico", os_, ln
                for i in os_.get("indicatori", []):
                    yield "indicatore", i, os_
                for oo in os_.get("obiettivi_operativi", []):
                    yield "obiettivo_operativo", oo, os_
                    for i in oo.get("indicatori", []):
                        yield "indicatore", i, oo


def _find(data: dict, level: str, code: str):
    for lv, node, holder in _walk(data):
        if lv == level and str(node.get("codice")) == code:
            return node, holder
    return None, None


def _check(data: dict) -> None:
    """Read and validate the changed plan; problems become field errors (validation errors block too)."""
    try:
        plan = plan_from_data(data, source="modifica")
        blocking = [p for p in validate_plan(plan) if p.severity == "error"]
        if blocking:
            raise PlanError(blocking, "modifica")
    except PlanError as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            field = p.where.rsplit(".", 1)[-1].split("[")[0] if p.where else "__all__"
            if field.isdigit():  # target.2020 -> target_2020
                field = "target_" + field
            errors.setdefault(
                field if field in INDICATOR_FIELDS or field.startswith("target_") or field == "peso" else "__all__", []
            ).append(
                f"{p.message}"
                + (f" ({p.where})" if field not in INDICATOR_FIELDS and not field.startswith("target_") else "")
            )
        raise ValidationError(errors) from None


def _require_editor(user, piano: m.Piano) -> None:
    if not permissions.can_edit_plan(user, piano.ente):
        raise PermissionDenied(_("Solo il controllo di gestione o un amministratore può modificare il piano."))
    if piano.stato_versione != m.Piano.StatoVersione.BOZZA:
        # An adopted plan is a legal act: its targets and weights change only by a rimodulazione.
        raise ValidationError(
            _("La versione %(v)s del piano è adottata: per cambiarla si avvia una rimodulazione.")
            % {"v": piano.versione}
        )


def _clean_indicator(values: dict) -> dict:
    out = {k: v for k, v in values.items() if k in INDICATOR_FIELDS and v not in (None, "", [], {})}
    if "target" in out:
        out["target"] = {str(y): t for y, t in out["target"].items() if str(t).strip()}
    return out


@transaction.atomic
def indicatore_aggiorna(*, user, piano: m.Piano, codice: str, values: dict) -> m.Indicatore:
    _require_editor(user, piano)
    row = piano.indicatori.select_for_update().get(codice=codice)
    data = selectors.plan_data(piano)
    node, _holder = _find(data, "indicatore", codice)
    before = {k: v for k, v in node.items() if k in INDICATOR_FIELDS}
    keep = {k: v for k, v in node.items() if k not in INDICATOR_FIELDS}
    node.clear()
    node.update(keep)
    node.update(_clean_indicator(values))
    _check(data)
    row.nome = node["nome"]
    row.algoritmo = node.get("algoritmo", "")
    row.formula = node.get("formula", "")
    row.etichette = node.get("etichette", [])
    row.polarita = node.get("polarita", "crescente")
    row.peso_testo = str(node.get("peso", "") or "")
    row.unita = node.get("unita", "")
    row.tipologia = node.get("tipologia", "")
    row.fonte = node.get("fonte", "")
    row.media_cluster = node.get("media_cluster", "")
    row.target = node.get("target", {})
    row.note = node.get("note", "")
    row.cruscotto = node.get("cruscotto", row.cruscotto)
    row.save()
    codes = node.get("strutture", [])
    structures = {s.codice: s for s in piano.ente.strutture.filter(codice__in=codes)}
    row.strutture.clear()
    for c in codes:
        row.strutture.add(
            structures[c] if c in structures else m.Struttura.objects.create(ente=piano.ente, codice=c, nome=c)
        )
    bump(piano)
    after = {k: v for k, v in node.items() if k in INDICATOR_FIELDS}
    prima = {k: v for k, v in before.items() if after.get(k) != v}
    dopo = {k: v for k, v in after.items() if before.get(k) != v}
    if prima or dopo:
        registra(user=user, azione="indicatore.modifica", piano=piano, oggetto=codice, prima=prima, dopo=dopo)
    return row


@transaction.atomic
def indicatore_crea(*, user, piano: m.Piano, livello: str, codice_padre: str, values: dict) -> m.Indicatore:
    _require_editor(user, piano)
    if livello not in ("obiettivo_strategico", "obiettivo_operativo"):
        raise ValidationError(_("Un indicatore si aggiunge a un obiettivo strategico o operativo."))
    data = selectors.plan_data(piano)
    holder, _parent = _find(data, livello, codice_padre)
    if holder is None:
        raise ValidationError(_("Obiettivo %(c)s non trovato.") % {"c": codice_padre})
    new = _clean_indicator(values)
    new["codice"] = (values.get("codice") or "").strip()
    if not new["codice"]:
        raise ValidationError({"codice": [_("Il codice è obbligatorio.")]})
    if piano.indicatori.filter(codice=new["codice"]).exists():
        raise ValidationError({"codice": [_("Il codice %(c)s è già usato.") % {"c": new["codice"]}]})
    holder.setdefault("indicatori", []).append(new)
    _check(data)
    if livello == "obiettivo_operativo":
        oo = m.ObiettivoOperativo.objects.get(
            obiettivo_strategico__linea__prospettiva__piano=piano, codice=codice_padre
        )
        os_ = oo.obiettivo_strategico
    else:
        oo = None
        os_ = m.ObiettivoStrategico.objects.get(linea__prospettiva__piano=piano, codice=codice_padre)
    last = piano.indicatori.order_by("-ordine").values_list("ordine", flat=True).first() or 0
    row = m.Indicatore.objects.create(
        piano=piano,
        obiettivo_strategico=os_,
        obiettivo_operativo=oo,
        codice=new["codice"],
        nome=new.get("nome", ""),
        ordine=last + 1,
    )
    registra(user=user, azione="indicatore.crea", piano=piano, oggetto=row.codice, dopo={"obiettivo": codice_padre})
    # the rest of the fields, through the same path as an update
    return indicatore_aggiorna(user=user, piano=piano, codice=row.codice, values=values)


@transaction.atomic
def indicatore_elimina(*, user, piano: m.Piano, codice: str) -> None:
    _require_editor(user, piano)
    data = selectors.plan_data(piano)
    _node, holder = _find(data, "indicatore", codice)
    if holder is None:
        raise ValidationError(_("Indicatore %(c)s non trovato.") % {"c": codice})
    holder["indicatori"] = [i for i in holder["indicatori"] if i.get("codice") != codice]
    _check(data)  # e.g. the fund or a scorecard still names it
    removed = _node
    piano.indicatori.filter(codice=codice).delete()
    bump(piano)
    registra(user=user, azione="indicatore.elimina", piano=piano, oggetto=codice, prima=removed)


@transaction.atomic
def nodo_aggiorna(*, user, piano: m.Piano, livello: str, codice: str, nome: str, peso: str, note: str) -> None:
    _require_editor(user, piano)
    data = selectors.plan_data(piano)
    node, _holder = _find(data, livello, codice)
    if node is None:
        raise ValidationError(_("Nodo %(c)s non trovato.") % {"c": codice})
    before = {k: node.get(k) for k in ("nome", "peso", "note")}
    node["nome"] = nome.strip()
    node["peso"] = peso.strip() or None
    node["note"] = note.strip() or None
    _check(data)
    LEVEL_MODELS[livello].objects.filter(**{PLAN_PATH[livello]: piano, "codice": codice}).update(
        nome=nome.strip(), peso_testo=peso.strip(), note=note.strip()
    )
    bump(piano)
    registra(
        user=user,
        azione=f"{livello}.modifica",
        piano=piano,
        oggetto=codice,
        prima=before,
        dopo={k: node.get(k) for k in ("nome", "peso", "note")},
    )


CHILD_LEVEL = {
    "piano": "prospettiva",
    "prospettiva": "linea",
    "linea": "obiettivo_strategico",
    "obiettivo_strategico": "obiettivo_operativo",
}
CHILD_KEY = {
    "prospettiva": "prospettive",
    "linea": "linee",
    "obiettivo_strategico": "obiettivi_strategici",
    "obiettivo_operativo": "obiettivi_operativi",
}


@transaction.atomic
def nodo_crea(
    *, user, piano: m.Piano, livello_padre: str, codice_padre: str | None, codice: str, nome: str, peso: str = ""
) -> None:
    """Add a perspective (under the plan), a line, a strategic or an operational objective."""
    _require_editor(user, piano)
    level = CHILD_LEVEL.get(livello_padre)
    if level is None:
        raise ValidationError(_("Livello non valido."))
    codice, nome = codice.strip(), nome.strip()
    if not codice or not nome:
        raise ValidationError({"codice" if not codice else "nome": [_("Campo obbligatorio.")]})
    data = selectors.plan_data(piano)
    if livello_padre == "piano":
        parent_node = data
    else:
        parent_node, _h = _find(data, livello_padre, codice_padre or "")
        if parent_node is None:
            raise ValidationError(_("Nodo %(c)s non trovato.") % {"c": codice_padre})
    if _find(data, level, codice)[0] is not None:
        raise ValidationError({"codice": [_("Il codice %(c)s è già usato.") % {"c": codice}]})
    parent_node.setdefault(CHILD_KEY[level], []).append(
        {"codice": codice, "nome": nome, **({"peso": peso.strip()} if peso.strip() else {})}
    )
    _check(data)
    siblings = len(parent_node[CHILD_KEY[level]]) - 1
    fields = {"codice": codice, "nome": nome, "peso_testo": peso.strip(), "ordine": siblings}
    if level == "prospettiva":
        m.Prospettiva.objects.create(piano=piano, **fields)
    elif level == "linea":
        m.Linea.objects.create(prospettiva=m.Prospettiva.objects.get(piano=piano, codice=codice_padre), **fields)
    elif level == "obiettivo_strategico":
        m.ObiettivoStrategico.objects.create(
            linea=m.Linea.objects.get(prospettiva__piano=piano, codice=codice_padre), **fields
        )
    else:
        m.ObiettivoOperativo.objects.create(
            obiettivo_strategico=m.ObiettivoStrategico.objects.get(
                linea__prospettiva__piano=piano, codice=codice_padre
            ),
            **fields,
        )
    bump(piano)
    registra(
        user=user,
        azione=f"{level}.crea",
        piano=piano,
        oggetto=codice,
        dopo={"nome": nome, "peso": peso.strip(), "padre": codice_padre},
    )


@transaction.atomic
def nodo_elimina(*, user, piano: m.Piano, livello: str, codice: str) -> None:
    """Delete an empty node (one with no children and no indicators): nothing is lost by accident."""
    _require_editor(user, piano)
    data = selectors.plan_data(piano)
    node, _h = _find(data, livello, codice)
    if node is None:
        raise ValidationError(_("Nodo %(c)s non trovato.") % {"c": codice})
    if any(node.get(k) for k in ("linee", "obiettivi_strategici", "obiettivi_operativi", "indicatori")):
        raise ValidationError(_("Il nodo %(c)s non è vuoto: prima sposti o elimini ciò che contiene.") % {"c": codice})
    LEVEL_MODELS[livello].objects.filter(**{PLAN_PATH[livello]: piano, "codice": codice}).delete()
    if livello == "prospettiva" and piano.extra.get("ambiti"):
        # An ambito names its perspectives by code: a deleted one leaves it.
        for a in piano.extra["ambiti"]:
            a["prospettive"] = [c for c in a.get("prospettive") or [] if str(c) != codice]
        piano.save(update_fields=["extra"])
    bump(piano)
    registra(
        user=user,
        azione=f"{livello}.elimina",
        piano=piano,
        oggetto=codice,
        prima={k: node.get(k) for k in ("nome", "peso")},
    )
