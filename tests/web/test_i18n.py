"""Italian first, English complete."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "src" / "cruscotto" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    assert PO.exists()
    if shutil.which("msgattrib") is None:
        pytest.skip("gettext tools not installed")
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    ids = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert ids == []
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""'] == []


def test_the_message_catalogue_covers_every_string_of_the_templates_and_code(tmp_path):
    """makemessages on the current sources finds no string missing from the catalogue."""
    from django.core.management import call_command

    if shutil.which("xgettext") is None:
        pytest.skip("gettext tools not installed")
    src = PO.parents[3]
    work = tmp_path / "cruscotto"
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("engine", "files", "demo", "__pycache__", "*.mo"))
    import os

    cwd = os.getcwd()
    os.chdir(work)
    try:
        call_command("makemessages", locale=["en"], verbosity=0)
    finally:
        os.chdir(cwd)
    po = str(work / "locale/en/LC_MESSAGES/django.po")
    # A new string close to an old one comes back fuzzy, with the old one's translation: missing too.
    # msgattrib lists the entries (long ones span several lines); msgfmt counts them.
    listed = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", po], capture_output=True, text=True, check=True
    ).stdout
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", po], capture_output=True, text=True, check=True
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats + "\n" + listed


def test_italian_is_the_default_whatever_the_browser_says(as_user):
    page = as_user("consultazione").get("/CCIAA-PT/2020/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="it"' in page and "Cruscotto di ente" in page


def test_english_when_chosen(as_user):
    c = as_user("consultazione")
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/CCIAA-PT/2020/"})
    assert r.status_code == 302
    page = c.get("/CCIAA-PT/2020/").content.decode()
    assert 'lang="en"' in page
    assert "Entity dashboard" in page and "Cruscotto di ente" not in page
    assert re.search(r'id="ente-valore">\d+\.\d\d%', page)  # English number format


def test_the_engines_explanations_follow_the_pages_language(as_user):
    """The indicator page's calculation steps are the engine's (engine/lingua.py): Italian on an
    Italian page, English on an English one, from the same cached scores (keyed by language)."""
    c = as_user("consultazione")
    italian = c.get("/CCIAA-PT/2020/indicatori/B.2.1-1/").content.decode()
    assert "regola più alto è meglio" in italian and "calcolo: " in italian
    c.post("/i18n/setlang/", {"language": "en", "next": "/CCIAA-PT/2020/"})
    english = c.get("/CCIAA-PT/2020/indicatori/B.2.1-1/").content.decode()
    assert "rule higher is better" in english and "calculation: " in english
    assert "regola più alto è meglio" not in english
    # and back: the Italian scores were not replaced by the English ones
    c.post("/i18n/setlang/", {"language": "it", "next": "/CCIAA-PT/2020/"})
    assert "regola più alto è meglio" in c.get("/CCIAA-PT/2020/indicatori/B.2.1-1/").content.decode()
