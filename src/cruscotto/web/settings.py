"""Django settings, read from the environment.

Every setting that varies between installations comes from an environment
variable (or a ``.env`` file named by ``CRUSCOTTO_ENV_FILE``), read through
django-environ's typed helpers, which fail loudly on a bad value. Defaults are
the embedded ones: SQLite in ``var/``, Italian, DEBUG off.

Demo mode (``CRUSCOTTO_DEMO=1``, set by ``make run``) only allows the demo
users with password ``demo`` to be created; production settings refuse it
together with DEBUG off and a missing secret key.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/cruscotto

env = environ.Env()
if env.str("CRUSCOTTO_ENV_FILE", default=""):
    environ.Env.read_env(env.str("CRUSCOTTO_ENV_FILE"))

_TRUE = {"1", "true", "yes", "si", "sì", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: django-environ reads any unknown word as False; we refuse it."""
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} non è un valore vero/falso (usare 1/0, true/false, si/no)")


VAR_DIR = Path(env.str("CRUSCOTTO_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Uploads larger than Django keeps in memory are written here while they arrive, not in the
# system's /tmp: what a killed process leaves is found and removed by `accoda pulizia`.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads" / "in-arrivo")
# The largest request read at all: one 10 MB plan file and its form (web/dimensione.py).
CRUSCOTTO_MAX_REQUEST_BYTES = env.int("CRUSCOTTO_MAX_REQUEST_BYTES", default=11 * 1024 * 1024)
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("CRUSCOTTO_DEBUG", False)
DEMO = env_bool("CRUSCOTTO_DEMO", False)
# Debug pages never show a credential, in any mode (web/reporting.py); they exist only with
# CRUSCOTTO_DEBUG, never because of CRUSCOTTO_DEMO alone.
DEFAULT_EXCEPTION_REPORTER_FILTER = "cruscotto.web.reporting.Filter"


def _secret_key() -> str:
    key = env.str("CRUSCOTTO_SECRET_KEY", default="")
    if key:
        return key
    if not (DEBUG or DEMO):
        raise ImproperlyConfigured("CRUSCOTTO_SECRET_KEY è obbligatoria fuori dalla modalità demo/debug")
    # Demo and development: a key made on this machine, kept out of the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("CRUSCOTTO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CRUSCOTTO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cruscotto.performance",  # first: its templates (404, 500, base) win over the theme's
    "cruscotto.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",  # login throttling: failed attempts per username and address (docs/security.md)
    "ninja",  # the REST API's interactive docs (Swagger UI files served locally)
    "django_tasks",  # Django's Tasks API (the backport of django.tasks, Django 6)
    "django_tasks_db",  # its database queue and worker (`manage.py db_worker`), SQLite and PostgreSQL
    "bootstrap_italia_template",  # static files of Bootstrap Italia only; its base template is not used
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cruscotto.web.middleware.ItalianFirstLocaleMiddleware",
    "cruscotto.performance.middleware.EngineLanguageMiddleware",  # the engine in the same language
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads the form: a request larger than any upload is refused
    # unread (web/dimensione.py), a NUL wherever it is (web/nul.py).
    "cruscotto.web.dimensione.RequestSizeMiddleware",
    "cruscotto.web.nul.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cruscotto.web.middleware.PolicyOnceCSPMiddleware",  # django-csp's, its header written once per process
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: it answers for locked-out logins
]
# First: it times the whole request and logs it (web/logs.py).
MIDDLEWARE.insert(0, "cruscotto.web.logs.RequestLogMiddleware")

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only,
# nothing inline (no <script> or style attribute in a page: behaviours live in
# cruscotto/cruscotto.js, sizes in cruscotto.css). ``data:`` images are the SVG icons inside
# Bootstrap Italia's and Swagger UI's stylesheets; ``data:`` fonts, one icon font of theirs.
# Pages are never framed (frame-ancestors, as X-Frame-Options). docs/security.md.
# One inline style is allowed by its hash: the three rules Bootstrap Italia's bundle writes
# for its YouTube player on every page, unconditionally (tests/attacks/test_csp.py recomputes
# the hash from the bundle, so an upgrade that changes them fails there, not in a browser).
BOOTSTRAP_ITALIA_STYLE_HASH = "'sha256-2irhcufRPQSZQZlPcQHSTEybF70/fg05aUNPkk/YE0Y='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", BOOTSTRAP_ITALIA_STYLE_HASH],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Staff counts from 1 to this minus one are shown as "< 3" (and what would give them away as
# "riservato") in documents, in the API and on the pages of every role but the amministratore
# (engine/riservatezza.py; docs/personale.md). 1 shows every count.
# Rows per page of the monitoring list (and of its multiple-entry form): a plan of thousands of
# indicators in one page would be megabytes of HTML (docs/web.md).
CRUSCOTTO_RIGHE_PER_PAGINA = env.int("CRUSCOTTO_RIGHE_PER_PAGINA", default=100)
if CRUSCOTTO_RIGHE_PER_PAGINA < 10:
    raise ImproperlyConfigured("CRUSCOTTO_RIGHE_PER_PAGINA: un numero intero da 10 in su (100 di norma)")
CRUSCOTTO_SOGLIA_RISERVATEZZA = env.int("CRUSCOTTO_SOGLIA_RISERVATEZZA", default=3)
if CRUSCOTTO_SOGLIA_RISERVATEZZA < 1:
    raise ImproperlyConfigured("CRUSCOTTO_SOGLIA_RISERVATEZZA: un numero intero da 1 in su (3 di norma)")
# Benchmarking across enti (docs/confronto.md): the enti's attributes clusters are formed by,
# and the fewest enti a cluster needs to show its aggregates (fewer would nearly name them).
CRUSCOTTO_CONFRONTO_ATTRIBUTI = env.list(
    "CRUSCOTTO_CONFRONTO_ATTRIBUTI", default=["classe_dimensionale", "regione", "accorpata"]
)
CRUSCOTTO_CONFRONTO_MINIMO = env.int("CRUSCOTTO_CONFRONTO_MINIMO", default=5)
if CRUSCOTTO_CONFRONTO_MINIMO < 1:
    raise ImproperlyConfigured("CRUSCOTTO_CONFRONTO_MINIMO: un numero intero da 1 in su (5 di norma)")

ROOT_URLCONF = "cruscotto.web.urls"
WSGI_APPLICATION = "cruscotto.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cruscotto.performance.context.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cruscotto.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CRUSCOTTO_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite, the embedded default, with several web processes and a worker: WAL lets readers
    # go on while one writes; a write waits for the lock (busy timeout) instead of failing with
    # "database is locked"; and a transaction takes the write lock when it begins (IMMEDIATE),
    # so two read-then-write transactions never deadlock on upgrading their locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process caches. ``pagine`` keeps rendered page bodies (performance/fragments.py) under
# keys that change with the plan and its values, so a worker never serves a stale one and
# nothing needs to be shared between workers. Bounded by entries: a body of the demo plan is
# 15-65 KB, one of a 5,000-indicator plan up to 4 MB.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pagine": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pagine",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env.int("CRUSCOTTO_PAGE_CACHE_ENTRIES", default=100)},
    },
    # The base template's fragments ({% cache … using="frammenti" %}: the links of <head>, the
    # header's menu, the footer), a few KB each, keyed by what they show (language, path, plan
    # revision, roles). Always in-process, also with CRUSCOTTO_CACHE_URL: reading one from Redis
    # cost a network round trip on every page for what each process renders once (issue 16).
    # Apart from ``pagine`` so that the many small fragments never push out a page body.
    "frammenti": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "frammenti",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},  # a header is about 5 KB: at most ~5 MB a process
    },
    # The page around a cached body, per reader, page and plan revision (performance/fragments.py
    # page()): about 10 KB each, in-process for the same reason as ``frammenti``.
    "cornici": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cornici",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# The shared cache (CRUSCOTTO_CACHE_URL, redis://host:6379/0): what several web processes and
# machines must agree on or should compute once: the API's throttling counts, each plan's values
# for benchmarking across enti (performance/confronto.py), the engine plans and scores of large
# plans (selectors._condiviso) and the page bodies (fragments.py), so that a process just started
# reads them instead of computing them. Without it, each process keeps its own (fine for one
# machine with one web process; docs/deployment.md). ``pagine`` stays in-process first: a body is
# read from the shared cache once per process, not at every request.
CRUSCOTTO_CACHE_URL = env.str("CRUSCOTTO_CACHE_URL", default="")
if CRUSCOTTO_CACHE_URL:
    if not CRUSCOTTO_CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CRUSCOTTO_CACHE_URL: un indirizzo Redis (redis://host:6379/0)")
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CRUSCOTTO_CACHE_URL,
        "KEY_PREFIX": env.str("CRUSCOTTO_CACHE_PREFIX", default="cruscotto"),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # years must read 2020; numbers are grouped by our filters

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Files made by jobs (documents, packages) go through Django's storage API: a folder by default;
# any other store (an S3-compatible one with django-storages) by CRUSCOTTO_STORAGE_BACKEND and
# CRUSCOTTO_STORAGE_OPTIONS (JSON), docs/deployment.md.
MEDIA_ROOT = Path(env.str("CRUSCOTTO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str("CRUSCOTTO_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("CRUSCOTTO_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions and model backend, with the two reads every page makes written once (web/hot.py).
# django-axes' backend goes first: it refuses a locked-out username before any password is checked.
SESSION_ENGINE = "cruscotto.web.hot"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "cruscotto.web.hot.Backend"]

# Login throttling: after CRUSCOTTO_LOGIN_FAILURES wrong passwords for one username from one
# address, that pair is refused for CRUSCOTTO_LOGIN_LOCKOUT_MINUTES (429 and a page that says
# so). By pair, not by username alone, so that nobody can lock a colleague out from elsewhere.
# API tokens are not passwords and are not throttled here.
AXES_FAILURE_LIMIT = env.int("CRUSCOTTO_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CRUSCOTTO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying (many usernames from one address) is counted apart, with its own, higher
# limit, so that an office behind one address is not locked out by a few typos (web/accounts.py).
CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS = env.int("CRUSCOTTO_LOGIN_FAILURES_PER_ADDRESS", default=30)
# API calls per token (api/limiti.py): "600/m", "10000/h"; empty for none.
CRUSCOTTO_API_RATE = env.str("CRUSCOTTO_API_RATE", default="600/m")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/bloccato.html"
AXES_VERBOSE = False
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() <= 0:
    raise ImproperlyConfigured(
        "CRUSCOTTO_LOGIN_FAILURES e CRUSCOTTO_LOGIN_LOCKOUT_MINUTES devono essere maggiori di zero"
    )

# HTTPS: on by default outside debug and demo (the production settings). Cookies only over
# HTTPS, HTTP redirected to HTTPS (but /healthz, for load balancers that probe plain HTTP),
# HSTS for a year. Behind a proxy that terminates TLS, CRUSCOTTO_PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto header (only if the proxy sets it on every request).
HTTPS = env_bool("CRUSCOTTO_HTTPS", not (DEBUG or DEMO))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/lavori$"]
SECURE_HSTS_SECONDS = env.int("CRUSCOTTO_HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CRUSCOTTO_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("CRUSCOTTO_HSTS_PRELOAD", True)
if env_bool("CRUSCOTTO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Long work (documents, packages) runs in the worker process, `manage.py db_worker` (docs/deployment.md):
# a queue in the database, on SQLite and PostgreSQL alike. Bounds: jobs waiting or running per
# user and in all; a running job that gives no sign of life for CRUSCOTTO_JOB_STALE_SECONDS
# (its worker was killed) ends failed and can be retried.
TASKS = {"default": {"BACKEND": env.str("CRUSCOTTO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
CRUSCOTTO_JOBS_PER_USER = env.int("CRUSCOTTO_JOBS_PER_USER", default=2)
CRUSCOTTO_JOBS_TOTAL = env.int("CRUSCOTTO_JOBS_TOTAL", default=8)
CRUSCOTTO_JOB_STALE_SECONDS = env.int("CRUSCOTTO_JOB_STALE_SECONDS", default=120)
CRUSCOTTO_JOB_HEARTBEAT_SECONDS = env.float("CRUSCOTTO_JOB_HEARTBEAT_SECONDS", default=10.0)
# The legal deadlines' days, moved for this installation: {"attestazione": "31/05", …}
# (performance/calendario.py, LEGALI); e-mail of the reminders: console by default.
CRUSCOTTO_CALENDARIO = env.json("CRUSCOTTO_CALENDARIO", default={})
EMAIL_BACKEND = env.str("CRUSCOTTO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("CRUSCOTTO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("CRUSCOTTO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("CRUSCOTTO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("CRUSCOTTO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("CRUSCOTTO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("CRUSCOTTO_EMAIL_FROM", default="cruscotto@localhost")
# A job waiting longer than this means no worker takes jobs: /healthz/lavori answers 503.
CRUSCOTTO_QUEUE_ALERT_SECONDS = env.int("CRUSCOTTO_QUEUE_ALERT_SECONDS", default=300)
# A plan file up to this size is checked and imported in the request; a larger one by the worker.
CRUSCOTTO_IMPORT_INLINE_BYTES = env.int("CRUSCOTTO_IMPORT_INLINE_BYTES", default=256 * 1024)

# Logs (web/logs.py): JSON lines in production, readable text in development and the demo.
LOG_FORMAT = env.str("CRUSCOTTO_LOG_FORMAT", default="text" if DEBUG or DEMO else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("CRUSCOTTO_LOG_FORMAT: json o text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cruscotto.web.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("CRUSCOTTO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        # Ours: requests, jobs, imports, logins (INFO), errors.
        "cruscotto": {
            "handlers": ["console"],
            "level": env.str("CRUSCOTTO_APP_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
