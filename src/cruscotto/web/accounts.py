"""Password reset by e-mail, offered only where an e-mail can reach the person.

Django's reset sends its message and, if sending fails, only logs it: the person waits for a
message that never comes. Here the failure is said on the page. And where no mail is set up
(the console backend, outside the demo, writes messages to a log nobody reads as mail), the
reset is not offered at all: the login page has no link and the reset pages answer 404.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.http import Http404
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("cruscotto.accessi")

# Backends that deliver nothing to a person (docs/configuration.md, CRUSCOTTO_EMAIL_BACKEND).
UNDELIVERED = ("django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend")


def reset_offered() -> bool:
    """Is password reset by e-mail offered? With a backend that delivers mail, or in the demo,
    where the console backend shows the message in the terminal of `make run`."""
    return settings.EMAIL_BACKEND not in UNDELIVERED or bool(settings.DEMO)


class ResetForm(PasswordResetForm):
    failed = False

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        try:
            EmailMultiAlternatives(subject, body, from_email, [to_email]).send()
        except Exception:  # any backend's failure: said to the person, and logged with its cause
            log.exception("messaggio di reimpostazione della password non inviato (utente %s)", context["user"].pk)
            self.failed = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm

    def dispatch(self, request, *args, **kwargs):
        if not reset_offered():
            raise Http404(_("La reimpostazione della password per e-mail non è attiva."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.failed:
            form.add_error(
                None,
                _(
                    "Il messaggio con il collegamento non è partito: riprovi più tardi o si rivolga "
                    "all'amministratore di cruscotto."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
        return response


def offered(view):
    """The other reset pages (done, confirm, complete) answer only where the reset is offered."""

    def wrapped(request, *args, **kwargs):
        if not reset_offered():
            raise Http404(_("La reimpostazione della password per e-mail non è attiva."))
        return view(request, *args, **kwargs)

    return wrapped


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), "reset_offered": reset_offered()}
        if settings.DEMO:
            # The demo's users, one per role, so that a visitor can try each (issue 14); only in
            # demo mode, where demo_setup made them with the password "demo".
            from cruscotto.performance.management.commands.demo_setup import DEMO_USERS
            from cruscotto.performance.models import Ruolo

            users = get_user_model().objects.filter(username__in=[u for u, *_ in DEMO_USERS])
            names = set(users.values_list("username", flat=True))
            # the role's name, in the page's language (the demo's descriptions are Italian data)
            context["utenti_demo"] = [(u, Ruolo.Tipo(tipo).label) for u, tipo, _s, _d in DEMO_USERS if u in names]
        return context


# Failed logins per address, across usernames: django-axes locks a username *and* address pair;
# many usernames tried from one address (password spraying) are counted here, in the default
# cache, for the same cool-off time as axes.
def _address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "?"


def _key(request) -> str:
    return f"accesso-fallito:{_address(request)}"


def failures_from(request) -> int:
    from django.core.cache import cache

    return int(cache.get(_key(request), 0))


def on_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    if request is None:
        return
    from django.core.cache import cache

    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(_key(request), 1, timeout):
        try:
            cache.incr(_key(request))
        except ValueError:
            cache.set(_key(request), 1, timeout)
    if failures_from(request) == settings.CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS:
        log.warning("accessi sospesi per l'indirizzo %s: troppi tentativi falliti", _address(request))


class SprayGuard:
    """A login POST from an address past its limit is refused (429) before the password is checked."""

    def __init__(self, view):
        self.view = view

    def __call__(self, request, *args, **kwargs):
        if request.method == "POST" and failures_from(request) >= settings.CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS:
            from django.shortcuts import render

            ctx = {"failure_limit": settings.CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS, "per_indirizzo": True}
            ctx["cooloff_timedelta"] = settings.AXES_COOLOFF_TIME
            return render(request, "registration/bloccato.html", ctx, status=429)
        return self.view(request, *args, **kwargs)
