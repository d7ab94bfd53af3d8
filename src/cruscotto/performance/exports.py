"""Documents built in the background: a page does not wait, other users are not blocked.

The request reads what the document needs from the database (plan, values,
result) and hands the engine's values to a thread, which builds the file into
``VAR_DIR/exports``. The job's state is a small JSON file next to it, so any
worker process can answer "is it ready?" and serve the file. Files are kept
for a day.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings

KINDS = {
    "relazione": ("pdf", "docx", "xlsx"),
    "piano": ("pdf", "docx"),
    "monitoraggio": ("pdf", "docx", "xlsx"),
    "validazione": ("pdf", "docx"),
    "cruscotto": ("xlsx",),
    "opendata": ("zip",),
}
KEEP_SECONDS = 24 * 3600


def _dir() -> Path:
    d = Path(settings.VAR_DIR) / "exports"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _state_path(token: str) -> Path:
    return _dir() / f"{token}.json"


def write_state(token: str, **state) -> None:
    path = _state_path(token)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a file


def read_state(token: str) -> dict | None:
    if not token.isalnum():
        return None
    path = _state_path(token)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _cleanup() -> None:
    limit = time.time() - KEEP_SECONDS
    for p in _dir().iterdir():
        if p.stat().st_mtime < limit:
            p.unlink(missing_ok=True)


def start(*, kind: str, fmt: str, ente_id: int, user_id: int, filename: str, build) -> str:
    """Start ``build(path)`` in a thread; return the job's token."""
    _cleanup()
    token = secrets.token_hex(16)
    out = _dir() / f"{token}.{fmt}"
    write_state(token, status="running", stage="preparazione", ente=ente_id, user=user_id, filename=filename, fmt=fmt, kind=kind, started=time.time())

    def run():
        try:
            build(out, lambda stage: write_state(token, **{**read_state(token), "stage": stage}))
            write_state(token, **{**read_state(token), "status": "done", "stage": "pronto", "file": out.name, "seconds": round(time.time() - read_state(token)["started"], 2)})
        except Exception as exc:  # the page must say the build failed, not spin for ever
            write_state(token, **{**read_state(token), "status": "error", "stage": f"errore: {exc.__class__.__name__}"})

    threading.Thread(target=run, name=f"export-{token[:8]}", daemon=True).start()
    return token


def file_of(state: dict) -> Path:
    return _dir() / state["file"]
