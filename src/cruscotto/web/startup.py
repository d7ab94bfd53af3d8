"""Checks a production process makes before it serves anyone."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEMO_PASSWORD = "demo"


def demo_password_users() -> list[str]:
    """The active users whose password is still the demo's. Checking a password costs a
    PBKDF2 (about half a second): the answer is kept in ``var/`` under a digest of every
    user's password hash, so a process starting after no password changed pays nothing."""
    rows = sorted(get_user_model().objects.filter(is_active=True).values_list("username", "password"))
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    memo = settings.VAR_DIR / "controllo-password-demo.json"
    try:
        kept = json.loads(memo.read_text())
        if kept.get("digest") == digest:
            return list(kept["utenti"])
    except (OSError, ValueError, KeyError):
        pass
    found = []
    for username, encoded in rows:
        probe = get_user_model()(username=username, password=encoded)
        if probe.check_password(DEMO_PASSWORD):
            found.append(username)
    try:
        memo.write_text(json.dumps({"digest": digest, "utenti": found}))
    except OSError:
        pass  # a read-only var/: checked again next time
    return found


def refuse_demo_passwords() -> None:
    """Production does not start while a user still has the password "demo" (demo mode and
    DEBUG excepted): docs/deployment.md."""
    if settings.DEBUG or settings.DEMO:
        return
    found = demo_password_users()
    if found:
        raise ImproperlyConfigured(
            f"Utenti con la password dimostrativa «{DEMO_PASSWORD}»: {', '.join(found)}. "
            "Cambiarla (manage.py changepassword NOME) o disattivarli prima di avviare in produzione."
        )


@register(Tags.security, deploy=True)
def check_demo_passwords(app_configs, **kwargs):
    """`manage.py check --deploy` says it too, before a deploy."""
    try:
        found = demo_password_users()
    except Exception:  # no database yet (a first deploy before migrate): nothing to say
        return []
    if not found:
        return []
    return [
        Error(
            f"Utenti con la password dimostrativa «{DEMO_PASSWORD}»: {', '.join(found)}.",
            hint="manage.py changepassword NOME, o disattivare l'utente.",
            id="cruscotto.E001",
        )
    ]


def warm() -> float:
    """Do before the first request what every new process would otherwise do during it: import the
    views and the API (the URL configuration), compile the templates, load the translations.

    Measured (issue 16, docs/benchmarks-web.md): without it the first page a gunicorn worker
    served took about 1 s more than the second, most of it imports (the API's pydantic schemas,
    numpy) and template compilation. A worker does this before it accepts connections, so no
    reader waits for it. Returns the seconds it took (logged at start-up).
    """
    import time

    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    t0 = time.perf_counter()
    get_resolver()._populate()  # imports every view module and the API's routers
    package = settings.PACKAGE_DIR
    for folder in sorted(package.glob("*/templates")):
        for path in sorted(folder.rglob("*.html")):
            get_template(path.relative_to(folder).as_posix())  # compiled into the cached loader
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Monitoraggio")  # loads the language's catalogue
    return time.perf_counter() - t0
