"""Web tests: the demo plan and the demo users, loaded once per test session."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client


def pytest_collection_modifyitems(config, items):
    # CI runs tests/web twice, on SQLite then on PostgreSQL (.ci/run). Tests that do not touch
    # the configured database would only repeat themselves on PostgreSQL: they run once.
    import os

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        skip = pytest.mark.skip(reason="does not use the configured database: ran in the SQLite pass")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.conf import settings

    with django_db_blocker.unblock():
        demo = settings.DEMO
        settings.DEMO = True  # the demo users exist only in demo mode
        try:
            call_command("demo_setup", verbosity=0)
        finally:
            settings.DEMO = demo


@pytest.fixture
def ente(db):
    from cruscotto.performance.models import Ente

    return Ente.objects.get(codice="CCIAA-PT")


@pytest.fixture
def piano(ente):
    return ente.piani.get()


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c


@pytest.fixture
def as_user(db):
    return client_for
