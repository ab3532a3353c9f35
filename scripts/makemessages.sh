#!/usr/bin/env bash
# Refresh kaigong/<app>/locale/zh_Hans/LC_MESSAGES/django.po for every app (GNU gettext needed).
set -euo pipefail
cd "$(dirname "$0")/.."
for app in kaigong/*/; do
  [ -f "$app/apps.py" ] || continue
  (cd "$app" && ../../.venv/bin/django-admin makemessages -l zh_Hans --no-obsolete >/dev/null)
done
