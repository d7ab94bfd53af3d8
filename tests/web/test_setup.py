"""The project as installed: settings, migrations, the demo set-up command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


def test_migrations_are_up_to_date(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_system_checks_pass():
    call_command("check")


def test_demo_setup_twice_keeps_the_data(db, settings):
    from cruscotto.performance.models import Consuntivo, Piano

    settings.DEMO = True
    before = (Piano.objects.count(), Consuntivo.objects.count())
    out = io.StringIO()
    call_command("demo_setup", stdout=out)
    assert "già presente" in out.getvalue()
    assert (Piano.objects.count(), Consuntivo.objects.count()) == before


def test_demo_users_only_in_demo_mode(db, settings, django_user_model):
    settings.DEMO = False
    django_user_model.objects.filter(username="consultazione").delete()
    call_command("demo_setup", stdout=io.StringIO())
    assert not django_user_model.objects.filter(username="consultazione").exists()


@pytest.mark.sqlite_only
def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "CRUSCOTTO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
    }
    r = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "CRUSCOTTO_SECRET_KEY" in r.stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("bad", ["forse", "2"])
def test_a_bad_boolean_setting_fails_loudly(tmp_path, bad):
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "CRUSCOTTO_VAR_DIR": str(tmp_path),
        "CRUSCOTTO_DEBUG": bad,
        "CRUSCOTTO_SECRET_KEY": "k" * 50,
        "DJANGO_SETTINGS_MODULE": "cruscotto.web.settings",
    }
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "CRUSCOTTO_DEBUG" in r.stderr and "non è un valore vero/falso" in r.stderr


def test_production_refuses_to_start_with_a_demo_password(db, settings, tmp_path, django_user_model):
    """web/wsgi.py calls refuse_demo_passwords: in production (not DEBUG, not demo) a user with the
    password "demo" stops the start, with the user named; `check --deploy` says it too."""
    import pytest
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from cruscotto.web.startup import demo_password_users, refuse_demo_passwords

    settings.VAR_DIR, settings.DEBUG, settings.DEMO = tmp_path, False, False
    django_user_model.objects.exclude(username="oiv").update(is_active=False)
    oiv = django_user_model.objects.get(username="oiv")
    oiv.set_password("demo")
    oiv.save()
    with pytest.raises(ImproperlyConfigured, match="oiv"):
        refuse_demo_passwords()
    with pytest.raises(SystemCheckError, match="cruscotto.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", verbosity=0)
    oiv.set_password("una-password-lunga-e-sua")
    oiv.save()
    refuse_demo_passwords()  # the hashes changed: checked again, and passed
    assert demo_password_users() == [] and (tmp_path / "controllo-password-demo.json").exists()
    settings.DEMO = True
    oiv.set_password("demo")
    oiv.save()
    refuse_demo_passwords()  # the demo runs with its demo passwords
