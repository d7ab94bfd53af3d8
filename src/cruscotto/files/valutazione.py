"""The evaluation system (SMVP) of an ente and year, as a YAML or JSON file (docs/valutazione.md).

    formato: cruscotto-smvp/1
    anno: 2020
    regole: {minimo_collaboratori: 3, scarto_atteso: 10}
    scale:
      - codice: cinque
        livelli:
          - {valore: 1, descrizione: "…", punteggio: 20}
    comportamenti:
      - {codice: COLL, nome: Collaborazione, descrizione: "…", categorie: [D, C, B]}
    categorie:
      - codice: C
        nome: Personale di categoria C
        scala: cinque
        sezioni:
          - {codice: ENTE, nome: Performance di ente, fonte: ente, peso: 30}
    premi: {parametri: {D: 1, C: 0.9}, soglia_minima: 60, quota_maggiorazione: 10, maggiorazione: 30,
            quota_individuale: 30, tetti: [{da: 90, quota_massima: 30}],
            fondi: [{codice: DIR, nome: "…", categorie: [SG], importo: 12000, quota_individuale: 100,
                     a_punteggio: true}]}

A scale may give only ``descrizioni`` (levels 1..n worth k / n × 100). Every problem of the file is
listed at once, each with its place (``categorie[2].sezioni[1].peso``); nothing is half-read.
The system's own coherence (weights, prevalence of results…) is checked after reading, by
``engine.valutazione.controlla``: a warning does not stop the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engine.errors import PlanError, Problem
from ..engine.premi import Fondo, RegolePremi, Tetto
from ..engine.valutazione import (
    FONTI,
    Categoria,
    Comportamento,
    Livello,
    RegoleValutazione,
    Scala,
    SezioneSchema,
    Sistema,
    scala_lineare,
)
from .native import read_data

FORMATO = "cruscotto-smvp/1"
NUMERI_PREMI = (
    "soglia_minima",
    "quota_maggiorazione",
    "maggiorazione",
    "franchigia_assenze",
    "giorni_lavorativi",
    "quota_individuale",
)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem("smvp", message, where))

    def text(self, d: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        v = d.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.fail(f"{where}.{key}", "manca")
            return ""
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            self.fail(f"{where}.{key}", f"atteso un testo, non {type(v).__name__}")
            return ""
        return str(v).strip()

    def number(self, d: dict[str, Any], key: str, where: str, default: float | None = None) -> float | None:
        v = d.get(key, default)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.fail(f"{where}.{key}", f"atteso un numero, non {v!r}")
            return None
        return float(v)

    def items(self, d: dict[str, Any], key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
        v = d.get(key) or []
        if not isinstance(v, list):
            self.fail(f"{where}{key}", "attesa una lista")
            return []
        out = []
        for i, x in enumerate(v):
            place = f"{where}{key}[{i}]"
            if not isinstance(x, dict):
                self.fail(place, "atteso un oggetto con le sue chiavi")
                continue
            out.append((place, x))
        return out

    def scala(self, where: str, d: dict[str, Any]) -> Scala | None:
        code = self.text(d, "codice", where)
        if "descrizioni" in d:
            descr = d["descrizioni"]
            if not isinstance(descr, list) or not all(isinstance(x, str) and x.strip() for x in descr) or not descr:
                self.fail(f"{where}.descrizioni", "attesa una lista di descrizioni, una per livello")
                return None
            return scala_lineare(code, [x.strip() for x in descr])
        levels = []
        for place, lv in self.items(d, "livelli", f"{where}."):
            valore = self.number(lv, "valore", place)
            punteggio = self.number(lv, "punteggio", place)
            descr = self.text(lv, "descrizione", place)
            if punteggio is not None and not 0 <= punteggio <= 100:
                self.fail(f"{place}.punteggio", f"un punteggio è tra 0 e 100, non {punteggio:g}")
            if valore is not None and punteggio is not None:
                levels.append(Livello(valore, descr, punteggio))
        if not levels:
            self.fail(f"{where}.livelli", "una scala ha almeno un livello (o le sue descrizioni)")
        values = [lv.valore for lv in levels]
        if len(set(values)) != len(values):
            self.fail(f"{where}.livelli", "due livelli con lo stesso valore")
        return Scala(code, tuple(levels))

    def categoria(self, where: str, d: dict[str, Any]) -> Categoria:
        sezioni = []
        for place, s in self.items(d, "sezioni", f"{where}."):
            fonte = self.text(s, "fonte", place)
            if fonte and fonte not in FONTI:
                self.fail(f"{place}.fonte", f"fonte {fonte!r} sconosciuta (attese: {', '.join(FONTI)})")
            peso = self.number(s, "peso", place)
            if peso is not None and peso < 0:
                self.fail(f"{place}.peso", "peso negativo")
            sezioni.append(SezioneSchema(self.text(s, "codice", place), self.text(s, "nome", place), fonte, peso))
        if not sezioni:
            self.fail(f"{where}.sezioni", "una categoria ha almeno una sezione")
        return Categoria(
            self.text(d, "codice", where),
            self.text(d, "nome", where),
            tuple(sezioni),
            dirigente=self.flag(d, "dirigente", where),
            scala=self.text(d, "scala", where, required=False),
            proposta_oiv=self.flag(d, "proposta_oiv", where),
        )

    def flag(self, d: dict[str, Any], key: str, where: str) -> bool:
        v = d.get(key, False)
        if not isinstance(v, bool):
            self.fail(f"{where}.{key}", "atteso sì o no (true/false)")
            return False
        return v

    def comportamento(self, where: str, d: dict[str, Any]) -> Comportamento:
        cats = d.get("categorie") or []
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            self.fail(f"{where}.categorie", "attesa una lista di codici di categoria")
            cats = []
        return Comportamento(
            self.text(d, "codice", where),
            self.text(d, "nome", where),
            self.text(d, "descrizione", where, required=False),
            tuple(cats),
            self.text(d, "scala", where, required=False),
        )

    def premi(self, d: Any) -> RegolePremi | None:
        if d is None:
            return None
        if not isinstance(d, dict):
            self.fail("premi", "atteso un oggetto con le regole dei premi")
            return None
        parametri = d.get("parametri") or {}
        if not isinstance(parametri, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in parametri.values()
        ):
            self.fail("premi.parametri", "atteso un parametro (numero ≥ 0) per categoria")
            parametri = {}
        defaults = RegolePremi(parametri={})
        values = {}
        for key in NUMERI_PREMI:
            values[key] = self.number(d, key, "premi", getattr(defaults, key))
        if values["maggiorazione"] is not None and values["maggiorazione"] < 30:
            self.fail("premi.maggiorazione", "la maggiorazione è almeno il 30% (art. 69 CCNL 2016-2018)")
        q = values["quota_individuale"]
        if q is not None and not 30 <= q <= 100:
            self.fail("premi.quota_individuale", "la quota per la performance individuale è tra il 30% e il 100%")
        tetti = []
        for place, t in self.items(d, "tetti", "premi."):
            da, quota = self.number(t, "da", place), self.number(t, "quota_massima", place)
            if da is not None and quota is not None:
                tetti.append(Tetto(da, quota))
        fondi = self.fondi(d)
        return RegolePremi(
            parametri={str(k): float(v) for k, v in parametri.items()},
            tetti=tuple(tetti),
            fondi=tuple(fondi),
            **{k: v for k, v in values.items() if v is not None},
        )

    def fondi(self, d: dict[str, Any]) -> list[Fondo]:
        """The funds of their own (``Fondo``): each with its categories, none in two funds."""
        fondi = []
        for place, f in self.items(d, "fondi", "premi."):
            cats = f.get("categorie") or []
            if not isinstance(cats, list) or not cats or not all(isinstance(c, str) and c for c in cats):
                self.fail(f"{place}.categorie", "attesa la lista dei codici delle categorie pagate dal fondo")
                cats = []
            importo = self.number(f, "importo", place)
            if importo is None:
                self.fail(f"{place}.importo", "manca")
            elif importo < 0:
                self.fail(f"{place}.importo", "importo negativo")
            quota_f = self.number(f, "quota_individuale", place, 30.0)
            if quota_f is not None and not 0 <= quota_f <= 100:
                self.fail(f"{place}.quota_individuale", "una quota è tra 0 e 100")
            fondi.append(
                Fondo(
                    self.text(f, "codice", place),
                    self.text(f, "nome", place),
                    tuple(str(c) for c in cats),
                    importo or 0.0,
                    30.0 if quota_f is None else quota_f,
                    self.flag(f, "a_punteggio", place),
                )
            )
        in_two = sorted({c for f in fondi for c in f.categorie if sum(c in g.categorie for g in fondi) > 1})
        if in_two:
            self.fail("premi.fondi", f"categorie in più di un fondo: {', '.join(in_two)}")
        return fondi


def sistema_from_data(data: Any, source: str = "<dati>") -> tuple[Sistema, RegolePremi | None, int | None]:
    """The system, the premiums' rules (None when the file has none) and the year; PlanError lists
    every problem."""
    r = _Reader(source)
    if not isinstance(data, dict):
        raise PlanError([Problem("smvp", "atteso un oggetto con formato, categorie, comportamenti…")], source)
    if data.get("formato") != FORMATO:
        r.fail("formato", f"atteso {FORMATO!r}, non {data.get('formato')!r}")
    anno = data.get("anno")
    if anno is not None and (not isinstance(anno, int) or isinstance(anno, bool) or not 1900 <= anno <= 2200):
        r.fail("anno", f"anno non valido: {anno!r}")
        anno = None
    rd = data.get("regole") or {}
    if not isinstance(rd, dict):
        r.fail("regole", "atteso un oggetto")
        rd = {}
    minimo = r.number(rd, "minimo_collaboratori", "regole", 3)
    scarto = r.number(rd, "scarto_atteso", "regole", 10.0)
    scale = [s for s in (r.scala(w, d) for w, d in r.items(data, "scale", "")) if s is not None]
    comportamenti = [r.comportamento(w, d) for w, d in r.items(data, "comportamenti", "")]
    categorie = [r.categoria(w, d) for w, d in r.items(data, "categorie", "")]
    if not categorie:
        r.fail("categorie", "il sistema ha almeno una categoria")
    for label, codes in (
        ("scale", [s.codice for s in scale]),
        ("comportamenti", [c.codice for c in comportamenti]),
        ("categorie", [c.codice for c in categorie]),
    ):
        dup = sorted({c for c in codes if codes.count(c) > 1 and c})
        if dup:
            r.fail(label, f"codici ripetuti: {', '.join(dup)}")
    premi = r.premi(data.get("premi"))
    if r.problems:
        raise PlanError(r.problems, source)
    regole = RegoleValutazione(int(minimo or 0), scarto if scarto is not None else 10.0)
    return Sistema(tuple(categorie), tuple(comportamenti), tuple(scale), regole), premi, anno


def load_sistema(path: str | Path) -> tuple[Sistema, RegolePremi | None, int | None]:
    return sistema_from_data(read_data(path), str(path))


def sistema_to_data(sistema: Sistema, premi: RegolePremi | None = None, anno: int | None = None) -> dict[str, Any]:
    """The file's data again: what ``sistema_from_data`` reads back into the same system."""
    out: dict[str, Any] = {"formato": FORMATO}
    if anno is not None:
        out["anno"] = anno
    out["regole"] = {
        "minimo_collaboratori": sistema.regole.minimo_collaboratori,
        "scarto_atteso": sistema.regole.scarto_atteso,
    }
    out["scale"] = [
        {
            "codice": s.codice,
            "livelli": [
                {"valore": lv.valore, "descrizione": lv.descrizione, "punteggio": lv.punteggio} for lv in s.livelli
            ],
        }
        for s in sistema.scale
    ]
    out["comportamenti"] = [
        {
            k: v
            for k, v in (
                ("codice", c.codice),
                ("nome", c.nome),
                ("descrizione", c.descrizione),
                ("categorie", list(c.categorie)),
                ("scala", c.scala),
            )
            if v
        }
        for c in sistema.comportamenti
    ]
    out["categorie"] = [
        {
            "codice": c.codice,
            "nome": c.nome,
            **({"dirigente": True} if c.dirigente else {}),
            **({"scala": c.scala} if c.scala else {}),
            **({"proposta_oiv": True} if c.proposta_oiv else {}),
            "sezioni": [{"codice": s.codice, "nome": s.nome, "fonte": s.fonte, "peso": s.peso} for s in c.sezioni],
        }
        for c in sistema.categorie
    ]
    if premi is not None:
        out["premi"] = {
            "parametri": dict(premi.parametri),
            **{key: getattr(premi, key) for key in NUMERI_PREMI},
            "tetti": [{"da": t.da, "quota_massima": t.quota_massima} for t in premi.tetti],
            "fondi": [
                {
                    "codice": f.codice,
                    "nome": f.nome,
                    "categorie": list(f.categorie),
                    "importo": f.importo,
                    "quota_individuale": f.quota_individuale,
                    "a_punteggio": f.a_punteggio,
                }
                for f in premi.fondi
            ],
        }
    return out
