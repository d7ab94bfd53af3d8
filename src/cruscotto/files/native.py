"""The native plan file: YAML (or the same structure as JSON) <-> :class:`Piano`.

Reading collects every problem before giving up, so that one run of
``cruscotto validate`` lists all the errors of a file with their place
(``prospettive[0].linee[1].obiettivi_strategici[0]...target.2020``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..engine.errors import FormulaError, ParseError, PlanError, Problem
from ..engine.formulas import compile_formula
from ..engine.model import (
    BUDGET_FIELDS,
    PREPOSIZIONE_DI,
    Ambito,
    Azione,
    Cruscotto,
    Dato,
    Ente,
    Evento,
    Fascia,
    FasciaRitardo,
    Fondo,
    Indicatore,
    LineaStrategica,
    Milestone,
    ObiettivoOperativo,
    ObiettivoStrategico,
    Piano,
    Polarita,
    Progetto,
    ProgettoFondo,
    Programma,
    Prospettiva,
    Regole,
    SchedaIndividuale,
    Sezione,
    Struttura,
    Voce,
)
from ..engine.numbers import format_value, parse_date, parse_number, parse_value, parse_weight
from ..engine.targets import Target, event_aliases, parse_target
from .limits import TooComplex, load_json, load_yaml

FORMAT = "cruscotto/piano@1"
# Indicator keys written only when set (the application keeps them together, performance.models.Indicatore.extra).
INDICATOR_EXTRA = ("soglie", "quote", "baseline", "baseline_anno", "catalogo")
# A level's fields kept in the database's ``extra`` (the strategic objective's structures too:
# the operational objective's have a table of their own).
NODE_EXTRA = ("risorse", "quote", "strutture")
SOGLIE = ("proporzionale", "raggiunto")
MULTIPLO = ("media", "tutti")
DATI_MANCANTI = ("escludi", "zero", "zero_a_consuntivo")
MEDIA_OBIETTIVO = ("figli", "indicatori")
MEDIA_ENTE = ("prospettive", "obiettivi")

E = TypeVar("E", bound=StrEnum)


class _Reader:
    """Builds model objects from plain data, collecting problems with their paths."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.aliases: dict[str, str] = {"t0": "T0"}

    def error(self, where: str, message: str, code: str = "valore_non_valido") -> None:
        self.problems.append(Problem(code, message, where))

    def text(self, d: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
        v = d.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                self.error(f"{where}.{key}", f"campo obbligatorio mancante: {key}", "campo_mancante")
            return None
        return str(v).strip() if not isinstance(v, str) else v.strip()

    def weight(self, d: dict[str, Any], where: str) -> tuple[float | None, str | None]:
        raw = d.get("peso")
        try:
            return parse_weight(raw, where=f"{where}.peso"), _printed(raw)
        except ParseError as exc:
            self.error(exc.where or where, f"{exc.reason}: {exc.value!r}")
            return None, _printed(raw)

    def dato(self, raw: Any, where: str) -> Dato | None:
        if raw is None:
            return None
        text = _printed_text(raw)
        try:
            value = parse_value(raw, where=where)
        except ParseError:
            value = None  # printed notes such as "in attesa di consuntivo" are kept as text
        return Dato(text, value)

    def target(self, raw: Any, where: str, anno: int | None = None) -> Target | None:
        try:
            return parse_target(raw, aliases=self.aliases, where=where, anno=anno)
        except ParseError as exc:
            self.error(exc.where or where, f"{exc.reason}: {exc.value!r}", "target_non_valido")
            return None

    def enum(self, cls: type[E], raw: Any, default: E, where: str) -> E:
        if raw is None:
            return default
        try:
            return cls(str(raw).strip().lower())
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            self.error(where, f"valore non ammesso {raw!r} (ammessi: {allowed})")
            return default

    def strs(self, raw: Any, where: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if isinstance(raw, str):
            return tuple(s.strip() for s in raw.split(",") if s.strip())
        if not isinstance(raw, list):
            self.error(where, f"attesa una lista, trovato {raw!r}")
            return ()
        return tuple(str(s).strip() for s in raw)

    def items(self, d: dict[str, Any], key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
        raw = d.get(key) or []
        if not isinstance(raw, list):
            self.error(f"{where}.{key}", "attesa una lista")
            return []
        out = []
        for i, item in enumerate(raw):
            w = f"{where}.{key}[{i}]" if where else f"{key}[{i}]"
            if not isinstance(item, dict):
                self.error(w, f"atteso un oggetto, trovato {item!r}")
                continue
            out.append((w, item))
        return out

    # --- the tree ---------------------------------------------------------------

    def milestones(self, raw_list: Any, where: str) -> tuple[Milestone, ...]:
        if not isinstance(raw_list, list):
            self.error(where, "attesa una lista di milestone")
            return ()
        out = []
        for i, m in enumerate(raw_list):
            w = f"{where}[{i}]"
            if not isinstance(m, dict):
                self.error(w, f"atteso un oggetto, trovato {m!r}")
                continue
            code = self.text(m, "codice", w, True) or "?"
            before = len(self.problems)
            target = self.target(m.get("scadenza"), f"{w}.scadenza")
            if target is None:
                if len(self.problems) == before:  # empty, not unreadable (that is reported already)
                    self.error(f"{w}.scadenza", "scadenza mancante", "campo_mancante")
                continue
            if target.tipo.value != "scadenza":
                self.error(
                    f"{w}.scadenza",
                    f"la scadenza di una milestone deve essere una data o relativa a un evento: {target.testo!r}",
                    "target_non_valido",
                )
            peso, _ = self.weight(m, w)
            out.append(Milestone(code, self.text(m, "descrizione", w) or "", target, peso))
        return tuple(out)

    def indicatore(self, d: dict[str, Any], where: str, default_scope: Cruscotto) -> Indicatore:
        code = self.text(d, "codice", where, True) or "?"
        peso, peso_testo = self.weight(d, where)
        formula = self.text(d, "formula", where)
        if formula:
            try:
                compile_formula(formula)
            except FormulaError as exc:
                self.error(f"{where}.formula", str(exc), "formula_non_valida")
        storico = {}
        for year, raw in (d.get("storico") or {}).items():
            y = self._year(year, f"{where}.storico")
            if y is not None:
                dt = self.dato(raw, f"{where}.storico.{year}")
                if dt is not None:
                    storico[y] = dt
        targets = {}
        for year, raw in (d.get("target") or {}).items():
            y = self._year(year, f"{where}.target")
            if y is not None:
                t = self.target(raw, f"{where}.target.{year}", y)
                if t is not None:
                    targets[y] = t
        return Indicatore(
            codice=code,
            nome=self.text(d, "nome", where, True) or "",
            algoritmo=self.text(d, "algoritmo", where) or "",
            formula=formula,
            etichette=self.strs(d.get("etichette"), f"{where}.etichette"),
            polarita=self.enum(Polarita, d.get("polarita"), Polarita.CRESCENTE, f"{where}.polarita"),
            peso=peso,
            peso_testo=peso_testo,
            unita=self.text(d, "unita", where) or "",
            tipologia=self.text(d, "tipologia", where) or "",
            fonte=self.text(d, "fonte", where) or "",
            strutture=self.strs(d.get("strutture"), f"{where}.strutture"),
            cruscotto=self.enum(Cruscotto, d.get("cruscotto"), default_scope, f"{where}.cruscotto"),
            media_cluster=self.dato(d.get("media_cluster"), f"{where}.media_cluster"),
            catalogo=self.text(d, "catalogo", where) or "",
            storico=storico,
            target=targets,
            milestones=self.milestones(d.get("milestones") or [], f"{where}.milestones"),
            note=self.text(d, "note", where),
            soglie=self._choice(d.get("soglie"), SOGLIE, f"{where}.soglie"),
            quote=self._shares(d.get("quote"), f"{where}.quote"),
            baseline=self.dato(d.get("baseline"), f"{where}.baseline"),
            baseline_anno=self._year(d["baseline_anno"], f"{where}.baseline_anno")
            if d.get("baseline_anno") not in (None, "")
            else None,
        )

    def risorse(self, d: dict[str, Any], where: str) -> Dato | None:
        """The resources assigned to a level of the tree: an amount in euro, as printed."""
        dt = self.dato(d.get("risorse"), f"{where}.risorse")
        if dt is None or (dt.valore is None and dt.testo.strip() in ("", "-", "€ -")):
            return None
        if not isinstance(dt.valore, float) or isinstance(dt.valore, bool):
            self.error(f"{where}.risorse", f"importo non valido: {dt.testo!r}")
            return None
        return dt

    def _shares(self, raw: Any, where: str) -> dict[str, float]:
        """``{PROMOZIONE: 60%, ANAGRAFE: 40%}``: each structure's share of an indicator."""
        if not raw:
            return {}
        if not isinstance(raw, dict):
            self.error(where, "le quote vanno date per struttura (CODICE: quota)")
            return {}
        out: dict[str, float] = {}
        for code, value in raw.items():
            try:
                out[str(code)] = parse_number(value, where=f"{where}.{code}")
            except ParseError as exc:
                self.error(exc.where or where, f"{exc.reason}: {exc.value!r}")
        return out

    def _choice(self, raw: Any, allowed: tuple[str, ...], where: str) -> str | None:
        if raw in (None, ""):
            return None
        value = str(raw).strip().lower()
        if value not in allowed:
            self.error(where, f"valore non ammesso {raw!r} (ammessi: {', '.join(allowed)})")
            return None
        return value

    def _year(self, raw: Any, where: str) -> int | None:
        try:
            y = int(raw)
        except (TypeError, ValueError):
            self.error(where, f"anno non valido: {raw!r}")
            return None
        if not 1900 <= y <= 2200:
            self.error(where, f"anno fuori intervallo: {raw!r}")
            return None
        return y

    def piano(self, data: Any) -> Piano:
        if not isinstance(data, dict):
            self.error(
                "", "il file non contiene un piano (atteso un oggetto con 'ente', 'piano', 'prospettive')", "formato"
            )
            raise PlanError(self.problems, self.source)
        fmt_ = data.get("formato")
        if fmt_ is not None and fmt_ != FORMAT:
            self.error("formato", f"formato {fmt_!r} non supportato (atteso {FORMAT!r})", "formato")
        ente_d = data.get("ente") or {}
        piano_d = data.get("piano") or {}
        if not isinstance(ente_d, dict) or not isinstance(piano_d, dict):
            self.error("", "'ente' e 'piano' devono essere oggetti", "formato")
            raise PlanError(self.problems, self.source)
        ente = Ente(self.text(ente_d, "codice", "ente", True) or "?", self.text(ente_d, "nome", "ente", True) or "")
        articolo = self.text(ente_d, "articolo", "ente", False) or ""
        if articolo:
            articolo = articolo.strip().casefold().replace("’", "'")
            if articolo not in PREPOSIZIONE_DI:
                self.error(
                    "ente.articolo",
                    f"articolo {articolo!r} non valido: il, lo, la, l', i, gli, le (o nessuno)",
                )
            else:
                ente = Ente(ente.codice, ente.nome, articolo)
        anni = []
        for i, y in enumerate(piano_d.get("anni") or []):
            yy = self._year(y, f"piano.anni[{i}]")
            if yy is not None:
                anni.append(yy)
        if not anni:
            self.error("piano.anni", "il piano deve indicare almeno un anno", "campo_mancante")

        eventi = []
        for w, e in self.items(data, "eventi", ""):
            d_raw = e.get("data")
            d = None
            if d_raw not in (None, ""):
                try:
                    d = parse_date(d_raw, where=f"{w}.data")
                except ParseError as exc:
                    self.error(exc.where or w, f"{exc.reason}: {exc.value!r}")
            eventi.append(
                Evento(
                    self.text(e, "codice", w, True) or "?",
                    self.text(e, "nome", w) or "",
                    d,
                    self.strs(e.get("alias"), f"{w}.alias"),
                )
            )
        self.aliases = event_aliases({e.codice: e.alias for e in eventi} or {"T0": ()})

        prospettive = []
        for wp, p in self.items(data, "prospettive", ""):
            linee = []
            for wl, ld in self.items(p, "linee", wp):
                oss = []
                for wo, od in self.items(ld, "obiettivi_strategici", wl):
                    oos = []
                    for woo, ood in self.items(od, "obiettivi_operativi", wo):
                        scope = self.enum(Cruscotto, ood.get("cruscotto"), Cruscotto.ENTE, f"{woo}.cruscotto")
                        peso, pt = self.weight(ood, woo)
                        oos.append(
                            ObiettivoOperativo(
                                codice=self.text(ood, "codice", woo, True) or "?",
                                nome=self.text(ood, "nome", woo, True) or "",
                                peso=peso,
                                peso_testo=pt,
                                strutture=self.strs(ood.get("strutture"), f"{woo}.strutture"),
                                cruscotto=scope,
                                indicatori=tuple(
                                    self.indicatore(i, wi, scope) for wi, i in self.items(ood, "indicatori", woo)
                                ),
                                note=self.text(ood, "note", woo),
                                quote=self._shares(ood.get("quote"), f"{woo}.quote"),
                                risorse=self.risorse(ood, woo),
                            )
                        )
                    peso, pt = self.weight(od, wo)
                    oss.append(
                        ObiettivoStrategico(
                            codice=self.text(od, "codice", wo, True) or "?",
                            nome=self.text(od, "nome", wo, True) or "",
                            peso=peso,
                            peso_testo=pt,
                            cause=self.strs(od.get("cause"), f"{wo}.cause"),
                            indicatori=tuple(
                                self.indicatore(i, wi, Cruscotto.ENTE) for wi, i in self.items(od, "indicatori", wo)
                            ),
                            obiettivi_operativi=tuple(oos),
                            note=self.text(od, "note", wo),
                            strutture=self.strs(od.get("strutture"), f"{wo}.strutture"),
                            quote=self._shares(od.get("quote"), f"{wo}.quote"),
                            risorse=self.risorse(od, wo),
                        )
                    )
                peso, pt = self.weight(ld, wl)
                linee.append(
                    LineaStrategica(
                        codice=self.text(ld, "codice", wl, True) or "?",
                        nome=self.text(ld, "nome", wl, True) or "",
                        peso=peso,
                        peso_testo=pt,
                        benefici_attesi=self.text(ld, "benefici_attesi", wl),
                        obiettivi_strategici=tuple(oss),
                        note=self.text(ld, "note", wl),
                        risorse=self.risorse(ld, wl),
                    )
                )
            peso, pt = self.weight(p, wp)
            prospettive.append(
                Prospettiva(
                    self.text(p, "codice", wp, True) or "?",
                    self.text(p, "nome", wp, True) or "",
                    peso,
                    pt,
                    tuple(linee),
                    self.text(p, "note", wp),
                    self.risorse(p, wp),
                )
            )

        eventi += self._undeclared_events(prospettive, eventi)
        return Piano(
            ente=ente,
            titolo=self.text(piano_d, "titolo", "piano") or "",
            anni=tuple(anni),
            regole=self.regole(data.get("regole") or {}),
            strutture=tuple(
                Struttura(
                    self.text(s, "codice", w, True) or "?",
                    self.text(s, "nome", w) or "",
                    self.text(s, "tipo", w) or "servizio",
                    self.text(s, "padre", w),
                )
                for w, s in self.items(data, "strutture", "")
            ),
            eventi=tuple(eventi),
            prospettive=tuple(prospettive),
            programmi=tuple(self.programma(w, d) for w, d in self.items(data, "programmi", "")),
            totali_linee_stampati={
                str(k): self.budget(v, f"totali_linee_stampati.{k}")
                for k, v in (data.get("totali_linee_stampati") or {}).items()
            },
            schede_individuali=tuple(self.scheda(w, d) for w, d in self.items(data, "schede_individuali", "")),
            fondo=self.fondo(data.get("fondo")),
            note=self.text(piano_d, "note", "piano"),
            mandato=self.text(data, "mandato", ""),
            mission=self.text(data, "mission", ""),
            vision=self.text(data, "vision", ""),
            sezioni={str(k): str(v) for k, v in (data.get("sezioni") or {}).items() if v},
            ambiti=self.ambiti(data, {p.codice for p in prospettive}),
        )

    def ambiti(self, data: dict[str, Any], codes: set[str]) -> tuple[Ambito, ...]:
        """The level above the perspectives: each groups perspectives by code, each perspective
        in one ambito at most."""
        out: list[Ambito] = []
        seen: dict[str, str] = {}  # perspective code -> the ambito it is in
        for w, a in self.items(data, "ambiti", ""):
            members = self.strs(a.get("prospettive"), f"{w}.prospettive")
            code = self.text(a, "codice", w, True) or "?"
            for c in members:
                if c not in codes:
                    self.error(f"{w}.prospettive", f"prospettiva {c!r} inesistente", "riferimento")
                elif c in seen:
                    self.error(f"{w}.prospettive", f"la prospettiva {c!r} è già nell'ambito {seen[c]!r}", "riferimento")
                else:
                    seen[c] = code
            peso, pt = self.weight(a, w)
            out.append(
                Ambito(
                    code,
                    self.text(a, "nome", w, True) or "",
                    peso,
                    pt,
                    members,
                    self.text(a, "note", w),
                    self.risorse(a, w),
                )
            )
        return tuple(out)

    @staticmethod
    def _undeclared_events(prospettive: Iterable[Prospettiva], eventi: Iterable[Evento]) -> list[Evento]:
        """Events named only in targets ("entro 60 giorni dall'approvazione del bilancio"): added
        without a date, so that their deadlines wait for it; validation warns (evento_non_dichiarato)."""
        known = {e.codice for e in eventi}
        found: dict[str, None] = {}

        def targets_of(ind: Indicatore) -> Iterator[Target]:
            yield from ind.target.values()
            for m in ind.milestones:
                yield m.scadenza

        for p in prospettive:
            for ln in p.linee:
                for os_ in ln.obiettivi_strategici:
                    inds = list(os_.indicatori) + [i for oo in os_.obiettivi_operativi for i in oo.indicatori]
                    for ind in inds:
                        for t in targets_of(ind):
                            for part in (t, *t.parti):
                                if part.evento and part.evento not in known:
                                    found[part.evento] = None
        return [Evento(code, code, None, (), dichiarato=False) for code in found]

    def regole(self, d: dict[str, Any]) -> Regole:
        defaults = Regole()
        try:
            soglia = parse_number(d.get("soglia_raggiunto", defaults.soglia_raggiunto), where="regole.soglia_raggiunto")
            parz = d.get("soglia_parziale")
            parz = parse_number(parz, where="regole.soglia_parziale") if parz is not None else None
            fasce = tuple(
                Fascia(
                    parse_number(f["da"], where="regole.fasce.da"),
                    parse_number(f["punteggio"], where="regole.fasce.punteggio"),
                )
                for f in d.get("fasce") or []
            )
            rit = tuple(
                FasciaRitardo(int(f["giorni"]), parse_number(f["punteggio"], where="regole.ritardo_fasce.punteggio"))
                for f in d.get("ritardo_fasce") or []
            )
        except ParseError as exc:
            self.error(exc.where or "regole", f"{exc.reason}: {exc.value!r}")
            return defaults
        except (KeyError, TypeError, ValueError) as exc:
            self.error("regole", f"regole non valide: {exc}")
            return defaults
        modo = d.get("fasce_modo", "gradini")
        if modo not in ("gradini", "lineare"):
            self.error("regole.fasce_modo", f"valore non ammesso {modo!r} (ammessi: gradini, lineare)")
        mancanti = d.get("dati_mancanti", defaults.dati_mancanti)
        if mancanti not in DATI_MANCANTI:
            self.error("regole.dati_mancanti", f"valore non ammesso {mancanti!r} (ammessi: {', '.join(DATI_MANCANTI)})")
        if parz is not None and parz > soglia:
            self.error("regole.soglia_parziale", "la soglia parziale supera la soglia di raggiungimento")
        soglie = self._choice(d.get("soglie"), SOGLIE, "regole.soglie") or defaults.soglie
        multiplo = self._choice(d.get("multiplo"), MULTIPLO, "regole.multiplo") or defaults.multiplo
        obiettivo = self._choice(d.get("obiettivo"), MEDIA_OBIETTIVO, "regole.obiettivo") or defaults.obiettivo
        ente = self._choice(d.get("ente"), MEDIA_ENTE, "regole.ente") or defaults.ente
        return Regole(soglia, parz, fasce, modo, mancanti, rit, soglie, multiplo, obiettivo, ente)

    def budget(self, d: Any, where: str) -> dict[str, Dato]:
        if not isinstance(d, dict):
            return {}
        out: dict[str, Dato] = {}
        for k in BUDGET_FIELDS:
            if k in d and d[k] is not None:
                dt = self.dato(d[k], f"{where}.{k}")
                assert dt is not None  # d[k] is not None
                if dt.valore is None and dt.testo.strip() not in ("-", "€ -", ""):
                    self.error(f"{where}.{k}", f"importo non valido: {dt.testo!r}")
                out[k] = dt
        return out

    def programma(self, w: str, d: dict[str, Any]) -> Programma:
        azioni = []
        for wa, a in self.items(d, "azioni", w):
            progetti = tuple(
                Progetto(
                    self.text(pd, "nome", wpj, True) or "",
                    self.budget(pd, wpj),
                    self.strs(pd.get("strutture"), f"{wpj}.strutture"),
                )
                for wpj, pd in self.items(a, "progetti", wa)
            )
            azioni.append(
                Azione(
                    self.text(a, "codice", wa),
                    self.text(a, "nome", wa) or "",
                    self.text(a, "obiettivo", wa),
                    progetti,
                    self.strs(a.get("strutture"), f"{wa}.strutture"),
                )
            )
        return Programma(
            codice=self.text(d, "codice", w, True) or "?",
            nome=self.text(d, "nome", w) or "",
            linea=self.text(d, "linea", w),
            funzione=self.text(d, "funzione", w),
            strutture=self.strs(d.get("strutture"), f"{w}.strutture"),
            azioni=tuple(azioni),
            totale_stampato=self.budget(d.get("totale_stampato") or {}, f"{w}.totale_stampato"),
        )

    def scheda(self, w: str, d: dict[str, Any]) -> SchedaIndividuale:
        sezioni = []
        for ws, s in self.items(d, "sezioni", w):
            voci = []
            for wv, v in self.items(s, "voci", ws):
                peso, pt = self.weight(v, wv)
                voci.append(
                    Voce(
                        codice=self.text(v, "codice", wv, True) or "?",
                        nome=self.text(v, "nome", wv) or "",
                        peso=peso,
                        peso_testo=pt,
                        indicatore=self.text(v, "indicatore", wv),
                        polarita=self.enum(Polarita, v.get("polarita"), Polarita.CRESCENTE, f"{wv}.polarita"),
                        target=self.target(v.get("target"), f"{wv}.target"),
                        milestones=self.milestones(v.get("milestones") or [], f"{wv}.milestones"),
                    )
                )
            peso, pt = self.weight(s, ws)
            sezioni.append(
                Sezione(
                    self.text(s, "codice", ws, True) or "?",
                    self.text(s, "nome", ws) or "",
                    peso,
                    pt,
                    self.text(s, "prospettiva", ws),
                    tuple(voci),
                )
            )
        anno = self._year(d.get("anno"), f"{w}.anno") or 0
        return SchedaIndividuale(
            self.text(d, "codice", w, True) or "?",
            self.text(d, "nome", w) or "",
            anno,
            tuple(sezioni),
            self.text(d, "valutato", w),
        )

    def fondo(self, d: Any) -> Fondo | None:
        if not d:
            return None
        w = "fondo"
        raw = d.get("importo_massimo")
        try:
            importo = parse_number(raw, where=f"{w}.importo_massimo")
        except ParseError as exc:
            self.error(exc.where or w, f"{exc.reason}: {exc.value!r}")
            importo = 0.0
        progetti = []
        for wp, p in self.items(d, "progetti", w):
            peso, _ = self.weight(p, wp)
            progetti.append(
                ProgettoFondo(
                    self.text(p, "codice", wp, True) or "?",
                    self.text(p, "nome", wp) or "",
                    self.strs(p.get("indicatori"), f"{wp}.indicatori"),
                    peso,
                )
            )
        soglia = d.get("soglia_minima")
        try:
            soglia_num = parse_number(soglia, where=f"{w}.soglia_minima") if soglia is not None else None
        except ParseError as exc:
            self.error(exc.where or w, f"{exc.reason}: {exc.value!r}")
            soglia_num = None
        return Fondo(
            nome=self.text(d, "nome", w) or "Fondo",
            anno=self._year(d.get("anno"), f"{w}.anno") or 0,
            importo_massimo=importo,
            importo_testo=_printed(raw) or "",
            progetti=tuple(progetti),
            regola=self.text(d, "regola", w) or "proporzionale",
            soglia_minima=soglia_num,
            base=self.text(d, "base", w),
        )


def _printed(raw: Any) -> str | None:
    return None if raw is None else _printed_text(raw)


def _printed_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, date):
        return f"{raw:%d/%m/%Y}"
    return str(raw)


def read_data(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(
            [Problem("codifica", f"il file non è UTF-8 (byte {exc.start})", str(path))], str(path)
        ) from None
    try:
        if path.suffix.lower() == ".json":
            return load_json(text)
        return load_yaml(text)
    except TooComplex as exc:
        raise PlanError([Problem("limiti", str(exc), str(path))], str(path)) from None
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            f"riga {mark.line + 1}, colonna {mark.column + 1}"
            if mark
            else (f"riga {exc.lineno}, colonna {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "")
        )
        raise PlanError(
            [
                Problem(
                    "sintassi",
                    f"il file non è {'JSON' if path.suffix.lower() == '.json' else 'YAML'} valido: {getattr(exc, 'problem', None) or exc}",
                    where,
                )
            ],
            str(path),
        ) from None


def plan_from_data(data: Any, source: str = "<dati>", *, check_schema: bool = True) -> Piano:
    """Build a plan from native data; :class:`PlanError` lists schema and reading problems.

    ``check_schema=False`` is for data cruscotto wrote itself (from its own
    tables): the schema check is most of the cost on a large plan.
    """
    problems: list[Any] = []
    if check_schema:  # imported here: jsonschema costs a process that only reads its own rows
        from .schema import schema_problems

        problems = schema_problems(data)
    if not isinstance(data, dict) or any(p.code == "schema_tipo" for p in problems):
        raise PlanError(problems, source)
    reader = _Reader(source)
    try:
        piano = reader.piano(data)
    except PlanError:
        piano = None
    # The reader's message wins where both speak of the same place; the schema adds the rest
    # (misspelled keys, which the reader would silently skip).
    seen = {p.where for p in reader.problems}
    merged = reader.problems + [p for p in problems if p.where not in seen]
    if merged:
        raise PlanError(merged, source)
    assert piano is not None  # a PlanError comes with its problems: raised above
    return piano


def load_native(path: str | Path) -> Piano:
    return plan_from_data(read_data(path), str(path))


# --- writing ---------------------------------------------------------------------


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {}, "", ())}


def _weight_out(peso_testo: str | None, peso: float | None) -> str | float | None:
    return peso_testo if peso_testo is not None else peso


def _target_out(targets: dict[int, Target]) -> dict[int, str]:
    return {y: t.testo for y, t in sorted(targets.items())}


def _milestones_out(ms: Iterable[Milestone]) -> list[dict[str, Any]]:
    return [
        _drop_empty({"codice": m.codice, "descrizione": m.descrizione, "scadenza": m.scadenza.testo, "peso": m.peso})
        for m in ms
    ]


def indicatore_to_data(i: Indicatore) -> dict[str, Any]:
    return _drop_empty(
        {
            "codice": i.codice,
            "nome": i.nome,
            "algoritmo": i.algoritmo,
            "formula": i.formula,
            "etichette": list(i.etichette),
            "polarita": i.polarita.value,
            "peso": _weight_out(i.peso_testo, i.peso),
            "unita": i.unita,
            "tipologia": i.tipologia,
            "fonte": i.fonte,
            "strutture": list(i.strutture),
            "cruscotto": i.cruscotto.value,
            "media_cluster": i.media_cluster.testo if i.media_cluster else None,
            "catalogo": i.catalogo or None,
            "storico": {y: d.testo for y, d in sorted(i.storico.items())},
            "target": _target_out(i.target),
            "milestones": _milestones_out(i.milestones),
            "note": i.note,
            "soglie": i.soglie,
            "quote": _shares_out(i.quote),
            "baseline": i.baseline.testo if i.baseline else None,
            "baseline_anno": i.baseline_anno,
        }
    )


def _dato_out(d: Dato | None) -> str | None:
    return d.testo if d is not None else None


def _shares_out(quote: dict[str, float]) -> dict[str, str]:
    return {k: format_value(v) + "%" for k, v in quote.items()}


def _budget_out(b: dict[str, Dato]) -> dict[str, str]:
    return {k: v.testo for k, v in b.items()}


def plan_to_data(p: Piano) -> dict[str, Any]:
    r = p.regole
    return _drop_empty(
        {
            "formato": FORMAT,
            "ente": {
                "codice": p.ente.codice,
                "nome": p.ente.nome,
                **({"articolo": p.ente.articolo} if p.ente.articolo else {}),
            },
            "piano": _drop_empty({"titolo": p.titolo, "anni": list(p.anni), "note": p.note}),
            "regole": {
                "soglia_raggiunto": r.soglia_raggiunto,
                "soglia_parziale": r.soglia_parziale,
                "fasce": [{"da": f.da, "punteggio": f.punteggio} for f in r.fasce],
                "fasce_modo": r.fasce_modo,
                "dati_mancanti": r.dati_mancanti,
                "ritardo_fasce": [{"giorni": f.giorni, "punteggio": f.punteggio} for f in r.ritardo_fasce],
                **({"soglie": r.soglie} if r.soglie != "proporzionale" else {}),
                **({"multiplo": r.multiplo} if r.multiplo != "media" else {}),
                **({"obiettivo": r.obiettivo} if r.obiettivo != "figli" else {}),
                **({"ente": r.ente} if r.ente != "prospettive" else {}),
            },
            "mandato": p.mandato,
            "mission": p.mission,
            "vision": p.vision,
            "sezioni": dict(p.sezioni),
            "strutture": [
                _drop_empty({"codice": s.codice, "nome": s.nome, "tipo": s.tipo, "padre": s.padre}) for s in p.strutture
            ],
            "eventi": [
                _drop_empty(
                    {
                        "codice": e.codice,
                        "nome": e.nome,
                        "data": e.data.strftime("%d/%m/%Y") if e.data else None,
                        "alias": list(e.alias),
                    }
                )
                for e in p.eventi
            ],
            "ambiti": [
                _drop_empty(
                    {
                        "codice": a.codice,
                        "nome": a.nome,
                        "peso": _weight_out(a.peso_testo, a.peso),
                        "risorse": _dato_out(a.risorse),
                        "note": a.note,
                        "prospettive": list(a.prospettive),
                    }
                )
                for a in p.ambiti
            ],
            "prospettive": [
                _drop_empty(
                    {
                        "codice": pr.codice,
                        "nome": pr.nome,
                        "peso": _weight_out(pr.peso_testo, pr.peso),
                        "risorse": _dato_out(pr.risorse),
                        "note": pr.note,
                        "linee": [
                            _drop_empty(
                                {
                                    "codice": ln.codice,
                                    "nome": ln.nome,
                                    "peso": _weight_out(ln.peso_testo, ln.peso),
                                    "risorse": _dato_out(ln.risorse),
                                    "benefici_attesi": ln.benefici_attesi,
                                    "note": ln.note,
                                    "obiettivi_strategici": [
                                        _drop_empty(
                                            {
                                                "codice": os_.codice,
                                                "nome": os_.nome,
                                                "peso": _weight_out(os_.peso_testo, os_.peso),
                                                "risorse": _dato_out(os_.risorse),
                                                "strutture": list(os_.strutture),
                                                "quote": _shares_out(os_.quote),
                                                "cause": list(os_.cause),
                                                "note": os_.note,
                                                "indicatori": [indicatore_to_data(i) for i in os_.indicatori],
                                                "obiettivi_operativi": [
                                                    _drop_empty(
                                                        {
                                                            "codice": oo.codice,
                                                            "nome": oo.nome,
                                                            "peso": _weight_out(oo.peso_testo, oo.peso),
                                                            "cruscotto": oo.cruscotto.value,
                                                            "strutture": list(oo.strutture),
                                                            "quote": _shares_out(oo.quote),
                                                            "risorse": _dato_out(oo.risorse),
                                                            "note": oo.note,
                                                            "indicatori": [
                                                                indicatore_to_data(i) for i in oo.indicatori
                                                            ],
                                                        }
                                                    )
                                                    for oo in os_.obiettivi_operativi
                                                ],
                                            }
                                        )
                                        for os_ in ln.obiettivi_strategici
                                    ],
                                }
                            )
                            for ln in pr.linee
                        ],
                    }
                )
                for pr in p.prospettive
            ],
            "programmi": [
                _drop_empty(
                    {
                        "codice": pg.codice,
                        "nome": pg.nome,
                        "linea": pg.linea,
                        "funzione": pg.funzione,
                        "strutture": list(pg.strutture),
                        "azioni": [
                            _drop_empty(
                                {
                                    "codice": a.codice,
                                    "nome": a.nome,
                                    "obiettivo": a.obiettivo,
                                    "strutture": list(a.strutture),
                                    "progetti": [
                                        _drop_empty(
                                            {"nome": pj.nome, **_budget_out(pj.budget), "strutture": list(pj.strutture)}
                                        )
                                        for pj in a.progetti
                                    ],
                                }
                            )
                            for a in pg.azioni
                        ],
                        "totale_stampato": _budget_out(pg.totale_stampato),
                    }
                )
                for pg in p.programmi
            ],
            "totali_linee_stampati": {k: _budget_out(v) for k, v in p.totali_linee_stampati.items()},
            "schede_individuali": [
                _drop_empty(
                    {
                        "codice": s.codice,
                        "nome": s.nome,
                        "anno": s.anno,
                        "valutato": s.valutato,
                        "sezioni": [
                            _drop_empty(
                                {
                                    "codice": z.codice,
                                    "nome": z.nome,
                                    "peso": _weight_out(z.peso_testo, z.peso),
                                    "prospettiva": z.prospettiva,
                                    "voci": [
                                        _drop_empty(
                                            {
                                                "codice": v.codice,
                                                "nome": v.nome,
                                                "peso": _weight_out(v.peso_testo, v.peso),
                                                "indicatore": v.indicatore,
                                                "polarita": None if v.indicatore else v.polarita.value,
                                                "target": v.target.testo if v.target else None,
                                                "milestones": _milestones_out(v.milestones),
                                            }
                                        )
                                        for v in z.voci
                                    ],
                                }
                            )
                            for z in s.sezioni
                        ],
                    }
                )
                for s in p.schede_individuali
            ],
            "fondo": _drop_empty(
                {
                    "nome": p.fondo.nome,
                    "anno": p.fondo.anno,
                    "importo_massimo": p.fondo.importo_testo,
                    "regola": p.fondo.regola,
                    "soglia_minima": p.fondo.soglia_minima,
                    "base": p.fondo.base,
                    "progetti": [
                        _drop_empty(
                            {"codice": g.codice, "nome": g.nome, "indicatori": list(g.indicatori), "peso": g.peso}
                        )
                        for g in p.fondo.progetti
                    ],
                }
            )
            if p.fondo
            else None,
        }
    )


def dump_native(p: Piano, path: str | Path) -> None:
    path = Path(path)
    data = plan_to_data(p)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
