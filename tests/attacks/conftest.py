"""Attack tests (issue 13): each performs an attack found against cruscotto and asserts the safe
outcome, so that it stays closed. They share the web tests' fixtures (the demo plan and users
in the configured database) and run in both passes of CI, SQLite and PostgreSQL."""

from __future__ import annotations

from web.conftest import (  # noqa: F401  (fixtures, found by name)
    as_user,
    django_db_setup,
    ente,
    piano,
    pytest_collection_modifyitems,
)
