"""One table of status labels: the engine's (engine/scoring.STATO_TESTO). The web's labels are
the same words marked for translation, and documents, charts and the command line use the
engine's table itself."""

from __future__ import annotations

from django.utils import translation

from cruscotto.charts import MAP_LABEL
from cruscotto.cli import STATUS_LABEL
from cruscotto.documents.formatting import STATUS_IT, status
from cruscotto.engine.scoring import STATO_TESTO, Stato
from cruscotto.performance.templatetags.cruscotto_tags import STATUS


def test_every_status_has_one_label_everywhere():
    italian = {s.value: text for s, text in STATO_TESTO.items()}
    assert set(STATO_TESTO) == set(Stato)
    with translation.override("it"):
        assert {k: str(label) for k, (_css, label) in STATUS.items()} == italian
    assert STATUS_IT == italian and STATUS_LABEL == STATO_TESTO
    assert {k: v for k, v in MAP_LABEL.items() if k in italian} == italian
    assert status(Stato.PARZIALE) == "parzialmente raggiunto"
    with translation.override("en"):
        assert str(STATUS["parzialmente_raggiunto"][1]) == "partly achieved"
