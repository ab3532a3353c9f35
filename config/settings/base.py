"""
Everything, with safe defaults: SQLite, local files, in-process tasks (STYLE.md 3.10).

``dev.py``, ``test.py`` and ``prod.py`` override only a few values.
"""

import os
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from celery.schedules import crontab

from config.env import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: no CDN on a closed network
    "django_htmx",
    "axes",
    # Kaigong, lowest layer first (see pyproject.toml, import-linter).
    "kaigong.core",
    "kaigong.accounts",
    "kaigong.calendars",
    "kaigong.catalog",
    "kaigong.projects",
    "kaigong.certificates",
    "kaigong.cases",
    "kaigong.archives",
    "kaigong.documents",
    "kaigong.api",
    "kaigong.web",
    "kaigong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # perf: values read several times per request are read once (kaigong/core/request_cache.py)
    "kaigong.core.request_cache.RequestCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
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

# --- Cache, tasks ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# The embedded default runs tasks in-process; set CELERY_TASK_ALWAYS_EAGER=false with a broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, all in one place (STYLE.md 3.9); run by one `celery beat` at scale.
CELERY_BEAT_SCHEDULE = {
    "commitments-check-daily": {
        "task": "kaigong.cases.commitments_check",
        "schedule": crontab(hour=0, minute=30),
    },
    "archive-sweep-nightly": {
        "task": "kaigong.archives.archive_sweep",
        "schedule": crontab(hour=2, minute=0),
    },
    # Anchors the case histories: a signed checkpoint of every chain head (docs/lifecycle.md).
    "chain-checkpoint-hourly": {
        "task": "kaigong.cases.chain_checkpoint",
        "schedule": crontab(minute=17),
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kaigong.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kaigong.api.exception_handler.problem_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/minute"),
        "token": env("API_TOKEN_RATE", default="20/minute"),
        "track": env("API_TRACK_RATE", default="60/minute"),
    },
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
}

# --- Platform settings ----------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Kaigong@2026")
KAIGONG_CASE_NUMBER_PREFIX = env("KAIGONG_CASE_NUMBER_PREFIX", default="KG")
KAIGONG_WARNING_DAYS_DEFAULT = env.int("KAIGONG_WARNING_DAYS_DEFAULT", default=2)
# Private signing keys of the issuing departments: outside the database and the repository.
KAIGONG_KEY_DIR = env.path("KAIGONG_KEY_DIR", default=BASE_DIR / "var" / "keys")
# Make a department's key pair on first issuance (development); prod.py turns it off.
KAIGONG_KEYS_AUTO_CREATE = env.bool("KAIGONG_KEYS_AUTO_CREATE", default=True)
# Where private keys live: a dotted path to a keystore class (a signing server can replace it).
KAIGONG_KEYSTORE = env("KAIGONG_KEYSTORE", default="kaigong.certificates.keystore.FileKeyStore")
# The platform integrity key (SM2) that signs the case-history checkpoints and the archive
# package manifests: <KAIGONG_INTEGRITY_KEY_ID>.pem in KAIGONG_KEY_DIR, never the database.
KAIGONG_INTEGRITY_KEY_ID = env("KAIGONG_INTEGRITY_KEY_ID", default="platform-integrity")
# Its public key (hex 04‖x‖y), pinned so that verifiers never trust a key from the database or
# from the key directory alone; empty: read it from the key file (development).
KAIGONG_INTEGRITY_PUBLIC_KEY = env("KAIGONG_INTEGRITY_PUBLIC_KEY", default="")
# Absolute prefix of links printed in QR codes, e.g. https://kaigong.gov.example
KAIGONG_PUBLIC_BASE_URL = env("KAIGONG_PUBLIC_BASE_URL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
