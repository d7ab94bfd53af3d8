"""Documents from the web application: built in the background, downloaded when ready."""

from __future__ import annotations

import io
import time
import zipfile

import pytest


def wait_done(client, url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        if "Scarica" in html or "non è riuscita" in html:
            return html
        time.sleep(0.3)
    raise AssertionError("the document was not ready in time")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "kind, fmt, magic",
    [
        ("relazione", "docx", b"PK"),
        ("cruscotto", "xlsx", b"PK"),
        ("opendata", "zip", b"PK"),
        ("monitoraggio", "pdf", b"%PDF"),
        ("relazione", "xlsx", b"PK"),
        ("validazione", "pdf", b"%PDF"),
    ],
)
def test_a_document_is_built_in_the_background_and_downloaded(kind, fmt, magic, settings):
    from django.core.management import call_command

    from .conftest import client_for

    settings.DEMO = True
    call_command("demo_setup", verbosity=0)
    c = client_for("oiv")
    r = c.post("/CCIAA-PT/2020/documenti/", {"tipo": kind, "formato": fmt}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    token = r.content.decode().split("/documenti/")[1].split("/")[0]
    html = wait_done(c, f"/CCIAA-PT/2020/documenti/{token}/")
    assert "Scarica" in html, html
    download = c.get(f"/CCIAA-PT/2020/documenti/{token}/scarica/")
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body.startswith(magic)
    assert f'filename="{kind}-CCIAA-PT-2020' in download["Content-Disposition"]
    if fmt == "zip":
        assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    if (kind, fmt) == ("relazione", "xlsx"):
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(body)).sheetnames[0] == "Sintesi"
    # someone else cannot see or fetch it
    other = client_for("consultazione")
    assert other.get(f"/CCIAA-PT/2020/documenti/{token}/").status_code == 404
    assert other.get(f"/CCIAA-PT/2020/documenti/{token}/scarica/").status_code == 404


def test_unknown_documents_and_tokens(as_user):
    c = as_user("controllo")
    assert c.post("/CCIAA-PT/2020/documenti/", {"tipo": "relazione", "formato": "exe"}).status_code == 404
    assert c.get("/CCIAA-PT/2020/documenti/../../etc/").status_code == 404
    assert c.get("/CCIAA-PT/2020/documenti/not-a-token/").status_code == 404
    assert c.get("/CCIAA-PT/2020/documenti/00000000-0000-0000-0000-000000000000/scarica/").status_code == 404
