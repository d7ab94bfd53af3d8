"""publiccode.yml (issue 16): the Developers Italia catalogue's description of cruscotto, with
every field version 0.4 of the standard requires, in the forms its parser accepts
(italia/publiccode-parser-go: validators/ and v0.go), and true to the project."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# From the parser's lists (v0.go), the values this file uses or could use.
CATEGORIES = {
    "business-intelligence", "business-process-management", "compliance-management", "data-analytics",
    "data-visualization", "document-management", "employee-management", "financial-reporting", "hr",
    "regulations-and-directives", "workflow-management", "other",
}  # fmt: skip
SCOPES = {"government", "local-authorities", "finance-and-economic-development"}
STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
TYPES = {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web", "standalone/backend",
         "standalone/other", "addon", "library", "configurationFiles"}  # fmt: skip


def test_publiccode_has_every_required_field_in_the_parsers_forms():
    pc = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert pc["publiccodeYmlVersion"] == "0.4"
    assert pc["name"] == project["name"] == "cruscotto"
    assert re.fullmatch(r"https://[^\s/]+/\S+", pc["url"])
    assert pc["softwareVersion"] == project["version"]
    date.fromisoformat(pc["releaseDate"])
    assert pc["platforms"] and "web" in pc["platforms"]
    assert set(pc["categories"]) <= CATEGORIES
    assert set(pc["intendedAudience"]["scope"]) <= SCOPES
    assert pc["developmentStatus"] in STATUSES
    assert pc["softwareType"] in TYPES
    assert pc["legal"]["license"] == project["license"]["text"] == "EUPL-1.2"
    assert pc["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert all(c["name"] for c in pc["maintenance"]["contacts"])  # required for internal and community
    loc = pc["localisation"]
    assert loc["localisationReady"] is True
    # the languages the pages speak (settings.LANGUAGES), and a description in each
    assert loc["availableLanguages"] == ["it", "en"] == sorted(pc["description"], reverse=True)
    for lang, d in pc["description"].items():
        assert 0 < len(d["shortDescription"]) <= 150, lang
        assert 150 <= len(d["longDescription"]) <= 10_000, lang
        assert d["features"] and all(0 < len(f) <= 100 for f in d["features"]), lang
        assert d["genericName"]
    assert pc["it"]["countryExtensionVersion"] == "1.0"


def test_publiccode_says_what_is_true():
    """The languages and licence match the project; the address is the reserved placeholder until
    the code is published, and the file says so."""
    from django.conf import settings

    text = (ROOT / "publiccode.yml").read_text(encoding="utf-8")
    pc = yaml.safe_load(text)
    assert [code for code, _name in settings.LANGUAGES] == pc["localisation"]["availableLanguages"]
    assert ".invalid" in pc["url"] and "cruscotto has none yet" in text
