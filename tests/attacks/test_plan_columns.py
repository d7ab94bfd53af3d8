"""A plan file whose texts do not fit their columns (issue 13, item 4): a 50-character code,
a 150-character unit, a NUL in a name. On PostgreSQL the import answered 500; SQLite stored
them whole, and the ente's backup then failed to restore on PostgreSQL. Now the preview lists
each with its place, and nothing is imported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cruscotto.demo import PLAN, demo_path
from cruscotto.performance import models as m


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("codice: B.2.1-1\n", "codice: " + "B" * 50 + "\n", "codice"),
        ("unita: Percentuale\n", "unita: " + "P" * 150 + "\n", "unita"),
        ("nome: Segretario generale\n", 'nome: "Segretario\\0generale"\n', "NUL"),
    ],
)
def test_a_plan_text_beyond_its_column_is_refused_in_the_preview(as_user, piano, old, new, words):
    from pathlib import Path

    text = Path(demo_path(PLAN)).read_text(encoding="utf-8")
    assert old in text, old
    bad = text.replace(old, new, 1)
    versions = m.Piano.objects.count()
    r = as_user("controllo").post(
        "/CCIAA-PT/2020/piano/importa/",
        {"file": SimpleUploadedFile("piano.yaml", bad.encode(), content_type="application/x-yaml")},
    )
    assert r.status_code < 500
    page = r.content.decode()
    assert words in page
    assert m.Piano.objects.count() == versions


def test_no_row_is_saved_beyond_its_column_on_either_database(ente):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="«codice» supera i 40 caratteri"):
        m.Struttura(ente=ente, codice="X" * 50, nome="Troppo lungo").save()
    with pytest.raises(ValidationError, match="NUL"):
        m.Struttura(ente=ente, codice="NUL", nome="a\x00b").save()
    assert not m.Struttura.objects.filter(nome__in=["Troppo lungo"]).exists()
