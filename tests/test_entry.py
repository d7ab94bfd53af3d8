"""Values typed in (engine/entry.py): read whole or refused, and of the indicator's kind.
Each refused form is one that an earlier parser turned into a wrong figure without a word."""

from __future__ import annotations

from datetime import date

import pytest

from cruscotto.engine.entry import Atteso, EntryError, check_actuals, check_kind, expected, implausible, read_entry
from cruscotto.engine.model import Dato, Indicatore, Polarita
from cruscotto.engine.scoring import Consuntivo
from cruscotto.engine.targets import parse_target
from cruscotto.files import load_plan


@pytest.mark.parametrize(
    "text, value",
    [
        ("68,28", 68.28),
        ("68,28%", 68.28),
        ("1.234,5", 1234.5),
        ("2.000", 2000.0),
        ("1234.5", 1234.5),
        ("-15 gg", -15.0),
        ("€ 1.234,00", 1234.0),
        ("  12  ", 12.0),
        ("31/12/2020", date(2020, 12, 31)),
        ("2020-12-31", date(2020, 12, 31)),
        ("30 giugno 2021", date(2021, 6, 30)),
        ("sì", True),
        ("SI", True),
        ("no", False),
        ("", None),
        ("-", None),
        ("n.d.", None),
        (12, 12.0),
        (True, True),
    ],
)
def test_what_is_read(text, value):
    assert read_entry(text) == value


@pytest.mark.parametrize(
    "text, code",
    [
        ("12,5,3", "non_valido"),  # was 12,5
        ("12 abc", "non_valido"),  # was 12
        ("1e3", "non_valido"),
        ("2e5", "non_valido"),  # was 2
        ("1_000", "non_valido"),
        ("1,000,000", "non_valido"),  # was 1
        ("12 ,5", "non_valido"),
        ("5 sì", "non_valido"),
        ("fatto", "non_valido"),  # yes/no is sì or no, nothing else
        ("Infinity", "non_valido"),
        ("nan", "non_valido"),
        ("9" * 400, "fuori_limite"),  # was stored as Infinity, and every page answered 500
        ("1.000.000.000.000.001", "fuori_limite"),
        (float("inf"), "fuori_limite"),
        (float("nan"), "fuori_limite"),
        ("31/02/2020", "data_inesistente"),
    ],
)
def test_what_is_refused(text, code):
    with pytest.raises(EntryError) as exc:
        read_entry(text, where="B.2.1-1")
    assert exc.value.code == code and exc.value.where == "B.2.1-1"


def _ind(polarita=Polarita.CRESCENTE, target=None, anno=2020, nome="Indicatore", **kw):
    targets = {anno: parse_target(target)} if target else {}
    return Indicatore("X-1", nome, polarita=polarita, target=targets, **kw)


def test_each_indicator_takes_its_kind():
    assert expected(_ind(target="90%"), 2020) is Atteso.NUMERO
    assert expected(_ind(), 2020) is Atteso.NUMERO  # no target that year: a number
    assert expected(_ind(Polarita.SCADENZA, "31/12/2020"), 2020) is Atteso.DATA
    assert expected(_ind(Polarita.SI_NO, "si"), 2020) is Atteso.SI_NO
    assert expected(_ind(target="entro il 30/06/2020"), 2020) is Atteso.DATA  # a deadline on a crescente one
    multi = _ind(target="almeno 10 corsi; almeno 200 partecipanti")
    assert expected(multi, 2020, "X-1#2") is Atteso.NUMERO
    assert expected(_ind(target="Relazione sull'attività svolta"), 2020) in (Atteso.SI_NO, Atteso.QUALSIASI)


@pytest.mark.parametrize(
    "value, atteso, code",
    [
        (date(2021, 3, 15), Atteso.NUMERO, "atteso_numero"),  # "15/03/21" was saved as 15
        (True, Atteso.NUMERO, "atteso_numero"),
        (15.0, Atteso.DATA, "atteso_data"),
        (5.0, Atteso.SI_NO, "atteso_si_no"),  # "5" was saved on a yes/no indicator
        (date(2020, 1, 1), Atteso.SI_NO, "atteso_si_no"),
    ],
)
def test_a_value_of_another_kind_is_refused(value, atteso, code):
    with pytest.raises(EntryError) as exc:
        check_kind(value, atteso)
    assert exc.value.code == code


def test_values_of_their_kind_pass():
    check_kind(12.0, Atteso.NUMERO)
    check_kind(date(2020, 5, 1), Atteso.DATA)
    check_kind(True, Atteso.DATA)  # done / not done, for a deadline
    check_kind(False, Atteso.SI_NO)
    check_kind(None, Atteso.SI_NO)
    check_kind(7.0, Atteso.QUALSIASI)


def test_plausible_ranges():
    share = _ind(target="90%")
    assert implausible(share, 101.0).code == "oltre_100"
    assert implausible(share, -1.0).code == "negativo"
    assert implausible(share, 100.0) is None and implausible(share, 0.0) is None
    count = _ind(target="almeno 200", unita="partecipanti")
    assert implausible(count, -3.0).code == "negativo" and implausible(count, 5000.0) is None
    # A variation may fall below zero, and a target above 100% says a share may pass it.
    assert implausible(_ind(target="+5%", nome="Variazione dei proventi"), -12.0) is None
    assert implausible(_ind(target="120%"), 130.0) is None
    history = Indicatore("X-2", "Saldo", storico={2019: Dato("-4", -4.0)})
    assert implausible(history, -2.0) is None
    assert implausible(share, date(2020, 1, 1)) is None


def test_stored_values_are_checked_against_the_plan(demo_plan_path):
    demo_plan = load_plan(demo_plan_path).piano
    consuntivi = {
        ("B.2.1-1", 2020, ""): Consuntivo(date(2021, 3, 15)),
        ("B.2.1-2", 2020, ""): Consuntivo(40.0),
        ("NON-ESISTE", 2020, ""): Consuntivo(1.0),
    }
    found = list(check_actuals(demo_plan, consuntivi))
    assert [(e.code, e.where) for e in found] == [("atteso_numero", "B.2.1-1 2020")]


def test_the_period_of_a_value_is_read_the_same_everywhere(tmp_path):
    from cruscotto.engine.entry import read_period
    from cruscotto.files.values import read_actuals

    assert [read_period(p) for p in ("", "s1", " T4 ", "anno")] == ["", "S1", "T4", ""]
    with pytest.raises(EntryError) as exc:
        read_period("S3", where="x")
    assert exc.value.code == "periodo"
    f = tmp_path / "consuntivi.csv"
    f.write_text("codice_indicatore,anno,periodo,valore\nB.2.1-1,2020,primo semestre,70\n", encoding="utf-8")
    with pytest.raises(EntryError, match="periodo sconosciuto") as exc:
        read_actuals(f)
    assert "riga 2, colonna periodo" in exc.value.where
