from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from cruscotto.demo import ACTUALS, PLAN, demo_path

# Property tests search at random on a developer's machine (that is how they find bugs);
# CI (.ci/run sets HYPOTHESIS_PROFILE=ci) replays the same examples every run, so that a
# red run means a change broke something, not that the search was lucky that day.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A small plan with the seed's real rows (D2 and A.3.4 of section 3.2), used where
# the whole demo plan would hide what a test is about.
SMALL_PLAN = textwrap.dedent(
    """\
    formato: cruscotto/piano@1
    ente: {codice: CCIAA-PT, nome: Camera di Commercio di Pistoia}
    piano: {titolo: Piano della performance 2020-2022, anni: [2020, 2021, 2022]}
    regole: {soglia_raggiunto: 80}
    strutture:
      - {codice: PROMOZIONE, nome: Servizio Promozione economica, tipo: servizio}
      - {codice: AREA-ANAGRAFICA, nome: Area anagrafica, tipo: area}
      - {codice: TRASVERSALE, nome: Trasversale, tipo: trasversale}
    eventi:
      - {codice: T0, nome: Costituzione della nuova Camera, alias: [data accorpamento]}
    prospettive:
      - codice: TEL
        nome: Tessuto economico locale
        linee:
          - codice: A
            nome: Valorizzazione economica del territorio
            obiettivi_strategici:
              - codice: A
                nome: Favorire gli investimenti per valorizzazione del territorio
                obiettivi_operativi:
                  - codice: A.3.4
                    nome: Realizzazione di iniziative dirette o compartecipazione a iniziative di terzi
                    strutture: [PROMOZIONE]
                    indicatori:
                      - {codice: A.3.4-1, nome: Grado di utilizzo delle risorse (linea A), etichette: [PIRA],
                         peso: "50%", unita: Percentuale, storico: {2018: "99,61%", 2019: "68,28%"},
                         target: {2020: "90%", 2021: "90%", 2022: "90%"}}
                      - {codice: A.3.4-2, nome: Risorse rendicontate PROGETTO TURISMO, etichette: [PIRA], peso: "20%",
                         target: {2020: "100%", 2021: "100%", 2022: "100%"}}
                      - {codice: A.3.4-3, nome: Realizzazione progetto TURISMO, peso: "20%",
                         target: {2020: "100%", 2021: "100%", 2022: "100%"}}
                      - {codice: A.3.4-4, nome: Protocolli e accordi con enti, peso: "10%", target: {2020: "7"}}
      - codice: PI
        nome: Processi interni
        linee:
          - codice: D
            nome: Semplificazione amministrativa e e-government
            obiettivi_strategici:
              - codice: D
                nome: Ottimizzare l'organizzazione interna
                obiettivi_operativi:
                  - codice: D2
                    nome: Azioni di ottimizzazione dell'organizzazione interna
                    indicatori:
                      - {codice: D2-1, nome: Tempo medio di lavorazione pratiche telematiche, polarita: decrescente,
                         peso: "25%", media_cluster: "4,35", storico: {2018: "2,2", 2019: "2"},
                         target: {2020: "3", 2021: "3", 2022: "3"}, unita: giorni}
                      - {codice: D2-2, nome: Pratiche evase entro 5 giorni, peso: "25%",
                         target: {2020: "95%", 2021: "95%", 2022: "95%"}}
                      - {codice: D2-3, nome: Tempestività di pagamento delle fatture passive, polarita: decrescente,
                         peso: "25%", target: {2020: "-15", 2021: "-16", 2022: "-17"}, unita: giorni}
                      - {codice: D2-4, nome: Rispetto tempi di conclusione dei procedimenti,
                         etichette: [PROG.INTEGR.FONDO], peso: "25%",
                         target: {2020: "100%", 2021: "100%", 2022: "100%"}}
                  - codice: G.2
                    nome: Consolidare la cultura della trasparenza
                    indicatori:
                      - {codice: G.2-3, nome: Giornata della trasparenza e della legalità, polarita: scadenza,
                         target: {2020: "30/11/2020", 2021: "30/11/2021", 2022: "30/11/2022"}}
                      - codice: H1-1
                        nome: Riorganizzazione a seguito dell'accorpamento
                        polarita: milestone
                        etichette: [PROG.INTEGR.FONDO]
                        target: {2020: "timing (pag. 31-32 Piano Performance)"}
                        milestones:
                          - {codice: H1-1.1, scadenza: 28/02/2020, descrizione: Riattivazione dei gruppi di lavoro}
                          - {codice: H1-1.2, scadenza: Entro 15 gg. prima di T0, descrizione: Gruppi di lavoro sanzioni}
                          - {codice: H1-1.3, scadenza: 30 gg. da T0, descrizione: Avvio programmazione nuovo Ente}
                          - {codice: H1-1.4, scadenza: 30/11/2020,
                             descrizione: Definizione nuova struttura organizzativa}
    fondo:
      nome: Integrazione art. 67 c.5 CCNL 2016-2018
      anno: 2020
      importo_massimo: "28.063,95"
      progetti:
        - {codice: ACCORPAMENTO, nome: Accorpamento, indicatori: [H1-1]}
        - {codice: PUNTO-IMPRESA, nome: Punto impresa, indicatori: [D2-4]}
    """
)


@pytest.fixture
def small_plan_file(tmp_path: Path) -> Path:
    p = tmp_path / "piccolo.yaml"
    p.write_text(SMALL_PLAN, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def demo_plan_path() -> Path:
    return Path(demo_path(PLAN))


@pytest.fixture(scope="session")
def demo_actuals_path() -> Path:
    return Path(demo_path(ACTUALS))
