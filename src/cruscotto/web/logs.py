"""Logging: one line per event, JSON in production (for a log collector), text in development.

What is logged (docs/deployment.md): each request (method, path, status, milliseconds, user),
each job (queued, ready, failed with its traceback), each import, the authentication events
(logins, failed logins by username and address, logouts; never a password) and every error.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

# The attributes every LogRecord has: anything else was given with ``extra=`` and is a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

requests_log = logging.getLogger("cruscotto.richieste")
access_log = logging.getLogger("cruscotto.accessi")


class JsonFormatter(logging.Formatter):
    """``{"time": …, "level": …, "logger": …, "message": …, <extra fields>, "exception": …}``."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """One line per request: the health probe at DEBUG, the rest at INFO (5xx at ERROR comes
    from Django's own ``django.request`` logger, with the traceback)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        ms = round((time.perf_counter() - start) * 1000, 1)
        if request.path.startswith("/static/"):
            return response
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": ms,
            "user": user.get_username() if user is not None and user.is_authenticated else None,
        }
        level = (
            logging.DEBUG
            if request.path == "/healthz"
            else logging.WARNING
            if response.status_code >= 400
            else logging.INFO
        )
        requests_log.log(level, "%s %s %s %s ms", request.method, request.path, response.status_code, ms, extra=fields)
        return response


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(auth_signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    access_log.info(
        "accesso di %s",
        user.get_username(),
        extra={"event": "login", "username": user.get_username(), "address": _address(request)},
    )


@receiver(auth_signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else None
    access_log.info("uscita di %s", name, extra={"event": "logout", "username": name, "address": _address(request)})


@receiver(auth_signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django already masks sensitive credentials; only the username is kept, never a password.
    name = credentials.get("username")
    access_log.warning(
        "accesso non riuscito per %s",
        name,
        extra={"event": "login_failed", "username": name, "address": _address(request)},
    )
