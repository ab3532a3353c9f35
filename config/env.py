"""
The one module that reads the process environment (STYLE.md 3.10).

Every variable read here is listed, with a comment, in ``.env.example``; a test checks it.
A ``.env`` file beside ``manage.py`` is read when present (development convenience);
real deployments set the environment.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
