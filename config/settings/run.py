"""
`make run`: the product on one machine. DEBUG off, served by gunicorn with uvicorn's worker
(docs/adr/0003), static files collected to var/static and served by whitenoise, the periodic
jobs and the outbox relay in `manage.py run_embedded`. Everything else comes from base.py,
so `DATABASE_URL=postgres://… make run` works as it does everywhere.
"""

import os

from config.env import BASE_DIR

os.environ.setdefault("DJANGO_DEBUG", "false")
# A secret key generated once into var/ (never committed) when none is set.
os.environ.setdefault("DJANGO_SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key"))

from config.env import env  # noqa: E402
from config.settings.base import *  # noqa: E402,F403
from config.settings.base import STORAGES  # noqa: E402

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line, with the request id (config/logs.py, docs/deploy.md).
from config.logs import json_logging  # noqa: E402

LOGGING = json_logging(env("LOG_LEVEL", default="INFO"))
