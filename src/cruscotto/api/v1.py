"""REST API v1: enti, plans, the tree, indicators, targets, values, base measures, scores, the cycle,
individual evaluation.

Everything goes through the same selectors, services and permission checks as
the web pages (one permission matrix). Machines authenticate with a token
(``Authorization: Bearer ...``, made by ``manage.py token_api``); a browser
with its session (and CSRF token on writes). Errors are RFC 9457 problem
details (``application/problem+json``). OpenAPI: ``/api/v1/openapi.json``;
interactive docs: ``/api/v1/docs`` (served locally, no CDN).
"""

# No "from __future__ import annotations": django-ninja reads the annotations at import time.

from .base import api
from .routers import ciclo, confronto, indicatori, piani, piao, risorse, valori, valutazione

# The paths stay where they were: the routers add no prefix.
for _router in (
    piani.router,
    indicatori.router,
    valori.router,
    risorse.router,
    ciclo.router,
    valutazione.router,
    confronto.router,
    piao.router,
):
    api.add_router("", _router)

__all__ = ["api"]
