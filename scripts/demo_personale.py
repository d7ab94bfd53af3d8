"""The demo staff register, src/cruscotto/demo/personale.csv: invented people, the seed's figures.

    .venv/bin/python scripts/demo_personale.py [--check]

Writes the register (or, with ``--check``, fails when the file on disk is not
what this script writes), then prints every disagreement between the register
and the seed's printed figures (src/cruscotto/demo/personale-stampati.csv).

Nobody here is real: matricole are numbers, birth days are drawn from a
seeded generator. What is not invented is every figure the seed prints
(docs/personale.md): the people below were chosen so that the register gives
them, and the arithmetic is in the comments. Where no register can give a
printed figure (the PO share of 2018 and 2019), the check reports it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cruscotto.demo import demo_path
from cruscotto.engine.personale import confronta_stampati
from cruscotto.files.personale import read_personale, read_stampati
from cruscotto.files.tables import write_csv

YEARS = (2016, 2017, 2018, 2019)
OUT = Path(demo_path("personale.csv"))
PRINTED = Path(demo_path("personale-stampati.csv"))
HEADERS = (
    "anno", "matricola", "genere", "categoria", "tempo di lavoro", "contratto", "data di nascita",
    "titolo di studio", "legge 104", "orario personalizzato", "posizione organizzativa", "note",
)  # fmt: skip

SG_NOTE = (
    "Segretario generale: dipendente di cat. D3 in aspettativa, incarico dirigenziale ex art. 19, c. 6, d.lgs. 165/2001"
)


@dataclass
class Person:
    genere: str
    categoria: str
    eta_2017: int  # age at 31/12/2017: the birth year is 2017 - eta_2017
    titolo: str
    dal: int = 2016
    al: int = 2019  # last 31/12 in service
    part_time: set[int] = field(default_factory=set)
    po: set[int] = field(default_factory=set)
    legge_104: set[int] = field(default_factory=set)
    orario: set[int] = field(default_factory=set)
    indeterminato: bool = True
    note: str = ""


ALL = set(YEARS)
L, LT, DIP, OBB = "laurea", "laurea triennale", "diploma", "scuola dell'obbligo"

# Women. In service all four years: D 8, C 19, B 2 (the 2019 row: 8, 19, 2).
# Ages at 31/12/2017 of these 29 add up to 1546 (D 424, C 1012, B 110).
WOMEN = [
    # D: four PO all years; six graduates.
    Person("F", "D", 60, L, po=ALL),
    Person("F", "D", 58, L, po=ALL),
    Person("F", "D", 56, L, po=ALL),
    Person("F", "D", 54, L, po=ALL),
    Person("F", "D", 52, LT),
    Person("F", "D", 49, L),
    Person("F", "D", 47, DIP, part_time=ALL),
    Person("F", "D", 48, DIP),
    # C: five graduates; four on part time (three of them with legge 104); three more with legge 104.
    Person("F", "C", 63, DIP),
    Person("F", "C", 62, DIP),
    Person("F", "C", 61, DIP),
    Person("F", "C", 60, DIP, legge_104={2018, 2019}, orario={2018, 2019}),
    Person("F", "C", 59, DIP),
    Person("F", "C", 58, DIP),
    Person("F", "C", 57, DIP, legge_104={2018, 2019}),
    Person("F", "C", 56, DIP, legge_104={2018, 2019}),
    Person("F", "C", 55, L),
    Person("F", "C", 54, DIP),
    Person("F", "C", 53, DIP, part_time=ALL, legge_104={2018, 2019}),
    Person("F", "C", 52, DIP),
    Person("F", "C", 51, L),
    Person("F", "C", 50, DIP, part_time=ALL, legge_104={2018, 2019}),
    Person("F", "C", 48, DIP, part_time=ALL, legge_104={2018, 2019}),
    Person("F", "C", 46, L),
    Person("F", "C", 44, LT, orario={2019}),  # the tenth woman with a personalised schedule in 2019
    Person("F", "C", 42, DIP, part_time=ALL),
    Person("F", "C", 41, L),
    # B
    Person("F", "B", 57, OBB),
    Person("F", "B", 53, DIP, part_time=ALL, legge_104={2018, 2019}),
    # Left after 31/12/2017: a D graduate holding a PO (2017: 9 D, 13 graduates, 5 women of 7 PO).
    Person("F", "D", 61, L, al=2017, po={2016, 2017}),
    # Left after 31/12/2018: two in C, a graduate (12 -> 11 graduates) and one on part time (8 -> 7).
    Person("F", "C", 65, L, al=2018),
    Person("F", "C", 63, DIP, al=2018, part_time={2016, 2017, 2018}),
    # Left after 31/12/2016 (2016: D 11, C 24, B 3).
    Person("F", "D", 63, L, al=2016, po={2016}),
    Person("F", "D", 61, DIP, al=2016),
    Person("F", "C", 65, DIP, al=2016),
    Person("F", "C", 62, DIP, al=2016, part_time={2016}),
    Person("F", "C", 59, OBB, al=2016),
    Person("F", "B", 64, OBB, al=2016),
]

# Men. In service all four years: D 3, C 6, B 2. Ages at 31/12/2017 add up to 554.
MEN = [
    Person("M", "D", 58, L, po=ALL),
    Person("M", "D", 52, L, po=ALL),
    Person("M", "D", 47, LT),
    Person("M", "C", 61, DIP),
    Person("M", "C", 55, DIP, legge_104={2019}),  # 2019: the one man with legge 104
    Person("M", "C", 50, L),
    Person("M", "C", 46, DIP),
    Person("M", "C", 43, DIP, part_time=ALL),
    Person("M", "C", 38, DIP),
    Person("M", "B", 56, OBB),
    Person("M", "B", 48, DIP),
    Person("M", "B", 62, OBB, al=2017),  # 2018: B 4 -> 3
    Person("M", "B", 63, OBB, al=2018),  # 2019: B 3 -> 2
    Person("M", "D", 64, L, al=2016, po={2016}),  # 2017: D 4 -> 3
    # The Segretario generale: the only dirigente, outside the personale in ruolo (docs/personale.md).
    Person("M", "DIR", 55, L, indeterminato=False, note=SG_NOTE),
]

# Why these ages (age at 31/12 = year - birth year, so everyone in service is one year older each year):
#   women 2017: 1546 + 61 + 65 + 63 = 1735 / 32 = 54,22 (printed 54)
#         2018: 1735 - 61 + 31 = 1705 / 31 = 55,00 (55);  2019: 1705 - 66 - 64 + 29 = 1604 / 29 = 55,31 (55)
#   men   2017: 554 + 62 + 63 + 55 (the dirigente) = 734 / 14 = 52,43 (52)
#         2018: 734 - 62 + 13 = 685 / 13 = 52,69 (53);    2019: 685 - 64 + 12 = 633 / 12 = 52,75 (53)


def yes_no(known: bool, value: bool) -> str:
    return ("sì" if value else "no") if known else ""


def rows() -> list[list[str]]:
    rng = random.Random(150_2009)  # d.lgs. 150/2009; any fixed seed gives a reproducible file
    people = WOMEN + MEN
    out = []
    for i, p in enumerate(people):
        matricola = str(1001 + i)
        birth_year = 2017 - p.eta_2017
        # Any day of the year gives the same age at 31/12: the day is decoration.
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{birth_year}"
        for year in range(p.dal, p.al + 1):
            # Legge 104 and personalised hours were not recorded in 2016, nor for women in 2017:
            # the seed prints "n.d." for women in 2017 and 0 for men.
            known = year >= 2018 or (year == 2017 and p.genere == "M")
            out.append(
                [
                    str(year), matricola, p.genere, p.categoria,
                    "parziale" if year in p.part_time else "pieno",
                    "indeterminato" if p.indeterminato else "determinato",
                    born, p.titolo,
                    yes_no(known, year in p.legge_104), yes_no(known, year in p.orario),
                    "sì" if year in p.po else "no", p.note,
                ]
            )  # fmt: skip
    order = {"DIR": 0, "D": 1, "C": 2, "B": 3, "A": 4}
    out.sort(key=lambda r: (int(r[0]), order[r[3]], r[2], int(r[1])))
    return out


def render() -> str:
    # The repository's one CSV writer (it neutralises formula-like text) writes to a path.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "personale.csv"
        write_csv(path, HEADERS, rows())
        return path.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file on disk is not what this script writes")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} non è aggiornato: rigenerarlo con scripts/demo_personale.py", file=sys.stderr)
            return 1
    else:
        OUT.write_text(text, encoding="utf-8")
        print(f"scritto {OUT}")
    register = read_personale(OUT)
    for w in register.warnings:
        print(f"avviso: {w.where}: {w.message}")
    for p in confronta_stampati(register.dipendenti, read_stampati(PRINTED)):
        print(f"discordanza: {p.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
