"""`make run` settings: DEBUG off, a secret key made once into var/, hashed static files."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from config.settings.base import _secret_key_from_file

ROOT = Path(__file__).resolve().parent.parent


def test_the_secret_key_is_made_once_private_and_then_reused(tmp_path):
    path = tmp_path / "var" / "secret_key"

    first = _secret_key_from_file(path)
    second = _secret_key_from_file(path)

    assert len(first) >= 50
    assert second == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_run_settings_load_without_a_secret_key_and_serve_like_production(tmp_path):
    # given no DJANGO_SECRET_KEY and no DEBUG in the environment
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.run",
        DJANGO_SECRET_KEY_FILE=str(tmp_path / "secret_key"),
    )
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECRET_KEY, s.ALLOWED_HOSTS, "
        "s.STORAGES['staticfiles']['BACKEND'], s.KAIGONG_WORKER, str(s.STATIC_ROOT)]))"
    )

    # when the settings of `make run` load
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )

    # then DEBUG is off, the key comes from the file, static files are hashed and compressed
    assert out.returncode == 0, out.stderr
    debug, key, hosts, storage, worker, static_root = json.loads(out.stdout.splitlines()[-1])
    assert debug is False
    assert key == (tmp_path / "secret_key").read_text().strip()
    assert {"127.0.0.1", "localhost"} <= set(hosts)
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert worker == "embedded"
    assert static_root.endswith("var/static")
