"""The XLSX of the demo plan, opened and saved again by LibreOffice, converts back unchanged.

Needs LibreOffice (`soffice`); `.ci/run` installs it, so CI always runs this.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cruscotto.files import load_plan, save_plan

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_libreoffice_resaved_xlsx_converts_back_to_the_same_plan(demo_plan_path, tmp_path):
    plan = load_plan(demo_plan_path).piano
    save_plan(plan, tmp_path / "piano.xlsx")
    out = tmp_path / "lo"
    out.mkdir()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(tmp_path / "piano.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert load_plan(out / "piano.xlsx").piano == plan
