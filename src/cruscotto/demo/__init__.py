"""The demo plan: the CCIAA di Pistoia's Piano della performance 2020-2022 (the seed).

``consuntivi-2020-esempio.csv`` holds 2020 actual values, and
``misure-2020-esempio.csv`` the amounts committed on each programme in 2020,
that are INVENTED for demonstration: the seed is a plan and has no 2020 results.
"""

from __future__ import annotations

from importlib.resources import files

PLAN = "pistoia-2020-2022.yaml"
ACTUALS = "consuntivi-2020-esempio.csv"
MEASURES = "misure-2020-esempio.csv"


def demo_path(name: str = PLAN) -> str:
    return str(files(__package__).joinpath(name))
