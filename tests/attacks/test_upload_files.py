"""Files left behind or written outside their folder (issue 13, item 7)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cruscotto.performance import lavori
from cruscotto.performance import models as m
from cruscotto.performance.uploads import uploads_dir


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_an_upload_named_to_escape_stays_in_its_folder(as_user, ente):
    folder = uploads_dir()
    parent = _tree(folder.parent)
    before = _tree(folder)
    for name in ("!!!.csv", "....csv", "../../x.csv", "..csv"):
        upload = SimpleUploadedFile(name, b"anno;codice;voce\n2020;1;Diritto annuale\n", content_type="text/csv")
        r = as_user("controllo").post("/CCIAA-PT/2020/bilancio/", {"azione": "bilancio", "file": [upload]})
        assert r.status_code < 500, (name, r.status_code)
    assert _tree(folder) == before  # the temporary folder went, nothing was written beside it
    assert _tree(folder.parent) == parent


def test_interrupted_uploads_and_unconfirmed_previews_go_after_a_day(ente, django_user_model):
    incoming = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert incoming.is_relative_to(settings.VAR_DIR)  # not the system's /tmp
    # what a killed upload leaves: a partial file and a temporary folder, two days old
    stale_file, stale_dir = incoming / "abc.upload.csv", uploads_dir() / "tmp-interrotto"
    stale_file.write_bytes(b"x" * 1024)
    stale_dir.mkdir(exist_ok=True)
    (stale_dir / "piano.csv").write_bytes(b"x")
    old = time.time() - 2 * 86400
    for p in (stale_file, stale_dir):
        os.utime(p, (old, old))
    fresh = incoming / "in-corso.upload.csv"
    fresh.write_bytes(b"y")
    # a preview never confirmed, two days old, with its file
    from django.core.files.base import ContentFile

    preview = m.Lavoro(tipo="anteprima", ente=ente, stato=m.Lavoro.Stato.PRONTO, nome_file="piano.yaml")
    preview.file.save("piano.yaml", ContentFile(b"piano: {}"), save=False)
    preview.save()
    m.Lavoro.objects.filter(pk=preview.pk).update(creato=timezone.now() - timedelta(days=2))
    stored = Path(preview.file.path)
    assert stored.exists()
    lavori.pulizia(giorni=1)
    assert not stale_file.exists() and not stale_dir.exists() and not stored.exists()
    assert not m.Lavoro.objects.filter(pk=preview.pk).exists()
    assert fresh.exists()  # an upload still arriving stays
    fresh.unlink()
