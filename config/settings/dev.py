"""Development: DEBUG on. Everything else comes from base.py."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: E402,F403
