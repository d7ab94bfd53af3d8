"""Template context shared by every page: the ente, the year and what the user may do."""

from __future__ import annotations


def navigation(request):
    return {"nav": getattr(request, "cruscotto_nav", None)}
