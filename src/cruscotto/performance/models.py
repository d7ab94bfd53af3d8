"""The database around the engine: enti, plans (the tree), actual values, roles.

The tree is relational because people work on parts of it (a manager fills
the indicators of his structure; a page shows one objective). The parts that
are read whole (programmes and budgets, individual scorecards, the fund, the
rules) are kept as the native plan file's JSON. ``selectors.plan_for`` is the
one place that turns rows back into an engine ``Piano``; ``services`` is the
one place that writes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def new_revision() -> str:
    return uuid.uuid4().hex


class Ente(models.Model):
    codice = models.CharField(_("codice"), max_length=40, unique=True)
    nome = models.CharField(_("nome"), max_length=200)
    # The article of the name in a sentence (engine.model.Ente.articolo): "della Camera di …".
    articolo = models.CharField(
        _("articolo"),
        max_length=3,
        blank=True,
        choices=[(a, a or "—") for a in ("", "il", "lo", "la", "l'", "i", "gli", "le")],
    )
    # The demo's actual values are invented: its documents say so on the cover. A property of
    # the data (set by demo_setup), never of the ente's code.
    dati_di_esempio = models.BooleanField(_("dati di esempio"), default=False)
    # What clusters are made of, for benchmarking across enti (docs/confronto.md): for the
    # chambers, {"classe_dimensionale": "fino a 40.000 imprese", "regione": "Toscana",
    # "accorpata": "no"}. The keys the installation compares by are CRUSCOTTO_CONFRONTO_ATTRIBUTI.
    attributi = models.JSONField(_("attributi per il confronto"), default=dict, blank=True)
    # The identity the PIAO's scheda anagrafica prints (DM 132/2022, art. 2): codice fiscale,
    # codice IPA, address, legal representative, phone, PEC, site (piao.ANAGRAFICA).
    anagrafica = models.JSONField(_("scheda anagrafica"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome


class VoceCatalogo(models.Model):
    """An indicator of the installation's catalogue: enti whose plans reference its code
    (``catalogo`` of an indicator) are compared with each other (engine/confronto.py). Shared by
    every ente of the installation; kept by the installation's administrators."""

    codice = models.CharField(_("codice"), max_length=40, unique=True)
    nome = models.CharField(_("nome"), max_length=300)
    unita = models.CharField(_("unità di misura"), max_length=100, blank=True)
    polarita = models.CharField(
        _("polarità"),
        max_length=20,
        default="crescente",
        choices=[("crescente", _("più alto è meglio")), ("decrescente", _("più basso è meglio"))],
    )
    descrizione = models.TextField(_("descrizione"), blank=True)
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicatore del catalogo")
        verbose_name_plural = _("catalogo degli indicatori")
        ordering = ["codice"]

    def __str__(self) -> str:
        return f"{self.codice} {self.nome}"


class Struttura(models.Model):
    """An organisational unit of an ente (area, servizio) or TRASVERSALE."""

    class Tipo(models.TextChoices):
        AREA = "area", _("area")
        SERVIZIO = "servizio", _("servizio")
        TRASVERSALE = "trasversale", _("trasversale")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="strutture")
    codice = models.CharField(_("codice"), max_length=40)
    nome = models.CharField(_("nome"), max_length=200)
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices, default=Tipo.SERVIZIO)
    padre = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="figli")

    class Meta:
        verbose_name = _("struttura")
        verbose_name_plural = _("strutture")
        constraints = [models.UniqueConstraint(fields=["ente", "codice"], name="struttura_codice_unico")]
        ordering = ["ente", "codice"]

    def __str__(self) -> str:
        return self.nome


class Ciclo(models.Model):
    """The performance cycle of a plan, named by its first year: its lifecycle, shared by its versions.

    bozza → adottato (the first version adopted, with its act) → in monitoraggio →
    consuntivo chiuso → validato OIV → pubblicato; the OIV may return a closed
    consuntivo to monitoraggio. ``ciclo.py`` holds who may move it and when.
    """

    class Stato(models.TextChoices):
        BOZZA = "bozza", _("bozza")
        ADOTTATO = "adottato", _("adottato")
        MONITORAGGIO = "in_monitoraggio", _("in monitoraggio")
        CHIUSO = "consuntivo_chiuso", _("consuntivo chiuso")
        VALIDATO = "validato_oiv", _("validato OIV")
        PUBBLICATO = "pubblicato", _("pubblicato")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="cicli")
    anno = models.PositiveSmallIntegerField(_("anno"))
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.BOZZA)

    class Meta:
        verbose_name = _("ciclo della performance")
        verbose_name_plural = _("cicli della performance")
        constraints = [models.UniqueConstraint(fields=["ente", "anno"], name="ciclo_unico")]
        ordering = ["ente", "-anno"]

    def __str__(self) -> str:
        return f"{self.ente.codice} {self.anno}: {self.get_stato_display()}"

    @property
    def validato(self) -> bool:
        return self.stato in (self.Stato.VALIDATO, self.Stato.PUBBLICATO)


class Piano(models.Model):
    """One version of the plan of a cycle. Only a draft (bozza) can be edited; adopting it puts it in
    force; a rimodulazione is a new draft version that, once adopted with its act, replaces it."""

    class StatoVersione(models.TextChoices):
        BOZZA = "bozza", _("bozza")
        IN_VIGORE = "in_vigore", _("in vigore")
        SUPERATA = "superata", _("superata")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="piani")
    ciclo = models.ForeignKey(Ciclo, null=True, blank=True, on_delete=models.CASCADE, related_name="versioni")
    stato_versione = models.CharField(
        _("stato della versione"), max_length=12, choices=StatoVersione.choices, default=StatoVersione.BOZZA
    )
    atto = models.CharField(_("atto"), max_length=200, blank=True)  # "Delibera di Giunta n. 12"
    atto_data = models.DateField(_("data dell'atto"), null=True, blank=True)
    motivazione = models.TextField(_("motivazione"), blank=True)  # of a rimodulazione
    precedente = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    titolo = models.CharField(_("titolo"), max_length=300)
    anni = models.JSONField(_("anni"), default=list)
    regole = models.JSONField(_("regole"), default=dict)
    extra = models.JSONField(default=dict)  # programmi, schede, fondo ...: the native file's other sections
    note = models.TextField(_("note"), blank=True)
    versione = models.PositiveIntegerField(_("versione"), default=1)
    # A new random token at every change to the tree: the key of the in-process cache of
    # engine plans. Random, not a counter, so that a rolled-back change can never make two
    # different trees share a key.
    revisione = models.CharField(max_length=32, default=new_revision)
    # The same for the stored values (actual values of the plan, base measures of its ente):
    # scores and rendered pages are cached under both tokens, so a new value never needs a
    # query to find out whether what is cached is still true.
    valori_revisione = models.CharField(max_length=32, default=new_revision)
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("piano")
        verbose_name_plural = _("piani")
        ordering = ["ente", "-anni", "-versione"]

    def __str__(self) -> str:
        return f"{self.titolo} (v{self.versione})"


class Evento(models.Model):
    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="eventi")
    codice = models.CharField(_("codice"), max_length=40)
    nome = models.CharField(_("nome"), max_length=300, blank=True)
    data = models.DateField(_("data"), null=True, blank=True)
    alias = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventi")
        constraints = [models.UniqueConstraint(fields=["piano", "codice"], name="evento_codice_unico")]
        ordering = ["piano", "codice"]

    def __str__(self) -> str:
        return self.codice


class Nodo(models.Model):
    """Fields common to the four levels of the tree."""

    codice = models.CharField(_("codice"), max_length=40)
    nome = models.TextField(_("nome"))
    peso_testo = models.CharField(_("peso"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    ordine = models.PositiveIntegerField(default=0)
    # The plan's fields of a level that have no column of their own (an indicator's soglie,
    # baseline and shares; an objective's resources, structures and shares): kept as the native
    # file writes them, so a plan comes back out as it went in.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["ordine"]

    def __str__(self) -> str:
        return f"{self.codice} - {self.nome}"


class Prospettiva(Nodo):
    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="prospettive")

    class Meta(Nodo.Meta):
        verbose_name = _("prospettiva")
        verbose_name_plural = _("prospettive")


class Linea(Nodo):
    prospettiva = models.ForeignKey(Prospettiva, on_delete=models.CASCADE, related_name="linee")
    benefici_attesi = models.TextField(_("benefici attesi"), blank=True)

    class Meta(Nodo.Meta):
        verbose_name = _("linea strategica")
        verbose_name_plural = _("linee strategiche")


class ObiettivoStrategico(Nodo):
    linea = models.ForeignKey(Linea, on_delete=models.CASCADE, related_name="obiettivi_strategici")
    cause = models.JSONField(default=list, blank=True)  # strategy map arrows: codes this objective supports

    class Meta(Nodo.Meta):
        verbose_name = _("obiettivo strategico")
        verbose_name_plural = _("obiettivi strategici")


class Cruscotto(models.TextChoices):
    ENTE = "ente", _("cruscotto di ente")
    AREA = "area", _("cruscotto di area (cascading)")


class ObiettivoOperativo(Nodo):
    obiettivo_strategico = models.ForeignKey(
        ObiettivoStrategico, on_delete=models.CASCADE, related_name="obiettivi_operativi"
    )
    cruscotto = models.CharField(max_length=10, choices=Cruscotto.choices, default=Cruscotto.ENTE)
    strutture = models.ManyToManyField(Struttura, blank=True, related_name="obiettivi_operativi")

    class Meta(Nodo.Meta):
        verbose_name = _("obiettivo operativo")
        verbose_name_plural = _("obiettivi operativi")


class Indicatore(Nodo):
    """One row of the cruscotto. Printed figures are kept as printed text."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="indicatori")
    obiettivo_strategico = models.ForeignKey(ObiettivoStrategico, on_delete=models.CASCADE, related_name="indicatori")
    obiettivo_operativo = models.ForeignKey(
        ObiettivoOperativo, null=True, blank=True, on_delete=models.CASCADE, related_name="indicatori"
    )
    algoritmo = models.TextField(_("algoritmo"), blank=True)
    formula = models.TextField(_("formula"), blank=True)
    etichette = models.JSONField(_("etichette"), default=list, blank=True)
    polarita = models.CharField(_("polarità"), max_length=20, default="crescente")
    unita = models.CharField(_("unità di misura"), max_length=100, blank=True)
    tipologia = models.CharField(_("tipologia"), max_length=200, blank=True)
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    cruscotto = models.CharField(max_length=10, choices=Cruscotto.choices, default=Cruscotto.ENTE)
    media_cluster = models.CharField(_("media cluster"), max_length=100, blank=True)
    storico = models.JSONField(_("storico"), default=dict, blank=True)  # {"2018": "99,61%"}
    target = models.JSONField(_("target"), default=dict, blank=True)  # {"2020": "90%"}
    milestones = models.JSONField(default=list, blank=True)
    strutture = models.ManyToManyField(Struttura, blank=True, related_name="indicatori")
    history = HistoricalRecords(m2m_fields=[strutture])

    class Meta(Nodo.Meta):
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        constraints = [models.UniqueConstraint(fields=["piano", "codice"], name="indicatore_codice_unico")]
        indexes = [models.Index(fields=["piano", "ordine"])]


class Consuntivo(models.Model):
    """An actual value: of an indicator, a milestone or a scorecard item (by code)."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="consuntivi")
    codice = models.CharField(_("codice"), max_length=40)
    anno = models.PositiveSmallIntegerField(_("anno"))
    periodo = models.CharField(_("periodo"), max_length=10, blank=True)  # "" = the whole year
    valore = models.CharField(_("valore"), max_length=100)  # as the engine formats it: 68,28 | 10/08/2020 | si
    nota = models.TextField(_("nota"), blank=True)
    # On an indicator computed by formula, a typed value counts only as an override, with its
    # reason (engine/scoring.actual_of); empty: the formula's result counts when it has one.
    sostituisce_formula = models.TextField(_("motivo della sostituzione della formula"), blank=True)
    # When the indicator is not reached: why, and what is being done (art. 6 and 10 d.lgs.
    # 150/2009; the Relazione prints them next to the indicator).
    causa_scostamento = models.TextField(_("causa dello scostamento"), blank=True)
    azioni_correttive = models.TextField(_("azioni correttive"), blank=True)
    # Optimistic locking: each write adds one; a writer shown an older revision is told the
    # value changed (services.consuntivo_registra) instead of overwriting what it never saw.
    revisione = models.PositiveIntegerField(_("revisione"), default=1)
    inserito_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consuntivo")
        verbose_name_plural = _("consuntivi")
        constraints = [models.UniqueConstraint(fields=["piano", "codice", "anno", "periodo"], name="consuntivo_unico")]
        indexes = [models.Index(fields=["piano", "anno"])]

    def __str__(self) -> str:
        return f"{self.codice} {self.anno}{' ' + self.periodo if self.periodo else ''}: {self.valore}"


class Misura(models.Model):
    """A base measure of an ente for a year (accounts, registers): input of formulas."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="misure")
    nome = models.CharField(_("misura"), max_length=100)
    anno = models.PositiveSmallIntegerField(_("anno"))
    valore = models.FloatField(_("valore"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("misura")
        verbose_name_plural = _("misure")
        constraints = [models.UniqueConstraint(fields=["ente", "nome", "anno"], name="misura_unica")]


class Ruolo(models.Model):
    """A user's role in one ente. A responsabile is tied to his structures."""

    class Tipo(models.TextChoices):
        AMMINISTRATORE = "amministratore", _("amministratore")
        CONTROLLO = "controllo", _("controllo di gestione")
        RESPONSABILE = "responsabile", _("responsabile di struttura")
        OIV = "oiv", _("OIV")
        # The Responsabile della prevenzione della corruzione e della trasparenza (L. 190/2012,
        # art. 1 c. 7): proposes the PIAO's subsection 2.3 and monitors its measures.
        RPCT = "rpct", _("RPCT (anticorruzione e trasparenza)")
        CONSULTAZIONE = "consultazione", _("consultazione")

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ruoli")
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="ruoli")
    tipo = models.CharField(_("ruolo"), max_length=20, choices=Tipo.choices)
    strutture = models.ManyToManyField(Struttura, blank=True)
    history = HistoricalRecords(m2m_fields=[strutture])

    class Meta:
        verbose_name = _("ruolo")
        verbose_name_plural = _("ruoli")
        constraints = [models.UniqueConstraint(fields=["utente", "ente", "tipo"], name="ruolo_unico")]

    def __str__(self) -> str:
        return f"{self.utente} — {self.get_tipo_display()} — {self.ente}"


class PeriodoChiuso(models.Model):
    """A closed period of an ente's year: its values change only through a recorded correction."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="periodi_chiusi")
    anno = models.PositiveSmallIntegerField(_("anno"))
    periodo = models.CharField(_("periodo"), max_length=10, blank=True)  # "" = the whole year
    chiuso_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    chiuso_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("periodo chiuso")
        verbose_name_plural = _("periodi chiusi")
        constraints = [models.UniqueConstraint(fields=["ente", "anno", "periodo"], name="periodo_chiuso_unico")]


class Commento(models.Model):
    """An OIV comment on an item of a cycle (an indicator, an objective, the Relazione)."""

    ciclo = models.ForeignKey(Ciclo, on_delete=models.CASCADE, related_name="commenti")
    oggetto = models.CharField(_("oggetto"), max_length=60)  # an indicator or node code, or "relazione"
    testo = models.TextField(_("testo"))
    autore = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commento OIV")
        verbose_name_plural = _("commenti OIV")
        ordering = ["creato_il", "pk"]


class RegistroQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("il registro delle modifiche non si modifica")

    def delete(self):
        raise PermissionDenied("il registro delle modifiche non si cancella")


class Registro(models.Model):
    """The audit trail: who changed what, when, from which value to which, and why. Append-only.

    No foreign keys: a record outlives the user, the plan or the ente it names. The
    database refuses updates and deletes too (triggers, migration 0004).
    """

    quando = models.DateTimeField(_("quando"), default=timezone.now, db_index=True)
    utente = models.CharField(_("utente"), max_length=150, blank=True)  # username at the time
    utente_id = models.IntegerField(null=True, blank=True, db_index=True)
    ente = models.CharField(_("ente"), max_length=40, blank=True, db_index=True)
    piano_id = models.IntegerField(null=True, blank=True)
    azione = models.CharField(_("azione"), max_length=60)
    oggetto = models.CharField(_("oggetto"), max_length=200, blank=True, db_index=True)
    prima = models.JSONField(_("prima"), null=True, blank=True)
    dopo = models.JSONField(_("dopo"), null=True, blank=True)
    motivo = models.TextField(_("motivo"), blank=True)
    # The record's place in its ente's hash chain and its impronta (catena.py): any edit,
    # deletion or reordering after the fact shows in ``cruscotto audit verify``.
    seq = models.PositiveIntegerField(_("numero"), null=True, blank=True)
    impronta = models.CharField(_("impronta"), max_length=64, blank=True)

    objects = RegistroQuerySet.as_manager()

    class Meta:
        verbose_name = _("registro delle modifiche")
        verbose_name_plural = _("registro delle modifiche")
        ordering = ["-quando", "-pk"]
        constraints = [models.UniqueConstraint(fields=["ente", "seq"], name="registro_catena_unica")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("il registro delle modifiche non si modifica")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("il registro delle modifiche non si cancella")


class TokenAPI(models.Model):
    """A token for a machine using the REST API (an accounting system pushing base measures...).

    Only its SHA-256 digest is stored: the token itself is shown once, when made. It acts
    as its user, with that user's roles.
    """

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="token_api")
    nome = models.CharField(_("nome"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    usato_il = models.DateTimeField(null=True, blank=True)
    attivo = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.nome} ({self.utente})"


class Bilancio(models.Model):
    """The budget tables of an ente for a year, as read from its files (docs/bilancio.md).

    Kept as the engine's plain data (``engine.bilancio.bilancio_to_data``): the tables are
    read and checked as a whole, never edited cell by cell, and a new file replaces them
    (the audit trail records the replacement: which tables, from which files, how many
    findings; the figures themselves are in the files and in the backups).
    """

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="bilanci")
    anno = models.PositiveSmallIntegerField(_("anno"))
    dati = models.JSONField(_("tabelle"))
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("bilancio")
        verbose_name_plural = _("bilanci")
        constraints = [models.UniqueConstraint(fields=["ente", "anno"], name="bilancio_unico")]


class Personale(models.Model):
    """The staff register of an ente, every year in one set (docs/personale.md).

    One record per person and year, pseudonymous (a matricola, no names), as the engine's
    plain data: the pages show only the tables and indicators computed from it.
    """

    ente = models.OneToOneField(Ente, on_delete=models.CASCADE, related_name="personale")
    dati = models.JSONField(_("registro"))
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("registro del personale")
        verbose_name_plural = _("registri del personale")


class Contesto(models.Model):
    """The ente's context: organs, structure, activities, stakeholder map, partecipate and the
    external context's tables (docs/contesto.md), as the engine's plain data.

    Read and checked as a whole, never edited cell by cell: a new set of files replaces it
    (the audit trail records the replacement with counts of what was there and what came).
    """

    ente = models.OneToOneField(Ente, on_delete=models.CASCADE, related_name="contesto")
    dati = models.JSONField(_("dati di contesto"))
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("contesto")
        verbose_name_plural = _("contesti")


class Neutralizzazione(models.Model):
    """A recorded decision that leaves an indicator or an objective out of a year's score (an
    event beyond the body's control, a target made meaningless): who, by which act, when, why.
    Nothing leaves the score otherwise (docs/scoring.md). ``revocata_il``: the decision withdrawn."""

    class Livello(models.TextChoices):
        INDICATORE = "indicatore", _("indicatore")
        OPERATIVO = "obiettivo_operativo", _("obiettivo operativo")
        STRATEGICO = "obiettivo_strategico", _("obiettivo strategico")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="neutralizzazioni")
    anno = models.PositiveSmallIntegerField(_("anno"))
    livello = models.CharField(_("livello"), max_length=30, choices=Livello.choices)
    codice = models.CharField(_("codice"), max_length=40)
    atto = models.CharField(_("atto"), max_length=200)
    atto_data = models.DateField(_("data dell'atto"))
    motivo = models.TextField(_("motivo"))
    decisa_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    creata_il = models.DateTimeField(_("registrata il"), default=timezone.now)
    revocata_il = models.DateTimeField(_("revocata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("neutralizzazione")
        verbose_name_plural = _("neutralizzazioni")
        ordering = ["anno", "livello", "codice"]

    def __str__(self) -> str:
        return f"{self.codice} {self.anno}: {self.atto}"

    def testo(self) -> str:
        return f"{self.atto} del {self.atto_data:%d/%m/%Y}: {self.motivo}"


class RelazioneApprovata(models.Model):
    """The Relazione as the governing organ approved it (for a chamber, the Giunta's delibera):
    that exact file, PDF and DOCX, archived with its SHA-256. The OIV validates that file (the
    validation records the hash) and the published Relazione is that file. Void (``annullata_il``)
    when the OIV returns the Relazione or reopens the year: a new approval is then needed."""

    ciclo = models.ForeignKey(Ciclo, on_delete=models.CASCADE, related_name="approvazioni")
    anno = models.PositiveSmallIntegerField(_("anno"))
    atto = models.CharField(_("atto di approvazione"), max_length=200)
    atto_data = models.DateField(_("data dell'atto"))
    pdf = models.FileField(_("PDF"), upload_to="relazioni/")
    docx = models.FileField(_("DOCX"), upload_to="relazioni/")
    sha256_pdf = models.CharField(max_length=64)
    sha256_docx = models.CharField(max_length=64)
    approvata_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    creata_il = models.DateTimeField(_("archiviata il"), default=timezone.now)
    annullata_il = models.DateTimeField(_("annullata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("Relazione approvata")
        verbose_name_plural = _("Relazioni approvate")
        ordering = ["-creata_il"]

    def __str__(self) -> str:
        return f"Relazione {self.anno} ({self.atto})"


class TestiRelazione(models.Model):
    """What the controllo di gestione writes into a year's Relazione (DFP guideline 3/2018): the
    summary for citizens and stakeholders, printed first, and the note on how the Relazione was
    made (strengths, weaknesses, who took part), printed after the cycle's recorded steps."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="testi_relazione")
    anno = models.PositiveSmallIntegerField(_("anno"))
    sintesi = models.TextField(_("sintesi per i cittadini e gli stakeholder"), blank=True)
    note_processo = models.TextField(_("nota sul processo di redazione"), blank=True)
    aggiornato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("testi della Relazione")
        verbose_name_plural = _("testi della Relazione")
        constraints = [models.UniqueConstraint(fields=["ente", "anno"], name="testi_relazione_unici")]

    def __str__(self) -> str:
        return f"{self.ente.codice} {self.anno}"


class SistemaValutazione(models.Model):
    """The ente's evaluation system (SMVP) for a year, as its file's data (files/valutazione.py):
    categories and their cards, behaviours, scales, premiums' rules (docs/valutazione.md)."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="sistemi_valutazione")
    anno = models.PositiveSmallIntegerField(_("anno"))
    dati = models.JSONField(_("dati"))
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    aggiornato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sistema di valutazione")
        verbose_name_plural = _("sistemi di valutazione")
        constraints = [models.UniqueConstraint(fields=["ente", "anno"], name="sistema_valutazione_unico")]


class Persona(models.Model):
    """Someone the ente evaluates: known by the staff register's matricola (never by name in what
    is published), with the category of the evaluation system, the structure, the login that
    lets them see their card, and their evaluator."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="persone")
    matricola = models.CharField(_("matricola"), max_length=20)
    categoria = models.CharField(_("categoria"), max_length=20)
    struttura = models.ForeignKey(Struttura, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="persone"
    )
    valutatore = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="squadra")
    tempo = models.DecimalField(_("tempo di lavoro (%)"), max_digits=5, decimal_places=2, default=100)
    # Days of absence by year ({"2020": 12}): they reduce the premium beyond the allowance
    # (engine/premi.py, presenza); loaded with the people's table of that year.
    assenze = models.JSONField(_("giorni di assenza per anno"), default=dict, blank=True)
    attiva = models.BooleanField(_("in servizio"), default=True)

    class Meta:
        verbose_name = _("persona valutata")
        verbose_name_plural = _("persone valutate")
        constraints = [models.UniqueConstraint(fields=["ente", "matricola"], name="persona_unica")]
        ordering = ["ente", "matricola"]

    def __str__(self) -> str:
        return f"{self.ente.codice} {self.matricola}"


class SchedaValutazione(models.Model):
    """One person's card for a year: its items and behaviours as assigned, the evaluator's
    ratings, where the yearly process stands. Each step is a ``FaseScheda`` and an audit record."""

    class Stato(models.TextChoices):
        ASSEGNATA = "assegnata", _("assegnata")
        VISTA = "vista", _("presa visione")
        VALUTATA = "valutata", _("valutata")
        ACCETTATA = "accettata", _("accettata")
        REVISIONE = "in_revisione", _("in revisione")
        DEFINITIVA = "definitiva", _("definitiva")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="schede_valutazione")
    anno = models.PositiveSmallIntegerField(_("anno"))
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="schede")
    valutatore = models.ForeignKey(Persona, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    voci = models.JSONField(
        _("voci"), default=list
    )  # [{codice, nome, sezione, peso, livello, collegato, polarita, target}]
    comportamenti = models.JSONField(_("comportamenti"), default=list)  # [[codice, peso]]
    giudizi = models.JSONField(_("giudizi"), default=dict)  # {codice comportamento: livello}
    # The results of the person's own objectives, as typed by the evaluator: {codice voce: valore}
    risultati = models.JSONField(_("risultati"), default=dict)
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.ASSEGNATA)
    aggiornata_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scheda di valutazione")
        verbose_name_plural = _("schede di valutazione")
        constraints = [models.UniqueConstraint(fields=["persona", "anno"], name="scheda_valutazione_unica")]


class FaseScheda(models.Model):
    """A step of a card's year, with its date and text: assignment, acknowledgement, interviews,
    self-assessment, evaluation, acceptance or review request, the answer, the decision."""

    class Tipo(models.TextChoices):
        ASSEGNAZIONE = "assegnazione", _("assegnazione")
        PRESA_VISIONE = "presa_visione", _("presa visione")
        COLLOQUIO_INTERMEDIO = "colloquio_intermedio", _("colloquio intermedio")
        AUTOVALUTAZIONE = "autovalutazione", _("autovalutazione")
        COLLOQUIO_FINALE = "colloquio_finale", _("colloquio finale")
        VALUTAZIONE = "valutazione", _("valutazione")
        ACCETTAZIONE = "accettazione", _("accettazione")
        RICHIESTA_REVISIONE = "richiesta_revisione", _("richiesta di revisione")
        RISPOSTA = "risposta", _("risposta del valutatore")
        DECISIONE = "decisione", _("decisione finale")
        PROPOSTA_OIV = "proposta_oiv", _("proposta di valutazione dell'OIV")
        DECISIONE_ORGANO = "decisione_organo", _("decisione dell'organo di indirizzo politico")

    scheda = models.ForeignKey(SchedaValutazione, on_delete=models.CASCADE, related_name="fasi")
    tipo = models.CharField(_("fase"), max_length=30, choices=Tipo.choices)
    testo = models.TextField(_("testo"), blank=True)
    data = models.DateField(_("data"))
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fase della scheda")
        verbose_name_plural = _("fasi della scheda")
        ordering = ["data", "creata_il", "pk"]


class Lavoro(models.Model):
    """A piece of long work (a document, an open-data package …) run by the worker process.

    The row is the job as people see it: what, for whom, its state and stage, timings, the file
    it made and, when it failed, why (message and traceback). The queue itself is django-tasks'
    (``task_id``); ``performance/lavori.py`` starts, runs and watches jobs.
    """

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", _("in coda")
        IN_CORSO = "in_corso", _("in corso")
        PRONTO = "pronto", _("pronto")
        ERRORE = "errore", _("errore")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tipo = models.CharField(_("tipo"), max_length=40)
    parametri = models.JSONField(_("parametri"), default=dict)
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="lavori")
    richiedente = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lavori"
    )
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices, default=Stato.IN_CODA)
    fase = models.CharField(_("fase"), max_length=200, blank=True)
    creato = models.DateTimeField(_("creato"), default=timezone.now)
    iniziato = models.DateTimeField(_("iniziato"), null=True, blank=True)
    finito = models.DateTimeField(_("finito"), null=True, blank=True)
    battito = models.DateTimeField(_("ultimo segno di vita"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="lavori/", blank=True)
    nome_file = models.CharField(_("nome del file"), max_length=200, blank=True)
    errore = models.TextField(_("errore"), blank=True)
    traccia = models.TextField(_("traccia dell'errore"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    tentativo_di = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="tentativi")

    class Meta:
        verbose_name = _("lavoro")
        verbose_name_plural = _("lavori")
        ordering = ["-creato"]
        indexes = [models.Index(fields=["stato", "creato"])]

    def __str__(self) -> str:
        return f"{self.tipo} {self.parametri} ({self.stato})"

    @property
    def attivo(self) -> bool:
        return self.stato in (self.Stato.IN_CODA, self.Stato.IN_CORSO)

    @property
    def secondi(self) -> float | None:
        if self.iniziato and self.finito:
            return round((self.finito - self.iniziato).total_seconds(), 2)
        return None


class Piao(models.Model):
    """The PIAO an ente adopts in ``anno`` for that year and the next two (DL 80/2021, art. 6):
    each year's is an update of the previous one. Its subsection 2.2 is the performance plan
    shown for ``anno``; the other sections are kept here (``SezionePiao``), each read whole."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="piao")
    anno = models.PositiveSmallIntegerField(_("primo anno"))
    # The act that adopted it (DL 80/2021, art. 6 c. 1: by 31 January), recorded by the
    # controllo di gestione; empty while it is a draft.
    atto = models.CharField(_("atto di adozione"), max_length=200, blank=True)
    atto_data = models.DateField(_("data di adozione"), null=True, blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("PIAO")
        verbose_name_plural = _("PIAO")
        constraints = [models.UniqueConstraint(fields=["ente", "anno"], name="piao_unico")]
        ordering = ["ente", "-anno"]

    def __str__(self) -> str:
        return f"PIAO {self.anno}-{self.anno + 2} {self.ente.codice}"

    @property
    def anni(self) -> list[int]:
        return [self.anno, self.anno + 1, self.anno + 2]


class SezionePiao(models.Model):
    """One section of a PIAO as the engine's plain data (``engine.rischi.registro_to_data``...).

    Read and checked as a whole from its files: a new file set replaces it, and the audit trail
    records the replacement with the counts of what was there and what came. ``inventata``
    marks the demo's invented sections, which every page and document then labels as such.
    """

    class Sezione(models.TextChoices):
        VALORE_PUBBLICO = "2.1-valore-pubblico", _("2.1 Valore pubblico")
        RISCHI = "2.3-rischi", _("2.3 Rischi corruttivi")
        TRASPARENZA = "2.3-trasparenza", _("2.3 Trasparenza")
        ORGANIZZAZIONE = "3.1-organizzazione", _("3.1 Struttura organizzativa")
        LAVORO_AGILE = "3.2-lavoro-agile", _("3.2 Lavoro agile")
        FABBISOGNI = "3.3-fabbisogni", _("3.3 Fabbisogni di personale")
        FORMAZIONE = "3-formazione", _("3 Formazione")

    piao = models.ForeignKey(Piao, on_delete=models.CASCADE, related_name="sezioni")
    sezione = models.CharField(_("sezione"), max_length=30, choices=Sezione.choices)
    dati = models.JSONField(_("dati"))
    fonte = models.CharField(_("fonte"), max_length=200, blank=True)
    inventata = models.BooleanField(_("inventata (dati di esempio)"), default=False)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("sezione del PIAO")
        verbose_name_plural = _("sezioni del PIAO")
        constraints = [models.UniqueConstraint(fields=["piao", "sezione"], name="sezione_piao_unica")]


class AttuazioneMisura(models.Model):
    """The monitored value of a measure of 2.3 (``sezione`` "2.3") or of an impact indicator of
    2.1 ("2.1") for a year: its actual value, scored by the engine as any indicator of the plan
    (``engine.rischi.indicatore_di_misura``, ``engine.valore_pubblico.punteggi``)."""

    piao = models.ForeignKey(Piao, on_delete=models.CASCADE, related_name="attuazioni")
    sezione = models.CharField(_("sezione"), max_length=5, default="2.3", choices=[("2.1", "2.1"), ("2.3", "2.3")])
    codice = models.CharField(_("misura o indicatore"), max_length=40)
    anno = models.PositiveSmallIntegerField(_("anno"))
    valore = models.CharField(_("valore"), max_length=100)  # as the engine formats it: 100 | 30/06/2021 | si
    nota = models.TextField(_("nota"), blank=True)
    # Optimistic locking, as for the plan's values (services.consuntivo_registra).
    revisione = models.PositiveIntegerField(_("revisione"), default=1)
    inserito_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attuazione di una misura")
        verbose_name_plural = _("attuazione delle misure")
        constraints = [models.UniqueConstraint(fields=["piao", "sezione", "codice", "anno"], name="attuazione_unica")]


class PubblicazioneObbligo(models.Model):
    """The last publication of an obligation of the transparency table (d.lgs. 33/2013), as the
    office that publishes it (or the RPCT) records it: what the obligation's state is computed
    from (``engine.trasparenza.stato``)."""

    piao = models.ForeignKey(Piao, on_delete=models.CASCADE, related_name="pubblicazioni")
    codice = models.CharField(_("obbligo"), max_length=40)
    ultima = models.DateField(_("ultima pubblicazione"))
    nota = models.TextField(_("nota"), blank=True)
    revisione = models.PositiveIntegerField(_("revisione"), default=1)
    inserito_da = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pubblicazione di un obbligo")
        verbose_name_plural = _("pubblicazioni degli obblighi")
        constraints = [models.UniqueConstraint(fields=["piao", "codice"], name="pubblicazione_unica")]
