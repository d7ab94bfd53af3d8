"""Open data for Amministrazione trasparente > Performance (d.lgs. 33/2013).

A folder with CSV (UTF-8) and JSON datasets of the plan, the targets, the
results of a year and the fund, described by a Frictionless Data Package
(``datapackage.json``, licence CC-BY-4.0), and an ``index.html`` ready to
upload to the body's site. Plain standard library: the package is checked
with the ``frictionless`` library in the tests.
"""

from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

from .engine.model import Piano
from .engine.rollup import RisultatoPiano
from .files.tables import neutralise

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _num(x):
    return "" if x is None else x


def datasets(piano: Piano, result: RisultatoPiano, valutazione=None, confronto=(), piao=None) -> list[dict]:
    """Each dataset: name, title, description, fields [(name, type, description)], rows."""
    parents = {}
    nodes = [("ambito", a.codice, a.nome, "", a.peso) for a in piano.ambiti]
    ambito_of = piano.ambito_di()
    for p in piano.prospettive:
        nodes.append(
            ("prospettiva", p.codice, p.nome, ambito_of[p.codice].codice if p.codice in ambito_of else "", p.peso)
        )
        for ln in p.linee:
            nodes.append(("linea", ln.codice, ln.nome, p.codice, ln.peso))
            for os_ in ln.obiettivi_strategici:
                nodes.append(("obiettivo_strategico", os_.codice, os_.nome, ln.codice, os_.peso))
                for i in os_.indicatori:
                    parents[i.codice] = (os_.codice, "")
                for oo in os_.obiettivi_operativi:
                    nodes.append(("obiettivo_operativo", oo.codice, oo.nome, os_.codice, oo.peso))
                    for i in oo.indicatori:
                        parents[i.codice] = (os_.codice, oo.codice)
    indicators = list(piano.indicatori())
    res = {r.codice: r for r in result.indicatori}
    out = [
        {
            "name": "albero",
            "title": "Albero della performance",
            "description": f"Prospettive, linee strategiche, obiettivi strategici e operativi del {piano.titolo}.",
            "fields": [
                (
                    "livello",
                    "string",
                    "ambito (se il piano lo ha), prospettiva, linea, obiettivo_strategico, obiettivo_operativo",
                ),
                ("codice", "string", "codice del nodo"),
                ("nome", "string", "denominazione"),
                ("padre", "string", "codice del nodo superiore"),
                ("peso", "number", "peso in punti percentuali; vuoto = pesi uguali"),
            ],
            "rows": [[lv, c, n, pa, _num(w)] for lv, c, n, pa, w in nodes],
        },
        {
            "name": "indicatori",
            "title": "Indicatori",
            "description": (
                "Gli indicatori del piano con algoritmo, etichette, polarità, peso, unità di misura, fonte e strutture."
            ),
            "fields": [
                ("codice", "string", "codice dell'indicatore"),
                ("nome", "string", "denominazione"),
                ("obiettivo_strategico", "string", "codice"),
                ("obiettivo_operativo", "string", "codice (vuoto se l'indicatore è sull'obiettivo strategico)"),
                ("algoritmo", "string", "formula descritta"),
                ("etichette", "string", "PIRA, PARETO, PROG.INTEGR.FONDO"),
                ("polarita", "string", "crescente, decrescente, scadenza, si/no, milestone"),
                ("peso", "number", "peso in punti percentuali"),
                ("unita", "string", "unità di misura"),
                ("tipologia", "string", "tipologia"),
                ("fonte", "string", "fonte del dato"),
                ("strutture", "string", "strutture coinvolte"),
                ("cruscotto", "string", "ente (cruscotto di ente) o area (solo cascading)"),
            ],
            "rows": [
                [
                    i.codice,
                    i.nome,
                    *parents[i.codice],
                    i.algoritmo,
                    ", ".join(i.etichette),
                    i.polarita.value,
                    _num(i.peso),
                    i.unita,
                    i.tipologia,
                    i.fonte,
                    ", ".join(i.strutture),
                    i.cruscotto.value,
                ]
                for i in indicators
            ],
        },
        {
            "name": "target",
            "title": "Target per anno",
            "description": (
                "I target di ogni indicatore per ogni anno, come stampati nel piano e, se numerici, come numero."
            ),
            "fields": [
                ("codice", "string", "codice dell'indicatore"),
                ("anno", "integer", "anno"),
                ("target", "string", "target come stampato"),
                ("valore", "number", "valore numerico del target, se numerico"),
            ],
            "rows": [[i.codice, y, t.testo, _num(t.valore)] for i in indicators for y, t in sorted(i.target.items())],
        },
        {
            "name": "risultati",
            "title": f"Risultati {result.anno}",
            "description": (
                "Per ogni indicatore e nodo dell'albero: grado di raggiungimento (percentuale, non arrotondato) "
                f"e stato, anno {result.anno}, dati al {result.as_of:%d/%m/%Y}."
            ),
            "fields": [
                ("tipo", "string", "indicatore o livello del nodo"),
                ("codice", "string", "codice"),
                ("anno", "integer", "anno"),
                ("consuntivo", "string", "valore raggiunto"),
                ("grado", "number", "grado di raggiungimento in percentuale"),
                ("stato", "string", "raggiunto, parzialmente_raggiunto, non_raggiunto, senza_dati, in_attesa"),
            ],
            "rows": [
                [
                    "indicatore",
                    c,
                    result.anno,
                    "" if r.actual is None else str(r.actual),
                    _num(r.achievement),
                    r.stato.value,
                ]
                for c, r in res.items()
            ]
            + [[n.livello, n.codice, result.anno, "", _num(n.achievement), n.stato.value] for n in result.nodi]
            + [["ente", piano.ente.codice, result.anno, "", _num(result.achievement), result.stato.value]],
        },
    ]
    if result.fondo:
        f = result.fondo
        out.append(
            {
                "name": "fondo",
                "title": f"Integrazione del fondo {f.anno}",
                "description": (
                    "Ammontare dell'integrazione del fondo per le risorse decentrate collegata agli obiettivi "
                    "(art. 67 c. 5 CCNL 2016-2018)."
                ),
                "fields": [
                    ("anno", "integer", "anno"),
                    ("nome", "string", "descrizione"),
                    ("importo_massimo", "number", "euro"),
                    ("quota", "number", "grado medio dei progetti, percentuale"),
                    ("importo", "number", "euro spettanti"),
                    ("provvisorio", "boolean", "vero fino alla validazione dell'OIV"),
                ],
                "rows": [[f.anno, f.nome, f.importo_massimo, _num(f.quota), round(f.importo, 2), f.provvisorio]],
            }
        )
    if valutazione is not None:
        out += _valutazione(valutazione)
    if confronto:
        out.append(_confronto(result.anno, confronto))
    if piao is not None:
        out += _piao(result.anno, piao)
    return out


def _piao(anno: int, s) -> list[dict]:
    """The PIAO's 2.3 of ``anno`` (documents/piao.DatiPiao): the processes with their exposure,
    the measures with their implementation as the engine scored it, the transparency table with
    each obligation's state. The PIAO is published whole (DL 80/2021, art. 6, c. 4): none of this
    is personal data."""
    from .engine.rischi import esposizione

    out: list[dict] = _valore_pubblico(anno, s.valore_pubblico) if s.valore_pubblico is not None else []
    out += _sezione3(anno, s.anno_base, s.sezione3)
    if s.registro is not None:
        exp = esposizione(s.registro)
        out.append(
            {
                "name": "piao_processi",
                "title": f"PIAO {anno}: processi e rischio corruttivo",
                "description": "I processi mappati nella sezione 2.3, con area di rischio, struttura ed esposizione.",
                "fields": [
                    ("anno", "integer", "primo anno del PIAO"),
                    ("codice", "string", "codice del processo"),
                    ("processo", "string", "nome"),
                    ("area", "string", "area di rischio"),
                    ("responsabile", "string", "struttura responsabile"),
                    ("esposizione", "string", "il livello più alto dei suoi eventi; vuoto se nessuno è valutato"),
                ],
                "rows": [
                    [anno, p.codice, p.nome, p.area, p.responsabile, exp.get(p.codice) or ""]
                    for p in s.registro.processi
                ],
            }
        )
        monitorate = {x.codice: x for x in s.monitorate}
        rows = []
        for m in s.registro.misure:
            x = monitorate.get(m.codice)
            r = x.risultato if x else None
            rows.append(
                [
                    anno,
                    m.codice,
                    m.nome,
                    m.tipo,
                    m.responsabile,
                    m.scadenza.isoformat() if m.scadenza else "",
                    m.indicatore,
                    m.target,
                    x.valore if x else "",
                    str(r.stato.value) if r else "",
                ]
            )
        out.append(
            {
                "name": "piao_misure",
                "title": f"PIAO {anno}: misure di prevenzione della corruzione",
                "description": "Le misure della sezione 2.3 e la loro attuazione, valutata dal motore di cruscotto.",
                "fields": [
                    ("anno", "integer", "primo anno del PIAO"),
                    ("codice", "string", "codice della misura"),
                    ("misura", "string", "nome"),
                    ("tipo", "string", "generale o specifica"),
                    ("responsabile", "string", "struttura responsabile"),
                    ("scadenza", "date", "scadenza"),
                    ("indicatore", "string", "indicatore di attuazione"),
                    ("target", "string", "target come scritto nel PIAO"),
                    ("valore", "string", "valore dell'anno inserito nel monitoraggio"),
                    ("stato", "string", "stato dato dal motore (raggiunto, non_raggiunto, senza_dati, ...)"),
                ],
                "rows": rows,
            }
        )
    if s.stati:
        out.append(
            {
                "name": "piao_trasparenza",
                "title": f"PIAO {anno}: obblighi di pubblicazione",
                "description": "La tabella della trasparenza (d.lgs. 33/2013) con l'ultima pubblicazione e lo stato.",
                "fields": [
                    ("anno", "integer", "primo anno del PIAO"),
                    ("codice", "string", "codice dell'obbligo"),
                    ("sezione", "string", "sezione di Amministrazione trasparente"),
                    ("contenuto", "string", "contenuto"),
                    ("riferimento", "string", "norma"),
                    ("produce", "string", "struttura che produce il dato"),
                    ("pubblica", "string", "struttura che lo pubblica"),
                    ("aggiornamento", "string", "frequenza"),
                    ("ultima", "date", "ultima pubblicazione registrata"),
                    ("stato", "string", "in regola, in ritardo, mai pubblicato, da verificare"),
                ],
                "rows": [
                    [
                        anno,
                        o.codice,
                        o.sezione,
                        o.contenuto,
                        o.riferimento,
                        o.produce,
                        o.pubblica,
                        o.aggiornamento,
                        st.ultima.isoformat() if st.ultima else "",
                        st.stato,
                    ]
                    for o, st in s.stati
                ],
            }
        )
    return out


def _confronto(anno: int, rows) -> dict:
    """Benchmarking across enti (docs/confronto.md): the ente's value of each catalogue indicator
    and the aggregates of its group and of every ente (empty under the minimum of enti)."""

    def agg(s, key):
        return "" if s is None else round(getattr(s, key), 4)

    def achieved(g) -> list:
        """The achievements' cells (engine/confronto.Raggiungimento): the ente's own, its state,
        how many of the group reached their target, the group's and everyone's mean."""
        if g is None:
            return [""] * 5
        own = "" if g.valore is None else round(g.valore, 4)
        return [
            own,
            g.stato.value if g.stato else "",
            _num(g.raggiunti_cluster),
            agg(g.cluster, "media"),
            agg(g.tutti, "media"),
        ]

    return {
        "name": "confronto",
        "title": f"Confronto con gli altri enti {anno}",
        "description": (
            "Per gli indicatori del catalogo comune: il valore dell'ente e i dati aggregati del gruppo di enti "
            "simili e di tutti gli enti dell'installazione (nessun dato di un singolo altro ente)."
        ),
        "fields": [
            ("anno", "integer", "anno"),
            ("catalogo", "string", "codice del catalogo comune"),
            ("valore", "number", "valore dell'ente"),
            ("posizione_gruppo", "integer", "1 = il migliore"),
            ("enti_gruppo", "integer", "enti del gruppo con un valore"),
            ("media_gruppo", "number", "vuoto sotto il numero minimo di enti"),
            ("mediana_gruppo", "number", "vuoto sotto il numero minimo di enti"),
            ("primo_quartile_gruppo", "number", "vuoto sotto il numero minimo di enti"),
            ("terzo_quartile_gruppo", "number", "vuoto sotto il numero minimo di enti"),
            ("enti_tutti", "integer", "enti con un valore"),
            ("media_tutti", "number", "vuoto sotto il numero minimo di enti"),
            ("mediana_tutti", "number", "vuoto sotto il numero minimo di enti"),
            ("raggiungimento", "number", "grado di raggiungimento dell'ente rispetto al proprio target, %"),
            ("stato", "string", "raggiunto, parzialmente_raggiunto, non_raggiunto, senza_dati, ..."),
            ("raggiunti_gruppo", "integer", "enti del gruppo che hanno raggiunto il target; vuoto sotto il minimo"),
            ("media_raggiungimento_gruppo", "number", "vuoto sotto il numero minimo di enti"),
            ("media_raggiungimento_tutti", "number", "vuoto sotto il numero minimo di enti"),
        ],
        "rows": [
            [
                anno,
                r.codice,
                _num(r.valore),
                _num(r.posizione_cluster),
                r.n_cluster,
                agg(r.cluster, "media"),
                agg(r.cluster, "mediana"),
                agg(r.cluster, "q1"),
                agg(r.cluster, "q3"),
                r.n_tutti,
                agg(r.tutti, "media"),
                agg(r.tutti, "mediana"),
                *achieved(r.raggiungimento),
            ]
            for r in rows
        ],
    }


def _valutazione(v) -> list[dict]:
    """d.lgs. 33/2013 art. 20: premiums budgeted and paid, premiums and the distribution of the
    scores by category, no names; small categories together (engine/premi.raggruppa)."""
    note = f" Le categorie con meno di {v.soglia} persone sono pubblicate insieme come «altre categorie»."
    return [
        {
            "name": "premi_fondi",
            "title": f"Premi collegati alla performance {v.anno}: stanziati e distribuiti",
            "description": "Totale dei premi stanziati e distribuiti per fondo (art. 20 d.lgs. 33/2013).",
            "fields": [
                ("anno", "integer", "anno di valutazione"),
                ("fondo", "string", "codice del fondo"),
                ("nome", "string", "descrizione"),
                ("stanziato", "number", "euro"),
                ("distribuito", "number", "euro"),
                ("economia", "number", "euro non distribuiti"),
                ("provvisorio", "boolean", "vero finché le schede non sono definitive e la Relazione validata"),
            ],
            "rows": [
                [v.anno, code, name, round(a, 2), round(b, 2), round(c, 2), v.provvisorio]
                for code, name, a, b, c in v.fondi
            ],
        },
        {
            "name": "premi_categorie",
            "title": f"Premi per categoria {v.anno}",
            "description": "Distribuzione dei premi in forma aggregata (d.lgs. 33/2013 art. 20)." + note,
            "fields": [
                ("anno", "integer", "anno di valutazione"),
                ("categoria", "string", "categoria del sistema di valutazione"),
                ("persone", "integer", "persone valutate"),
                ("con_premio", "integer", "persone con un premio"),
                ("totale", "number", "euro distribuiti"),
                ("massimo", "number", "premio più alto, euro"),
                ("minimo", "number", "premio più basso, euro"),
                ("provvisorio", "boolean", "vero finché le schede non sono definitive e la Relazione validata"),
            ],
            "rows": [
                [
                    v.anno,
                    a["categoria"],
                    a["persone"],
                    a["con_premio"],
                    round(float(a["totale"]), 2),
                    round(float(a["massimo"]), 2),
                    round(float(a["minimo"]), 2),
                    v.provvisorio,
                ]
                for a in v.premi
            ],
        },
        {
            "name": "valutazione_distribuzione",
            "title": f"Grado di differenziazione delle valutazioni {v.anno}",
            "description": "Distribuzione dei punteggi finali delle schede per categoria (d.lgs. 33/2013 art. 20)."
            + note,
            "fields": [
                ("anno", "integer", "anno di valutazione"),
                ("categoria", "string", "categoria del sistema di valutazione"),
                ("persone", "integer", "schede con punteggio finale"),
                ("media", "number", "punti su 100"),
                ("minimo", "number", "punti su 100"),
                ("primo_quartile", "number", "punti su 100"),
                ("mediana", "number", "punti su 100"),
                ("terzo_quartile", "number", "punti su 100"),
                ("massimo", "number", "punti su 100"),
                ("fascia_sotto_60", "integer", "persone"),
                ("fascia_60_70", "integer", "persone"),
                ("fascia_70_80", "integer", "persone"),
                ("fascia_80_90", "integer", "persone"),
                ("fascia_90_100", "integer", "persone"),
            ],
            "rows": [
                [
                    v.anno,
                    label,
                    d.n,
                    *(
                        _num(None if x is None else round(x, 2))
                        for x in (d.media, d.minimo, d.q1, d.mediana, d.q3, d.massimo)
                    ),
                    *(c for _lo, _hi, c in d.fasce),
                ]
                for label, d in v.distribuzione
            ],
        },
    ]


def write_opendata(
    piano: Piano, result: RisultatoPiano, directory: str | Path, valutazione=None, confronto=(), piao=None
) -> Path:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    resources = []
    sets = datasets(piano, result, valutazione, confronto, piao)
    for ds in sets:
        names = [f[0] for f in ds["fields"]]
        with open(d / f"{ds['name']}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(names)
            for row in ds["rows"]:
                # Texts a spreadsheet would run as formulas get a leading ' (the JSON keeps them as they are).
                w.writerow(
                    [
                        "true" if v is True else "false" if v is False else neutralise(v) if isinstance(v, str) else v
                        for v in row
                    ]
                )
        with open(d / f"{ds['name']}.json", "w", encoding="utf-8") as fh:
            json.dump(
                [dict(zip(names, (None if v == "" else v for v in row))) for row in ds["rows"]],
                fh,
                ensure_ascii=False,
                indent=1,
            )
        resources.append(
            {
                "name": ds["name"],
                "title": ds["title"],
                "description": ds["description"],
                "path": f"{ds['name']}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [{"name": n, "type": t, "description": desc} for n, t, desc in ds["fields"]]},
            }
        )
    package = {
        "name": f"performance-{piano.ente.codice.lower()}-{result.anno}",
        "title": f"{piano.ente.nome} – Performance {result.anno}",
        "description": (
            f"Dati del {piano.titolo} e risultati {result.anno}, "
            "pubblicati in Amministrazione trasparente > Performance."
        ),
        "licenses": [LICENCE],
        "resources": resources,
    }
    (d / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    items = "".join(
        f"<li><strong>{escape(ds['title'])}</strong>: {escape(ds['description'])} "
        f'<a href="{ds["name"]}.csv">CSV</a> · <a href="{ds["name"]}.json">JSON</a></li>'
        for ds in sets
    )
    title, description = str(package["title"]), str(package["description"])
    (d / "index.html").write_text(
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body><main>'
        f"<h1>{escape(title)}</h1><p>{escape(description)}</p><ul>{items}</ul>"
        f'<p>Descrizione dei dati: <a href="datapackage.json">datapackage.json</a> (Frictionless Data Package). '
        f'Licenza: <a href="{LICENCE["path"]}">{LICENCE["title"]}</a>.</p></main></body></html>',
        encoding="utf-8",
    )
    return d


def _valore_pubblico(anno: int, obiettivi) -> list[dict]:
    """2.1: the impact objectives with their tags, and their indicators' baseline and targets."""
    return [
        {
            "name": "piao_valore_pubblico",
            "title": f"PIAO {anno}: obiettivi di valore pubblico",
            "description": "Gli obiettivi di impatto della sezione 2.1, gli obiettivi strategici che li producono, "
            "gli SDG, i domini BES e le missioni PNRR.",
            "fields": [
                ("anno", "integer", "primo anno del PIAO"),
                ("codice", "string", "codice dell'obiettivo di impatto"),
                ("obiettivo", "string", "nome"),
                ("obiettivi_strategici", "string", "codici degli obiettivi strategici del piano, separati da ;"),
                ("sdg", "string", "obiettivi di sviluppo sostenibile dell'ONU, separati da ;"),
                ("bes", "string", "domini BES, separati da ;"),
                ("pnrr", "string", "missioni PNRR, separate da ;"),
            ],
            "rows": [
                [
                    anno,
                    o.codice,
                    o.nome,
                    "; ".join(o.obiettivi_strategici),
                    "; ".join(map(str, o.sdg)),
                    "; ".join(o.bes),
                    "; ".join(o.pnrr),
                ]
                for o in obiettivi
            ],
        },
        {
            "name": "piao_indicatori_impatto",
            "title": f"PIAO {anno}: indicatori di impatto",
            "description": "Gli indicatori degli obiettivi di impatto: baseline e target di ogni anno del PIAO.",
            "fields": [
                ("anno", "integer", "primo anno del PIAO"),
                ("obiettivo", "string", "codice dell'obiettivo di impatto"),
                ("codice", "string", "codice dell'indicatore"),
                ("indicatore", "string", "nome"),
                ("baseline", "string", "valore di partenza come scritto"),
                ("anno_baseline", "integer", "anno della baseline"),
                ("anno_target", "integer", "anno del target"),
                ("target", "string", "target come scritto"),
            ],
            "rows": [
                [
                    anno,
                    o.codice,
                    i.codice,
                    i.nome,
                    i.baseline.testo if i.baseline else "",
                    _num(i.baseline_anno),
                    a,
                    t.testo,
                ]
                for o in obiettivi
                for i in o.indicatori
                for a, t in sorted(i.target.items())
            ],
        },
    ]


def _sezione3(anno: int, base: int | None, s3: dict) -> list[dict]:
    """Section 3 as the published PIAO prints it: the headcount per structure and the staffing
    plan's figures per year and category; lavoro agile and training as totals only (their
    breakdowns have counts that could name people)."""
    out: list[dict] = []
    org = s3.get("organigramma")
    if org is not None:
        out.append(
            {
                "name": "piao_organigramma",
                "title": f"PIAO {anno}: persone per struttura",
                "description": f"Il personale al 31/12/{base} per struttura, proprio e con le strutture sottostanti.",
                "fields": [
                    ("anno", "integer", "primo anno del PIAO"),
                    ("anno_registro", "integer", "anno del registro del personale"),
                    ("struttura", "string", "codice della struttura"),
                    ("nome", "string", "nome"),
                    ("padre", "string", "struttura di cui fa parte"),
                    ("persone_proprie", "integer", "persone assegnate alla struttura"),
                    ("persone", "integer", "con le strutture sottostanti"),
                ],
                "rows": [
                    [anno, base, x.struttura, x.nome, x.padre or "", x.propri.persone, x.totale.persone]
                    for x in org.strutture
                ],
            }
        )
    fab = s3.get("fabbisogni")
    if fab is not None:
        rows = [
            [anno, y.anno, c, n, round(y.costo, 2), round(y.capacita, 2), round(y.utilizzo, 2)]
            for y in fab.anni
            for c, n in y.personale.items()
        ]
        out.append(
            {
                "name": "piao_fabbisogni",
                "title": f"PIAO {anno}: piano triennale dei fabbisogni di personale",
                "description": "Il personale previsto a fine anno per categoria, con il costo e la capacità "
                "assunzionale dell'anno (ripetuti su ogni riga dell'anno).",
                "fields": [
                    ("anno", "integer", "primo anno del PIAO"),
                    ("anno_piano", "integer", "anno del piano dei fabbisogni"),
                    ("categoria", "string", "categoria"),
                    ("persone", "integer", "persone al 31/12"),
                    ("costo", "number", "costo del personale dell'anno, euro"),
                    ("capacita", "number", "capacità assunzionale, euro"),
                    ("utilizzo", "number", "capacità utilizzata dalle assunzioni, euro"),
                ],
                "rows": rows,
            }
        )
    return out
