"""
Everything, with safe defaults: SQLite, local files, in-process tasks (STYLE.md 3.10).

``dev.py``, ``test.py`` and ``prod.py`` override only a few values.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from celery.schedules import crontab

from config.env import BASE_DIR, env


def _secret_key_from_file(path: Path) -> str:
    """Read the key kept in ``path``; make one (mode 0600) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(get_random_secret_key())
    return path.read_text(encoding="utf-8").strip()


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# One machine (config/settings/run.py): a key generated once into this file, never committed.
SECRET_KEY_FILE = env("DJANGO_SECRET_KEY_FILE", default="")
if not SECRET_KEY and SECRET_KEY_FILE:
    SECRET_KEY = _secret_key_from_file(Path(SECRET_KEY_FILE))
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = get_random_secret_key()  # development only; sessions reset on restart

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: hashed, expiring, revocable (docs/adr/0004-proxies-tokens-headers.md)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: no CDN on a closed network
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Kaigong, lowest layer first (see pyproject.toml, import-linter).
    "kaigong.core",
    "kaigong.accounts",
    "kaigong.credit",
    "kaigong.calendars",
    "kaigong.catalog",
    "kaigong.projects",
    "kaigong.certificates",
    "kaigong.cases",
    "kaigong.archives",
    "kaigong.documents",
    "kaigong.assistance",
    "kaigong.feedback",
    "kaigong.supervision",
    "kaigong.integrations",
    "kaigong.marketplace",
    "kaigong.postapproval",
    "kaigong.inspections",
    "kaigong.api",
    "kaigong.web",
    "kaigong.demo",
    "benchmarks",  # `make bench` (docs/benchmarks.md): commands only, outside the domain
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # a request id in every log line and answer; request latency for /metrics
    "kaigong.integrations.observability.RequestIdMiddleware",
    # NUL/surrogates in URLs and headers → 400, oversized API bodies → 413 unread, and every
    # API error as a problem document (kaigong/api/middleware.py)
    "kaigong.api.middleware.RequestSanitizingMiddleware",
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy; Cache-Control: no-store on authenticated answers and documents
    "kaigong.core.security_headers.SecurityHeadersMiddleware",
    # perf: values read several times per request are read once (kaigong/core/request_cache.py)
    "kaigong.core.request_cache.RequestCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaigong.core.refusals.RefusedWriteAuditMiddleware",  # 403/404/409 to a write → audit
    "django_otp.middleware.OTPMiddleware",
    "kaigong.web.otp.StaffOtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# Error pages of our own (config/urls.py handlers); a refused CSRF check gets our 403 page.
CSRF_FAILURE_VIEW = "kaigong.web.views.csrf_failure"

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False


def postgres_pool(database: dict, *, default: bool) -> None:
    """
    PostgreSQL through Django's connection pool (psycopg_pool) instead of persistent
    connections, when ``DATABASE_POOL`` (default: ``default``). Under the ASGI server
    (uvicorn's worker, docs/adr/0003) each request runs its view in a thread of its own, so
    a persistent connection per thread piles up until PostgreSQL refuses clients ("too many
    clients already", seen in bench_workflow at 8 clients); a pool per process bounds them
    (``DATABASE_POOL_MAX_SIZE`` per web process) and hands them back after each request.
    """
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    if env.bool("DATABASE_POOL", default=default):
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections (Django requires 0)
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }


def postgres_prepared_statements(database: dict) -> None:
    """
    PostgreSQL binds the parameters itself (``server_side_binding``) and psycopg prepares a
    statement once a connection has run it ``DATABASE_PREPARE_THRESHOLD`` times (psycopg's
    5): PostgreSQL then parses and plans it once per connection instead of on every request.
    On one machine the database shares the cores with the web processes; a transition costs
    the database 30–52 % less CPU so (docs/adr/0006). ``DATABASE_SERVER_SIDE_BINDING``
    (default on) turns it off, e.g. behind a transaction-pooling PgBouncer older than 1.21.
    """
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = env.int("DATABASE_PREPARE_THRESHOLD", default=5)


if env("EXCHANGE_DATABASE_URL", default=""):
    # the provincial SPGL front database (docs/exchange.md); never migrated by Django
    DATABASES["exchange"] = env.db("EXCHANGE_DATABASE_URL")
DATABASE_ROUTERS = ["kaigong.integrations.routers.ExchangeRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # perf: WAL and a busy timeout let the embedded default serve a few users at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    postgres_pool(DATABASES["default"], default=True)
    postgres_prepared_statements(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
SESSION_COOKIE_AGE = env.int("SESSION_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the timeout counts from the last request, not the login
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login lockout (django-axes): after N failures for a user name from one address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kaigong.web.views.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "kaigong.core.client_ip.client_ip"

# Reverse proxies in front of the web nodes that append to X-Forwarded-For (deploy/nginx.conf:
# one). 0 = no proxy: the header is ignored and REMOTE_ADDR is the client. Only the entry the
# outermost trusted proxy appended is used, so a forged header never changes the address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Second factor (TOTP, django-otp) for staff: enrol at /accounts/otp/, verify at every login.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Kaigong 开工")

# Content-Security-Policy (django-csp 4): no inline script or style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Camera, microphone and location only for this site (the video inspection will use them);
# fullscreen for this site; every other feature off. Only features chromium recognises.
PERMISSIONS_POLICY = {
    "camera": "self",
    "microphone": "self",
    "geolocation": "self",
    "payment": "",
    "usb": "",
    "serial": "",
    "midi": "",
    "accelerometer": "",
    "gyroscope": "",
    "magnetometer": "",
    "fullscreen": "self",
    "display-capture": "",
    "autoplay": "",
    "encrypted-media": "",
    "picture-in-picture": "",
    "publickey-credentials-get": "",
    "screen-wake-lock": "",
    "xr-spatial-tracking": "",
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kaigong" / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Shanghai")  # the administration's local zone
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")  # never served directly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded application materials: outside any served directory, read only through views
    # that check permission. At scale: S3-compatible storage through django-storages.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.path.join(str(MEDIA_ROOT), "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# API bodies other than multipart uploads (JSON): refused from Content-Length (413) above this.
KAIGONG_API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
# Deepest nesting of objects/arrays accepted in a JSON body (deeper: 400 body_too_deep).
KAIGONG_API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

# --- Cache, tasks ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def redis_cache(url: str) -> dict:
    """
    The cache on Redis (django-redis). Connection errors are ignored and logged: with Redis
    down, cached values are computed again and throttles let requests through, never a 500.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # a warning for each call while Redis is away
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# The embedded default runs tasks in-process; set CELERY_TASK_ALWAYS_EAGER=false with a broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# --- Deferred and periodic work (docs/deploy.md; kaigong/core/scheduler.py, relay.py) ------
# embedded: `manage.py run_embedded` (started by `make run`) runs the periodic jobs below and
# the outbox relay on this machine. celery: workers and one `celery beat` run the same list,
# and each commit that writes an outbox message sends a relay task.
KAIGONG_WORKER = env("KAIGONG_WORKER", default="embedded" if CELERY_TASK_ALWAYS_EAGER else "celery")
if KAIGONG_WORKER not in ("embedded", "celery"):
    raise ImproperlyConfigured("KAIGONG_WORKER must be 'embedded' or 'celery'.")
KAIGONG_RELAY_INTERVAL_SECONDS = env.int("KAIGONG_RELAY_INTERVAL_SECONDS", default=5)
KAIGONG_RELAY_MAX_ATTEMPTS = env.int("KAIGONG_RELAY_MAX_ATTEMPTS", default=10)
KAIGONG_RELAY_BACKOFF_SECONDS = env.int("KAIGONG_RELAY_BACKOFF_SECONDS", default=10)
KAIGONG_RELAY_BACKOFF_MAX_SECONDS = env.int("KAIGONG_RELAY_BACKOFF_MAX_SECONDS", default=3600)
KAIGONG_RELAY_LEASE_SECONDS = 300  # a relay pass that dies frees the relay after this
# A served process freezes its start-up objects out of the collector's sight
# (kaigong/core/serving.py, docs/adr/0003); off keeps CPython's defaults
KAIGONG_GC_TUNING = env.bool("KAIGONG_GC_TUNING", default=True)
# --- Integrations (docs/integrations.md, docs/exchange.md) ----------------------------------
KAIGONG_WEBHOOK_TIMEOUT_SECONDS = env.float("KAIGONG_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
KAIGONG_WEBHOOK_ROTATION_OVERLAP_HOURS = env.int(
    "KAIGONG_WEBHOOK_ROTATION_OVERLAP_HOURS", default=72
)
# http:// endpoints only for tests and an intranet without TLS; production wants https
KAIGONG_WEBHOOK_ALLOW_HTTP = env.bool("KAIGONG_WEBHOOK_ALLOW_HTTP", default=False)
KAIGONG_ELICENCE_URL = env("KAIGONG_ELICENCE_URL", default="")  # empty: no e-licence push
KAIGONG_ELICENCE_TOKEN = env("KAIGONG_ELICENCE_TOKEN", default="")
KAIGONG_ELICENCE_TIMEOUT_SECONDS = env.float("KAIGONG_ELICENCE_TIMEOUT_SECONDS", default=10.0)
KAIGONG_ELICENCE_ADAPTER = "kaigong.integrations.elicence.HttpElicenceAdapter"
# The SPGL front database: a DATABASES alias ("exchange" when EXCHANGE_DATABASE_URL is
# set, else the default database) and, on PostgreSQL, a schema of its own.
KAIGONG_EXCHANGE_DATABASE = env("KAIGONG_EXCHANGE_DATABASE", default="")
KAIGONG_EXCHANGE_SCHEMA = env("KAIGONG_EXCHANGE_SCHEMA", default="spgl_front")
KAIGONG_EXCHANGE_INTERVAL_SECONDS = env.int("KAIGONG_EXCHANGE_INTERVAL_SECONDS", default=300)
# rule: a child row (matter, step, special procedure, commitment, intermediary service) is
# sent only once its parent row is accepted by the province (SJSCZT 3);
# docs/legal.md#spgl-exchange
KAIGONG_EXCHANGE_HOLD_CHILDREN = env.bool("KAIGONG_EXCHANGE_HOLD_CHILDREN", default=True)
# Observability (docs/deploy.md#observability): /readyz fails over this relay lag; /metrics
# answers loopback callers without a proxy, or this bearer token.
KAIGONG_READY_MAX_RELAY_LAG_SECONDS = env.int("KAIGONG_READY_MAX_RELAY_LAG_SECONDS", default=300)
KAIGONG_METRICS_TOKEN = env("KAIGONG_METRICS_TOKEN", default="")
PROMETHEUS_MULTIPROC_DIR = env("PROMETHEUS_MULTIPROC_DIR", default="")
# Provincial SSO (OIDC, kaigong/integrations/sso.py, docs/integrations.md#sso)
KAIGONG_OIDC_ENABLED = env.bool("KAIGONG_OIDC_ENABLED", default=False)
KAIGONG_OIDC_USCC_CLAIM = env("KAIGONG_OIDC_USCC_CLAIM", default="uscc")
KAIGONG_OIDC_STAFF_CLAIM = env("KAIGONG_OIDC_STAFF_CLAIM", default="preferred_username")
KAIGONG_OIDC_STAFF_FIELD = env("KAIGONG_OIDC_STAFF_FIELD", default="username")
# "all": password login for everyone; "staff": only staff log in with a password
KAIGONG_LOCAL_LOGIN = env("KAIGONG_LOCAL_LOGIN", default="all")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
# OIDC logout at the province (end_session) after ours; the ID token is kept for the hint
KAIGONG_OIDC_END_SESSION_ENDPOINT = env("KAIGONG_OIDC_END_SESSION_ENDPOINT", default="")
OIDC_STORE_ID_TOKEN = bool(KAIGONG_OIDC_END_SESSION_ENDPOINT)
# Provincial ticket login (kaigong/integrations/tickets.py): "" off, "cas" a CAS server
# validates the ticket, "md5" the platform signs the callback's parameters with a shared key
KAIGONG_TICKET_SSO = env("KAIGONG_TICKET_SSO", default="")
KAIGONG_CAS_SERVER_URL = env("KAIGONG_CAS_SERVER_URL", default="")
KAIGONG_TICKET_MD5_KEY = env("KAIGONG_TICKET_MD5_KEY", default="")
KAIGONG_TICKET_MD5_LOGIN_URL = env("KAIGONG_TICKET_MD5_LOGIN_URL", default="")
KAIGONG_TICKET_SUBJECT_PARAM = env("KAIGONG_TICKET_SUBJECT_PARAM", default="userid")
KAIGONG_TICKET_ISSUER = env("KAIGONG_TICKET_ISSUER", default="")
KAIGONG_TICKET_LOGOUT_URL = env("KAIGONG_TICKET_LOGOUT_URL", default="")
KAIGONG_TICKET_MAX_AGE_SECONDS = env.int("KAIGONG_TICKET_MAX_AGE_SECONDS", default=300)
KAIGONG_TICKET_TIMEOUT_SECONDS = env.float("KAIGONG_TICKET_TIMEOUT_SECONDS", default=10.0)
if KAIGONG_OIDC_ENABLED or KAIGONG_TICKET_SSO:
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "kaigong.integrations.sso.LocalLoginBackend",
    ]
    if KAIGONG_OIDC_ENABLED:
        AUTHENTICATION_BACKENDS.append("kaigong.integrations.sso.ProvincialOIDCBackend")
    if KAIGONG_TICKET_SSO:
        AUTHENTICATION_BACKENDS.append("kaigong.integrations.tickets.TicketBackend")
# Periodic jobs, all in one place (STYLE.md 3.9): the embedded runner and `celery beat` both
# read this list. Add an entry here to add a job (its task: a thin @shared_task).
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {
        "task": "kaigong.core.outbox_relay",
        "schedule": timedelta(seconds=KAIGONG_RELAY_INTERVAL_SECONDS),
    },
    "commitments-check-daily": {
        "task": "kaigong.cases.commitments_check",
        "schedule": crontab(hour=0, minute=30),
    },
    "archive-sweep-nightly": {
        "task": "kaigong.archives.archive_sweep",
        "schedule": crontab(hour=2, minute=0),
    },
    # Consultations about to lapse warn their expert (assistance).
    "assistance-deadlines-warn": {
        "task": "kaigong.assistance.deadlines_warn",
        "schedule": crontab(hour=7, minute=30),
    },
    # Pre-reviews (申报预审) about to pass their soft deadline warn the window and the helpers.
    "assistance-pre-reviews-warn": {
        "task": "kaigong.assistance.pre_reviews_warn",
        "schedule": crontab(hour=7, minute=35),
    },
    # Anchors the case histories: a signed checkpoint of every chain head (docs/lifecycle.md).
    "chain-checkpoint-hourly": {
        "task": "kaigong.cases.chain_checkpoint",
        "schedule": crontab(minute=17),
    },
    # Catch-up of the legal documents (受理通知书 … 决定书): an event whose on-commit listener
    # failed still has its PDF in the archive minutes later (docs/documents.md).
    "documents-issue-missing": {
        "task": "kaigong.documents.documents_issue_missing",
        "schedule": timedelta(minutes=5),
    },
    # 回访: each working morning the centres' callback lists (kaigong/feedback)
    "feedback-callback-lists-morning": {
        "task": "kaigong.feedback.callback_lists_build",
        "schedule": crontab(hour=7, minute=30),
    },
    "feedback-deadline-warnings-daily": {
        "task": "kaigong.feedback.deadline_warnings",
        "schedule": crontab(hour=8, minute=0),
    },
    # Supervision: figures refreshed, signals raised once, Friday's denial registers compiled.
    "supervision-sweep-hourly": {
        "task": "kaigong.supervision.sweep",
        "schedule": crontab(minute=41),
    },
    # Integrations (docs/integrations.md): expired certificates announced to the e-licence
    # library; the SPGL tables written to the provincial front database every few minutes.
    "elicence-expiry-daily": {
        "task": "kaigong.integrations.elicence_expiry",
        "schedule": crontab(hour=0, minute=45),
    },
    "exchange-export": {
        "task": "kaigong.integrations.exchange_export",
        "schedule": timedelta(seconds=KAIGONG_EXCHANGE_INTERVAL_SECONDS),
    },
    "credit-records-expire-daily": {
        "task": "kaigong.credit.records_expire",
        "schedule": crontab(hour=0, minute=40),
    },
    # 中介超市: registration close and choice time move the requests (docs/marketplace.md)
    "marketplace-requests-advance": {
        "task": "kaigong.marketplace.requests_advance",
        "schedule": crontab(minute="*/5"),
    },
    # 告知承诺 verification tasks and rectification deadlines (docs/postapproval.md)
    "postapproval-daily": {
        "task": "kaigong.postapproval.daily",
        "schedule": crontab(hour=1, minute=10),
    },
    # Reminds the site person and the inspectors a day before a video inspection's slot.
    "inspections-remind": {
        "task": "kaigong.inspections.inspections_remind",
        "schedule": timedelta(minutes=15),
    },
}
# 12345 hotline intake: a signed call older or newer than this is refused (replay window)
KAIGONG_HOTLINE_WINDOW_SECONDS = env.int("KAIGONG_HOTLINE_WINDOW_SECONDS", default=300)

# Serving the enterprise (kaigong/assistance, docs/assistance.md): working-day limits.
KAIGONG_QUESTION_ANSWER_WORKING_DAYS = env.int("KAIGONG_QUESTION_ANSWER_WORKING_DAYS", default=3)
KAIGONG_PREREVIEW_WORKING_DAYS = env.int("KAIGONG_PREREVIEW_WORKING_DAYS", default=3)
KAIGONG_ASSISTANCE_WARN_WORKING_DAYS = env.int("KAIGONG_ASSISTANCE_WARN_WORKING_DAYS", default=1)

# --- Video inspection (云踏勘): signalling over WebSockets, ICE/TURN (docs/inspections.md) ----
# One process (the embedded default): the in-memory channel layer. Several workers or hosts:
# Redis (channels-redis), so that the peers of one call meet whichever worker they reach.
CHANNEL_REDIS_URL = env("KAIGONG_CHANNEL_REDIS_URL", default="")
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer",
         "CONFIG": {"hosts": [CHANNEL_REDIS_URL]}}
        if CHANNEL_REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}  # fmt: skip
# RTCIceServer list as JSON, e.g. [{"urls": ["turn:turn.example.gov.cn:3478"], "username": …,
# "credential": …}]. Empty: host candidates only (a closed network where peers route).
KAIGONG_ICE_SERVERS = env.json("KAIGONG_ICE_SERVERS", default=[])
# The inspector's browser records the call in segments of this many seconds (MediaRecorder,
# one WebM file each), uploaded and hash-chained (kaigong/inspections/recording.py).
KAIGONG_CALL_SEGMENT_SECONDS = env.int("KAIGONG_CALL_SEGMENT_SECONDS", default=10)
# The largest segment accepted (bytes).
KAIGONG_CALL_SEGMENT_MAX_BYTES = env.int("KAIGONG_CALL_SEGMENT_MAX_BYTES", default=16 * 1024 * 1024)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kaigong.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "kaigong.api.parsers.JSONParser",
        "kaigong.api.parsers.FormParser",
        "kaigong.api.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kaigong.core.api.pagination.PageNumberPagination",
    "DEFAULT_METADATA_CLASS": "kaigong.api.metadata.OperationMetadata",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kaigong.api.exception_handler.problem_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/minute"),
        "token": env("API_TOKEN_RATE", default="20/minute"),
        "track": env("API_TRACK_RATE", default="60/minute"),
        "login_user": env("LOGIN_USER_RATE", default="10/minute"),
        # the public rating POST (好差评) and the 12345 intake, per address (kaigong/feedback)
        "feedback_rating": env("FEEDBACK_RATING_RATE", default="20/minute"),
        "hotline": env("HOTLINE_RATE", default="300/minute"),
    },
    # The same proxy depth as kaigong.core.client_ip, for DRF's stock throttles.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaigong 开工 API",
    "DESCRIPTION": (
        "工程建设项目审批服务平台 API. Errors are RFC 7807 problem documents with a stable "
        "`code`; objects that do not exist and objects you may not see are the same 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ComplaintCategoryEnum": "kaigong.feedback.constants.ComplaintCategory",
        "InspectionStatusEnum": "kaigong.inspections.constants.InspectionStatus",
        "InspectionStandardStatusEnum": "kaigong.inspections.constants.StandardStatus",
        "JointReviewStatusEnum": "kaigong.inspections.constants.ReviewStatus",
        "ReviewTopicEnum": "kaigong.inspections.constants.Topic",
        "OpinionSeverityEnum": "kaigong.inspections.constants.Severity",
        "FindingSeverityEnum": "kaigong.postapproval.constants.Severity",
    },
    # Every operation documents its problem+json answers (kaigong/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kaigong.api.schema.problem_responses",
    ],
}

# --- Platform settings ----------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Kaigong@2026")
KAIGONG_CASE_NUMBER_PREFIX = env("KAIGONG_CASE_NUMBER_PREFIX", default="KG")
KAIGONG_WARNING_DAYS_DEFAULT = env.int("KAIGONG_WARNING_DAYS_DEFAULT", default=2)
# Private signing keys of the issuing departments: outside the database and the repository.
KAIGONG_KEY_DIR = env.path("KAIGONG_KEY_DIR", default=BASE_DIR / "var" / "keys")
# Make a department's key pair on first issuance (development); prod.py turns it off.
KAIGONG_KEYS_AUTO_CREATE = env.bool("KAIGONG_KEYS_AUTO_CREATE", default=True)
# A decision commits before its certificates render: the outbox relay renders and signs them
# (kaigong/certificates/services/render.py; 生成中 until then). True renders them inside the
# deciding transaction instead (the tests, which read certificates right after a decision).
KAIGONG_CERTIFICATES_RENDER_INLINE = env.bool("KAIGONG_CERTIFICATES_RENDER_INLINE", default=False)
# Where private keys live: a dotted path to a keystore class (a signing server can replace it).
KAIGONG_KEYSTORE = env("KAIGONG_KEYSTORE", default="kaigong.certificates.keystore.FileKeyStore")
# The platform integrity key (SM2) that signs the case-history checkpoints and the archive
# package manifests: <KAIGONG_INTEGRITY_KEY_ID>.pem in KAIGONG_KEY_DIR, never the database.
KAIGONG_INTEGRITY_KEY_ID = env("KAIGONG_INTEGRITY_KEY_ID", default="platform-integrity")
# Its public key (hex 04‖x‖y), pinned so that verifiers never trust a key from the database or
# from the key directory alone; empty: read it from the key file (development).
KAIGONG_INTEGRITY_PUBLIC_KEY = env("KAIGONG_INTEGRITY_PUBLIC_KEY", default="")
# The key-encryption key (SM4, 32 hex characters) that seals the personal signing keys' private
# halves in the database (kaigong/certificates/personal.py); the same on every node, never in
# the database. Empty: the file personal-keys.kek in KAIGONG_KEY_DIR, made on first use when
# KAIGONG_KEYS_AUTO_CREATE (development).
KAIGONG_PERSONAL_KEY_KEK = env("KAIGONG_PERSONAL_KEY_KEK", default="")
# Absolute prefix of links printed in QR codes, e.g. https://kaigong.gov.example
KAIGONG_PUBLIC_BASE_URL = env("KAIGONG_PUBLIC_BASE_URL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # one line per request only in the JSON logs of run and prod (config/logs.py)
    "loggers": {"axes": {"level": "WARNING"}, "kaigong.request": {"level": "WARNING"}},
}
