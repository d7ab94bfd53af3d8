"""Password reset by e-mail (issue 12, part 4): the link is sent only to an active account's
address, works once, and the new password obeys the installation's rules."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client


def test_a_forgotten_password_is_reset_by_email(db, django_user_model, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = django_user_model.objects.create_user("verdi", "verdi@example.org", "una-password-lunga-1")
    c = Client()
    login = c.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login
    page = c.get("/accounts/password_reset/").content.decode()
    assert "Password dimenticata" in page and "Amministrazione sito Django" not in page
    # an unknown address is answered as a known one (nothing revealed), and nothing is sent
    r = c.post("/accounts/password_reset/", {"email": "nessuno@example.org"})
    assert r.status_code == 302 and r["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []
    r = c.post("/accounts/password_reset/", {"email": "verdi@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["verdi@example.org"] and "nuova password" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form = c.get(link, follow=True)
    assert form.status_code == 200 and "Nuova password" in form.content.decode()
    url = form.redirect_chain[-1][0] if form.redirect_chain else link
    weak = c.post(url, {"new_password1": "demo", "new_password2": "demo"})
    assert weak.status_code == 200 and "alert-danger" in weak.content.decode()
    done = c.post(url, {"new_password1": "un-altra-password-2026", "new_password2": "un-altra-password-2026"})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("un-altra-password-2026")
    assert (
        Client().post("/accounts/login/", {"username": "verdi", "password": "un-altra-password-2026"}).status_code
        == 302
    )
    # the link works once
    again = c.get(link, follow=True).content.decode()
    assert "non è valido" in again


def test_no_link_for_a_deactivated_account(db, django_user_model, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django_user_model.objects.create_user("bianchi", "bianchi@example.org", "una-password-lunga-1", is_active=False)
    r = Client().post("/accounts/password_reset/", {"email": "bianchi@example.org"})
    assert r.status_code == 302 and mail.outbox == []


def test_no_reset_where_no_mail_reaches_people(db, django_user_model, settings):
    """Outside the demo, the console backend delivers nothing: no link, and the pages are 404."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DEMO = False
    c = Client()
    assert "password_reset" not in c.get("/accounts/login/").content.decode()
    assert c.get("/accounts/password_reset/").status_code == 404
    assert c.post("/accounts/password_reset/", {"email": "x@example.org"}).status_code == 404
    assert c.get("/accounts/password_reset/done/").status_code == 404
    settings.DEMO = True  # the demo shows the message in the terminal of `make run`
    assert c.get("/accounts/password_reset/").status_code == 200


def test_a_message_that_does_not_leave_is_said(db, django_user_model, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    django_user_model.objects.create_user("neri", "neri@example.org", "una-password-lunga-1")
    r = Client().post("/accounts/password_reset/", {"email": "neri@example.org"})
    assert r.status_code == 503
    assert "non è partito" in r.content.decode()
