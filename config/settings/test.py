"""Tests: fast hashers, eager tasks, local memory cache. Database from TEST_DATABASE_URL."""

import os
from datetime import timedelta

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from config.env import env  # noqa: E402
from config.settings.base import *  # noqa: E402,F403
from config.settings.base import (  # noqa: E402
    BASE_DIR,
    REST_FRAMEWORK,
    REST_KNOX,
    postgres_pool,
    postgres_prepared_statements,
)

DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'test.sqlite3'}")
}
# perf: the benchmarks' gunicorn keeps its connections, as production does (base.py)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# the tests connect directly; the benchmarks' servers pool as production does (DATABASE_POOL=1)
postgres_pool(DATABASES["default"], default=False)
postgres_prepared_statements(DATABASES["default"])  # as production binds and prepares
# The SPGL front database as a second alias (docs/exchange.md): a database of its own beside
# the test database (created only for the tests that ask for it, never migrated); the
# exchange tests point KAIGONG_EXCHANGE_DATABASE at it.
DATABASES["exchange"] = {
    **DATABASES["default"],
    "NAME": f"{DATABASES['default']['NAME']}_front".replace(".sqlite3_front", "-front.sqlite3"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "test-media" / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK}
# Most tests read a case's certificates right after its last decision: render them in the
# deciding transaction. The after-commit path (production's) is tested on its own
# (kaigong/certificates/tests/services/test_render_after_commit.py, the query budget), and
# the workflow benchmark's gunicorn sets KAIGONG_CERTIFICATES_RENDER_INLINE=false.
KAIGONG_CERTIFICATES_RENDER_INLINE = env.bool("KAIGONG_CERTIFICATES_RENDER_INLINE", default=True)
KAIGONG_KEY_DIR = BASE_DIR / "var" / "test-keys"
# the test process keeps CPython's collector (tests that import config.asgi would freeze it)
KAIGONG_GC_TUNING = False
STATIC_ROOT = None  # tests never collect static files
# Tests travel in time (time_machine) with tokens made before the jump: a long lifetime here;
# kaigong/api/tests/test_auth_token.py overrides it to test expiry.
REST_KNOX = {**REST_KNOX, "TOKEN_TTL": timedelta(days=3650)}
