from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The project's shell: settings, URLs, middleware, logs."""

    name = "cruscotto.web"

    def ready(self) -> None:
        from . import (
            logs,  # noqa: F401  (connects the log lines of logins and logouts)
            startup,  # noqa: F401  (registers the deploy check of demo passwords)
        )
