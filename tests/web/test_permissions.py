"""The permission matrix: every role against every write action, in one table.

✓ = allowed (the request is served: 200, 302 or a 422 refusal of the value),
✗ = refused with 403 and nothing written.
"""

from __future__ import annotations

import pytest

ROLES = ["admin", "controllo", "responsabile", "oiv", "consultazione"]

# action: (method, url, data, who may)
ACTIONS = {
    "valore, propria struttura": (
        "post",
        "/CCIAA-PT/2020/monitoraggio/B.2.1-1/",
        {"valore": "80"},
        {"admin", "controllo", "responsabile"},
    ),
    "valore, trasversale": (
        "post",
        "/CCIAA-PT/2020/monitoraggio/D2-4/",
        {"valore": "99"},
        {"admin", "controllo", "responsabile"},
    ),
    "valore, altra struttura": ("post", "/CCIAA-PT/2020/monitoraggio/D2-1/", {"valore": "2"}, {"admin", "controllo"}),
    "data di un evento": (
        "post",
        "/CCIAA-PT/2020/eventi/",
        {"codice": "T0", "data": "14/09/2020"},
        {"admin", "controllo"},
    ),
    "anteprima importazione": ("post", "/CCIAA-PT/2020/piano/importa/", {}, {"admin", "controllo"}),
    "modifica indicatore": (
        "post",
        "/CCIAA-PT/2020/piano/indicatori/B.2.1-1/",
        {"nome": "X", "target_2020": "90%"},
        {"admin", "controllo"},
    ),
    "nuovo indicatore": (
        "post",
        "/CCIAA-PT/2020/piano/obiettivo_operativo/B.2.1/nuovo-indicatore/",
        {"codice": "N-1", "nome": "N"},
        {"admin", "controllo"},
    ),
    "elimina indicatore": ("post", "/CCIAA-PT/2020/piano/indicatori/B.2.1-2/elimina/", {}, {"admin", "controllo"}),
    "modifica nodo": ("post", "/CCIAA-PT/2020/piano/obiettivo_strategico/B2/", {"nome": "X"}, {"admin", "controllo"}),
    "nuovo nodo": (
        "post",
        "/CCIAA-PT/2020/piano/linea/B/nuovo/",
        {"codice": "B9", "nome": "X"},
        {"admin", "controllo"},
    ),
    "elimina nodo": ("post", "/CCIAA-PT/2020/piano/obiettivo_operativo/B.2.2/elimina/", {}, {"admin", "controllo"}),
    "adozione": (
        "post",
        "/CCIAA-PT/2020/ciclo/adotta/",
        {"versione": 1, "atto": "Delibera n. 1", "atto_data": "30/01/2020"},
        {"admin", "controllo"},
    ),
    "chiusura periodo": (
        "post",
        "/CCIAA-PT/2020/ciclo/chiudi-periodo/",
        {"periodo": "S1"},
        {"admin", "controllo"},
    ),
    "commento OIV": (
        "post",
        "/CCIAA-PT/2020/ciclo/commenta/",
        {"oggetto": "D2-4", "testo": "Verificare"},
        {"oiv"},
    ),
}


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(as_user, username, action, piano):
    from cruscotto.performance.models import Consuntivo, Indicatore

    method, url, data, allowed = ACTIONS[action]
    before = (
        list(Consuntivo.objects.values_list("codice", "valore")),
        list(Indicatore.objects.values_list("codice", "nome", "target")),
        piano.eventi.get(codice="T0").data,
    )
    r = getattr(as_user(username), method)(url, data, HTTP_HX_REQUEST="true")
    if username in allowed:
        assert r.status_code in (200, 302, 422), (action, username, r.status_code)
    else:
        assert r.status_code == 403, (action, username, r.status_code)
        after = (
            list(Consuntivo.objects.values_list("codice", "valore")),
            list(Indicatore.objects.values_list("codice", "nome", "target")),
            piano.eventi.get(codice="T0").data,
        )
        assert after == before


@pytest.mark.parametrize("first", ["own ente first", "other ente first"])
def test_a_role_in_one_ente_opens_no_other(as_user, first):
    """Whatever the order of the questions, roles answer only for their own ente (pages and API)."""
    from cruscotto.performance import models as m

    other = m.Ente.objects.create(codice="ALTRO", nome="Altro ente")
    m.Piano.objects.create(ente=other, titolo="Piano dell'altro ente", anni=[2020])
    c = as_user("controllo")
    if first == "own ente first":
        assert c.get("/CCIAA-PT/2020/").status_code == 200
    assert c.get("/ALTRO/2020/").status_code == 403
    assert c.get("/api/v1/enti/ALTRO/piani").status_code == 404
    from django.contrib.auth import get_user_model

    from cruscotto.performance import permissions

    fresh = get_user_model().objects.get(username="controllo")
    assert not permissions.can_read(fresh, other)  # the very first question, on a fresh user object
    assert permissions.can_read(fresh, m.Ente.objects.get(codice="CCIAA-PT"))
