#!/usr/bin/env bash
# `make bench`: every benchmark with its budget. Figures are recorded in docs/benchmarks.md.
set -uo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.dev
status=0
for cmd in $(.venv/bin/python manage.py help --commands 2>/dev/null | grep '^bench_'); do
  echo "== $cmd"
  .venv/bin/python manage.py "$cmd" || status=1
done
exit $status
