#!/usr/bin/env bash
# The committed OpenAPI schema must equal the generated one (STYLE.md 3.8).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py spectacular \
  --file "$tmp" --validate --fail-on-warn
if ! diff -u docs/api/openapi.yaml "$tmp" >/dev/null; then
  diff -u docs/api/openapi.yaml "$tmp" | head -40
  echo "docs/api/openapi.yaml is out of date: run 'make schema' and commit it." >&2
  exit 1
fi
