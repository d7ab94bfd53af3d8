"""Make (or revoke) a REST API token for a user: the token is printed once, only its digest is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...audit import registra
from ...models import TokenAPI


class Command(BaseCommand):
    help = "Crea un token per l'API REST (stampato una volta sola) o, con --revoca, disattiva i token di un utente."

    def add_arguments(self, parser):
        parser.add_argument("utente")
        parser.add_argument("nome", nargs="?", default="token", help="a cosa serve (es. contabilità)")
        parser.add_argument("--revoca", action="store_true")

    def handle(self, *args, utente, nome, revoca, **options):
        user = get_user_model().objects.filter(username=utente).first()
        if user is None:
            raise CommandError(f"utente {utente!r} inesistente")
        if revoca:
            n = TokenAPI.objects.filter(utente=user, attivo=True).update(attivo=False)
            registra(user=None, azione="token.revoca", oggetto=utente, dopo={"revocati": n})
            self.stdout.write(f"{n} token revocati")
            return
        token = secrets.token_urlsafe(32)
        TokenAPI.objects.create(utente=user, nome=nome, digest=hashlib.sha256(token.encode()).hexdigest())
        registra(user=None, azione="token.crea", oggetto=utente, dopo={"nome": nome})
        self.stdout.write(token)
