"""A CSV cell beyond 131,072 characters (issue 13, item 3): the plan import and the budget
tables answered 500; now the file is refused with its row and column, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.engine.errors import PlanError
from cruscotto.files import load_plan
from cruscotto.performance import models as m

HUGE = "x" * 200_000


@pytest.mark.sqlite_only  # files only, no database
def test_a_huge_cell_in_a_plan_csv_names_its_row_and_column(tmp_path):
    path = tmp_path / "piano.csv"
    path.write_text(f"Codice;Indicatore;Target 2020\nA.1-1;Tempi;90%\nA.1-2;{HUGE};80%\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"riga 3, colonna 2: cella non leggibile"):
        load_plan(path)


def test_a_huge_cell_in_the_budget_tables_is_a_4xx(as_user, ente):
    before = list(m.Bilancio.objects.filter(ente=ente).values_list("anno", "dati"))
    bad = f"anno;codice;voce;previsione_consuntivo;preventivo\n2020;1;{HUGE};3.718.800;3.722.800\n".encode()
    upload = SimpleUploadedFile("preventivo-2020.csv", bad, content_type="text/csv")
    r = as_user("controllo").post("/CCIAA-PT/2020/bilancio/", {"azione": "bilancio", "file": [upload]})
    assert r.status_code == 422, r.status_code
    assert "riga 2, colonna 3" in r.content.decode()
    assert list(m.Bilancio.objects.filter(ente=ente).values_list("anno", "dati")) == before


def test_a_huge_cell_in_a_plan_upload_is_a_message(as_user, piano):
    versions = m.Piano.objects.count()
    bad = f"Codice;Indicatore;Target 2020\nA.1-1;{HUGE};90%\n".encode()
    r = as_user("controllo").post(
        "/CCIAA-PT/2020/piano/importa/", {"file": SimpleUploadedFile("piano.csv", bad, content_type="text/csv")}
    )
    assert r.status_code < 500 and "cella non leggibile" in r.content.decode()
    assert m.Piano.objects.count() == versions


@pytest.mark.sqlite_only  # files only, no database
def test_the_bound_holds_whatever_a_library_did_to_the_csv_modules_limit(tmp_path):
    """frictionless raises csv.field_size_limit for the whole process when it is imported (the
    open-data tests use it): the bound is cruscotto's own."""
    import csv
    import sys

    old = csv.field_size_limit(sys.maxsize)
    try:
        path = tmp_path / "piano.csv"
        path.write_text(f"Codice;Indicatore;Target 2020\nA.1-1;Tempi;90%\nA.1-2;{HUGE};80%\n", encoding="utf-8")
        with pytest.raises(PlanError, match=r"riga 3, colonna 2: cella non leggibile \(cella di 200\.000 caratteri\)"):
            load_plan(path)
    finally:
        csv.field_size_limit(old)
