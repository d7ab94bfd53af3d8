"""web/middleware.PolicyOnceCSPMiddleware: django-csp's header, written once per process (issue 16).

The header of every response is what django-csp's own middleware writes; a per-view change or a
nonce goes to django-csp; a change of the settings is seen at once.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from cruscotto.web.middleware import PolicyOnceCSPMiddleware


def _both(view, path="/x/"):
    """The response of ``view`` through django-csp's middleware and through ours."""
    out = []
    for cls in (CSPMiddleware, PolicyOnceCSPMiddleware):
        request = RequestFactory().get(path)
        mw = cls(view)
        mw.process_request(request)
        out.append(mw.process_response(request, view(request)))
    return out


def test_the_header_is_django_csp_s(as_user):
    theirs, ours = _both(lambda r: HttpResponse("ok"))
    assert ours[HEADER] == theirs[HEADER] and "script-src 'self'" in ours[HEADER]
    page = as_user("controllo").get("/CCIAA-PT/2020/")
    assert page[HEADER] == theirs[HEADER]


def test_a_view_s_own_policy_and_an_exemption_are_django_csp_s():
    theirs, ours = _both(csp_update({"img-src": "https://example.org"})(lambda r: HttpResponse("ok")))
    assert "https://example.org" in ours[HEADER] and ours[HEADER] == theirs[HEADER]
    theirs, ours = _both(csp_exempt()(lambda r: HttpResponse("ok")))
    assert HEADER not in ours and HEADER not in theirs
    plain_after, _ = _both(lambda r: HttpResponse("ok"))  # nothing of the view's is kept
    assert "https://example.org" not in plain_after[HEADER]


def test_a_nonce_goes_to_django_csp(settings):
    from csp.constants import NONCE

    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy["DIRECTIVES"], "script-src": ["'self'", NONCE]}}

    def view(request):
        str(request.csp_nonce)
        return HttpResponse("ok")

    theirs, ours = _both(view)
    assert "'nonce-" in ours[HEADER] and "'nonce-" in theirs[HEADER]
    plain, _ = _both(lambda r: HttpResponse("ok"))
    assert "'nonce-" not in plain[HEADER]


def test_a_change_of_the_settings_is_seen_at_once(settings):
    before, _ = _both(lambda r: HttpResponse("ok"))
    _both(lambda r: HttpResponse("ok"))  # cached
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy["DIRECTIVES"], "img-src": ["'self'"]}}
    theirs, ours = _both(lambda r: HttpResponse("ok"))
    assert ours[HEADER] == theirs[HEADER] != before[HEADER]
