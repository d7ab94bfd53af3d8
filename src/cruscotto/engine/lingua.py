"""The engine's messages in the reader's language, with the standard library's gettext.

The engine writes its traces, warnings and validation messages in Italian, the language of the
plans it reads; each message goes through ``_`` (or ``ngettext`` for a count), which looks it up
in the catalogue of the current language (``locale/<lang>/LC_MESSAGES/engine.po``, compiled by
``make messages``). The language is a context variable: the web application sets it to the
page's language for each request (``performance/middleware.py``), the command line and the documents
keep Italian. No Django here: the engine stays a library that takes values and returns values.

Messages hold their variable parts as ``{name}`` fields filled after the lookup:
``_("nessun valore per il {anno}").format(anno=anno)``, so one catalogue entry covers them all.
``N_`` only marks a text for the catalogue (a table of texts built at import), translated where
it is read with ``_``.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")

LOCALE = Path(__file__).resolve().parent / "locale"
ORIGINALE = "it"  # the language the messages are written in

_lingua: ContextVar[str] = ContextVar("cruscotto_engine_lingua", default=ORIGINALE)


@lru_cache(maxsize=8)
def _catalogo(lingua: str) -> gettext.NullTranslations:
    # fallback: a language without a catalogue (or one not compiled yet) shows the Italian text
    return gettext.translation("engine", localedir=LOCALE, languages=[lingua], fallback=True)


def lingua() -> str:
    """The language the engine writes in now."""
    return _lingua.get()


@contextmanager
def in_lingua(codice: str) -> Iterator[None]:
    """Write in ``codice`` inside the block."""
    token = _lingua.set((codice or ORIGINALE).split("-")[0].lower())
    try:
        yield
    finally:
        _lingua.reset(token)


def _(messaggio: str) -> str:
    lang = _lingua.get()
    return messaggio if lang == ORIGINALE else _catalogo(lang).gettext(messaggio)


def ngettext(singolare: str, plurale: str, n: int) -> str:
    lang = _lingua.get()
    if lang == ORIGINALE:
        return singolare if n == 1 else plurale
    return _catalogo(lang).ngettext(singolare, plurale, n)


def N_(messaggio: str) -> str:
    """Mark ``messaggio`` for the catalogue without translating it here."""
    return messaggio


class Testi(Mapping[K, str]):
    """A table of texts written in Italian (marked with ``N_``), each read in the current language."""

    def __init__(self, testi: dict[K, str]):
        self._testi = testi

    def __getitem__(self, chiave: K) -> str:
        return _(self._testi[chiave])

    def __iter__(self) -> Iterator[K]:
        return iter(self._testi)

    def __len__(self) -> int:
        return len(self._testi)
