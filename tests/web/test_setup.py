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
