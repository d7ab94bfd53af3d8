"""Pages. Thin: they resolve the ente and year, ask selectors, render.

No scoring happens here: every figure comes from the engine via ``selectors.score``; every
write goes through ``services``. One module per feature; ``urls.py`` names them from here.
"""

from .amministrazione import amministrazione, ente_nuovo
from .aree import area, aree
from .base import forbidden, healthz, healthz_lavori, home, not_found, on_draft, robots, server_error, with_plan
from .ciclo import (
    calendario,
    calendario_ics,
    ciclo_adotta,
    ciclo_approva,
    ciclo_chiudi_periodo,
    ciclo_commenta,
    ciclo_elimina_bozza,
    ciclo_neutralizza,
    ciclo_pagina,
    ciclo_revoca,
    ciclo_rimodula,
    ciclo_scorrimento,
    ciclo_sposta,
    ciclo_testi,
    registro,
    registro_verifica,
    relazione_approvata,
    versioni_diff,
)
from .confronto import confronto
from .documenti import documenti, documento_riprova, documento_scarica, documento_stato
from .inserimento import monitoraggio_carica, monitoraggio_insieme
from .monitoraggio import monitoraggio, monitoraggio_riga
from .piano import (
    eventi,
    indicatore_elimina,
    indicatore_modifica,
    indicatore_nuovo,
    nodo_elimina,
    nodo_modifica,
    nodo_nuovo,
    piano_conferma,
    piano_importa,
    piano_lavoro,
    piano_pagina,
)
from .risorse import bilancio, contesto, personale
from .risultati import albero, cruscotto, fondo, indicatore, individuale, mappa
from .valutazione import (
    valutazione,
    valutazione_premi,
    valutazione_scheda,
    valutazione_scheda_documento,
    valutazione_schede_xlsx,
)

__all__ = [
    "forbidden",
    "healthz",
    "healthz_lavori",
    "home",
    "not_found",
    "on_draft",
    "robots",
    "server_error",
    "with_plan",
    "albero",
    "cruscotto",
    "fondo",
    "indicatore",
    "individuale",
    "mappa",
    "monitoraggio",
    "monitoraggio_carica",
    "monitoraggio_insieme",
    "monitoraggio_riga",
    "amministrazione",
    "ente_nuovo",
    "area",
    "aree",
    "eventi",
    "indicatore_elimina",
    "indicatore_modifica",
    "indicatore_nuovo",
    "nodo_elimina",
    "nodo_modifica",
    "nodo_nuovo",
    "piano_conferma",
    "piano_importa",
    "piano_lavoro",
    "piano_pagina",
    "documenti",
    "documento_riprova",
    "documento_scarica",
    "documento_stato",
    "ciclo_adotta",
    "ciclo_chiudi_periodo",
    "calendario",
    "calendario_ics",
    "ciclo_approva",
    "ciclo_neutralizza",
    "ciclo_revoca",
    "ciclo_commenta",
    "relazione_approvata",
    "ciclo_elimina_bozza",
    "ciclo_scorrimento",
    "ciclo_pagina",
    "ciclo_rimodula",
    "ciclo_sposta",
    "ciclo_testi",
    "registro",
    "registro_verifica",
    "valutazione",
    "valutazione_premi",
    "confronto",
    "valutazione_scheda_documento",
    "valutazione_schede_xlsx",
    "valutazione_scheda",
    "versioni_diff",
    "bilancio",
    "contesto",
    "personale",
]
