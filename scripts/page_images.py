"""Page images of the demo documents, for a visual check kept in docs/screenshots.

    .venv/bin/python scripts/page_images.py [--out docs/screenshots] [--dpi 40]

Builds the demo Piano and the Relazione 2020 as the web demo does (the example
actuals and commitments; the budget tables, the staff register and the context
data), and the demo PIAO 2021-2023 (its 2.3 invented, demo/piao/) as PDF,
renders every page with pdftoppm (poppler-utils) and puts them side by side,
eight pages to a sheet: ``piano-pagine-1-8.png``, ``relazione-pagine-9-16.png``...
Prints each sheet written.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from cruscotto.demo import ACTUALS, MEASURES, PLAN, demo_path
from cruscotto.documents.pdf import render_pdf
from cruscotto.documents.piano import build_piano
from cruscotto.documents.relazione import build_relazione
from cruscotto.engine.rollup import score_plan
from cruscotto.files import load_plan
from cruscotto.files.values import read_actuals, read_measures

PER_SHEET = 8


def page_images(pdf: Path, dpi: int, work: Path) -> list[Path]:
    prefix = work / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(work.glob(f"{pdf.stem}-*.png"))


def sheets(pages: list[Path], name: str, out: Path) -> list[Path]:
    written = []
    for start in range(0, len(pages), PER_SHEET):
        group = [Image.open(p).convert("RGB") for p in pages[start : start + PER_SHEET]]
        w = max(i.width for i in group)
        h = max(i.height for i in group)
        gap = 8
        sheet = Image.new("RGB", (PER_SHEET // 2 * (w + gap) + gap, 2 * (h + gap) + gap), "#8a8f94")
        for k, img in enumerate(group):
            sheet.paste(img, (gap + (k % (PER_SHEET // 2)) * (w + gap), gap + (k // (PER_SHEET // 2)) * (h + gap)))
        path = out / f"{name}-pagine-{start + 1}-{start + len(group)}.png"
        sheet.save(path, optimize=True)
        written.append(path)
    return written


def _piao_demo(plan, personale, context):
    """The demo PIAO 2021-2023 as the web demo builds it: its 2.1, 2.3 and section 3 invented
    (demo/piao/), section 3 computed on the register's 2019."""
    from cruscotto.documents.piao import DatiPiao, build_piao, calcola_sezione3, dati_sezioni
    from cruscotto.engine.personale import dell_anno
    from cruscotto.engine.valore_pubblico import valore_pubblico_from_data
    from cruscotto.files.rischi import load_sezione23
    from cruscotto.files.sezione3 import load_sezione3
    from cruscotto.files.valore_pubblico import load_valore_pubblico

    files = sorted(Path(demo_path("piao")).glob("*.csv"))
    s23 = load_sezione23(files)
    sezioni = dict(dati_sezioni(load_valore_pubblico(files), load_sezione3(files)))
    dati = DatiPiao(
        s23.registro,
        s23.obblighi,
        inventata=True,
        valore_pubblico=valore_pubblico_from_data(sezioni["2.1-valore-pubblico"]["obiettivi"]),
        sezione3=calcola_sezione3(2019, plan.strutture, personale, sezioni, soglia=3, tutto=False),
        anno_base=2019,
        inventate=frozenset(sezioni),
        semplificato=len(dell_anno(personale, 2019)) < 50,
        dipendenti=(2019, len(dell_anno(personale, 2019))),
    )
    return build_piao(ente=plan.ente.nome, anno=2021, piano=plan, dati=dati, personale=personale, contesto=context)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--dpi", type=int, default=40)
    args = ap.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 2
    from cruscotto.files.bilancio import load_bilancio
    from cruscotto.files.contesto import load_contesto
    from cruscotto.files.personale import read_personale

    loaded = load_plan(demo_path(PLAN))
    valori = read_measures(demo_path(MEASURES), into=read_actuals(demo_path(ACTUALS)))
    result = score_plan(loaded.piano, anno=2020, valori=valori)
    data = {
        "bilancio": load_bilancio(demo_path("bilancio")),
        "personale": read_personale(demo_path("personale.csv")).dipendenti,
    }
    context = load_contesto(demo_path("contesto"))
    piano = build_piano(loaded.piano, contesto=context, **data)
    relazione = build_relazione(
        loaded.piano, result, example_data=True, misure=valori.misure_anno(2020), contesto=context, **data
    )
    piao = _piao_demo(loaded.piano, data["personale"], context)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*-pagine-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, doc in (("piano", piano), ("relazione", relazione), ("piao", piao)):
            pdf = render_pdf(doc, work / f"{name}.pdf")
            for path in sheets(page_images(pdf, args.dpi, work), name, args.out):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
