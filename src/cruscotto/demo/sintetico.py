"""A large synthetic plan for the web benchmark: 5,000 indicators and 50 structures by default.

The plan is built as native plan data (the shape of a YAML plan file, see
docs/plan-format.md) and read by ``cruscotto.files.native.plan_from_data``, so
it passes the same checks as a plan file. Its shape is the demo plan's scaled
up: 4 perspectives, 4 lines each, one strategic objective per 100 indicators
(each with 2 indicators of its own), one operational objective per 10
indicators, structures in areas and services with a TRASVERSALE. Indicators
are of every kind the demo has (80% crescente, 10% decrescente, 5%
scadenza, 3% si/no, 2% milestone), with weights summing to 100% inside each
operational objective (none above), two years of history, targets for the
three years, tags (PIRA, PARETO), some cascading-only (area) objectives and
strategy-map arrows.

The actual values are for the first year (2020), about 95% of the
indicators, of the kind each indicator needs (numbers, completion dates,
si/no, milestone dates). Everything comes from ``random.Random(seed)``: the
same arguments give the same plan.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from cruscotto.engine.model import Piano
from cruscotto.engine.numbers import parse_value
from cruscotto.engine.scoring import Consuntivo, Valori
from cruscotto.files.native import plan_from_data

ENTE_PREFIX = "SINT"
ANNI = (2020, 2021, 2022)
ANNO = ANNI[0]

PROSPETTIVE = [
    ("TEL", "Tessuto economico locale"),
    ("IMP", "Imprese e territorio"),
    ("PI", "Processi interni"),
    ("CI", "Crescita e innovazione"),
]
UNITS = {
    "crescente": ["Percentuale", "numero", "rapporto", "euro"],
    "decrescente": ["giorni", "numero"],
    "scadenza": ["data"],
    "si/no": ["si/no"],
    "milestone": ["Percentuale"],
}
TIPOLOGIE = [
    "Indicatore di risultato",
    "Indicatore di efficacia della spesa",
    "Indicatore di efficienza",
    "Indicatore di qualità",
]
FONTI = ["Oracle/Con2", "Kronos", "Priamo", "BSC - rilevazione interna", "InfoCamere - Registro imprese"]
WORDS = (
    "grado utilizzo risorse destinate valorizzazione economica territorio imprese servizi digitali "
    "tempi medi evasione pratiche registro iniziative promozione internazionalizzazione sportello "
    "qualità soddisfazione utenti formazione personale trasparenza anticorruzione riscossione diritto annuale"
).split()


def ente_code(indicators: int) -> str:
    """The synthetic ente's code: SINT-5000 for the default plan."""
    return f"{ENTE_PREFIX}-{indicators}"


def _phrase(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize()


def _percent(x: float) -> str:
    return f"{x:g}%".replace(".", ",")


def _weights(rng: random.Random, n: int) -> list[str]:
    """Printed weights of ``n`` siblings, summing to 100% (integers, as plans print them)."""
    if n == 1:
        return ["100%"]
    raw = [rng.randint(1, 4) for _ in range(n)]
    total = sum(raw)
    shares = [r * 100 // total for r in raw]
    shares[0] += 100 - sum(shares)
    return [f"{s}%" for s in shares]


def _structures(n: int) -> list[dict]:
    """``n`` structures: SG, areas, services under them (round robin) and TRASVERSALE."""
    if n < 4:
        raise ValueError("at least 4 structures: SG, an area, a service, TRASVERSALE")
    n_areas = max(1, (n - 2) // 7)
    n_services = n - 2 - n_areas
    out = [{"codice": "SG", "nome": "Segretario generale", "tipo": "area"}]
    areas = [f"AREA-{a + 1:02d}" for a in range(n_areas)]
    out += [{"codice": c, "nome": f"Area {a + 1}", "tipo": "area"} for a, c in enumerate(areas)]
    out += [
        {"codice": f"SERV-{s + 1:03d}", "nome": f"Servizio {s + 1}", "tipo": "servizio", "padre": areas[s % n_areas]}
        for s in range(n_services)
    ]
    out.append({"codice": "TRASVERSALE", "nome": "Trasversale (tutte le aree)", "tipo": "trasversale"})
    return out


def _indicator(rng: random.Random, code: str, peso: str | None, strutture: list[str]) -> tuple[dict, dict[str, str]]:
    """One indicator as native data, and its actual values for ANNO (code -> text)."""
    r = rng.random()
    pol = (
        "crescente"
        if r < 0.80
        else "decrescente"
        if r < 0.90
        else "scadenza"
        if r < 0.95
        else "si/no"
        if r < 0.98
        else "milestone"
    )
    tags = ["PIRA"] if rng.random() < 0.10 else ["PARETO"] if rng.random() < 0.05 else []
    d: dict = {
        "codice": code,
        "nome": _phrase(rng, rng.randint(5, 12)),
        "algoritmo": _phrase(rng, rng.randint(6, 14)) + " / " + _phrase(rng, rng.randint(4, 8)),
        "etichette": tags,
        "polarita": pol,
        "unita": rng.choice(UNITS[pol]),
        "tipologia": rng.choice(TIPOLOGIE),
        "fonte": rng.choice(FONTI),
        "strutture": strutture,
        "cruscotto": "ente",
    }
    if peso is not None:
        d["peso"] = peso
    actual: dict[str, str] = {}
    has_actual = rng.random() < 0.95
    if pol == "crescente":
        if rng.random() < 0.6:
            t = rng.choice([80, 90, 95, 100])
            d["storico"] = {
                2018: _percent(round(rng.uniform(60, 100), 2)),
                2019: _percent(round(rng.uniform(60, 100), 2)),
            }
            d["target"] = {y: f"{t}%" for y in ANNI}
            value = round(t * rng.gauss(1.0, 0.2), 2)
        else:
            t = rng.choice([7, 12, 50, 2000])
            d["storico"] = {2018: str(round(t * rng.uniform(0.7, 1.2))), 2019: "nd"}
            d["target"] = {y: f"{t}" if t < 1000 else f"{t // 1000}.{t % 1000:03d}" for y in ANNI}
            value = round(t * rng.gauss(1.0, 0.2))
        if rng.random() < 0.2:
            d["media_cluster"] = _percent(round(rng.uniform(50, 100), 2))
        actual[code] = f"{value:g}".replace(".", ",")
    elif pol == "decrescente":
        t = rng.choice([3, 5, 30, 60])
        d["storico"] = {2018: f"{t + rng.randint(-2, 10)} gg", 2019: f"{t + rng.randint(-2, 10)} gg"}
        d["target"] = {y: f"{t} gg" for y in ANNI}
        actual[code] = str(max(0, round(t * rng.gauss(1.0, 0.3))))
    elif pol == "scadenza":
        month = rng.choice([3, 6, 9, 12])
        day = 30 if month in (6, 9) else 31
        d["target"] = {y: f"entro {day}/{month:02d}/{y}" for y in ANNI}
        done = date(ANNO, month, day) + timedelta(days=rng.randint(-60, 30))
        actual[code] = done.strftime("%d/%m/%Y")
    elif pol == "si/no":
        d["target"] = {y: "si" for y in ANNI}
        actual[code] = "si" if rng.random() < 0.8 else "no"
    else:
        d["target"] = {ANNO: "timing (cronoprogramma del piano)"}
        milestones = []
        for k in range(1, rng.randint(3, 6)):
            due = date(ANNO, 1, 1) + timedelta(days=rng.randint(30, 360))
            milestones.append(
                {"codice": f"{code}.{k}", "descrizione": _phrase(rng, 8), "scadenza": due.strftime("%d/%m/%Y")}
            )
            if rng.random() < 0.8:
                actual[f"{code}.{k}"] = min(due + timedelta(days=rng.randint(-20, 15)), date(ANNO, 12, 31)).strftime(
                    "%d/%m/%Y"
                )
        d["milestones"] = milestones
    return d, (actual if has_actual else {})


def synthetic_plan_data(indicators: int = 5000, structures: int = 50, seed: int = 2020) -> tuple[dict, dict[str, str]]:
    """The plan as native data, and the actual values of ANNO (code -> printed value)."""
    if indicators < 48:
        raise ValueError(
            "at least 48 indicators: 16 strategic objectives with 2 indicators and an operational objective each"
        )
    rng = random.Random(seed)
    strutture = _structures(structures)
    services = [s["codice"] for s in strutture if s["tipo"] == "servizio"]
    n_lines = 4 * len(PROSPETTIVE)
    n_os = max(n_lines, round(indicators / 100))
    n_direct = 2 * n_os  # indicators on strategic objectives (the seed has some)
    n_oo = max(n_os, round(indicators / 10))
    per_oo = [(indicators - n_direct) // n_oo + (1 if k < (indicators - n_direct) % n_oo else 0) for k in range(n_oo)]
    oo_per_os = [n_oo // n_os + (1 if k < n_oo % n_os else 0) for k in range(n_os)]
    os_per_line = [n_os // n_lines + (1 if k < n_os % n_lines else 0) for k in range(n_lines)]

    actuals: dict[str, str] = {}
    os_codes: list[list[str]] = [[] for _ in PROSPETTIVE]
    prospettive = []
    os_index = oo_index = 0
    for p, (p_code, p_name) in enumerate(PROSPETTIVE):
        linee = []
        for ln in range(4):
            line_no = p * 4 + ln
            objectives = []
            for _ in range(os_per_line[line_no]):
                os_code = f"S{os_index + 1:03d}"
                owner = rng.choice(services)
                direct = []
                for j in range(2):  # no weights: they and the operational objectives count equally
                    d, a = _indicator(rng, f"{os_code}-{j + 1}", None, [owner])
                    direct.append(d)
                    actuals.update(a)
                operational = []
                for k in range(oo_per_os[os_index]):
                    oo_code = f"{os_code}.{k + 1:02d}"
                    who = (
                        ["TRASVERSALE"]
                        if rng.random() < 0.05
                        else rng.sample(services, 2 if rng.random() < 0.2 and len(services) > 1 else 1)
                    )
                    n = per_oo[oo_index]
                    weights = _weights(rng, n)
                    inds = []
                    for j in range(n):
                        d, a = _indicator(rng, f"{oo_code}-{j + 1}", weights[j], who)
                        inds.append(d)
                        actuals.update(a)
                    operational.append(
                        {
                            "codice": oo_code,
                            "nome": _phrase(rng, rng.randint(5, 10)),
                            "cruscotto": "area" if rng.random() < 0.1 else "ente",
                            "strutture": who,
                            "indicatori": inds,
                        }
                    )
                    oo_index += 1
                obj = {
                    "codice": os_code,
                    "nome": _phrase(rng, rng.randint(4, 9)),
                    "indicatori": direct,
                    "obiettivi_operativi": operational,
                }
                if p > 0 and os_codes[p - 1]:
                    obj["cause"] = [
                        rng.choice(os_codes[p - 1])
                    ]  # BSC arrows: supports an objective of the perspective above
                objectives.append(obj)
                os_codes[p].append(os_code)
                os_index += 1
            linee.append(
                {
                    "codice": f"{p_code}{ln + 1}",
                    "nome": _phrase(rng, 6),
                    "benefici_attesi": _phrase(rng, 20),
                    "obiettivi_strategici": objectives,
                }
            )
        prospettive.append({"codice": p_code, "nome": p_name, "linee": linee})

    data = {
        "formato": "cruscotto/piano@1",
        "ente": {
            "codice": ente_code(indicators),
            "nome": f"Ente sintetico ({indicators} indicatori, {structures} strutture)",
        },
        "piano": {
            "titolo": "Piano della performance sintetico",
            "anni": list(ANNI),
            "note": "Generato da bench/synthetic_plan.py per il benchmark web.",
        },
        "regole": {"soglia_raggiunto": 80, "soglia_parziale": 60},
        "strutture": strutture,
        "eventi": [],
        "vision": "Un ente sintetico grande quanto il più grande piano realistico",
        "prospettive": prospettive,
    }
    return data, actuals


def build_synthetic(indicators: int = 5000, structures: int = 50, seed: int = 2020) -> tuple[Piano, Valori]:
    """The engine plan (read through ``plan_from_data``) and its actual values for ANNO."""
    data, actuals = synthetic_plan_data(indicators, structures, seed)
    piano = plan_from_data(data, source="piano sintetico")
    valori = Valori()
    for code, text in actuals.items():
        value = parse_value(text, where=code)
        if value is not None:
            valori.consuntivi[(code, ANNO, "")] = Consuntivo(value, "valore sintetico")
    return piano, valori


# --- a synthetic installation: many enti to compare (issue 16) ------------------------------

CLASSI = (
    ("fino a 40.000 imprese", 0.9),
    ("da 40.000 a 80.000 imprese", 1.0),
    ("da 80.000 a 120.000 imprese", 1.05),
    ("oltre 120.000 imprese", 1.15),
)
REGIONI = (
    "Piemonte",
    "Lombardia",
    "Veneto",
    "Liguria",
    "Emilia-Romagna",
    "Toscana",
    "Marche",
    "Lazio",
    "Campania",
    "Puglia",
    "Sicilia",
    "Sardegna",
)


def catalogo_sintetico(n: int = 60, seed: int = 2020) -> list[dict]:
    """The installation's catalogue: ``n`` comparable indicators, one in four "lower is better"
    (days), the others percentages; each with the typical value the enti's values scatter around."""
    rng = random.Random(seed)
    out = []
    for k in range(1, n + 1):
        lower = k % 4 == 0
        out.append(
            {
                "codice": f"CAT-{k:03d}",
                "nome": ("Tempi medi di " if lower else "Grado di ") + _phrase(rng, rng.randint(3, 6)).lower(),
                "unita": "giorni" if lower else "Percentuale",
                "polarita": "decrescente" if lower else "crescente",
                "tipico": rng.uniform(10, 60) if lower else rng.uniform(40, 90),
                "descrizione": "Indicatore sintetico, inventato per il benchmark.",
            }
        )
    return out


def _walk(data: dict):
    """Every indicator of a plan's native data, in plan order."""
    for p in data["prospettive"]:
        for ln in p["linee"]:
            for os_ in ln["obiettivi_strategici"]:
                yield from os_["indicatori"]
                for oo in os_["obiettivi_operativi"]:
                    yield from oo["indicatori"]


def _other_year(text: str, rng: random.Random, year: int) -> str:
    """A value of ANNO moved to ``year``: a number a little different, a date in that year."""
    value = parse_value(text)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{round(value * rng.gauss(1.0, 0.1), 2):g}".replace(".", ",")
    if isinstance(value, date):
        day = 28 if (value.month, value.day) == (2, 29) else value.day  # 29 February is not in every year
        return value.replace(year=year, day=day).strftime("%d/%m/%Y")
    return text


def ente_sintetico(
    e: int, catalogo: list[dict], *, indicators: int = 300, seed: int = 2020
) -> tuple[dict, dict[str, str], dict[tuple[str, int], str]]:
    """Ente number ``e`` of the installation: its attributes, its plan (native data, with
    catalogue references) and its actual values for every year of ANNI ((code, year) -> text).

    Its catalogue indicators' values scatter around each code's typical value, scaled by the
    ente's size class, so that clusters differ as real ones do."""
    rng = random.Random(seed * 100_003 + e)
    classe, factor = rng.choice(CLASSI)
    attributi = {"classe_dimensionale": classe, "regione": rng.choice(REGIONI), "accorpata": rng.choice(("sì", "no"))}
    data, actuals = synthetic_plan_data(indicators, structures=10, seed=seed * 100_003 + e)
    data["ente"] = {"codice": f"{ENTE_PREFIX}-E{e:03d}", "nome": f"Ente sintetico {e:03d} ({classe}, inventato)"}
    data["piano"]["note"] = "Ente sintetico: piano e valori inventati (manage.py installazione_sintetica)."
    free = {
        pol: [d for d in _walk(data) if d["polarita"] == pol and not d.get("milestones")]
        for pol in ("crescente", "decrescente")
    }
    values: dict[tuple[str, int], str] = {}
    for voce in catalogo:
        pool = free[voce["polarita"]]
        if not pool:
            continue  # a small plan: fewer indicators than the catalogue
        d = pool.pop(rng.randrange(len(pool)))
        d["catalogo"] = voce["codice"]
        d["unita"] = voce["unita"]
        lower = voce["polarita"] == "decrescente"
        typical = voce["tipico"] * (1 / factor if lower else factor)
        d["target"] = {y: f"{round(typical)} gg" if lower else f"{round(min(typical, 100))}%" for y in ANNI}
        d.pop("storico", None)
        for y in ANNI:
            x = max(0.0, typical * rng.gauss(1.0, 0.15))
            values[(d["codice"], y)] = f"{round(x, 2):g}".replace(".", ",")
    for code, text in actuals.items():
        for y in ANNI:
            if (code, y) not in values and rng.random() < 0.97:
                values[(code, y)] = text if y == ANNO else _other_year(text, rng, y)
    return attributi, data, values
