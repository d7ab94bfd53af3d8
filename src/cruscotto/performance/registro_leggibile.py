"""The audit trail in words: what each action is, and each changed field before and after, in
the page's language and its number and date formats (the records keep the raw JSON, and the
CSV export gives it as it is)."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _

from cruscotto.engine import display

# Each action the services and the signals record (performance/audit.py and its callers).
AZIONI = {
    "piano.importa": _("Piano importato (nuova bozza)"),
    "piano.adotta": _("Piano adottato"),
    "piano.rimodulazione.avvia": _("Rimodulazione avviata"),
    "piano.rimodulazione.adotta": _("Rimodulazione adottata"),
    "piano.rimodulazione.elimina": _("Bozza di rimodulazione eliminata"),
    "ciclo.stato": _("Passaggio del ciclo"),
    "ciclo.scorrimento": _("Aggiornamento annuale del piano (scorrimento)"),
    "periodo.chiudi": _("Periodo chiuso"),
    "relazione.approva": _("Relazione approvata e archiviata"),
    "neutralizzazione.registra": _("Neutralizzazione registrata"),
    "neutralizzazione.revoca": _("Neutralizzazione revocata"),
    "consuntivo.registra": _("Valore registrato"),
    "consuntivo.correzione": _("Valore corretto in un periodo chiuso"),
    "misura.registra": _("Misura di base registrata"),
    "evento.data": _("Data di un evento"),
    "oiv.commento": _("Commento dell'OIV"),
    "indicatore.crea": _("Indicatore aggiunto"),
    "indicatore.modifica": _("Indicatore modificato"),
    "indicatore.elimina": _("Indicatore eliminato"),
    "prospettiva.crea": _("Prospettiva aggiunta"),
    "prospettiva.modifica": _("Prospettiva modificata"),
    "prospettiva.elimina": _("Prospettiva eliminata"),
    "linea.crea": _("Linea strategica aggiunta"),
    "linea.modifica": _("Linea strategica modificata"),
    "linea.elimina": _("Linea strategica eliminata"),
    "obiettivo_strategico.crea": _("Obiettivo strategico aggiunto"),
    "obiettivo_strategico.modifica": _("Obiettivo strategico modificato"),
    "obiettivo_strategico.elimina": _("Obiettivo strategico eliminato"),
    "obiettivo_operativo.crea": _("Obiettivo operativo aggiunto"),
    "obiettivo_operativo.modifica": _("Obiettivo operativo modificato"),
    "obiettivo_operativo.elimina": _("Obiettivo operativo eliminato"),
    "bilancio.importa": _("Tabelle di bilancio caricate"),
    "personale.importa": _("Registro del personale caricato"),
    "contesto.importa": _("Dati di contesto caricati"),
    "ente.crea": _("Ente creato"),
    "struttura.crea": _("Struttura aggiunta"),
    "utente.crea": _("Utente creato"),
    "utente.modifica": _("Utente modificato"),
    "utente.elimina": _("Utente eliminato"),
    "utente.gruppi": _("Gruppi di un utente cambiati"),
    "utente.permessi": _("Permessi di un utente cambiati"),
    "ruolo.crea": _("Ruolo assegnato"),
    "ruolo.modifica": _("Ruolo modificato"),
    "ruolo.elimina": _("Ruolo tolto"),
    "ruolo.strutture": _("Strutture di un ruolo cambiate"),
    "token.crea": _("Token dell'API creato"),
    "token.revoca": _("Token dell'API revocato"),
    "ripristino": _("Ripristino da backup"),
}

# The fields the records keep, named as people know them.
CAMPI = {
    "valore": _("valore"),
    "nota": _("nota"),
    "username": _("nome utente"),
    "first_name": _("nome"),
    "last_name": _("cognome"),
    "email": _("e-mail"),
    "is_active": _("attivo"),
    "is_staff": _("accesso all'amministrazione"),
    "is_superuser": _("superutente"),
    "password": _("password"),
    "utente": _("utente"),
    "ruolo": _("ruolo"),
    "strutture": _("strutture"),
    "stato": _("stato"),
    "ciclo": _("ciclo"),
    "versione": _("versione"),
    "atto": _("atto"),
    "atto_data": _("data dell'atto"),
    "data": _("data"),
    "nome": _("nome"),
    "peso": _("peso"),
    "target": _("target"),
    "testo": _("testo"),
    "indicatori": _("indicatori"),
    "consuntivi": _("consuntivi"),
    "azione": _("operazione"),
    "gruppi": _("gruppi"),
    "livello": _("livello"),
    "codice": _("codice"),
    "tipo": _("tipo"),
    "padre": _("struttura superiore"),
    "sha256_pdf": _("impronta SHA-256 del PDF"),
    "sha256_docx": _("impronta SHA-256 del DOCX"),
    "causa_scostamento": _("causa dello scostamento"),
    "azioni_correttive": _("azioni correttive"),
    "permessi": _("permessi"),
}
WORDS = {"add": _("aggiunti"), "remove": _("tolti"), "clear": _("tutti tolti")}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def azione(code: str) -> str:
    """The action in words (an unknown code, from a later version, as it is)."""
    label = AZIONI.get(code)
    return str(label) if label is not None else code


def testo(value, seps: tuple[str, str] = display.IT) -> str:
    """One recorded value as people read it: sì/no, dd/mm/yyyy, numbers in the page's format."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("sì") if value else _("no"))
    if isinstance(value, (int, float)):
        return display.value(float(value), seps=seps)
    if isinstance(value, list):
        return ", ".join(testo(v, seps) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{campo(k)}: {testo(v, seps)}" for k, v in value.items()) or "—"
    text = str(value)
    m = _ISO_DATE.match(text)
    if m:
        return display.day(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return str(WORDS.get(text, text))


def campo(key: str) -> str:
    label = CAMPI.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def modifiche(prima, dopo, seps: tuple[str, str] = display.IT) -> list[tuple[str, str, str]]:
    """Field by field, (field, before, after) in words; a field the same on both sides is left out."""
    if isinstance(prima, dict) or isinstance(dopo, dict):
        before = prima if isinstance(prima, dict) else {}
        after = dopo if isinstance(dopo, dict) else {}
        keys = list(dict.fromkeys([*before, *after]))
        return [
            (campo(k), testo(before.get(k), seps), testo(after.get(k), seps))
            for k in keys
            if before.get(k) != after.get(k) or not (before and after)
        ]
    if prima is None and dopo is None:
        return []
    return [("", testo(prima, seps), testo(dopo, seps))]
