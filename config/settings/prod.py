"""Production: hardening only. Everything that matters is in base.py and the environment."""

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

# Hashed, compressed file names: cached for ever by browsers and proxies (run collectstatic).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
KAIGONG_KEYS_AUTO_CREATE = env.bool("KAIGONG_KEYS_AUTO_CREATE", default=False)  # use the command

# One JSON object per log line, with the request id (config/logs.py, docs/deploy.md).
from config.logs import json_logging  # noqa: E402

LOGGING = json_logging(env("LOG_LEVEL", default="INFO"))
# Probes and the scraper speak plain HTTP to the node (docs/deploy.md#observability).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
