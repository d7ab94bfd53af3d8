"""Who may do what: the one permission matrix, used by pages, services and (later) the API.

| action                  | amministratore | controllo | responsabile             | oiv | consultazione |
|-------------------------|----------------|-----------|--------------------------|-----|---------------|
| read everything         | yes            | yes       | yes                      | yes | yes           |
| edit the plan, events   | yes            | yes       | no                       | no  | no            |
| enter values            | yes            | yes       | own structures + TRASV.  | no  | no            |
| comment, validate       | no             | no        | no                       | yes | no            |
| manage users and roles  | yes            | no        | no                       | no  | no            |

The RPCT (responsabile della prevenzione della corruzione e della trasparenza) reads everything
like every role, loads the PIAO's subsection 2.3 (risk register, transparency table: it is the
RPCT's proposal, L. 190/2012 art. 1 c. 8) and enters the implementation of every measure; an
amministratore may do the same. A responsabile enters the measures his structures own; the
controllo di gestione and the OIV read them (the OIV checks them, it does not write them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import models as m

TRASVERSALE = "TRASVERSALE"
EDITORS = {m.Ruolo.Tipo.AMMINISTRATORE, m.Ruolo.Tipo.CONTROLLO}
ACTIONS = ("read", "edit_plan", "enter_value", "validate", "manage_users")


@dataclass(frozen=True)
class Grants:
    """A user's roles in one ente: role types and the structure codes of his responsabile role."""

    ruoli: frozenset[str]
    strutture: frozenset[str]

    @property
    def any(self) -> bool:
        return bool(self.ruoli)


@lru_cache(maxsize=4)
def _roles_sql(vendor: str) -> str:
    # Asked on every page: the ORM writes the SQL once per process (building it costs more than running it).
    sql, params = (
        m.Ruolo.objects.filter(utente_id=0).values_list("ente_id", "tipo", "strutture__codice").query.sql_with_params()
    )
    assert params == (0,), params
    return sql


def _roles(user_id: int) -> list[tuple[int, str, str | None]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_roles_sql(connection.vendor), [user_id])
        return cur.fetchall()


def grants_table(rows) -> dict[int, tuple[set[str], set[str]]]:
    """Ente → (role types, structure codes) from rows (ente id, role type, structure code): a
    role with several structures comes once per structure, a role with none once with None; a
    row of Nones (a user without roles, read with a LEFT JOIN) adds nothing."""
    table: dict[int, tuple[set[str], set[str]]] = {}
    for role_ente, tipo, codice in rows:
        if role_ente is None:
            continue
        tipos, codes = table.setdefault(role_ente, (set(), set()))
        tipos.add(tipo)
        if codice:
            codes.add(codice)
    return table


def grants(user, ente_id: int | None) -> Grants:
    """Roles of ``user`` in ente ``ente_id`` (None: in any ente), cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Grants(frozenset(), frozenset())
    cache = getattr(user, "_cruscotto_grants", None)
    if cache is None:
        # One query (not by ``ente_id``: that is the question asked). The session's user comes
        # with its roles already, read with its row (web/hot.py): then no query here.
        cache = user._cruscotto_grants = grants_table(_roles(user.pk))
    if ente_id is None:
        tipos = set().union(*(t for t, _ in cache.values())) if cache else set()
        codes = set().union(*(c for _, c in cache.values())) if cache else set()
    else:
        tipos, codes = cache.get(ente_id, (set(), set()))
    if user.is_superuser:
        tipos = set(tipos) | {m.Ruolo.Tipo.AMMINISTRATORE}
    return Grants(frozenset(tipos), frozenset(codes))


def can_read(user, ente: m.Ente) -> bool:
    return grants(user, ente.pk).any


def can_edit_plan(user, ente: m.Ente | None) -> bool:
    return bool(grants(user, ente.pk if ente else None).ruoli & EDITORS)


def can_enter_value(user, indicatore: m.Indicatore) -> bool:
    g = grants(user, indicatore.piano.ente_id)
    if g.ruoli & EDITORS:
        return True
    if m.Ruolo.Tipo.RESPONSABILE not in g.ruoli:
        return False
    codes = {s.codice for s in indicatore.strutture.all()}
    return TRASVERSALE in codes or bool(codes & g.strutture)


def can_validate(user, ente: m.Ente) -> bool:
    return m.Ruolo.Tipo.OIV in grants(user, ente.pk).ruoli


def can_manage_users(user, ente: m.Ente) -> bool:
    return m.Ruolo.Tipo.AMMINISTRATORE in grants(user, ente.pk).ruoli


def can_edit_rischi(user, ente: m.Ente) -> bool:
    """Load the PIAO's 2.3 (risk register, transparency table): the RPCT or an amministratore."""
    return bool(grants(user, ente.pk).ruoli & {m.Ruolo.Tipo.RPCT, m.Ruolo.Tipo.AMMINISTRATORE})


def can_enter_misura(user, ente: m.Ente, responsabile: str) -> bool:
    """Enter the implementation of a 2.3 measure owned by structure ``responsabile``."""
    g = grants(user, ente.pk)
    if g.ruoli & {m.Ruolo.Tipo.RPCT, m.Ruolo.Tipo.AMMINISTRATORE}:
        return True
    return m.Ruolo.Tipo.RESPONSABILE in g.ruoli and (responsabile == TRASVERSALE or responsabile in g.strutture)
