"""The tasks the worker runs (Django's Tasks API: ``django.tasks`` from Django 6, the
``django-tasks`` backport before it). Each is a thin entry: the work is in ``lavori.py``."""

from __future__ import annotations

from django_tasks import task


@task()
def esegui_lavoro(lavoro_id: str) -> str:
    from . import lavori

    return lavori.esegui(lavoro_id)


@task()
def pulisci_lavori(giorni: int = 1) -> int:
    """Finished jobs of more than ``giorni`` days, and their files, go (`manage.py accoda pulizia`)."""
    from . import lavori

    return lavori.pulizia(giorni=giorni)


@task()
def prepara_confronto(ente_id: int) -> int:
    """One ente's rows for benchmarking, computed after its plan or values changed, so that the
    next reader of a Confronto finds them in the shared cache (performance/confronto.py)."""
    from . import confronto

    return confronto.prepara_ente(ente_id)
