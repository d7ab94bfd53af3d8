"""One build function for every document, used by the command line and by the worker.

``build(kind, fmt, inputs, out)`` writes one file: which document, in which format, from
values the caller has already read (a plan file on the command line; the database in the
worker, ``performance/selectors.document_inputs``). No Django here: it takes values and
writes a file.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..engine.lingua import in_lingua
from ..engine.model import Piano
from ..engine.riservatezza import SOGLIA
from ..engine.rollup import RisultatoPiano, score_plan
from ..engine.scoring import Valori

# The documents and their formats. The Piano in XLSX is the cruscotto sheet of the seed (it
# reads back as the plan); the Relazione and the monitoring report in XLSX are the results.
KINDS: dict[str, tuple[str, ...]] = {
    "relazione": ("pdf", "docx", "xlsx"),
    "piano": ("pdf", "docx", "xlsx"),
    "monitoraggio": ("pdf", "docx", "xlsx"),
    "validazione": ("pdf", "docx"),
    "piao": ("pdf", "docx", "zip"),  # zip: the package for the national portal
    "cruscotto": ("xlsx",),
    "opendata": ("zip",),
}


@dataclass(frozen=True)
class Fase:
    """A step of the year's cycle, for the Relazione's account of how it was made."""

    data: date | None
    fase: str
    chi: str  # who took the step, or by which act


@dataclass(frozen=True)
class Redazione:
    """What the Relazione says of itself (guideline 3/2018): the summary for citizens and
    stakeholders and the note on the process, written by the controllo di gestione, and the
    cycle's steps as recorded."""

    sintesi: str = ""
    note: str = ""
    fasi: tuple[Fase, ...] = ()


@dataclass(frozen=True)
class Inputs:
    """What a document is made of, read beforehand."""

    piano: Piano
    anno: int
    valori: Valori
    result: RisultatoPiano | None = None  # the year's result when the caller has it (events, validation)
    as_of: date | None = None
    periodo: str = "S1"  # the monitoring report's period
    example_data: bool = False  # invented values: the cover says so
    bilancio: Any = None
    personale: Any = None
    contesto: Any = None
    validazione: tuple | None = None  # (validation, checks, observations) of the OIV's document
    # For the scores the document computes itself (a monitoring period): the year's recorded
    # neutralisations and its closed periods ("" the whole year), as the pages score them.
    neutralizzati: Mapping[tuple[str, str], str] = field(default_factory=dict)
    chiusi: frozenset[str] = frozenset()
    # Staff counts below this are hidden in the published documents (engine/riservatezza.py).
    soglia_riservatezza: int = SOGLIA
    redazione: Redazione | None = None  # None: no record of the cycle (a plan file on the command line)
    # The year's individual evaluation as published (engine/premi.Pubblicazione), or None.
    valutazione: Any = None
    # Benchmarking across enti (docs/confronto.md): the cluster means computed for the plan's
    # indicators where none is printed (code -> an object with valore, n, anno and calcolata_il), and
    # the year's comparison rows for the open data (engine/confronto.Confronto, with names).
    medie_cluster: Mapping[str, Any] = field(default_factory=dict)
    confronto: tuple = ()
    # The PIAO whose first year is ``anno``: its 2.3 (documents/piao.DatiPiao); its 2.2 is ``piano``.
    piao: Any = None


def filename(kind: str, fmt: str, ente: str, anno: int, periodo: str = "") -> str:
    return f"{kind}-{ente}-{anno}{'-' + periodo if kind == 'monitoraggio' and periodo else ''}.{fmt}"


def _result(inputs: Inputs, periodo: str = "") -> RisultatoPiano:
    if inputs.result is not None and not periodo:
        return inputs.result
    return score_plan(
        inputs.piano,
        anno=inputs.anno,
        valori=inputs.valori,
        as_of=inputs.as_of,
        periodo=periodo,
        neutralizzati=inputs.neutralizzati,
        chiuso=periodo in inputs.chiusi,
    )


def build(kind: str, fmt: str, inputs: Inputs, out: Path, stage: Callable[[str], None] = lambda _s: None) -> str:
    """Write document ``kind`` in ``fmt`` to ``out``; return its title. ValueError for a
    document or format that does not exist. The documents are Italian, whoever asks for them:
    the engine's messages in them too (engine/lingua.py)."""
    with in_lingua("it"):
        return _build(kind, fmt, inputs, out, stage)


def _build(kind: str, fmt: str, inputs: Inputs, out: Path, stage: Callable[[str], None]) -> str:
    if fmt not in KINDS.get(kind, ()):
        raise ValueError(f"documento {kind!r} in formato {fmt!r} non disponibile")
    plan = inputs.piano
    stage("costruzione del documento")
    if kind == "cruscotto" or (kind == "piano" and fmt == "xlsx"):
        from ..files.tabular import write_xlsx_plan

        write_xlsx_plan(plan, out, inputs.valori if kind == "cruscotto" else None)
        return f"Cruscotto {plan.ente.nome}"
    if kind == "opendata":
        from ..opendata import write_opendata

        with tempfile.TemporaryDirectory() as tmp:
            write_opendata(
                plan,
                _result(inputs),
                Path(tmp) / "opendata",
                valutazione=inputs.valutazione,
                confronto=inputs.confronto,
                piao=inputs.piao,
            )
            shutil.make_archive(str(out.with_suffix("")), "zip", Path(tmp) / "opendata")
        return f"Dati aperti {plan.ente.nome} {inputs.anno}"
    if kind == "piao" and fmt == "zip":
        return _pacchetto_piao(inputs, out, stage)
    if fmt == "xlsx":  # relazione, monitoraggio: the results
        from .xlsx import render_results_xlsx

        periodo = inputs.periodo if kind == "monitoraggio" else ""
        render_results_xlsx(plan, _result(inputs, periodo), out, periodo=periodo, example_data=inputs.example_data)
        return f"{kind} {inputs.anno}"
    if kind == "relazione":
        from .relazione import build_relazione

        doc = build_relazione(
            plan,
            _result(inputs),
            example_data=inputs.example_data,
            bilancio=inputs.bilancio,
            personale=inputs.personale,
            misure=inputs.valori.misure_anno(inputs.anno),
            contesto=inputs.contesto,
            soglia=inputs.soglia_riservatezza,
            redazione=inputs.redazione,
            valutazione=inputs.valutazione,
        )
    elif kind == "piano":
        from .piano import build_piano

        doc = build_piano(
            plan,
            medie_cluster=inputs.medie_cluster,
            bilancio=inputs.bilancio,
            personale=inputs.personale,
            contesto=inputs.contesto,
            soglia=inputs.soglia_riservatezza,
        )
    elif kind == "piao":
        from .piao import DatiPiao, build_piao

        doc = build_piao(
            ente=plan.ente.nome,
            anno=inputs.anno,
            piano=plan,
            dati=inputs.piao or DatiPiao(),
            personale=inputs.personale,
            contesto=inputs.contesto,
            soglia=inputs.soglia_riservatezza,
        )
    elif kind == "validazione":
        from .validazione import build_validazione

        v, checks, notes = inputs.validazione or (None, (), ())
        doc = build_validazione(
            plan, _result(inputs), validazione=v, verifiche=checks, osservazioni=notes, example_data=inputs.example_data
        )
    else:  # monitoraggio
        from .monitoraggio import build_monitoraggio

        doc = build_monitoraggio(plan, _result(inputs, inputs.periodo), inputs.periodo)
    stage("impaginazione")
    if fmt == "pdf":
        from .pdf import render_pdf

        render_pdf(doc, out)
    else:
        from .docx import render_docx

        render_docx(doc, out)
    return doc.title


def _pacchetto_piao(inputs: Inputs, out: Path, stage: Callable[[str], None]) -> str:
    """The PIAO for the national portal: its PDF and the list of the checks made before upload
    (documents/piao.DatiPiao.verifiche), in one ZIP."""
    import zipfile

    from .piao import DatiPiao

    dati = inputs.piao or DatiPiao()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"piao-{inputs.piano.ente.codice}-{inputs.anno}-{inputs.anno + 2}.pdf"
        title = _build("piao", "pdf", inputs, pdf, stage)
        righe = [f"{title} · {inputs.piano.ente.nome}", "", "Verifiche prima del caricamento sul Portale PIAO:"]
        righe += [
            f"- [{esito}] {testo}" + (f": {dettaglio}" if dettaglio else "")
            for testo, esito, dettaglio in dati.verifiche
        ]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(pdf, pdf.name)
            z.writestr("verifiche.txt", "\n".join(righe) + "\n")
    return title
