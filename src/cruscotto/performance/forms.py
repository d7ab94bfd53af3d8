"""Forms of the pages' POST actions: every field typed, bounded to its column and cleaned before
a service sees it. The services keep the rules (who may, in which state); a form only says
whether the request is well formed."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cruscotto.engine.entry import PERIODI
from cruscotto.engine.errors import ParseError
from cruscotto.engine.numbers import parse_date, parse_value

from . import models as m
from .uploads import plan_file_refusal

PERIODS = tuple(p for p in PERIODI if p)  # the periods of the year (engine/entry.py)


class ItalianDateField(forms.Field):
    """A date as offices write it: 31/12/2020, 31.12.2020, 31 dicembre 2020."""

    def to_python(self, value) -> date | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise ValidationError(_("Data non valida: %(v)s (atteso gg/mm/aaaa).") % {"v": text[:40] + "…"})
        try:
            return parse_date(text)
        except ParseError:
            raise ValidationError(_("Data non valida: %(v)s (atteso gg/mm/aaaa).") % {"v": text}) from None


class AdozioneForm(forms.Form):
    versione = forms.IntegerField(min_value=1)
    # The act may be missing here: the cycle says why an adoption needs it (ciclo.adotta).
    atto = forms.CharField(required=False, max_length=200)
    atto_data = ItalianDateField(required=False)


class ApprovazioneForm(forms.Form):
    """The governing organ's approval of the Relazione: its act (delibera number) and date."""

    atto = forms.CharField(max_length=200)
    atto_data = ItalianDateField()


class NeutralizzazioneForm(forms.Form):
    """A decision that leaves an indicator or objective out of the year's score."""

    livello = forms.ChoiceField(choices=m.Neutralizzazione.Livello.choices)
    codice = forms.CharField(max_length=40)
    atto = forms.CharField(max_length=200)
    atto_data = ItalianDateField()
    motivo = forms.CharField(max_length=4000)


class RevocaForm(forms.Form):
    neutralizzazione = forms.IntegerField(min_value=1)
    motivo = forms.CharField(max_length=4000)


class EnteForm(forms.Form):
    codice = forms.CharField(max_length=40)
    nome = forms.CharField(max_length=200)
    # "la" Camera di Commercio: the documents say "della Camera di Commercio di …" (issue 14)
    articolo = forms.ChoiceField(choices=m.Ente._meta.get_field("articolo").choices, required=False)


class StrutturaForm(forms.Form):
    codice = forms.CharField(max_length=40)
    nome = forms.CharField(max_length=200)
    tipo = forms.ChoiceField(choices=m.Struttura.Tipo.choices)
    padre = forms.CharField(required=False, max_length=40)


class UtenteForm(forms.Form):
    """A new account of the ente with its first role (the password obeys the installation's rules)."""

    username = forms.CharField(max_length=150)
    nome = forms.CharField(required=False, max_length=150)
    cognome = forms.CharField(required=False, max_length=150)
    email = forms.EmailField(required=False, max_length=254)
    password = forms.CharField(max_length=128)
    ruolo = forms.ChoiceField(choices=m.Ruolo.Tipo.choices)
    strutture = forms.CharField(required=False, max_length=400)  # codes, comma separated


class RuoloForm(forms.Form):
    username = forms.CharField(max_length=150)
    ruolo = forms.ChoiceField(choices=m.Ruolo.Tipo.choices)
    strutture = forms.CharField(required=False, max_length=400)


class RuoloTogliForm(forms.Form):
    ruolo = forms.IntegerField(min_value=1)


class UtenteAttivoForm(forms.Form):
    username = forms.CharField(max_length=150)
    attivo = forms.BooleanField(required=False)


class SpostamentoForm(forms.Form):
    verso = forms.ChoiceField(choices=m.Ciclo.Stato.choices)
    nota = forms.CharField(required=False, max_length=4000)
    # Closing asks first, listing what it closes (views/ciclo.py); the second POST confirms.
    conferma = forms.BooleanField(required=False)


class RimodulazioneForm(forms.Form):
    motivazione = forms.CharField(required=False, max_length=4000)


class ScorrimentoForm(forms.Form):
    """The yearly update takes nothing but the request: the plan in force is its source."""


class BozzaForm(forms.Form):
    versione = forms.IntegerField(min_value=1)


class PeriodoForm(forms.Form):
    periodo = forms.ChoiceField(choices=[(p, p) for p in PERIODS])
    conferma = forms.BooleanField(required=False)


class CommentoForm(forms.Form):
    oggetto = forms.CharField(required=False, max_length=60)
    testo = forms.CharField(required=False, max_length=20000)


class TestiRelazioneForm(forms.Form):
    """The Relazione's own texts (ciclo.testi_relazione): markdown, as the plan's long texts."""

    sintesi = forms.CharField(required=False, max_length=20000, strip=False)
    note_processo = forms.CharField(required=False, max_length=20000, strip=False)


class ValoreForm(forms.Form):
    """A row of the monitoring page: the value (or one per sub-measure, ``valore_1`` …), the note
    and, in a closed period, the reason of the correction. The value's text is read by the
    engine's one parser in the service (services.consuntivo_registra)."""

    periodo = forms.ChoiceField(required=False, choices=[("", "")] + [(p, p) for p in PERIODS])
    nota = forms.CharField(required=False, max_length=2000)
    correzione = forms.CharField(required=False, max_length=2000)
    # The reason that confirms a value outside the indicator's plausible range, and the reason
    # a typed value replaces the formula's (services.consuntivo_registra).
    conferma = forms.CharField(required=False, max_length=2000)
    sostituisce_formula = forms.CharField(required=False, max_length=2000)
    # Not reached: the cause of the deviation and the corrective actions (the Relazione prints them).
    causa_scostamento = forms.CharField(required=False, max_length=4000)
    azioni_correttive = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args, parti: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        names = [f"valore_{k}" for k in range(1, parti + 1)] or ["valore"]
        for name in names:
            # The stored text is at most 100 characters; nobody types a longer value.
            self.fields[name] = forms.CharField(required=False, max_length=100, strip=True)
            # The value's revision when the page showed it (0: none); absent, no check (old pages).
            self.fields[name.replace("valore", "revisione")] = forms.IntegerField(required=False, min_value=0)
        self.value_fields = names


class EventoForm(forms.Form):
    """The date of an event (T0, an undeclared one): a date, or empty to clear it."""

    codice = forms.CharField(max_length=200)
    data = ItalianDateField(required=False)


class DocumentoForm(forms.Form):
    """A document to queue: which, in which format, for which period (the monitoring report)."""

    tipo = forms.CharField(max_length=20)
    formato = forms.CharField(max_length=10)
    periodo = forms.ChoiceField(required=False, choices=[(p, p) for p in PERIODS])


class IndicatoreForm(forms.Form):
    """An indicator edited on the plan page: each field bounded to its column (the plan's own
    rules, a target read by the engine, come after, in editing.py)."""

    codice = forms.CharField(required=False, max_length=40)
    nome = forms.CharField(required=False, max_length=4000)
    algoritmo = forms.CharField(required=False, max_length=4000)
    formula = forms.CharField(required=False, max_length=2000)
    etichette = forms.CharField(required=False, max_length=200)
    polarita = forms.CharField(required=False, max_length=20)
    peso = forms.CharField(required=False, max_length=20)
    unita = forms.CharField(required=False, max_length=100)
    tipologia = forms.CharField(required=False, max_length=200)
    fonte = forms.CharField(required=False, max_length=200)
    media_cluster = forms.CharField(required=False, max_length=100)
    note = forms.CharField(required=False, max_length=4000)
    cruscotto = forms.ChoiceField(required=False, choices=m.Cruscotto.choices)

    def __init__(self, *args, anni=(), **kwargs):
        super().__init__(*args, **kwargs)
        for y in anni:
            # Longer targets are never parsed (engine/targets.MAX_TARGET_CHARS): 600 is plenty.
            self.fields[f"target_{y}"] = forms.CharField(required=False, max_length=600)

    def clean(self):
        data = super().clean()
        codes = self.data.getlist("strutture") if hasattr(self.data, "getlist") else []
        if any(len(c) > 40 for c in codes):
            self.add_error(None, _("Codice di struttura troppo lungo (massimo 40 caratteri)."))
        return data


class NodoForm(forms.Form):
    """A level of the tree edited or added on the plan page."""

    codice = forms.CharField(required=False, max_length=40)
    nome = forms.CharField(required=False, max_length=2000)
    peso = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, max_length=4000)


class RegistroFiltriForm(forms.Form):
    """The audit trail's filters (GET): dates, action, object, user."""

    dal = ItalianDateField(required=False)
    al = ItalianDateField(required=False)
    azione = forms.ChoiceField(required=False)
    oggetto = forms.CharField(required=False, max_length=200)
    utente = forms.CharField(required=False, max_length=150)

    def __init__(self, *args, azioni=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["azione"].choices = [("", "")] + list(azioni)


class PianoImportForm(forms.Form):
    """Step 1 of a plan import: one file, of an accepted type and size (uploads.plan_file_refusal)."""

    file = forms.FileField(label=_("File"), error_messages={"required": _("Nessun file scelto.")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        refused = plan_file_refusal(upload.name, upload.size)
        if refused:
            raise ValidationError(refused)
        return upload


class PianoConfermaForm(forms.Form):
    """Step 2: which preview (the job that holds it) and, for a rimodulazione, why."""

    token = forms.UUIDField()
    motivazione = forms.CharField(required=False, max_length=4000)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): each is checked as a file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            if not data and self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class TabelleForm(forms.Form):
    """The tables' upload (budget, measures, staff, context): several files, each of them then
    checked for type and size by name (uploads.saved_uploads), and which tables they are."""

    file = MultipleFileField(label=_("File"), error_messages={"required": _("Nessun file scelto.")})
    azione = forms.ChoiceField(
        required=False, choices=[(a, a) for a in ("", "bilancio", "misure", "personale", "contesto")]
    )


class WhatIfForm(forms.Form):
    """The fund's what-if: one value per fund indicator (or milestone), read by the engine's
    parser; nothing is saved. ``values`` maps each posted code to its number (None: emptied)."""

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = list(codes)
        for code in self.codes:
            self.fields[f"v-{code}"] = forms.CharField(required=False, max_length=100, strip=True)

    def clean(self):
        data = super().clean()
        self.values: dict[str, float | None] = {}
        self.bad: dict[str, str] = {}
        for code in self.codes:
            key = f"v-{code}"
            if key not in self.data:
                continue
            text = data.get(key)
            if text is None:  # too long: the field's own error
                self.bad[code] = str(self.data.get(key, ""))[:100]
                continue
            try:
                self.values[code] = parse_value(text)
            except ParseError:
                self.bad[code] = text
        return data


def field_errors(form: forms.Form) -> dict[str, list[str]]:
    """A form's errors by field, as the plan editor's templates show them; all of them also under
    ``generale``, each with its field's name, since not every field shows its own."""
    out = {k: [str(msg) for msg in v] for k, v in form.errors.items() if k != "__all__"}
    out["generale"] = errors_of(form)
    return out


def errors_of(form: forms.Form) -> list[str]:
    """A form's errors as the page lists them: the field's label, then the message."""
    out = []
    for field, messages in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        out += [f"{label}: {msg}" if label else str(msg) for msg in messages]
    return out
