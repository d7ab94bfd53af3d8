"""Screenshots of pages of a running cruscotto, for docs/screenshots/ and the issue notes.

    make run   # in another terminal, or any server with the demo data
    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--user controllo] PAGE...

PAGE is a path after the ente and year (``bilancio``, ``personale``, ``ciclo``, ``registro``;
empty for the cruscotto). Needs Chromium (``CRUSCOTTO_CHROMIUM`` or /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--base", default="http://127.0.0.1:8000")
    ap.add_argument("--user", default="controllo")
    ap.add_argument("--ente", default="CCIAA-PT")
    ap.add_argument("--anno", default="2020")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CRUSCOTTO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT").new_page()
        page.goto(f"{args.base}/accounts/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for name in args.pages:
            page.goto(f"{args.base}/{args.ente}/{args.anno}/{name.strip('/')}/".replace("//", "/").replace(":/", "://"))
            page.wait_for_load_state()
            target = OUT / f"{name.strip('/') or 'cruscotto'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
