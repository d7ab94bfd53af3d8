"""The ``cruscotto`` command: validate, score and convert plan files.

Entry points only translate: they read files, call the engine, print. Errors
from the engine become a message on stderr and exit code 1 (2 for misuse).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .demo import ACTUALS, PLAN, demo_path
from .engine.entry import check_actuals
from .engine.errors import CruscottoError, ParseError, PlanError, Problem
from .engine.export import result_to_dict
from .engine.rollup import score_plan
from .engine.scoring import STATO_TESTO, Stato, fmt_value
from .engine.validation import validate_plan
from .files import load_plan, save_plan
from .files.values import read_actuals, read_measures

PROGRESS_FROM = 2000  # indicators: below this, scoring is instant

app = typer.Typer(
    help="cruscotto: il ciclo della performance (d.lgs. 150/2009) da riga di comando.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

STATUS_STYLE = {
    Stato.RAGGIUNTO: "green",
    Stato.PARZIALE: "yellow",
    Stato.NON_RAGGIUNTO: "red",
    Stato.SENZA_DATI: "dim",
    Stato.NON_VALUTABILE: "magenta",
    Stato.IN_ATTESA: "cyan",
    Stato.BASELINE: "blue",
}
STATUS_LABEL = STATO_TESTO  # the engine's one table of status labels


def pct(a: float | None) -> str:
    """Display rounding happens here and only here: two decimals, Italian comma."""
    return "—" if a is None else f"{a:.2f}".replace(".", ",") + "%"


def euro(x: float) -> str:
    whole, dec = f"{x:,.2f}".split(".")
    return "€ " + whole.replace(",", ".") + "," + dec


def _fail(problems: list[Problem], source: str | None = None) -> None:
    for p in problems:
        where = f"{p.where}: " if p.where else ""
        err.print(f"[red]errore[/red] {where}{p.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _load(file: Path):
    try:
        return load_plan(file)
    except PlanError as exc:
        _fail(exc.problems)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Piano: .yaml, .json, .csv o .xlsx")],
    as_json: Annotated[bool, typer.Option("--json", help="Risultato in JSON: {errors, warnings}")] = False,
    bilancio: Annotated[
        Path | None, typer.Option("--bilancio", help="Cartella delle tabelle di bilancio (docs/bilancio.md)")
    ] = None,
    personale: Annotated[
        Path | None, typer.Option("--personale", help="Registro del personale, CSV o XLSX (docs/personale.md)")
    ] = None,
    personale_stampati: Annotated[
        Path | None,
        typer.Option("--personale-stampati", help="Cifre del personale come stampate, da confrontare col registro"),
    ] = None,
    contesto: Annotated[
        Path | None,
        typer.Option(
            "--contesto", help="Cartella dei dati di contesto: organi, stakeholder, partecipate (docs/contesto.md)"
        ),
    ] = None,
) -> None:
    """Controlla un piano (e le tabelle di bilancio e del personale): errori (exit 1) e avvisi (exit 0)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    try:
        loaded = load_plan(file)
    except PlanError as exc:
        errors = exc.problems
    else:
        warnings = list(loaded.warnings)
        for p in loaded.locate(validate_plan(loaded.piano)):
            (errors if p.severity == "error" else warnings).append(p)
    if bilancio is not None:
        from .engine.bilancio import check_bilancio
        from .files.bilancio import load_bilancio
        from .files.tables import InvalidFile

        try:
            found = check_bilancio(load_bilancio(bilancio), piano=loaded.piano if not errors else None)
        except InvalidFile as exc:
            found = exc.problems
        except ParseError as exc:
            found = [
                Problem(
                    "bilancio_file",
                    exc.reason + (f": {exc.value!r}" if exc.value is not None else ""),
                    exc.where or str(bilancio),
                )
            ]
        for p in found:
            (errors if p.severity == "error" else warnings).append(p)
    if contesto is not None:
        from .engine.contesto import check_contesto
        from .files.contesto import load_contesto
        from .files.tables import InvalidFile

        try:
            found = check_contesto(load_contesto(contesto))
        except InvalidFile as exc:
            found = exc.problems
        except ParseError as exc:
            found = [
                Problem(
                    "contesto_file",
                    exc.reason + (f": {exc.value!r}" if exc.value is not None else ""),
                    exc.where or str(contesto),
                )
            ]
        for p in found:
            (errors if p.severity == "error" else warnings).append(p)
    if personale is not None:
        errors_p, warnings_p = _check_personale(personale, personale_stampati)
        errors += errors_p
        warnings += warnings_p
    if as_json:
        print(
            json.dumps(
                {"errors": [p.as_dict() for p in errors], "warnings": [p.as_dict() for p in warnings]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for p in errors:
            out.print(f"[red]errore[/red]  [bold]{p.where}[/bold]: {p.message}  [dim]({p.code})[/dim]", highlight=False)
        for p in warnings:
            out.print(
                f"[yellow]avviso[/yellow]  [bold]{p.where}[/bold]: {p.message}  [dim]({p.code})[/dim]", highlight=False
            )
        verdict = "[red]non valido[/red]" if errors else "[green]valido[/green]"
        out.print(f"{file}: {verdict} — {len(errors)} errori, {len(warnings)} avvisi", highlight=False)
    raise typer.Exit(1 if errors else 0)


def _check_personale(register: Path, printed: Path | None) -> tuple[list[Problem], list[Problem]]:
    """The register's own problems, and every printed figure it does not give."""
    from .engine.personale import confronta_stampati
    from .files.personale import read_personale, read_stampati
    from .files.tables import InvalidFile

    try:
        reg = read_personale(register)
        found = list(reg.warnings)
        if printed is not None:
            found += confronta_stampati(reg.dipendenti, read_stampati(printed))
    except InvalidFile as exc:
        return exc.problems, []
    except ParseError as exc:
        return [
            Problem(
                "personale_file",
                exc.reason + (f": {exc.value!r}" if exc.value is not None else ""),
                exc.where or str(register),
            )
        ], []
    return [p for p in found if p.severity == "error"], [p for p in found if p.severity != "error"]


def _inputs(file: Path, actuals, measures, as_of: str | None, events: list[str] | None = None):
    """The plan and its values from the command's files; a bad input is a clear error (exit 1)."""
    from .engine.numbers import parse_date

    loaded = _load(file)
    try:
        for a in actuals or []:
            read_actuals(a, into=loaded.valori)
        for m in measures or []:
            read_measures(m, into=loaded.valori)
        ref = parse_date(as_of, where="--as-of") if as_of else None
        parsed_events = _parse_events(events or [])
        for wrong in check_actuals(loaded.piano, loaded.valori.consuntivi):
            raise wrong  # a value of the wrong kind for its indicator (engine/entry.py)
    except (ParseError, OSError) as exc:
        err.print(f"[red]errore[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    return loaded, ref, parsed_events


def _parse_events(events: list[str]) -> dict[str, date]:
    result = {}
    for e in events:
        code, sep, value = e.partition("=")
        if not sep:
            raise ParseError("evento non valido (atteso CODICE=AAAA-MM-GG)", value=e, where="--event")
        from .engine.numbers import parse_date

        result[code.strip()] = parse_date(value.strip(), where=f"--event {code}")
    return result


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="Piano: .yaml, .json, .csv o .xlsx")],
    year: Annotated[int, typer.Option("--year", help="Anno da valutare")],
    actuals: Annotated[list[Path] | None, typer.Option("--actuals", help="CSV dei consuntivi (ripetibile)")] = None,
    measures: Annotated[
        list[Path] | None, typer.Option("--measures", help="CSV delle misure di base (ripetibile)")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Data di riferimento AAAA-MM-GG (default: 31/12 dell'anno)")
    ] = None,
    event: Annotated[list[str] | None, typer.Option("--event", help="Data di un evento, es. T0=2020-09-14")] = None,
    period: Annotated[str, typer.Option("--period", help="Periodo (es. S1); vuoto = anno intero")] = "",
    as_json: Annotated[
        bool, typer.Option("--json", help="Risultato completo in JSON (contratto in docs/cli.md)")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Non valutare un piano con errori di validazione (uscita 1)")
    ] = False,
) -> None:
    """Valuta il piano per un anno: ente, prospettive, linee, obiettivi, indicatori, schede, fondo."""
    loaded, ref, events = _inputs(file, actuals, measures, as_of, event)
    valori = loaded.valori
    # Never silent: a plan with validation errors is said so before any figure (and refused with --strict).
    problems = loaded.locate(validate_plan(loaded.piano))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        err.print(
            f"[red]{len(errors)} errori di validazione nel piano[/red]: le cifre che seguono non li correggono",
            highlight=False,
        )
        for p in errors:
            err.print(f"  [red]•[/red] {p.where}: {p.message}", highlight=False, soft_wrap=True)
        if strict:
            err.print("[red]--strict[/red]: valutazione rifiutata")
            raise typer.Exit(1)
    if year not in loaded.piano.anni:
        err.print(
            f"[yellow]avviso[/yellow] l'anno {year} non è tra gli anni del piano ({', '.join(map(str, loaded.piano.anni))})"
        )
    n = sum(1 for _ in loaded.piano.indicatori())
    if n >= PROGRESS_FROM and err.is_terminal:
        with Progress(
            TextColumn("valutazione"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("score", total=n)
            result = score_plan(
                loaded.piano,
                anno=year,
                valori=valori,
                as_of=ref,
                eventi=events,
                periodo=period,
                on_progress=lambda done, total: bar.update(task, completed=done),
            )
    else:
        result = score_plan(loaded.piano, anno=year, valori=valori, as_of=ref, eventi=events, periodo=period)
    if as_json:
        data = result_to_dict(result)
        data["validation"] = [
            {"severity": p.severity, "code": p.code, "where": p.where, "message": p.message} for p in problems
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _print_scorecard(loaded.piano, result)


def _print_scorecard(piano, result) -> None:
    title = f"{piano.ente.nome} — {piano.titolo} — anno {result.anno}"
    out.print(f"[bold]{title}[/bold]", highlight=False)
    out.print(
        f"Performance di ente: [bold]{pct(result.achievement)}[/bold] "
        f"[{STATUS_STYLE[result.stato]}]{STATUS_LABEL[result.stato]}[/]  (riferimento {result.as_of:%d/%m/%Y})",
        highlight=False,
    )
    out.print(f"Copertura: {result.copertura.testo()}", highlight=False)
    t = Table(title="Albero della performance", show_lines=False, header_style="bold")
    t.add_column("Livello")
    t.add_column("Codice")
    t.add_column("Nome", max_width=60)
    t.add_column("Grado", justify="right")
    t.add_column("Stato")
    t.add_column("Copertura")
    shift = 1 if any(n.livello == "ambito" for n in result.nodi) else 0
    indent = {
        "ambito": 0,
        "prospettiva": shift,
        "linea": 1 + shift,
        "obiettivo_strategico": 2 + shift,
        "obiettivo_operativo": 3 + shift,
    }
    for n in result.nodi:
        scope = " (area)" if n.cruscotto == "area" else ""
        t.add_row(
            n.livello.replace("_", " ") + scope,
            "  " * indent[n.livello] + n.codice,
            n.nome,
            pct(n.achievement),
            f"[{STATUS_STYLE[n.stato]}]{STATUS_LABEL[n.stato]}[/]",
            f"{n.copertura.valutati}/{n.copertura.totale}" + ("" if n.copertura.completa else " ⚠"),
        )
    out.print(t)
    ti = Table(title="Indicatori", header_style="bold")
    for c in ("Codice", "Indicatore", "Consuntivo", "Target", "Grado", "Stato"):
        ti.add_column(c, max_width=50 if c == "Indicatore" else None, justify="right" if c == "Grado" else "left")
    for i in result.indicatori:
        ti.add_row(
            i.codice,
            i.nome,
            fmt_value(i.actual),
            i.target.testo if i.target else "—",
            pct(i.achievement),
            f"[{STATUS_STYLE[i.stato]}]{STATUS_LABEL[i.stato]}[/]",
        )
    out.print(ti)
    for s in result.schede:
        ts = Table(title=f"Scheda individuale: {s.nome} — {pct(s.achievement)}", header_style="bold")
        for c in ("Sezione", "Peso", "Voce", "Peso voce", "Grado", "Stato"):
            ts.add_column(c)
        for sec in s.sezioni:
            ts.add_row(
                f"{sec['codice']} {sec['nome'][:40]}",
                pct(sec["peso"]) if sec["peso"] is not None else "—",
                "",
                "",
                pct(sec["achievement"]),
                STATUS_LABEL[Stato(sec["stato"])],
            )
            for v in sec["voci"]:
                ts.add_row(
                    "",
                    "",
                    f"{v['codice']} {v['nome'][:50]}",
                    pct(v["peso"]) if v["peso"] is not None else "—",
                    pct(v["achievement"]),
                    STATUS_LABEL[Stato(v["stato"])],
                )
        out.print(ts)
    if result.fondo:
        f = result.fondo
        out.print(
            f"[bold]{f.nome}[/bold]: {euro(f.importo)} su {euro(f.importo_massimo)} (quota {pct(f.quota)})"
            + ("  [yellow]provvisorio fino alla validazione OIV[/yellow]" if f.provvisorio else ""),
            highlight=False,
        )
    if result.warnings:
        out.print(f"[yellow]{len(result.warnings)} avvisi[/yellow]")
        for w in result.warnings:
            out.print(f"  [yellow]•[/yellow] {w}", highlight=False)


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Piano da leggere (.yaml, .json, .csv, .xlsx)")],
    target: Annotated[Path, typer.Argument(help="File da scrivere; il formato dall'estensione")],
) -> None:
    """Converte un piano tra formato nativo (YAML/JSON) e tabellare (CSV/XLSX)."""
    loaded = _load(source)
    try:
        save_plan(loaded.piano, target, loaded.valori if loaded.valori.consuntivi else None)
    except PlanError as exc:
        _fail(exc.problems)
    out.print(f"{source} → {target}", highlight=False)
    if target.suffix.lower() == ".csv":
        from .files.tabular import csv_losses

        for what in csv_losses(loaded.piano):
            err.print(
                f"[yellow]avviso[/yellow] il CSV non porta {what}: per conservarli usare .xlsx o .yaml", highlight=False
            )


@app.command()
def report(
    kind: Annotated[str, typer.Argument(help="piano, relazione o monitoraggio")],
    file: Annotated[Path, typer.Argument(help="Piano: .yaml, .json, .csv o .xlsx")],
    year: Annotated[int, typer.Option("--year", help="Anno")],
    fmt: Annotated[str, typer.Option("--format", help="pdf, docx o xlsx")] = "pdf",
    output: Annotated[Path, typer.Option("-o", "--output", help="File da scrivere")] = Path("relazione.pdf"),
    actuals: Annotated[list[Path] | None, typer.Option("--actuals", help="CSV dei consuntivi (ripetibile)")] = None,
    measures: Annotated[
        list[Path] | None, typer.Option("--measures", help="CSV delle misure di base (ripetibile)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Data di riferimento AAAA-MM-GG")] = None,
    example_data: Annotated[
        bool, typer.Option("--example-data", help="Segna in copertina che i dati sono di esempio")
    ] = False,
    period: Annotated[str, typer.Option("--period", help="Periodo del monitoraggio (es. S1)")] = "S1",
    bilancio: Annotated[
        Path | None,
        typer.Option("--bilancio", help="Cartella delle tabelle di bilancio: le tabelle del documento dai dati"),
    ] = None,
    personale: Annotated[
        Path | None, typer.Option("--personale", help="Registro del personale: tabelle e analisi di genere calcolate")
    ] = None,
    contesto: Annotated[
        Path | None,
        typer.Option(
            "--contesto",
            help="Cartella dei dati di contesto: organi, stakeholder, partecipate e tabelle del contesto esterno nel Piano e nella Relazione",
        ),
    ] = None,
) -> None:
    """Genera un documento: Piano, Relazione sulla performance o monitoraggio di un periodo (PDF, DOCX o XLSX).

    In XLSX il Piano è il cruscotto nel formato del seed (si reimporta così com'è); la Relazione
    e il monitoraggio sono i risultati: sintesi e un foglio per prospettiva.
    """
    from .documents.build import Inputs, build

    if kind not in ("piano", "relazione", "monitoraggio"):
        err.print(f"[red]errore[/red] documento {kind!r} non disponibile (disponibili: piano, relazione, monitoraggio)")
        raise typer.Exit(2)
    if fmt not in ("pdf", "docx", "xlsx"):
        err.print(f"[red]errore[/red] formato {fmt!r} non disponibile (pdf, docx, xlsx)")
        raise typer.Exit(2)
    loaded, ref, _events = _inputs(file, actuals, measures, as_of)
    try:
        from .files.bilancio import load_bilancio
        from .files.contesto import load_contesto
        from .files.personale import read_personale

        tables = load_bilancio(bilancio) if bilancio else None
        register = read_personale(personale).dipendenti if personale else None
        context = load_contesto(contesto) if contesto else None
    except (ParseError, OSError) as exc:
        err.print(f"[red]errore[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    inputs = Inputs(
        piano=loaded.piano,
        anno=year,
        valori=loaded.valori,
        as_of=ref,
        periodo=period,
        example_data=example_data,
        bilancio=tables,
        personale=register,
        contesto=context,
    )
    # The same build as the web application's worker (documents/build.py).
    title = build(kind, fmt, inputs, output)
    out.print(f"{title if fmt != 'xlsx' else f'{kind} {year} (xlsx)'} → {output}", highlight=False)


@app.command()
def opendata(
    file: Annotated[Path, typer.Argument(help="Piano: .yaml, .json, .csv o .xlsx")],
    year: Annotated[int, typer.Option("--year", help="Anno dei risultati")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Cartella da scrivere")] = Path("opendata"),
    actuals: Annotated[list[Path] | None, typer.Option("--actuals", help="CSV dei consuntivi (ripetibile)")] = None,
) -> None:
    """Dati aperti per Amministrazione trasparente: CSV, JSON, datapackage.json, index.html."""
    from .opendata import write_opendata

    loaded, _ref, _events = _inputs(file, actuals, None, None)
    result = score_plan(loaded.piano, anno=year, valori=loaded.valori)
    out.print(f"dati aperti → {write_opendata(loaded.piano, result, output)}", highlight=False)


@app.command()
def demo(
    path: Annotated[bool, typer.Option("--path", help="Stampa il percorso del piano demo")] = False,
    actuals_path: Annotated[
        bool, typer.Option("--actuals-path", help="Stampa il percorso dei consuntivi 2020 di esempio (inventati)")
    ] = False,
    bilancio_path: Annotated[
        bool, typer.Option("--bilancio-path", help="Stampa la cartella delle tabelle di bilancio del piano demo")
    ] = False,
    personale_path: Annotated[
        bool,
        typer.Option(
            "--personale-path", help="Stampa il registro del personale demo (inventato, coerente con il seed)"
        ),
    ] = False,
    personale_stampati_path: Annotated[
        bool, typer.Option("--personale-stampati-path", help="Stampa le cifre del personale come stampate nel seed")
    ] = False,
    contesto_path: Annotated[
        bool, typer.Option("--contesto-path", help="Stampa la cartella dei dati di contesto del piano demo")
    ] = False,
) -> None:
    """Il piano demo: il Piano della performance 2020-2022 della CCIAA di Pistoia."""
    if path:
        print(demo_path(PLAN))
    if actuals_path:
        print(demo_path(ACTUALS))
    if bilancio_path:
        print(demo_path("bilancio"))
    if personale_path:
        print(demo_path("personale.csv"))
    if personale_stampati_path:
        print(demo_path("personale-stampati.csv"))
    if contesto_path:
        print(demo_path("contesto"))
    if not (path or actuals_path or bilancio_path or personale_path or personale_stampati_path or contesto_path):
        print(demo_path(PLAN))
        print(demo_path(ACTUALS))


def _web_database():
    """The web application's database (DATABASE_URL, docs/configuration.md), for backup and restore.

    Imported here, not at the top: the other commands work on files and need no Django.
    """
    import os

    import django
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cruscotto.web.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        err.print(f"[red]errore[/red] configurazione: {exc}", highlight=False)
        raise typer.Exit(1) from None
    from .performance import backup

    return backup


@app.command()
def backup(
    ente: Annotated[str, typer.Argument(help="Codice dell'ente, es. CCIAA-PT")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File da scrivere: .json, o .json.gz compresso")],
) -> None:
    """Copia di un ente dal database dell'applicazione web: piani, valori, storia, registro (docs/backup.md)."""
    from django.db import DatabaseError

    b = _web_database()
    try:
        summary = b.dump_to_path(ente, output)
    except (b.BackupError, DatabaseError, OSError) as exc:
        err.print(f"[red]errore[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(summary.line(ente, output), highlight=False)


def _anchors(values: list[str] | None) -> dict[int, str]:
    """``N:IMPRONTA`` pairs (a record's number in the chain and its impronta, noted elsewhere)."""
    anchors: dict[int, str] = {}
    for v in values or []:
        n, sep, h = v.partition(":")
        h = h.strip().lower()
        if not sep or not n.strip().isdigit() or len(h) != 64 or any(c not in "0123456789abcdef" for c in h):
            err.print(
                f"[red]errore[/red] --ancora «{v}»: atteso NUMERO:IMPRONTA (64 cifre esadecimali)", highlight=False
            )
            raise typer.Exit(2)
        anchors[int(n)] = h
    return anchors


ANCHOR_HELP = "Voce della catena e impronta annotate altrove (un backup, un verbale): NUMERO:IMPRONTA; ripetibile"


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="Backup da ripristinare (.json o .json.gz)")],
    come: Annotated[
        str | None, typer.Option("--come", help="Codice dell'ente ripristinato, se diverso da quello del backup")
    ] = None,
    ancora: Annotated[list[str] | None, typer.Option("--ancora", help=ANCHOR_HELP)] = None,
) -> None:
    """Ripristina un ente da un backup, come ente nuovo; tutto o niente (docs/backup.md)."""
    from django.db import DatabaseError

    anchors = _anchors(ancora)
    b = _web_database()
    try:
        result = b.restore_from_path(file, rename_to=come, ancore=anchors)
    except (b.BackupError, DatabaseError) as exc:
        err.print(f"[red]errore[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    for line in result.lines():
        out.print(line, highlight=False)


audit_app = typer.Typer(help="Il registro delle modifiche e la sua catena di impronte.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    ente: Annotated[
        str | None, typer.Option("--ente", help="Codice dell'ente; senza: tutte le catene del database")
    ] = None,
    ancora: Annotated[list[str] | None, typer.Option("--ancora", help=ANCHOR_HELP)] = None,
) -> None:
    """Verifica la catena del registro: voci alterate, cancellate o spostate (docs/security.md)."""
    from django.db import DatabaseError

    anchors = _anchors(ancora)
    if anchors and ente is None:
        err.print("[red]errore[/red] --ancora vale per la catena di un ente: indicare --ente", highlight=False)
        raise typer.Exit(2)
    _web_database()
    from .performance import catena

    try:
        codes = [ente] if ente is not None else catena.catene()
        results = [catena.verifica_ente(c, ancore=anchors) for c in codes]
    except DatabaseError as exc:
        err.print(f"[red]errore[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if ente is not None and results[0].voci == 0:
        err.print(f"[red]errore[/red] nessuna voce del registro per l'ente «{ente}»", highlight=False)
        raise typer.Exit(1)
    for r in results:
        name = r.ente or "(utenti, senza ente)"
        if r.integra:
            out.print(
                f"[green]integra[/green] {name}: {r.voci} voci, ultima n. {r.ultima}, impronta {r.impronta}",
                highlight=False,
            )
        else:
            out.print(f"[red]NON INTEGRA[/red] {name}: {r.voci} voci, {len(r.problemi)} problemi", highlight=False)
            for p in r.problemi:
                out.print(f"  - {p.testo}", highlight=False)
    if any(not r.integra for r in results):
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except CruscottoError as exc:  # an engine error that escaped a command: still a clear message
        err.print(f"[red]errore[/red] {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
