"""Screenshots of every page, as every demo role, on a phone and a laptop, in Italian and English.

    make screenshots                       # all of them, into docs/screenshots/
    .venv/bin/python scripts/screenshots.py --pages "" bilancio --roles controllo --widths 1366

Starts its own demo server (a fresh SQLite database in a temporary folder, the demo plan and
users, a free port), so nothing else needs to run, and stops it at the end. Files are named
``docs/screenshots/<lang>/<width>/<role>/<page>.png``; a page a role may not see (403) is
skipped. Needs Chromium (``CRUSCOTTO_CHROMIUM`` or /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
ROLES = ("controllo", "responsabile", "oiv", "consultazione", "admin")
PAGES = (
    "",
    "albero",
    "mappa",
    "aree",
    "aree/PROMOZIONE",
    "indicatori/B.2.1-1",
    "individuale",
    "fondo",
    "monitoraggio",
    "monitoraggio/insieme",
    "monitoraggio/carica",
    "valutazione",
    "valutazione/premi",
    "confronto",
    "bilancio",
    "personale",
    "contesto",
    "documenti",
    "calendario",
    "piano",
    "eventi",
    "ciclo",
    "registro",
    "registro/verifica",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(var: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CRUSCOTTO_DEMO": "1", "CRUSCOTTO_DEBUG": "1", "CRUSCOTTO_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)  # the temporary SQLite, never a configured database
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_setup"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "demo_valutazione"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    proc = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("il server della demo non risponde")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", nargs="*", default=list(PAGES), help="paths after /ENTE/ANNO/ ('' is the cruscotto)")
    ap.add_argument("--roles", nargs="*", default=list(ROLES))
    ap.add_argument("--widths", nargs="*", type=int, default=[390, 1366])
    ap.add_argument("--langs", nargs="*", default=["it", "en"])
    ap.add_argument("--ente", default="CCIAA-PT")
    ap.add_argument("--anno", default="2020")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CRUSCOTTO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    written = 0
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        server = _server(Path(tmp), port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
                for role in args.roles:
                    for lang in args.langs:
                        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="it-IT")
                        page = ctx.new_page()
                        page.goto(f"{base}/accounts/login/")
                        page.fill("#id_username", role)
                        page.fill("#id_password", "demo")
                        page.click("#contenuto button[type=submit]")  # not the language form's button
                        page.wait_for_load_state()
                        if lang != "it":
                            page.select_option("#lingua", lang)
                            page.click("#lingua ~ button[type=submit]")
                            page.wait_for_load_state()
                        for width in args.widths:
                            page.set_viewport_size({"width": width, "height": 900})
                            for name in args.pages:
                                url = f"{base}/{args.ente}/{args.anno}/{name.strip('/') + '/' if name else ''}"
                                response = page.goto(url)
                                if response is None or response.status == 403:
                                    continue
                                target = OUT / lang / str(width) / role / f"{name.replace('/', '_') or 'cruscotto'}.png"
                                target.parent.mkdir(parents=True, exist_ok=True)
                                page.screenshot(path=str(target), full_page=True)
                                written += 1
                        ctx.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{written} immagini in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
