"""Cached page bodies (performance/fragments.py): reused, never stale, never shown to the wrong reader."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cruscotto.performance import selectors, services

PAGES = [
    "/CCIAA-PT/2020/",
    "/CCIAA-PT/2020/albero/",
    "/CCIAA-PT/2020/mappa/",
    "/CCIAA-PT/2020/monitoraggio/",
    "/CCIAA-PT/2020/aree/",
    "/CCIAA-PT/2020/individuale/",
]


@pytest.fixture(autouse=True)
def empty_cache():
    caches["pagine"].clear()
    caches["cornici"].clear()
    yield
    caches["pagine"].clear()
    caches["cornici"].clear()


@pytest.mark.parametrize("url", PAGES)
def test_a_second_request_reuses_the_body_and_shows_the_same_page(as_user, url, monkeypatch):
    from cruscotto.performance import fragments

    rendered = []
    real = fragments.render_to_string
    monkeypatch.setattr(fragments, "render_to_string", lambda *a, **k: rendered.append(a[0]) or real(*a, **k))
    c = as_user("controllo")
    first = c.get(url)
    with CaptureQueriesContext(connection) as warm:
        second = c.get(url)
    assert first.status_code == second.status_code == 200
    # the second request found the body, and the page around it (fragments.page)
    assert len([t for t in rendered if "/corpo/" in t]) == 1
    assert len([t for t in rendered if "/corpo/" not in t]) == 1
    body = lambda r: r.content.decode().split('id="contenuto"', 1)[1]  # noqa: E731 (the header carries a fresh CSRF token)
    assert body(first) == body(second)
    assert len(warm) <= 6  # session, user, ente, roles and their structures, plans; nothing per row


def test_a_new_value_shows_at_once_on_every_cached_page(as_user, piano):
    c = as_user("controllo")
    assert "B.2.1-1" in c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    before = c.get("/CCIAA-PT/2020/").content.decode()
    c.post("/CCIAA-PT/2020/monitoraggio/B.2.1-1/", {"valore": "90", "nota": "", "periodo": ""}, HTTP_HX_REQUEST="true")
    after = c.get("/CCIAA-PT/2020/").content.decode()
    assert before != after
    row = c.get("/CCIAA-PT/2020/monitoraggio/").content.decode().split('id="riga-b21-1"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="valore">90</td>' in row


def test_a_base_measure_import_renews_the_cache_of_every_plan_of_the_ente(piano, ente):
    from cruscotto.engine.scoring import Valori

    token = piano.valori_revisione
    v = Valori()
    v.misure[("oneri_personale", 2020)] = 1.0
    new = services.piano_import(piano=selectors.plan_for(piano), valori=v)
    piano.refresh_from_db()
    assert piano.valori_revisione != token  # the old version's figures use the ente's measures too
    assert new.pk != piano.pk


def test_a_responsabile_never_gets_the_rows_cached_for_the_controllo(as_user):
    # controllo fills the cache first with every indicator; responsabile (Servizio Promozione) must see only his.
    everything = as_user("controllo").get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    own = as_user("responsabile").get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    assert everything.count('id="riga-') > own.count('id="riga-') > 0
    assert 'id="riga-d2-1"' in everything and 'id="riga-d2-1"' not in own  # D2-1: not his structure


def test_the_period_is_part_of_the_key(as_user):
    c = as_user("controllo")
    year = c.get("/CCIAA-PT/2020/monitoraggio/").content.decode()
    s1 = c.get("/CCIAA-PT/2020/monitoraggio/?periodo=S1").content.decode()
    assert '<option value="S1" selected>' in s1 and '<option value="S1" selected>' not in year


def test_the_language_is_part_of_the_key(as_user):
    c = as_user("consultazione")
    italian = c.get("/CCIAA-PT/2020/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/CCIAA-PT/2020/"})
    english = c.get("/CCIAA-PT/2020/").content.decode()
    assert "Performance di ente" in italian.split('id="contenuto"', 1)[1]
    assert "Performance di ente" not in english.split('id="contenuto"', 1)[1]


def test_a_change_to_the_plan_renews_the_body(as_user, piano, django_user_model):
    from cruscotto.performance import editing

    c = as_user("controllo")
    before = c.get("/CCIAA-PT/2020/albero/").content.decode()
    assert "Un nodo rinominato per la prova" not in before
    editing.nodo_aggiorna(
        user=django_user_model.objects.get(username="controllo"),
        piano=piano,
        livello="obiettivo_strategico",
        codice="A",
        nome="Un nodo rinominato per la prova",
        peso="",
        note="",
    )
    assert "Un nodo rinominato per la prova" in c.get("/CCIAA-PT/2020/albero/").content.decode()


@pytest.fixture
def empty_fragments():
    caches["frammenti"].clear()
    yield
    caches["frammenti"].clear()


def test_the_header_is_kept_per_roles(as_user, empty_fragments):
    # controllo and amministratore may both enter values; only the amministratore's menu links
    # the Amministrazione, whoever fills the header's fragment first.
    link = "/CCIAA-PT/amministrazione/"
    assert link not in as_user("controllo").get("/CCIAA-PT/2020/").content.decode()
    assert link in as_user("admin").get("/CCIAA-PT/2020/").content.decode()
    caches["frammenti"].clear()
    assert link in as_user("admin").get("/CCIAA-PT/2020/").content.decode()
    assert link not in as_user("controllo").get("/CCIAA-PT/2020/").content.decode()


def test_the_base_fragments_stay_in_the_process_also_with_a_shared_cache(as_user, settings, empty_fragments):
    # Reading them from Redis would cost a round trip on every page (issue 16): never the default cache.
    from django.core.cache.backends.locmem import LocMemCache

    assert isinstance(caches["frammenti"], LocMemCache)
    caches["default"].clear()
    as_user("controllo").get("/CCIAA-PT/2020/")
    assert not [k for k in caches["default"]._cache if "template.cache" in k]
    assert len([k for k in caches["frammenti"]._cache if "template.cache" in k]) == 4  # head, languages, header, footer


# --- the page around the body (fragments.page, the "cornici" cache) -----------------------

FRAME_PAGES = [
    *PAGES,
    "/CCIAA-PT/2020/confronto/",
    "/CCIAA-PT/2020/monitoraggio/?pagina=1",
    "/CCIAA-PT/2020/indicatore/B.2.1-1/",
]
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


@pytest.fixture
def empty_frames():
    caches["cornici"].clear()
    yield
    caches["cornici"].clear()


def _masked(response) -> str:
    """The page with its CSRF tokens masked (Django masks the token anew for every response)."""
    return TOKEN.sub(r"\1…", response.content.decode())


def _whole(monkeypatch):
    """Render pages whole, as before the frames were kept (the reference)."""
    from django.shortcuts import render

    from cruscotto.performance import fragments

    def whole(request, template, corpo, extra):
        return render(request, template, {"corpo": corpo, **extra})

    monkeypatch.setattr(fragments, "page", whole)


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("username", ["controllo", "responsabile", "oiv", "admin", "consultazione"])
def test_a_page_from_its_kept_frame_is_the_page_rendered_whole(as_user, username, lang, monkeypatch, empty_frames):
    c = as_user(username)
    c.cookies["django_language"] = lang
    kept = {}
    for url in FRAME_PAGES:
        first, second = c.get(url), c.get(url)  # the second from the kept frame
        assert first.status_code == second.status_code, url
        kept[url] = (first, second)
    assert caches["cornici"]._cache  # frames were kept
    _whole(monkeypatch)
    for url, (first, second) in kept.items():
        whole = c.get(url)
        assert whole.status_code == second.status_code, url
        if whole.status_code != 200:
            continue
        assert _masked(first) == _masked(second) == _masked(whole), (username, lang, url)
        token = TOKEN.search(second.content.decode())
        assert token and "cr-csrf-" not in second.content.decode()  # a real token, not the mark


def test_the_token_in_a_kept_frame_is_each_request_own_and_accepted(db, empty_frames):
    from django.contrib.auth import get_user_model
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(get_user_model().objects.get(username="controllo"))
    pages = [c.get("/CCIAA-PT/2020/").content.decode() for _ in range(2)]
    tokens = [TOKEN.search(p).group(0).split('"')[-1] for p in pages]
    assert tokens[0] != tokens[1]  # masked anew, as Django does, also from a kept frame
    # the second page's token (from the kept frame) is accepted by a form: switching language
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/CCIAA-PT/2020/", "csrfmiddlewaretoken": tokens[1]})
    assert r.status_code == 302


def test_a_frame_follows_the_readers_name_roles_language_and_plan(as_user, piano, django_user_model, empty_frames):
    from cruscotto.performance import models as m

    c = as_user("controllo")
    assert c.get("/CCIAA-PT/2020/").status_code == 200
    user = django_user_model.objects.get(username="controllo")
    user.first_name, user.last_name = "Nome", "Rinominato"
    user.save()
    assert "Nome Rinominato" in c.get("/CCIAA-PT/2020/").content.decode()
    # controllo may already enter values and edit the plan: only the role itself changes the menu
    link = "/CCIAA-PT/amministrazione/"
    assert link not in c.get("/CCIAA-PT/2020/").content.decode()
    role = m.Ruolo.objects.create(utente=user, ente=piano.ente, tipo=m.Ruolo.Tipo.AMMINISTRATORE)
    assert link in c.get("/CCIAA-PT/2020/").content.decode()
    role.delete()
    assert link not in c.get("/CCIAA-PT/2020/").content.decode()
    assert '<html lang="it">' in c.get("/CCIAA-PT/2020/").content.decode()
    c.cookies["django_language"] = "en"
    assert '<html lang="en">' in c.get("/CCIAA-PT/2020/").content.decode()
    # the ente renamed: the header's name follows (the plan's revision moves too)
    m.Ente.objects.filter(pk=piano.ente_id).update(nome="Camera rinominata per la prova")
    assert "Camera rinominata per la prova" in c.get("/CCIAA-PT/2020/").content.decode()


def test_a_message_is_shown_on_a_page_whose_frame_is_kept(as_user, empty_frames):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.utils.safestring import mark_safe

    c = as_user("controllo")
    c.get("/CCIAA-PT/2020/")
    c.get("/CCIAA-PT/2020/")  # the frame is kept
    response = c.get("/CCIAA-PT/2020/")
    request = response.wsgi_request
    request._messages = FallbackStorage(request)
    request._messages.add(20, "Un avviso per la prova")
    from cruscotto.performance import fragments

    page = fragments.page(request, "performance/cruscotto.html", mark_safe("<p>corpo</p>"), {})
    assert "Un avviso per la prova" in page.content.decode()
    assert get_messages(request).used  # shown, so the middleware drops it, as after a whole render
