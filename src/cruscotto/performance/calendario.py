"""The year's deadlines: the law's (configurable defaults) and the plan's own (milestones,
deadline targets, events), with who must act; the page, the iCalendar feed and the reminders
read them from here (docs/governance.md, "Calendar and reminders")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from . import models as m
from . import selectors

R = m.Ruolo.Tipo

# The legal deadlines of a year's cycle: (code, day/month, the year's offset, what, who, reference).
# The Relazione of year N is due by 30 June of N+1; each can be moved per installation with
# CRUSCOTTO_CALENDARIO (docs/configuration.md), for a body whose rules differ.
LEGALI = (
    (
        "adozione",
        "31/01",
        0,
        _("Adozione del Piano (o del PIAO) dell'anno"),
        R.CONTROLLO,
        "d.lgs. 150/2009, art. 10, c. 1, lett. a",
    ),
    (
        "relazione_oiv",
        "30/04",
        0,
        _("Relazione dell'OIV sul funzionamento del sistema"),
        R.OIV,
        "d.lgs. 150/2009, art. 14, c. 4, lett. a",
    ),
    ("monitoraggio", "31/07", 0, _("Monitoraggio del primo semestre"), R.CONTROLLO, "d.lgs. 150/2009, art. 6"),
    (
        "relazione",
        "30/06",
        1,
        _("Relazione sulla performance approvata dall'organo di indirizzo"),
        R.CONTROLLO,
        "d.lgs. 150/2009, art. 10, c. 1, lett. b",
    ),
    (
        "validazione",
        "30/06",
        1,
        _("Validazione della Relazione da parte dell'OIV"),
        R.OIV,
        "d.lgs. 150/2009, art. 14, c. 4, lett. c",
    ),
    (
        "attestazione",
        "30/06",
        0,
        _("Attestazione dell'OIV sugli obblighi di pubblicazione"),
        R.OIV,
        "d.lgs. 33/2013; delibera ANAC dell'anno",
    ),
    (
        "relazione_rpct",
        "15/12",
        0,
        _("Relazione annuale dell'RPCT sull'attuazione della sezione 2.3 del PIAO"),
        R.RPCT,
        "L. 190/2012, art. 1, c. 14 (ANAC può differirla)",
    ),
)


@dataclass(frozen=True)
class Scadenza:
    data: date
    cosa: str
    chi: str  # the role that must act (Ruolo.Tipo)
    fonte: str  # the law's article, or "piano"
    codice: str  # stable: for the feed's UID and the reminders
    strutture: tuple[str, ...] = ()  # a plan's deadline: the structures answering for it

    def giorni(self, oggi: date) -> int:
        return (self.data - oggi).days


def _day(text: str, year: int) -> date:
    d, mth = (int(x) for x in text.split("/"))
    return date(year, mth, d)


def scadenze(ente: m.Ente, anno: int, piano: m.Piano | None) -> list[Scadenza]:
    """The deadlines of ``anno``'s cycle, in date order."""
    moved = getattr(settings, "CRUSCOTTO_CALENDARIO", {}) or {}
    out = [
        Scadenza(_day(moved.get(code, day), anno + offset), str(what), str(who), ref, f"legge-{code}-{anno}")
        for code, day, offset, what, who, ref in LEGALI
    ]
    if piano is not None:
        plan = selectors.plan_for(piano)
        dates = {**plan.date_eventi(), **{e.codice: e.data for e in piano.eventi.all() if e.data}}
        answering = plan.responsabili()
        for i in plan.indicatori():
            mine = tuple(answering[i.codice][0])
            for ms in i.milestones:
                when = ms.scadenza.scadenza(dates)
                if when is not None and when.year == anno:
                    what = f"{i.codice} · {ms.codice}: {ms.descrizione}"[:300]
                    out.append(Scadenza(when, what, str(R.RESPONSABILE), "piano", f"ms-{ms.codice}-{anno}", mine))
            target = i.target.get(anno)
            when = target.scadenza(dates) if target is not None else None
            if when is not None and when.year == anno:
                out.append(
                    Scadenza(
                        when, f"{i.codice}: {i.nome}"[:300], str(R.RESPONSABILE), "piano", f"t-{i.codice}-{anno}", mine
                    )
                )
    out += _piao(ente, anno)
    return sorted(out, key=lambda s: (s.data, s.codice))


def _piao(ente: m.Ente, anno: int) -> list[Scadenza]:
    """The PIAO's own deadlines in ``anno`` (its section 4, monitoring): each measure of 2.3 due
    that year, for the structure that owns it; each periodic transparency obligation's next
    publication, for the structure that publishes it."""
    from cruscotto.engine.trasparenza import prossima

    from . import piao

    p = piao.piao_di(ente, anno)
    registro, _row = piao.registro(p)
    out = []
    for x in registro.misure if registro else ():
        if x.scadenza is not None and x.scadenza.year == anno:
            what = f"PIAO 2.3 · {x.codice}: {x.nome}"[:300]
            out.append(
                Scadenza(
                    x.scadenza, what, str(R.RESPONSABILE), "PIAO 2.3", f"misura-{x.codice}-{anno}", (x.responsabile,)
                )
            )
    obblighi, _row_t = piao.obblighi(p)
    if p is not None and obblighi:
        ultime = {x.codice: x.ultima for x in p.pubblicazioni.all()}
        for o in obblighi:
            when = prossima(o, ultime.get(o.codice))
            if when is not None and when.year == anno:
                what = f"PIAO 2.3 · {o.codice}: {o.contenuto}"[:300]
                code = f"obbligo-{o.codice}-{when:%Y%m%d}"
                out.append(Scadenza(when, what, str(R.RESPONSABILE), o.riferimento, code, (o.pubblica,)))
    return out


# The personal feed's key: signed, so that a calendar application can read it without a login,
# and tied to the user and the ente (a key of another person or ente is refused).
SALT = "cruscotto.calendario"


def chiave(user, ente: m.Ente) -> str:
    return signing.dumps({"u": user.pk, "e": ente.codice}, salt=SALT)


def utente_della_chiave(key: str, ente: m.Ente):
    try:
        data = signing.loads(key, salt=SALT)
    except signing.BadSignature:
        return None
    if data.get("e") != ente.codice:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics(ente: m.Ente, items: list[Scadenza]) -> str:
    """The deadlines as an iCalendar document (RFC 5545): one all-day event each."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cruscotto//calendario//IT", "CALSCALE:GREGORIAN"]
    lines.append(f"X-WR-CALNAME:{_ics_text(f'cruscotto {ente.codice}')}")
    for s in items:
        day = s.data.strftime("%Y%m%d")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{s.codice}@{ente.codice}.cruscotto",
            f"DTSTAMP:{day}T000000Z",
            f"DTSTART;VALUE=DATE:{day}",
            f"SUMMARY:{_ics_text(s.cosa)}",
            f"DESCRIPTION:{_ics_text(f'{s.chi} · {s.fonte}')}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def promemoria(*, oggi: date, prima: int = 7, dopo: int = 1) -> int:
    """E-mail to whoever must act: each deadline ``prima`` days before it and, if still ahead of
    nobody's check, ``dopo`` days after it. Returns how many e-mails were sent (one per person
    and deadline). Run by the worker (`manage.py accoda promemoria`, from cron every morning)."""
    sent = 0
    for ente in m.Ente.objects.all():
        for anno in {oggi.year, oggi.year - 1}:
            piano = selectors.current_plan(ente, anno)
            for s in scadenze(ente, anno, piano):
                days = s.giorni(oggi)
                if days not in (prima, -dopo):
                    continue
                kinds = (s.chi, R.AMMINISTRATORE) if s.chi == R.CONTROLLO else (s.chi,)
                people = m.Ruolo.objects.filter(ente=ente, tipo__in=kinds)
                if s.strutture:  # a plan's deadline: the responsabili of its structures only
                    people = people.filter(strutture__codice__in=s.strutture).distinct()
                addresses = sorted({r.utente.email for r in people.select_related("utente") if r.utente.email})
                for address in addresses:
                    when = f"entro il {s.data:%d/%m/%Y}" if days > 0 else f"scaduta il {s.data:%d/%m/%Y}"
                    send_mail(
                        f"[cruscotto {ente.codice}] {s.cosa}: {when}",
                        f"{s.cosa}\n{when}\n{s.fonte}\n",
                        None,
                        [address],
                    )
                    sent += 1
    return sent
