from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The project's shell: settings, URLs, middleware, logs."""

    name = "cruscotto.web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from . import (
            logs,  # noqa: F401  (connects the log lines of logins and logouts)
            startup,  # noqa: F401  (registers the deploy check of demo passwords)
        )
        from .accounts import on_login_failed

        # Failed logins per address, against password spraying (accounts.SprayGuard).
        user_login_failed.connect(on_login_failed, dispatch_uid="accessi-per-indirizzo")
